"""A long import is a job beside the serving loop (#23 §2): its progress in the database, its
hashing in native threads, and a file measured before it is parsed."""

import io
import threading

import gevent
import openpyxl
import pytest
import sqlalchemy as sa

from cyberbk.accounts import importer
from cyberbk.accounts import models as account_models
from cyberbk.accounts.models import User
from cyberbk.admin import services as admin_services
from cyberbk.common import jobs
from cyberbk.common import scheduling
from cyberbk.common import signals
from cyberbk.extensions import db
from cyberbk.serving import identity
from tests.test_import import SHEET_START
from tests.test_import import inline_row
from tests.test_import import with_sheet


@pytest.fixture
def app_config(app_config):
    # 3,000 hashes are the point, not their strength.
    return {**app_config, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1"}


def class_list(rows):
    lines = ["nama,kelas,nis"] + [f"Siswa Nomor {n},{7 + n % 3}{'ABCDE'[n % 5]},{50000 + n}"
                                  for n in range(rows)]
    return "\n".join(lines).encode()


def upload(client, data, filename="kelas.csv"):
    return client.post("/admin/impor", data={"file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def imported():
    """Accounts of class_list's students (their usernames are their NIS)."""
    return db.session.scalar(sa.select(sa.func.count(User.id)).where(User.username.like("5%")))


def test_a_3000_row_import_finishes_as_a_job_with_progress(client, auth, school, monkeypatch):
    steps = []
    advance = jobs.Job.advance
    monkeypatch.setattr(jobs.Job, "advance",
                        lambda job, done, total: steps.append((done, total)) or
                        advance(job, done, total))
    auth.login("operator")
    response = upload(client, class_list(3000))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.count('class="slip"') == 3000
    job = db.session.scalar(sa.select(jobs.Job))
    assert (job.kind, job.status, job.done, job.total) == ("import_people", jobs.Status.DONE,
                                                           3000, 3000)
    assert job.outcome == {"created": 3000}
    assert steps[0] == (1, 3000) and steps[-1] == (3000, 3000)
    assert imported() == 3000
    # The outcome stays; the passwords were shown once.
    again = client.get(f"/admin/impor/{job.id}").get_data(as_text=True)
    assert "3000 akun dibuat" in again and 'class="slip"' not in again


def test_a_running_import_shows_its_progress_and_is_polled(client, auth, school):
    job = jobs.Job(kind=admin_services.IMPORT_JOB, status=jobs.Status.RUNNING, done=1200,
                   total=3000, server="elsewhere", created_by_id=school["admin"].id)
    db.session.add(job)
    db.session.commit()
    auth.login("operator")
    page = client.get(f"/admin/impor/{job.id}").get_data(as_text=True)
    assert "<html" in page and "1200 dari 3000" in page
    assert 'hx-trigger="every 1s"' in page and "Muat ulang" in page
    polled = client.get(f"/admin/impor/{job.id}",
                        headers={"HX-Request": "true", "HX-Target": "import-progress"})
    assert "<html" not in polled.get_data(as_text=True)
    job.finish(created=3000)
    db.session.commit()
    done = client.get(f"/admin/impor/{job.id}",
                      headers={"HX-Request": "true", "HX-Target": "import-progress"})
    assert done.headers["HX-Refresh"] == "true"


def test_the_slips_are_only_for_the_operator_who_uploaded(client, auth, school, app):
    other = User(username="operator.b", full_name="Operator B", role=school["admin"].role)
    other.set_password("rahasia-123")
    db.session.add(other)
    db.session.commit()
    auth.login("operator.b")
    response = upload(client, class_list(3))
    job_id = db.session.scalar(sa.select(jobs.Job.id))
    auth.logout()
    auth.login("operator")
    page = client.get(f"/admin/impor/{job_id}").get_data(as_text=True)
    assert "3 akun dibuat" in page and 'class="slip"' not in page
    assert response.get_data(as_text=True).count('class="slip"') == 3


def test_an_import_cut_by_a_restart_says_so(client, auth, school, app):
    job = jobs.Job(kind=admin_services.IMPORT_JOB, status=jobs.Status.RUNNING,
                   server=identity(app))
    db.session.add(job)
    db.session.commit()
    signals.serving_started.send(app, server=identity(app))
    auth.login("operator")
    response = client.get(f"/admin/impor/{job.id}")
    assert "server dimulai ulang" in response.get_data(as_text=True)


def test_pages_answer_while_an_import_hashes(app, client, school, monkeypatch):
    """Under gevent: the import hashes in native threads, and a page is answered between
    two of its hashes (events in order; no timing)."""
    monkeypatch.setattr(scheduling, "gevent_active", lambda: True)
    events, hashing_threads = [], set()
    hash_password = account_models.generate_password_hash

    def spied_hash(password, method):
        hashing_threads.add(threading.get_ident())
        events.append("hash")
        return hash_password(password, method)

    monkeypatch.setattr(account_models, "generate_password_hash", spied_hash)
    finished = []

    def import_in_background():
        with app.app_context():
            importer.import_people("kelas.csv", class_list(200))
            db.session.rollback()
        finished.append(True)

    def visitor():
        while not finished:
            events.append(("page", client.get("/healthz").status_code))
            gevent.sleep(0)

    gevent.joinall([gevent.spawn(import_in_background), gevent.spawn(visitor)])
    assert threading.get_ident() not in hashing_threads
    first, last = events.index("hash"), len(events) - events[::-1].index("hash") - 1
    assert ("page", 200) in events[first:last]


def test_an_xlsx_that_expands_past_the_limit_is_refused_with_a_message(client, auth, school,
                                                                       monkeypatch):
    def never(*_args, **_kwargs):
        raise AssertionError("parsed")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    padding = (" " * 2**20 for _ in range(20))
    bomb = with_sheet([SHEET_START + "<sheetData>", *padding, "</sheetData></worksheet>"])
    auth.login("operator")
    response = upload(client, bomb, "kelas.xlsx")
    assert response.status_code == 400
    assert "terlalu besar setelah dibuka" in response.get_data(as_text=True)
    assert imported() == 0


def test_too_many_rows_are_refused_before_parsing(app, monkeypatch):
    def never(*_args, **_kwargs):
        raise AssertionError("parsed")

    monkeypatch.setattr(importer.csv, "reader", never)
    with pytest.raises(importer.ImportFileError, match="Paling banyak 3000 baris"):
        importer.import_people("kelas.csv", b"nama\n" + b"A\n" * (importer.MAX_LINES + 1))
    with pytest.raises(importer.ImportFileError, match="terlalu besar"):
        importer.import_people("kelas.csv", b"nama\n" + b"A" * importer.MAX_CSV_BYTES)
    # An .xlsx whose sheet declares more rows than a class list has: not a row is read.
    monkeypatch.setattr(openpyxl.worksheet._read_only.ReadOnlyWorksheet, "iter_rows", never)
    sheet = (SHEET_START + '<dimension ref="A1:B9000"/><sheetData>'
             + inline_row(1, "nama", "kelas") + "</sheetData></worksheet>")
    with pytest.raises(importer.ImportFileError, match="Paling banyak 3000 baris"):
        importer.import_people("kelas.xlsx", with_sheet(sheet))


def test_a_password_reset_hashes_off_the_loop(client, auth, school, monkeypatch):
    ran = []
    run = account_models.PASSWORD_THREADS.run
    monkeypatch.setattr(account_models.PASSWORD_THREADS, "run",
                        lambda function, *args: ran.append(function.__name__)
                        or run(function, *args))
    auth.login("operator")
    ran.clear()
    response = client.post(f"/admin/akun/{school['student_a'].id}/reset-sandi")
    assert response.status_code == 200
    assert ran == ["generate_password_hash"]
