import os
import re
import shutil

import jinja2
import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from cyberbk import create_app
from cyberbk import devices
from cyberbk.accounts.models import Role
from cyberbk.extensions import db
from tests import factories

CSRF_INPUT = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def database_file(folder):
    """The SQLite file of the test whose tmp_path is `folder`."""
    return folder / "test.sqlite"


def settings_for(folder):
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database_file(folder)}",
        "WTF_CSRF_ENABLED": False,
        "SOCKETIO_ASYNC_MODE": "threading",
        # Hashing strength is not under test; scrypt for every factory user is slow.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        # ffmpeg and espeak-ng take seconds: only the tests of the guide video make it.
        "OUTREACH_DEMO_VIDEO": False,
    }


@pytest.fixture
def app_config(tmp_path, monkeypatch):
    """Settings of the app under test; a test may change them before `app` is built."""
    monkeypatch.setenv("CYBERBK_INSTANCE_PATH", str(tmp_path / "instance"))
    return settings_for(tmp_path)


class IsolatedClient(FlaskClient):
    """Each request gets its own app context, as in production.

    The `app` fixture keeps an app context open for the test's own database
    work; without this, requests would share its `g` (and so Flask-Login's
    cached user) and its database session across clients.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(scope="session", autouse=True)
def route_builders_compiled_once():
    """Werkzeug compiles a URL builder, Python code made through `ast`, for each of the
    app's ~480 routes, each time an app is made: three quarters of create_app's time
    (0.09 of 0.12 CPU seconds), and each test makes an app. Here a builder is compiled once per process and reused by
    every app with the same route. The code it makes depends on nothing but what the key
    holds (the rule, its parsed parts, its defaults, append_unknown); at call time it
    reads its own Rule (`self`), so sharing it across apps changes no URL."""
    compile_builder = Rule._compile_builder
    builders = {}

    def cached(self, append_unknown=True):
        key = (self.rule, tuple(self._trace),
               repr(sorted((self.defaults or {}).items(), key=lambda item: item[0])),
               append_unknown)
        if key not in builders:
            builders[key] = compile_builder(self, append_unknown)
        return builders[key]

    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(Rule, "_compile_builder", cached)
        yield


class TemplateCodeCache(jinja2.BytecodeCache):
    """Compiled templates kept in memory for the whole test process. Each test's app has a
    Jinja environment of its own, and compiling the templates a test renders again for it
    cost about a sixth of a second a test. Jinja checks each entry against the template's
    source, and every app comes from create_app, so every environment parses alike."""

    def __init__(self):
        self.code = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket):
        self.code[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_CODE = TemplateCodeCache()


@pytest.fixture(scope="session")
def schema_template(tmp_path_factory):
    """A SQLite file holding the models' empty schema, made by create_all once per test
    process (each xdist worker makes its own). Each test's `app` starts from a copy of it:
    a copy takes a millisecond, create_all on a new file a third of a second (every
    CREATE statement is a transaction of its own, each waiting for an fsync), and drop_all
    at the end as long again."""
    folder = tmp_path_factory.mktemp("schema")
    template = database_file(folder)
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("CYBERBK_INSTANCE_PATH", str(folder / "instance"))
        app = create_app(settings_for(folder))
    with app.app_context():
        db.create_all()
        db.session.remove()
        db.engine.dispose()
    # The last connection to close folds the write-ahead log into the file and deletes it,
    # so the one file is the whole database (journal_mode=WAL is kept in its header).
    assert not template.with_name(template.name + "-wal").exists()
    return template


@pytest.fixture
def app(app_config, schema_template, tmp_path):
    database = database_file(tmp_path)
    # A test may point the app at another database; that one is built and emptied here as
    # before. The test's own file starts as a copy of the schema and goes with tmp_path.
    copied = (app_config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{database}"
              and not database.exists())
    if copied:
        shutil.copyfile(schema_template, database)
    app = create_app(app_config)
    app.test_client_class = IsolatedClient
    app.jinja_env.bytecode_cache = TEMPLATE_CODE
    with app.app_context():
        if not copied:
            db.create_all()
        yield app
        db.session.remove()
        if not copied:
            db.drop_all()
        db.engine.dispose()


@pytest.fixture
def postgres_url():
    """An empty schema of the test server's PostgreSQL for this test; skips without one."""
    url = os.environ.get("CYBERBK_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
    try:
        engine = sa.create_engine(url)
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
    except Exception as error:  # any failure to connect means: no PostgreSQL here
        pytest.skip(f"PostgreSQL is not reachable at {url}: {error.__class__.__name__}")
    # One schema per test process: xdist workers (and other checkouts on the same server)
    # run these tests at the same time.
    schema = f"cyberbk_test_{os.getpid()}"
    with engine.begin() as connection:
        connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    yield f"{url}?options=-csearch_path%3D{schema}"
    with engine.begin() as connection:
        connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database(request, app_config):
    """Runs the test on SQLite and again on PostgreSQL: what one refuses the other may
    store (a NUL), and their errors differ. Name it before `app` (or in usefixtures)."""
    if request.param == "postgresql":
        app_config["SQLALCHEMY_DATABASE_URI"] = request.getfixturevalue("postgres_url")
    return request.param


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
