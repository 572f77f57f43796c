"""What a copy of the database, its write-ahead log and the logs keep of an anonymous
report and its live chat, sent right after one student's named login: nothing that links
them to that student (no shared id, no time finer than the hour, no frame of the log
beside the login), and files only the app's user can read."""

import logging
import os
import stat
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from cyberbk import create_app
from cyberbk.accounts.models import User
from cyberbk.chat.models import ChatConnection
from cyberbk.chat.models import ChatRoom
from cyberbk.chat.services import presence
from cyberbk.common import database
from cyberbk.extensions import db
from cyberbk.problembox.models import ProblemMessage
from cyberbk.problembox.models import ProblemReport
from tests.conftest import AuthActions
from tests.test_chat import open_thread_with_code
from tests.test_chat_socket import ChatClient
from tests.test_problembox import send

REPORT = "LAPORAN-7d1e Aku dirundung di grup kelas."
PAGE_MESSAGE = "PESAN-HALAMAN-4b2a aku masih di sini"
SOCKET_MESSAGE = "PESAN-SOKET-91c3 tolong bu"
COUNSELOR_ANSWER = "JAWABAN-BK-5e80 Ibu membaca, kamu aman?"
MARKERS = (REPORT, PAGE_MESSAGE, SOCKET_MESSAGE, COUNSELOR_ANSWER)


def wal_frames(path):
    """The write-ahead log replayed frame by frame: [(page number, page bytes)]."""
    data = path.read_bytes() if path.exists() else b""
    if len(data) < 32:
        return []
    page_size = int.from_bytes(data[8:12], "big")
    frames, offset = [], 32
    while offset + 24 + page_size <= len(data):
        page_number = int.from_bytes(data[offset:offset + 4], "big")
        frames.append((page_number, data[offset + 24:offset + 24 + page_size]))
        offset += 24 + page_size
    return frames


def database_path(app):
    return Path(db.engine.url.database)


def on_the_hour(value):
    return value is None or (value.minute, value.second, value.microsecond) == (0, 0, 0)


@pytest.fixture
def anonymous_chat_after_a_login(app, school, caplog):
    """siswa.a logs in, then on the same phone sends a report without a name, opens its
    thread with the code, writes from the page and over the socket; a counselor answers."""
    caplog.set_level(logging.DEBUG)
    phone = app.test_client()
    AuthActions(phone).login("siswa.a")
    code = send(phone, REPORT)
    open_thread_with_code(phone, code)
    assert phone.post("/konseling/kotak/kirim", data={"body": PAGE_MESSAGE}).status_code == 303
    reporter = ChatClient(app, "k", http=phone)
    report_id = db.session.scalar(sa.select(ProblemReport.id))
    counselor = ChatClient(app, f"k{report_id}", "guru.b")
    assert reporter.send(SOCKET_MESSAGE)["ok"]
    assert counselor.send(COUNSELOR_ANSWER)["ok"]
    reporter.io.disconnect(namespace="/chat")
    counselor.io.disconnect(namespace="/chat")
    db.session.remove()
    return report_id, caplog


def test_the_write_ahead_log_keeps_no_frame_of_the_anonymous_chat(app, anonymous_chat_after_a_login):
    path = database_path(app)
    frames = wal_frames(path.with_name(path.name + "-wal"))
    for page_number, page in frames:
        for marker in MARKERS:
            assert marker.encode() not in page, (marker, page_number)


def test_anonymous_rows_share_no_id_with_the_student_and_keep_only_the_hour(
        app, anonymous_chat_after_a_login):
    report_id, _caplog = anonymous_chat_after_a_login
    student = db.session.scalar(sa.select(User).where(User.username == "siswa.a"))
    report = db.session.get(ProblemReport, report_id)
    assert report.author_id is None and on_the_hour(report.created_at)
    messages = db.session.scalars(sa.select(ProblemMessage)).all()
    assert {m.body for m in messages} == {PAGE_MESSAGE, SOCKET_MESSAGE, COUNSELOR_ANSWER}
    for message in messages:
        assert on_the_hour(message.created_at), message.body
        assert message.from_counselor or message.counselor_id is None
        assert message.counselor_id != student.id
    room = db.session.scalar(sa.select(ChatRoom).where(ChatRoom.report_id == report_id))
    assert on_the_hour(room.created_at)
    # No socket row of the reporter ever: presence of a thread lives in memory.
    assert db.session.scalars(sa.select(ChatConnection.user_id)).all() == []
    assert "report_id" not in {c.name for c in ChatConnection.__table__.columns}
    assert presence.reporter_sockets() == {}


