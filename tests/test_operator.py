"""The operator cannot quietly become a counselor (issue 17 §4), and backups are safe to
carry (§5): spec per role."""

import io
import os
import stat

import pytest
import sqlalchemy as sa

from cyberbk.accounts import services as accounts
from cyberbk.accounts.models import Role
from cyberbk.accounts.models import User
from cyberbk.admin import backup as backups
from cyberbk.audit.models import AppendOnly
from cyberbk.audit.models import AuditEntry
from cyberbk.chat.services import rooms as chat
from cyberbk.extensions import db
from tests import factories
from tests.conftest import AuthActions
from tests.test_chat import anonymous_report  # noqa: F401
from tests.test_chat import booking  # noqa: F401
from tests.test_chat import make_booking  # noqa: F401
from tests.test_chat import open_thread_with_code
from tests.test_chat_socket import ChatClient

PASSPHRASE = "kunci-lemari-bk-2026"
COUNSELING_PAGES = ("/bk/kotak", "/bk", "/bk/kasus", "/bk/jadwal", "/bk/kasus/rujukan", "/bk/asesmen",
                    "/data-siswa")


def entries(action):
    return db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)).all()


def login(app, username, password=factories.PASSWORD):
    client = app.test_client()
    AuthActions(client).login(username, password)
    return client


@pytest.fixture
def newcomer(school):
    """A counselor account the operator just made: nobody has vouched for it."""
    return factories.make_user(Role.COUNSELOR, "guru.baru", "Guru Baru", confirmed=False)


# 4. The operator cannot quietly become a counselor.

def test_operator_import_of_a_counselor_is_audited_and_the_account_waits(app, school):
    admin = login(app, "operator")
    csv = "nama,peran\nIbu Guru Palsu,guru bk\n".encode()
    response = admin.post("/admin/impor", data={"file": (io.BytesIO(csv), "orang.csv")},
                          content_type="multipart/form-data")
    assert response.status_code == 200
    imported = db.session.scalar(sa.select(User).where(User.full_name == "Ibu Guru Palsu"))
    assert imported.awaits_confirmation
    [entry] = entries("import")
    assert entry.actor_id == school["admin"].id and "1 di antaranya Guru BK" in entry.summary


@pytest.mark.parametrize("path", COUNSELING_PAGES)
def test_operator_cannot_read_reports_with_an_unconfirmed_counselor_account(app, newcomer,
                                                                           anonymous_report,  # noqa: F811
                                                                           path):
    response = login(app, "guru.baru").get(path)
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert "Akun Anda menunggu konfirmasi" in page
    assert "dirundung" not in page


def test_unconfirmed_counselor_gets_no_seat_at_a_thread_or_a_booking_chat(app, newcomer, school,
                                                                          anonymous_report,  # noqa: F811
                                                                          make_booking):  # noqa: F811
    report, _code = anonymous_report
    assert chat.counselor_thread_seat(newcomer, report) is None
    booking = make_booking(counselor=newcomer)
    assert chat.booking_seat(newcomer, booking) is None
    socket = ChatClient(app, f"k{report.id}", "guru.baru")
    assert not socket.connected


def test_counselor_confirms_a_new_counselor_on_their_home_and_it_is_audited(app, newcomer,
                                                                            school):
    counselor = login(app, "guru.a")
    home = counselor.get("/bk").get_data(as_text=True)
    assert "Akun Guru BK menunggu konfirmasi" in home and "guru.baru" in home
    response = counselor.post(f"/bk/guru-bk/{newcomer.id}/konfirmasi")
    assert response.status_code == 303
    db.session.refresh(newcomer)
    assert not newcomer.awaits_confirmation
    assert newcomer.counselor_confirmed_by_id == school["counselor"].id
    [entry] = entries("confirm_counselor")
    assert entry.actor_id == school["counselor"].id and entry.target_id == str(newcomer.id)
    assert login(app, "guru.baru").get("/bk/kotak").status_code == 200


@pytest.mark.parametrize("who", ["guru.baru", "operator", "wali.a", "siswa.a"])
def test_only_another_active_counselor_can_confirm(app, newcomer, who):
    response = login(app, who).post(f"/bk/guru-bk/{newcomer.id}/konfirmasi")
    assert response.status_code in (403, 404)
    db.session.refresh(newcomer)
    assert newcomer.awaits_confirmation


def test_a_counselor_role_given_to_an_existing_account_waits_for_confirmation_again(app, school):
    teacher = school["homeroom_a"]
    teacher.role = Role.COUNSELOR
    db.session.commit()
    assert teacher.awaits_confirmation
    assert login(app, "wali.a").get("/bk/kotak").status_code == 403


