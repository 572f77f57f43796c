"""Bad input gets a message, never a 500 (#23 §4): each case once seen as a 500, on SQLite
and on PostgreSQL where the two differ. The generated inputs are in test_hardening_fuzz.py."""

import errno
import io
import logging
import shutil

import pytest
import sqlalchemy as sa
from wtforms import Form
from wtforms.fields import DateTimeField
from wtforms.fields import TimeField

from cyberbk.accounts import importer
from cyberbk.booking.models import AvailabilityException
from cyberbk.common.forms import InWindow
from cyberbk.dashboard import periods
from cyberbk.dashboard import targets
from cyberbk.extensions import db
from cyberbk.outreach import uploads
from cyberbk.outreach.models import ServicePlan
from cyberbk.problembox.models import ProblemReport
from tests.test_outreach import PLAN
from tests.test_outreach_uploads import PDF
from tests.test_outreach_uploads import material  # noqa: F401  (fixture)
from tests.test_outreach_uploads import upload

NUL_REFUSED = "karakter yang tidak bisa disimpan"


@pytest.mark.parametrize("path,data", [
    ("/kotak", {"body": "Aku dirundung\x00 di kelas setiap hari.", "field": ""}),
    ("/login", {"username": "siswa\x00.a", "password": "x"}),
])
def test_a_nul_byte_in_a_story_gets_a_message_on_postgresql(database, client, school, path,
                                                            data):
    response = client.post(path, data=data)
    assert response.status_code == 400
    assert NUL_REFUSED in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(ProblemReport.id))) == 0


def test_a_nul_byte_in_an_address_or_query_gets_a_message(database, client, school):
    for response in (client.get("/materi/a%00b"), client.get("/kotak", query_string={"x": "\x00"})):
        assert response.status_code == 400
        assert NUL_REFUSED in response.get_data(as_text=True)


def test_a_semester_target_of_zero_is_refused(client, auth, school):
    auth.login("guru.a")
    response = client.post("/bk/target", data={"individual_sessions": "0"})
    assert response.status_code == 400
    assert "Isi angka 1 atau lebih." in response.get_data(as_text=True)
    assert targets.targets_for(periods.current_semester()) == {}
    assert client.get("/bk/target").status_code == 200


def test_a_semester_target_of_zero_saved_before_shows_the_page(client, auth, school):
    targets.save_targets(periods.current_semester(), {"evaluation_score": 0.0},
                         school["counselor"])
    db.session.commit()
    auth.login("guru.a")
    assert client.get("/bk/target").status_code == 200


def test_a_new_rpl_left_at_dash_for_the_field_is_saved_without_one(database, client, auth,
                                                                   school):
    auth.login("guru.a")
    response = client.post("/bk/rpl/baru", data={**PLAN, "field": ""})
    assert response.status_code == 303
    assert db.session.scalar(sa.select(ServicePlan.field)) is None
    assert client.get(response.headers["Location"]).status_code == 200


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2200-01-01"])
def test_a_holiday_in_year_9999_is_refused(database, client, auth, school, day):
    auth.login("guru.a")
    response = client.post("/bk/jadwal/libur", data={"libur-first_day": day})
    assert response.status_code == 400
    assert "Tanggal di luar rentang" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(AvailabilityException.id))) == 0


def subclasses(cls):
    for subclass in cls.__subclasses__():
        yield subclass
        yield from subclasses(subclass)


def test_every_date_field_of_every_form_keeps_to_the_window(app):
    dates = [(form, name, field.field_class) for form in subclasses(Form)
             if form.__module__.startswith("cyberbk.")
             for name, field in vars(form).items()
             if issubclass(getattr(field, "field_class", object), DateTimeField)
             and not issubclass(field.field_class, TimeField)]
    assert len(dates) > 5, "the forms' dates were not found: the check below proves nothing"
    assert [f"{form.__name__}.{name}" for form, name, field_class in dates
            if not issubclass(field_class, InWindow)] == []


CLASS_LIST = "nama,kelas,nis\nSiti Aminah,7A,5001\nBudi Śantoso,7A,5002\n"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-8-sig", "cp1252"])
def test_a_utf16_class_list_is_read(app, encoding):
    text = CLASS_LIST if encoding != "cp1252" else CLASS_LIST.replace("Ś", "S")
    result = importer.import_people("kelas.csv", text.encode(encoding))
    assert result.ok, result.errors
    assert [row.full_name for row in result.rows] == ["Siti Aminah",
                                                      text.split("\n")[2].split(",")[0]]


@pytest.mark.parametrize("data", [
    bytes(range(256)) * 64,
    b"nama,kelas\n" + b"A" * 131_073 + b",7A\n",
    b"nama,kelas\n\"Siti,7A\n",
])
def test_a_class_list_of_random_bytes_or_a_huge_field_gets_a_message(client, auth, school,
                                                                     data):
    auth.login("operator")
    response = client.post("/admin/impor", data={"file": (io.BytesIO(data), "kelas.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    # The file's message under the field, or the rows' problems listed.
    assert 'class="error"' in page or "card-error" in page


@pytest.fixture
def full_disk(monkeypatch):
    """Writing a file fails as on a full disk, after the file was created: the case that
    left a 0-byte file behind."""

    def no_space(_source, _destination, *_args, **_kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(shutil, "copyfileobj", no_space)


def test_upload_on_a_full_disk_is_a_503_and_leaves_no_file(app, client, auth, material,
                                                           full_disk):  # noqa: F811
    auth.login("guru.a")
    before = sorted(uploads.folder().iterdir())
    response = upload(client, material, PDF, "materi.pdf")
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert "belum tersimpan" in response.get_data(as_text=True)
    assert sorted(uploads.folder().iterdir()) == before
    assert material.attachments == []


MALFORMED_FRAMES = ['42/chat,["send", {', "4", "49", "42/chat,1234567890123456789012345x",
                    '45-/chat,["send"]', "4x", '4' + '2' * 100]


def test_malformed_socketio_frames_log_one_short_line(app, client, caplog):
    opened = client.get("/socket.io/", query_string={"EIO": "4", "transport": "polling"})
    sid = opened.get_data(as_text=True).split('"sid":"', 1)[1].split('"', 1)[0]
    caplog.clear()
    with caplog.at_level(logging.INFO):
        for frame in MALFORMED_FRAMES * 20:
            client.post("/socket.io/", query_string={"EIO": "4", "transport": "polling",
                                                     "sid": sid}, data=frame)
    records = [r for r in caplog.records if r.name.startswith(("engineio", "socketio"))]
    assert len(records) == 1, [r.getMessage() for r in records]
    assert records[0].exc_info is None and len(records[0].getMessage()) < 200