def test_no_log_record_names_the_anonymous_chat(anonymous_chat_after_a_login):
    _report_id, caplog = anonymous_chat_after_a_login
    for record in caplog.records:
        text = record.getMessage()
        for marker in MARKERS:
            assert marker not in text


def test_a_copy_of_the_database_holds_no_deleted_socket_row(app, anonymous_chat_after_a_login):
    path = database_path(app)
    with db.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    content = path.read_bytes()
    # What a reporter's socket row would have held beside the thread: the socket's sid.
    # None was written, and secure_delete zeroes the counselor's deleted one.
    assert content.count(b"chat_connections") >= 1  # the schema, not a row
    for marker in MARKERS:
        assert content.count(marker.encode()) == 1, marker  # the live row, once


def test_sqlite_runs_with_secure_delete_and_a_bounded_log(app):
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_size_limit").scalar() == \
            database.JOURNAL_SIZE_LIMIT_BYTES
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_a_deleted_row_is_zeroed_in_the_database_file(app, school):
    from cyberbk.problembox import services as problembox

    report, _code = problembox.send_report("HAPUS-ac41 cerita yang dihapus")
    db.session.commit()
    db.session.delete(report)
    db.session.commit()
    with db.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    assert b"HAPUS-ac41" not in database_path(app).read_bytes()


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_the_instance_folder_is_0700_and_its_files_0600(app_config, tmp_path):
    instance = tmp_path / "instance"
    # As an older version left it: readable by everyone.
    (instance / "uploads" / "outreach").mkdir(parents=True)
    (instance / "uploads" / "outreach" / "materi.pdf").write_bytes(b"%PDF")
    (instance / "secret_key").write_text("x" * 64)
    for path in (instance, instance / "uploads", instance / "uploads" / "outreach"):
        path.chmod(0o755)
    for path in (instance / "secret_key", instance / "uploads" / "outreach" / "materi.pdf"):
        path.chmod(0o644)
    database = instance / "cyberbk.sqlite"
    app = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"})
    with app.app_context():
        db.create_all()
        db.session.execute(sa.text("CREATE TABLE probe (x)"))
        db.session.commit()
        db.session.remove()
        (instance / "uploads" / "logo.png").write_bytes(b"\x89PNG")
        assert mode(instance) == 0o700
        for folder in (instance / "uploads", instance / "uploads" / "outreach"):
            assert mode(folder) == 0o700
        for name in ("cyberbk.sqlite", "cyberbk.sqlite-wal", "cyberbk.sqlite-shm", "secret_key",
                     "uploads/logo.png", "uploads/outreach/materi.pdf"):
            assert mode(instance / name) == 0o600, name
        db.engine.dispose()


def test_a_new_database_file_is_created_0600(tmp_path):
    path = tmp_path / "new" / "cyberbk.sqlite"
    database.private_database_file(f"sqlite:///{path}")
    assert path.exists() and mode(path) == 0o600


def test_an_unrounded_datetime_is_not_on_the_hour():
    # The helper the tests above rely on.
    assert not on_the_hour(datetime(2026, 12, 6, 14, 23, 5))


def test_a_purged_story_leaves_no_frame_in_the_write_ahead_log(app, school):
    from datetime import timedelta

    from cyberbk.common.schooltime import utcnow
    from cyberbk.problembox import services as problembox
    from cyberbk.problembox.models import ReportStatus

    report, _code = problembox.send_report("PURGE-33f0 cerita lama")
    report.status, report.closed_at = ReportStatus.CLOSED, utcnow() - timedelta(days=400)
    db.session.commit()
    assert problembox.purge_closed(365) == 1
    db.session.commit()
    db.session.remove()
    path = database_path(app)
    for _page_number, page in wal_frames(path.with_name(path.name + "-wal")):
        assert b"PURGE-33f0" not in page
    assert b"PURGE-33f0" not in path.read_bytes()