def test_first_counselor_of_a_school_is_confirmed_by_a_server_command_only_when_none_is(app,
                                                                                       runner):
    first = factories.make_user(Role.COUNSELOR, "guru.pertama", confirmed=False)
    second = factories.make_user(Role.COUNSELOR, "guru.kedua", confirmed=False)
    result = runner.invoke(args=["confirm-counselor", "guru.pertama"])
    assert result.exit_code == 0, result.output
    assert not db.session.get(User, first.id).awaits_confirmation
    [entry] = entries("confirm_counselor")
    assert entry.actor_id is None and "perintah server" in entry.summary
    result = runner.invoke(args=["confirm-counselor", "guru.kedua"])
    assert result.exit_code != 0 and "active counselor" in result.output
    assert db.session.get(User, second.id).awaits_confirmation


def test_counselor_is_told_at_next_login_who_reset_their_password_and_when(app, school):
    admin = login(app, "operator")
    response = admin.post(f"/admin/akun/{school['counselor'].id}/reset-sandi")
    password = response.get_data(as_text=True).split('class="secret">')[1].split("<")[0]
    [entry] = entries("reset_password")
    assert entry.actor_id == school["admin"].id and entry.target_id == str(school["counselor"].id)

    counselor = app.test_client()
    response = AuthActions(counselor).login("guru.a", password)
    page = counselor.get(response.headers["Location"]).get_data(as_text=True)
    assert "direset oleh operator Operator pada" in page
    # Told once: the next sign-in says nothing more.
    again = app.test_client()
    AuthActions(again).login("guru.a", password)
    assert "direset oleh operator" not in again.get("/akun/kata-sandi").get_data(as_text=True)


def test_every_counselor_sees_a_reset_of_a_counselors_password_on_their_home(app, school):
    login(app, "operator").post(f"/admin/akun/{school['counselor'].id}/reset-sandi")
    login(app, "operator").post(f"/admin/akun/{school['student_a'].id}/reset-sandi")
    home = login(app, "guru.b").get("/bk").get_data(as_text=True)
    assert "Kata sandi Guru BK yang direset operator" in home
    assert "kata sandi Guru BK A (guru.a) direset oleh Operator" in home
    assert "siswa.a" not in home


def test_every_operator_action_is_in_the_audit_log(app, school):
    admin = login(app, "operator")
    admin.post(f"/admin/akun/{school['student_b'].id}/status")
    admin.post("/admin/pengaturan", data={"name": "SMP Uji"})
    admin.post("/admin/pengaturan/kontak-darurat", data={"new-name": "TPPK", "new-contact": "0812"})
    admin.post("/admin/tahun-ajaran")
    assert {e.action for e in db.session.scalars(sa.select(AuditEntry))} >= {
        "deactivate", "settings", "promote_year"}
    assert all(e.actor_id == school["admin"].id for e in db.session.scalars(sa.select(AuditEntry)))


def test_audit_log_is_append_only_from_the_app(app, school):
    entry = AuditEntry(actor_id=school["admin"].id, action="read", target_type="case")
    db.session.add(entry)
    db.session.commit()
    entry.summary = "dihapus jejaknya"
    with pytest.raises(AppendOnly):
        db.session.commit()
    db.session.rollback()
    db.session.delete(entry)
    with pytest.raises(AppendOnly):
        db.session.commit()
    db.session.rollback()
    with pytest.raises(AppendOnly):
        db.session.execute(sa.delete(AuditEntry))
    db.session.rollback()
    assert db.session.get(AuditEntry, entry.id).summary == ""


def test_no_route_edits_or_deletes_the_audit_log(app):
    audit_rules = [rule for rule in app.url_map.iter_rules() if "audit" in rule.endpoint]
    assert audit_rules
    assert all(rule.methods <= {"GET", "HEAD", "OPTIONS"} for rule in audit_rules)


def test_counselor_sync_of_a_thread_over_socket_is_audited_like_a_page_read(app, school,
                                                                            anonymous_report):  # noqa: F811
    report, code = anonymous_report
    reporter_browser = app.test_client()
    open_thread_with_code(reporter_browser, code)
    reporter = ChatClient(app, "k", http=reporter_browser)
    assert reporter.send("Bu, aku mau cerita lagi.")["ok"]
    socket = ChatClient(app, f"k{report.id}", "guru.a")
    assert socket.connected
    before = len(entries("read"))
    reply = socket.sync()
    assert reply["ok"] and reply["messages"]
    reads = entries("read")[before:]
    assert [(e.actor_id, e.target_type, e.target_id) for e in reads] == [
        (school["counselor"].id, "problem_report", str(report.id))]
    assert "koneksi langsung" in reads[0].summary


