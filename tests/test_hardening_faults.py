"""Faults: a busy, locked or full database answers 503 with a retry hint in Indonesian,
never a 500, and leaves no half-written record; a message queue that is down (Redis in
multi-process mode) leaves the pages working."""

import socket
import sqlite3
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from cyberbk import create_app
from cyberbk.accounts.models import Role
from cyberbk.booking.models import Booking
from cyberbk.booking.models import BookingStatus
from cyberbk.booking.models import Intake
from cyberbk.booking.services import slots
from cyberbk.chat.models import ChatMessage
from cyberbk.extensions import db
from cyberbk.problembox.models import ProblemMessage
from cyberbk.problembox.models import ProblemNote
from cyberbk.problembox.models import ProblemReport
from tests import factories
from tests import test_booking as booking_helpers
from tests.conftest import IsolatedClient

BUSY_TEXT = "Server sedang sibuk, jadi kiriman ini belum tersimpan."


@pytest.fixture
def app_config(app_config):
    # A writer waits this long for another writer before giving up: short, so tests are quick.
    app_config["SQLITE_BUSY_TIMEOUT_MS"] = 50
    return app_config


@contextmanager
def database_locked():
    """Another process holds the write lock, as a long backup or a stuck writer would."""
    holder = sqlite3.connect(db.engine.url.database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def count(*models):
    db.session.expire_all()
    return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(model))
                 for model in models)


def assert_busy_answer(response):
    assert response.status_code == 503, response.get_data(as_text=True)[:500]
    assert int(response.headers["Retry-After"]) > 0
    assert BUSY_TEXT in response.get_data(as_text=True)
    assert "no-store" in response.headers["Cache-Control"]


# Each write's setup returns how to send it and the tables it writes.

def poster(client, url, data):
    return lambda: client.post(url, data=data)


def report_write(school, client):
    return poster(client, "/kotak", {"body": "Aku takut pulang ke rumah."}), (ProblemReport,)


def booking_write(school, client):
    booking_helpers.open_all_week(school["counselor"])
    slot = booking_helpers.first_free_slot(school["counselor"])
    data = booking_helpers.intake_data(slots.slot_key(slot.counselor_id,
                                                      slot.starts_at))
    return poster(client, "/jadwal/isi", data), (Booking, Intake)


def note_write(school, client):
    report, _code = factories.make_report("Cerita untuk catatan")
    return (poster(client, f"/bk/kotak/{report.id}/catatan", {"note-body": "Catatan guru"}),
            (ProblemNote,))


def reply_write(school, client):
    report, code = factories.make_report("Cerita untuk balasan")
    assert client.post("/kotak/cek", data={"code": code}).status_code == 303
    return poster(client, "/kotak/cek/balas", {"body": "Balasan siswa"}), (ProblemMessage,)


def chat_write(school, client):
    booking = booking_helpers.make_booking(school["student_a"], school["counselor"],
                                           status=BookingStatus.CONFIRMED)
    return poster(client, f"/konseling/{booking.id}/kirim", {"body": "Halo Bu"}), (ChatMessage,)


WRITES = {
    "problem report": (None, report_write),
    "booking with intake": ("siswa.a", booking_write),
    "counselor note": ("guru.a", note_write),
    "reply in a thread": (None, reply_write),
    "chat message": ("siswa.a", chat_write),
}


@pytest.mark.parametrize("write", WRITES)
def test_a_locked_database_gets_a_503_and_the_write_succeeds_when_retried(client, auth, school,
                                                                         write):
    person, setup = WRITES[write]
    if person:
        auth.login(person)
    send, tables = setup(school, client)
    before = count(*tables)
    with database_locked():
        assert_busy_answer(send())
    assert count(*tables) == before
    retried = send()
    assert retried.status_code in (200, 302, 303), retried.get_data(as_text=True)[:500]
    assert count(*tables) != before


def test_login_while_the_database_is_locked_gets_a_503_and_no_session(client, auth, school):
    with database_locked():
        assert_busy_answer(auth.login("siswa.a"))
    assert client.get("/siswa").status_code == 302
    assert auth.login("siswa.a").status_code == 302


def test_htmx_requests_get_the_busy_message_as_a_fragment(client, school):
    with database_locked():
        response = client.post("/kotak", data={"body": "Cerita"},
                               headers={"HX-Request": "true", "HX-Target": "kotak-form"})
    assert_busy_answer(response)
    assert "<html" not in response.get_data(as_text=True)


@pytest.fixture
def disk_full(app):
    """disk_full(): from then on every commit fails as SQLite does when the disk is full.

    The driver raises inside COMMIT, after the rows were sent: exactly the moment
    where a careless handler would leave part of a record behind. Undone before the
    app's own teardown, which commits too.
    """
    dialect = db.engine.dialect

    def full(dbapi_connection):
        raise sqlite3.OperationalError("database or disk is full")

    def start():
        dialect.do_commit = full

    yield start
    vars(dialect).pop("do_commit", None)


