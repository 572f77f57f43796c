import re

import pytest
from flask.testing import FlaskClient

from cyberbk import create_app
from cyberbk import devices
from cyberbk.accounts.models import Role
from cyberbk.extensions import db
from tests import factories

CSRF_INPUT = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@pytest.fixture
def app_config(tmp_path, monkeypatch):
    """Settings of the app under test; a test may change them before `app` is built."""
    monkeypatch.setenv("CYBERBK_INSTANCE_PATH", str(tmp_path / "instance"))
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'test.sqlite'}",
        "WTF_CSRF_ENABLED": False,
        "SOCKETIO_ASYNC_MODE": "threading",
        # Hashing strength is not under test; scrypt for every factory user is slow.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    }


class IsolatedClient(FlaskClient):
    """Each request gets its own app context, as in production.

    The `app` fixture keeps an app context open for the test's own database
    work; without this, requests would share its `g` (and so Flask-Login's
    cached user) and its database session across clients.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def app(app_config):
    app = create_app(app_config)
    app.test_client_class = IsolatedClient
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def browser(app):
    """browser(address): a phone's browser after its first page, as a new test client: a
    cookie jar of its own holding its device id, every request from `address` (many
    browsers may share one, as a school's Wi-Fi does)."""

    def make(address="203.0.113.10"):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        client.set_cookie(devices.COOKIE, devices.new_id())
        return client

    return make


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, username, password=factories.PASSWORD):
        return self._client.post("/login", data={"username": username, "password": password})

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def school(app):
    """A small school: two classes with homeroom teachers, students, counselors, an admin."""
    homeroom_a = factories.make_user(Role.HOMEROOM, "wali.a", "Wali A")
    homeroom_b = factories.make_user(Role.HOMEROOM, "wali.b", "Wali B")
    class_a = factories.make_class("7A", homeroom=homeroom_a)
    class_b = factories.make_class("7B", homeroom=homeroom_b)
    return {
        "class_a": class_a,
        "class_b": class_b,
        "student_a": factories.make_user(Role.STUDENT, "siswa.a", "Siswa A", school_class=class_a,
                                         nis="1001"),
        "student_b": factories.make_user(Role.STUDENT, "siswa.b", "Siswa B", school_class=class_b,
                                         nis="1002"),
        "homeroom_a": homeroom_a,
        "homeroom_b": homeroom_b,
        "counselor": factories.make_user(Role.COUNSELOR, "guru.a", "Guru BK A"),
        "counselor_b": factories.make_user(Role.COUNSELOR, "guru.b", "Guru BK B"),
        "admin": factories.make_user(Role.ADMIN, "operator", "Operator"),
    }


def csrf_token_from(response):
    match = CSRF_INPUT.search(response.get_data(as_text=True))
    assert match, "the page has no CSRF token"
    return match.group(1)