# 5. Backups are safe to carry.

def make_archive(app, tmp_path):
    (tmp_path / "instance" / "secret_key").write_text("kunci-rahasia-aplikasi")
    return backups.backup(app.config["SQLALCHEMY_DATABASE_URI"], app.instance_path,
                          tmp_path / "cadangan", PASSPHRASE)


def test_backup_is_encrypted_and_readable_by_its_owner_only(app, school, tmp_path):
    archive = make_archive(app, tmp_path)
    assert stat.S_IMODE(os.stat(archive).st_mode) == 0o600
    data = archive.read_bytes()
    assert data.startswith(backups.MAGIC)
    for secret in (b"kunci-rahasia-aplikasi", b"SQLite format", b"guru.a"):
        assert secret not in data
    # Not a gzip stream behind the tag. (Two bytes anywhere in ciphertext of some hundred
    # kilobytes turn up by chance: only the start says what the payload is.)
    assert not data[len(backups.MAGIC):].lstrip(b"\n").startswith(b"\x1f\x8b")


def test_restore_refuses_a_wrong_passphrase_clearly(app, school, tmp_path):
    archive = make_archive(app, tmp_path)
    with pytest.raises(backups.BackupError, match="wrong passphrase"):
        backups.restore(archive, tmp_path / "mesin-baru", "tebakan-yang-salah")
    assert not (tmp_path / "mesin-baru" / "cyberbk.sqlite").exists()


def test_restore_takes_the_secret_key_from_the_archive_and_logs_itself(app, school, tmp_path):
    archive = make_archive(app, tmp_path)
    database = backups.restore(archive, tmp_path / "mesin-baru", PASSPHRASE)
    assert (tmp_path / "mesin-baru" / "secret_key").read_text() == "kunci-rahasia-aplikasi"
    assert stat.S_IMODE(os.stat(database).st_mode) == 0o600
    engine = sa.create_engine(f"sqlite:///{database}")
    with engine.connect() as connection:
        actions = connection.exec_driver_sql("SELECT action FROM audit_entries").scalars().all()
    engine.dispose()
    assert "restore" in actions


def test_backup_command_takes_the_passphrase_from_the_environment(app, runner, tmp_path,
                                                                  monkeypatch):
    monkeypatch.setenv("BACKUP_PASSPHRASE", PASSPHRASE)
    result = runner.invoke(args=["backup", str(tmp_path / "arsip")])
    assert result.exit_code == 0, result.output
    [archive] = (tmp_path / "arsip").glob(backups.ARCHIVE_GLOB)
    assert entries("backup")[0].actor_id is None
    monkeypatch.delenv("BACKUP_PASSPHRASE")
    app.instance_path = str(tmp_path / "mesin-baru")
    result = runner.invoke(args=["restore", str(archive)], input="salah-sama-sekali\n")
    assert result.exit_code != 0 and "wrong passphrase" in result.output
    result = runner.invoke(args=["restore", str(archive)], input=f"{PASSPHRASE}\n")
    assert result.exit_code == 0, result.output


def test_operator_makes_and_downloads_a_backup_in_the_browser(app, school, tmp_path):
    app.config["BACKUP_DIR"] = str(tmp_path / "cadangan")
    admin = login(app, "operator")
    page = admin.get("/admin/cadangan").get_data(as_text=True)
    assert str(tmp_path / "cadangan") in page and "Belum ada cadangan di server." in page
    assert admin.post("/admin/cadangan", data={"passphrase": "pendek",
                                               "passphrase_repeat": "pendek"}).status_code == 400
    response = admin.post("/admin/cadangan", data={"passphrase": PASSPHRASE,
                                                   "passphrase_repeat": PASSPHRASE})
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith(backups.MAGIC)
    [entry] = entries("backup")
    assert entry.actor_id == school["admin"].id
    page = admin.get("/admin/cadangan").get_data(as_text=True)
    assert "Cadangan terbaru dibuat" in page
    name = entry.target_id
    assert admin.get(f"/admin/cadangan/{name}").data == response.data
    assert admin.get("/admin/cadangan/..%2Fcyberbk.sqlite").status_code == 404
    assert entries("download_backup")[0].actor_id == school["admin"].id


def test_counselor_cannot_make_or_download_backups(app, school, tmp_path):
    app.config["BACKUP_DIR"] = str(tmp_path / "cadangan")
    counselor = login(app, "guru.a")
    assert counselor.get("/admin/cadangan").status_code == 403
    assert counselor.post("/admin/cadangan", data={"passphrase": PASSPHRASE,
                                                   "passphrase_repeat": PASSPHRASE}).status_code == 403