def test_a_full_disk_keeps_no_half_of_a_booking_and_its_intake(client, auth, school, disk_full):
    auth.login("siswa.a")
    send, tables = booking_write(school, client)
    disk_full()
    assert_busy_answer(send())
    assert count(*tables) == (0, 0)


def test_a_full_disk_keeps_no_report_and_no_code_is_shown(client, school, disk_full):
    disk_full()
    assert_busy_answer(client.post("/kotak", data={"body": "Aku dirundung di kelas."}))
    assert count(ProblemReport) == (0,)
    # No follow-up code for a report that does not exist.
    assert "BK-" not in client.get("/kotak/terkirim").get_data(as_text=True)


def test_sqlite_running_out_of_room_is_a_503_and_keeps_every_acknowledged_report(client,
                                                                                 school):
    """SQLite's own SQLITE_FULL: the database may not grow past the pages it has now.
    Reports are sent until one no longer fits; every one acknowledged (the page with its
    code) is kept whole."""
    pages = db.session.execute(sa.text("PRAGMA page_count")).scalar()

    @sa.event.listens_for(db.engine, "connect")
    def cap(dbapi_connection, _record):
        dbapi_connection.execute(f"PRAGMA max_page_count={pages}")

    db.session.remove()
    db.engine.dispose()
    try:
        acknowledged = []
        for number in range(40):
            body = f"LAPORAN-{number:02d} " + "cerita panjang " * 190
            # A different phone each time: the per-client limit is not under test.
            response = client.post("/kotak", data={"body": body},
                                   environ_base={"REMOTE_ADDR": f"10.0.0.{number}"})
            if response.status_code != 200:
                break
            acknowledged.append(body.strip())
        assert_busy_answer(response)
        assert acknowledged, "the first report should still have fitted"
        db.session.expire_all()
        stored = db.session.scalars(sa.select(ProblemReport.body).order_by(ProblemReport.id))
        assert list(stored) == acknowledged
    finally:
        sa.event.remove(db.engine, "connect", cap)
        db.session.remove()
        db.engine.dispose()


def test_the_busy_answer_needs_no_database_to_render(app, client, school, monkeypatch):
    """Even when the page's own layout cannot read the database, the answer is a 503."""
    from cyberbk.main import routes as main_routes

    def unreachable():
        raise sa.exc.OperationalError("SELECT", {}, sqlite3.OperationalError("disk I/O error"))

    monkeypatch.setattr(main_routes, "get_settings", unreachable)
    response = client.get("/kotak")
    assert response.status_code == 503
    assert BUSY_TEXT in response.get_data(as_text=True)
    assert response.headers["Retry-After"]


def test_the_log_line_of_a_failed_write_holds_no_student_text(client, school, disk_full, caplog):
    disk_full()
    client.post("/kotak", data={"body": "RAHASIA-DI-LOG"})
    assert "database or disk is full" in caplog.text
    assert "RAHASIA-DI-LOG" not in caplog.text


# The message queue (Redis) of a multi-process deployment is down.

def closed_port():
    """A local port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def queue_down_app(app_config):
    config = dict(app_config, SOCKETIO_MESSAGE_QUEUE=f"redis://127.0.0.1:{closed_port()}/0")
    app = create_app(config)
    app.test_client_class = IsolatedClient
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def test_pages_and_plain_forms_work_while_the_message_queue_is_down(queue_down_app):
    student = factories.make_user(Role.STUDENT, "siswa.antre", "Siswa Antre")
    counselor = factories.make_user(Role.COUNSELOR, "guru.antre", "Guru Antre")
    booking = booking_helpers.make_booking(student, counselor, status=BookingStatus.CONFIRMED)
    client = queue_down_app.test_client()
    for url in ("/", "/kotak", "/login", "/jadwal", "/panduan", "/healthz"):
        assert client.get(url).status_code == 200, url
    assert client.post("/kotak", data={"body": "Tetap terkirim"}).status_code == 200
    assert client.post("/login", data={"username": "siswa.antre",
                                       "password": factories.PASSWORD}).status_code == 302
    assert client.get("/siswa").status_code == 200
    assert client.get(f"/konseling/{booking.id}").status_code == 200
    # The message is stored and the page answers, though nobody can be told live.
    assert client.post(f"/konseling/{booking.id}/kirim",
                       data={"body": "Pesan tanpa antrean"}).status_code in (200, 303)
    assert count(ChatMessage) == (1,)
    assert client.post("/logout").status_code == 303


def test_no_free_database_connection_is_a_503_not_a_500(app, client):
    """Seen at ten times a school's peak: the pool's 30 s wait ran out and the page was a 500."""
    import sqlalchemy.exc

    def exhausted():
        raise sqlalchemy.exc.TimeoutError("QueuePool limit of size 5 overflow 10 reached")

    app.add_url_rule("/_uji/kolam-penuh", view_func=exhausted)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/_uji/kolam-penuh")
    assert response.status_code == 503
    assert response.headers["Retry-After"]
