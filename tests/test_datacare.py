"""Backups of a running database, restore into an empty instance, the new school year."""

import io
import tarfile
import threading

import pytest
import sqlalchemy as sa

from cyberbk.accounts import promotion
from cyberbk.accounts.models import Role
from cyberbk.accounts.models import SchoolClass
from cyberbk.accounts.models import User
from cyberbk.audit.models import AuditEntry
from cyberbk.common import signals
from cyberbk.admin import backup as backups
from cyberbk.extensions import db
from tests import factories
from tests.conftest import AuthActions

PASSPHRASE = "sandi-cadangan-uji"


def test_backup_during_writes_restores_every_row_committed_before_it(app, tmp_path):
    committed, stop = [], threading.Event()

    def writer():
        with app.app_context():
            while not stop.is_set():
                entry = AuditEntry(action="test", target_type="bench")
                db.session.add(entry)
                db.session.commit()
                committed.append(entry.id)
            db.session.remove()

    thread = threading.Thread(target=writer)
    thread.start()
    while len(committed) < 50:
        pass
    before = list(committed)
    archive = backups.backup(app.config["SQLALCHEMY_DATABASE_URI"], app.instance_path, tmp_path / "b",
                             PASSPHRASE)
    stop.set()
    thread.join()
    assert len(committed) > len(before)

    target = tmp_path / "new-machine"
    database = backups.restore(archive, target, PASSPHRASE)
    engine = sa.create_engine(f"sqlite:///{database}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        restored = set(connection.exec_driver_sql("SELECT id FROM audit_entries").scalars())
    engine.dispose()
    assert set(before) <= restored


def test_archive_holds_the_database_uploads_and_secret_key(app, tmp_path):
    (tmp_path / "instance" / "uploads" / "logo.png").write_bytes(b"png")
    (tmp_path / "instance" / "secret_key").write_text("rahasia")
    archive = backups.backup(app.config["SQLALCHEMY_DATABASE_URI"], app.instance_path, tmp_path,
                             PASSPHRASE)
    plain = backups.decrypt(archive.read_bytes(), PASSPHRASE)
    with tarfile.open(fileobj=io.BytesIO(plain)) as tar:
        assert {"cyberbk.sqlite", "secret_key", "uploads/logo.png"} <= set(tar.getnames())
    assert archive.name.startswith("cyberbk-backup-")


def test_restore_refuses_a_folder_that_holds_a_database(app, tmp_path):
    archive = backups.backup(app.config["SQLALCHEMY_DATABASE_URI"], app.instance_path, tmp_path,
                             PASSPHRASE)
    occupied = tmp_path / "occupied"
    occupied.mkdir()
    (occupied / "cyberbk.sqlite").write_bytes(b"")
    with pytest.raises(backups.BackupError, match="not empty"):
        backups.restore(archive, occupied, PASSPHRASE)


def test_backup_and_restore_commands(app, runner, tmp_path, monkeypatch):
    monkeypatch.setenv("BACKUP_PASSPHRASE", PASSPHRASE)
    factories.make_user(Role.STUDENT, "tetap.ada")
    result = runner.invoke(args=["backup", str(tmp_path / "arsip")])
    assert result.exit_code == 0, result.output
    archive = next((tmp_path / "arsip").glob(backups.ARCHIVE_GLOB))
    app.instance_path = str(tmp_path / "mesin-baru")
    result = runner.invoke(args=["restore", str(archive)])
    assert result.exit_code == 0, result.output
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'mesin-baru' / 'cyberbk.sqlite'}")
    with engine.connect() as connection:
        assert "tetap.ada" in connection.exec_driver_sql("SELECT username FROM users").scalars().all()
    engine.dispose()
    assert runner.invoke(args=["restore", str(archive)]).exit_code != 0


def make_year(app):
    classes = {name: factories.make_class(name) for name in ("7A", "7B", "8A", "9A")}
    students = {name: factories.make_user(Role.STUDENT, f"s.{name.lower()}", school_class=c)
                for name, c in classes.items()}
    return classes, students


def test_promotion_preview_equals_what_applies(app):
    classes, students = make_year(app)
    preview = [(m.school_class.name, m.new_name, m.students) for m in promotion.plan()]
    assert preview == [("9A", None, 1), ("8A", "9A", 1), ("7A", "8A", 1), ("7B", "8B", 1)]
    promotion.apply(promotion.plan())
    db.session.commit()
    names = db.session.execute(sa.select(SchoolClass.name, SchoolClass.grade)
                               .order_by(SchoolClass.name)).all()
    assert names == [("8A", 8), ("8B", 8), ("9A", 9)]
    graduate = db.session.get(User, students["9A"].id)
    assert not graduate.is_active_account and graduate.school_class is None
    assert db.session.get(User, students["8A"].id).school_class.name == "9A"


def test_a_graduates_open_sessions_and_chats_end_with_the_new_year(app):
    _classes, students = make_year(app)
    signed_out = []
    with signals.account_signed_out.connected_to(lambda user: signed_out.append(user.id)):
        promotion.apply(promotion.plan())
    db.session.commit()
    assert signed_out == [students["9A"].id]


def test_promotion_stops_on_a_name_clash(app, client, auth, school):
    factories.make_class("8B", grade=7)  # misnamed: 7B and this one would both become 8B
    assert promotion.clashes(promotion.plan()) == ["8B"]
    auth.login("operator")
    assert "sudah dipakai" in client.post("/admin/tahun-ajaran").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(sa.select(SchoolClass.grade).where(SchoolClass.name == "7A")) == 7


def test_operator_previews_and_applies_the_new_year(client, auth, school):
    auth.login("operator")
    page = client.get("/admin/tahun-ajaran").get_data(as_text=True)
    assert "8A" in page and "8B" in page
    assert client.post("/admin/tahun-ajaran").status_code == 303
    db.session.expire_all()
    assert sorted(db.session.scalars(sa.select(SchoolClass.name))) == ["8A", "8B"]
