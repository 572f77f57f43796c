"""Configuration, the CLI, the demo school and the migrations on SQLite and PostgreSQL."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from cyberbk import create_app
from cyberbk.accounts.models import Role
from cyberbk.accounts.models import SchoolClass
from cyberbk.accounts.models import User
from cyberbk.extensions import db

ROOT = Path(__file__).resolve().parent.parent


def test_secret_key_is_generated_into_the_instance_folder_once(tmp_path, monkeypatch):
    monkeypatch.setenv("CYBERBK_INSTANCE_PATH", str(tmp_path / "inst"))
    for name in ("SECRET_KEY", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    first = create_app()
    second = create_app()
    key_file = tmp_path / "inst" / "secret_key"
    assert key_file.exists() and oct(key_file.stat().st_mode)[-3:] == "600"
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"] == key_file.read_text().strip()
    assert first.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'inst' / 'cyberbk.sqlite'}"


def test_environment_overrides_instance_config(tmp_path, monkeypatch):
    instance = tmp_path / "inst"
    instance.mkdir()
    (instance / "config.py").write_text('JITSI_DOMAIN = "jitsi.sekolah.sch.id"\nPORT = 8000\n')
    monkeypatch.setenv("CYBERBK_INSTANCE_PATH", str(instance))
    monkeypatch.setenv("PORT", "9000")
    monkeypatch.setenv("CYBERBK_TIMEZONE", "Asia/Makassar")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'lain.sqlite'}")
    app = create_app()
    assert app.config["JITSI_DOMAIN"] == "jitsi.sekolah.sch.id"
    assert app.config["PORT"] == 9000
    assert app.config["CYBERBK_TIMEZONE"] == "Asia/Makassar"
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("lain.sqlite")


def test_sqlite_runs_with_wal_and_foreign_keys(app):
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2


def test_seed_demo_creates_the_demo_school(runner, app):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    names = set(db.session.scalars(sa.select(User.username)))
    assert {"admin", "guru.bk", "guru.bk2", "wali.7a", "wali.7b", "wali.8a", "wali.9a",
            "siswa.7a.01", "siswa.9a.08", "tppk"} <= names
    classes = db.session.scalars(sa.select(SchoolClass).order_by(SchoolClass.name)).all()
    assert [c.name for c in classes] == ["7A", "7B", "8A", "9A"]
    assert all(len(c.students) >= 8 and c.homeroom_teacher for c in classes)
    student = db.session.scalar(sa.select(User).where(User.username == "siswa.7a.01"))
    assert student.check_password("cyberbk-demo") and not student.must_change_password


def test_seed_demo_refuses_a_database_with_people(runner, app, school):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code != 0
    assert "already holds people" in result.output


def test_create_admin(runner, app):
    result = runner.invoke(args=["create-admin", "--username", "Operator2"],
                           input="sandi-operator\nsandi-operator\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.username == "operator2"))
    assert user.role == Role.ADMIN and user.check_password("sandi-operator")


def test_create_admin_refuses_a_taken_username(runner, app, school):
    result = runner.invoke(args=["create-admin", "--username", "operator"],
                           input="sandi-operator\nsandi-operator\n")
    assert result.exit_code != 0


def run_upgrade(database_url, instance):
    env = {**os.environ, "DATABASE_URL": database_url, "CYBERBK_INSTANCE_PATH": str(instance)}
    return subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"],
                          cwd=ROOT, env=env, capture_output=True, text=True)


def assert_schema_matches_models(database_url, app):
    """Alembic's autogenerate finds nothing to add: the migrations build the models' schema."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
    engine.dispose()
    assert diff == []


def test_migrations_build_the_schema_on_empty_sqlite(app, tmp_path):
    url = f"sqlite:///{tmp_path / 'migrated.sqlite'}"
    result = run_upgrade(url, tmp_path / "inst")
    assert result.returncode == 0, result.stderr
    assert_schema_matches_models(url, app)


@pytest.mark.postgres
def test_migrations_build_the_schema_on_empty_postgresql(app, tmp_path, postgres_url):
    result = run_upgrade(postgres_url, tmp_path / "inst")
    assert result.returncode == 0, result.stderr
    assert_schema_matches_models(postgres_url, app)


@pytest.mark.postgres
def test_the_app_runs_on_postgresql(tmp_path, monkeypatch, postgres_url):
    monkeypatch.setenv("CYBERBK_INSTANCE_PATH", str(tmp_path / "inst"))
    assert run_upgrade(postgres_url, tmp_path / "inst").returncode == 0
    app = create_app({"SQLALCHEMY_DATABASE_URI": postgres_url, "SECRET_KEY": "x",
                      "WTF_CSRF_ENABLED": False, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        app.test_cli_runner().invoke(args=["seed-demo"])
        client = app.test_client()
        response = client.post("/login", data={"username": "guru.bk", "password": "cyberbk-demo"})
        assert response.headers["Location"] == "/bk"
        assert "7A" in client.get("/bk").get_data(as_text=True)
        db.session.remove()
        db.engine.dispose()


def test_demo_school_lists_its_own_and_the_national_crisis_contacts(runner, app):
    from cyberbk.school.services import crisis_contacts

    runner.invoke(args=["seed-demo"])
    names = [contact.name for contact in crisis_contacts()]
    assert names[0].startswith("Guru BK") and any("TPPK" in n for n in names)
    assert any("SAPA 129" in n for n in names) and any("119" in c.contact for c in crisis_contacts())
