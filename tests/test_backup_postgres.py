"""`backup` on PostgreSQL (issue 23 §5): pg_dump goes into the encrypted archive, or the
command exits non-zero saying why. Never exit 0 having written nothing: the nightly cron
line would pass every night."""

import os
import uuid

import pytest
import sqlalchemy as sa

from cyberbk import create_app
from cyberbk.accounts.models import Role
from cyberbk.accounts.models import User
from cyberbk.admin import backup as backups
from cyberbk.extensions import db
from tests import factories
from tests.test_setup import run_upgrade

PASSPHRASE = "kunci-lemari-bk-2026"
POSTGRES = os.environ.get("CYBERBK_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def backup_on_postgresql(app, runner, folder, monkeypatch, url):
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    monkeypatch.setenv("BACKUP_PASSPHRASE", PASSPHRASE)
    return runner.invoke(args=["backup", str(folder)])


def test_backup_on_postgresql_without_pg_dump_exits_non_zero_and_says_why(app, runner, tmp_path,
                                                                          monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs-here"))
    result = backup_on_postgresql(app, runner, tmp_path / "arsip", monkeypatch,
                                  "postgresql://cyberbk@127.0.0.1:5432/cyberbk")
    assert result.exit_code != 0
    assert "pg_dump is not installed" in result.output
    assert list((tmp_path / "arsip").glob("*")) == []


@pytest.fixture
def databases():
    """Two new, empty PostgreSQL databases of their own: the school's, and the new server's
    to restore into (pg_dump takes a whole database, so not a schema of the shared one)."""
    try:
        admin = sa.create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
    except Exception as error:  # any failure to connect means: no PostgreSQL here
        pytest.skip(f"PostgreSQL is not reachable at {POSTGRES}: {error.__class__.__name__}")
    names = [f"cyberbk_backup_{which}_{uuid.uuid4().hex[:8]}" for which in ("school", "new")]
    with admin.connect() as connection:
        for name in names:
            connection.exec_driver_sql(f"CREATE DATABASE {name}")
    base = sa.engine.make_url(POSTGRES)
    yield [base.set(database=name).render_as_string(hide_password=False) for name in names]
    with admin.connect() as connection:
        for name in names:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.dispose()


@pytest.mark.postgres
def test_backup_on_postgresql_exits_non_zero_when_pg_dump_fails(app, runner, tmp_path,
                                                                monkeypatch, databases):
    gone = sa.engine.make_url(databases[0]).set(database="cyberbk_no_such_database")
    result = backup_on_postgresql(app, runner, tmp_path / "arsip", monkeypatch,
                                  gone.render_as_string(hide_password=False))
    if "pg_dump is not installed" in result.output:
        pytest.skip("pg_dump is not installed here")
    assert result.exit_code != 0
    assert "pg_dump failed" in result.output and "cyberbk_no_such_database" in result.output
    assert list((tmp_path / "arsip").glob("*")) == []


@pytest.mark.postgres
def test_backup_on_postgresql_dumps_into_the_encrypted_archive_and_restores(
        tmp_path, monkeypatch, databases):
    school, new_server = databases
    monkeypatch.setenv("CYBERBK_INSTANCE_PATH", str(tmp_path / "sekolah"))
    assert run_upgrade(school, tmp_path / "sekolah").returncode == 0
    app = create_app({"SQLALCHEMY_DATABASE_URI": school, "SECRET_KEY": "kunci-rahasia-aplikasi",
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    (tmp_path / "sekolah" / "secret_key").write_text("kunci-rahasia-aplikasi")
    with app.app_context():
        factories.make_user(Role.COUNSELOR, "guru.cadangan", "Guru Cadangan")
        db.session.commit()
        result = backup_on_postgresql(app, app.test_cli_runner(), tmp_path / "arsip",
                                      monkeypatch, school)
        db.session.remove()
        db.engine.dispose()
    if "pg_dump is not installed" in result.output:
        pytest.skip("pg_dump is not installed here")
    assert result.exit_code == 0, result.output
    [archive] = (tmp_path / "arsip").glob(backups.ARCHIVE_GLOB)
    assert b"guru.cadangan" not in archive.read_bytes()

    database = backups.restore(archive, tmp_path / "mesin-baru", PASSPHRASE, new_server)
    assert "cyberbk_backup_new" in database
    assert (tmp_path / "mesin-baru" / "secret_key").read_text() == "kunci-rahasia-aplikasi"
    assert not (tmp_path / "mesin-baru" / backups.PG_DUMP_NAME).exists()
    engine = sa.create_engine(new_server)
    with engine.connect() as connection:
        usernames = connection.execute(sa.select(User.username)).scalars().all()
        actions = connection.exec_driver_sql("SELECT action FROM audit_entries").scalars().all()
    engine.dispose()
    assert "guru.cadangan" in usernames
    assert "restore" in actions
    # Only into an empty database: a second restore would mix two schools.
    with pytest.raises(backups.BackupError, match="not empty"):
        backups.restore(archive, tmp_path / "mesin-lain", PASSPHRASE, new_server)
