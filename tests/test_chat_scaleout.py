"""Scale-out: two app processes (gunicorn, gevent worker) on one PostgreSQL database share
their Socket.IO events through Redis. A message a client sends on process 1 reaches a
client connected to process 2, and is stored once."""

import os
import re
import secrets
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from cyberbk import create_app
from cyberbk.accounts.models import Role
from cyberbk.booking.models import Booking
from cyberbk.booking.models import BookingStatus
from cyberbk.booking.services.rules import CONSENT_VERSION
from cyberbk.chat.models import ChatMessage
from cyberbk.common.schooltime import utcnow
from cyberbk.common.vocabulary import Mode
from cyberbk.extensions import db
from tests import factories
from tests.e2e.conftest import free_port

ROOT = Path(__file__).resolve().parent.parent
POSTGRES = os.environ.get("CYBERBK_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS = os.environ.get("CYBERBK_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
SECRET = "scale-out-test-secret"

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture
def postgres():
    """The test database's engine, and the clients' libraries, or a skip."""
    try:
        engine = sa.create_engine(POSTGRES, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
    except Exception as error:  # any failure to connect means: no PostgreSQL here
        pytest.skip(f"PostgreSQL is not reachable at {POSTGRES}: {error.__class__.__name__}")
    pytest.importorskip("requests", reason="socketio.Client needs requests for long-polling")
    pytest.importorskip("websocket", reason="socketio.Client needs websocket-client")
    return engine


@pytest.fixture
def services_up(postgres):
    try:
        import redis

        redis.Redis.from_url(REDIS, socket_connect_timeout=3).ping()
    except Exception as error:  # likewise for Redis
        pytest.skip(f"Redis is not reachable at {REDIS}: {error.__class__.__name__}")


@pytest.fixture
def database(postgres, tmp_path, monkeypatch):
    """A schema of our own in the test database, with the tables, two people and a session."""
    schema = f"chat_scaleout_{secrets.token_hex(4)}"
    with postgres.begin() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    url = f"{POSTGRES}?options=-csearch_path%3D{schema}"
    monkeypatch.setenv("CYBERBK_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET,
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        db.create_all()
        student = factories.make_user(Role.STUDENT, "siswa.skala", "Siswa Skala")
        counselor = factories.make_user(Role.COUNSELOR, "guru.skala", "Guru Skala")
        starts_at = utcnow().replace(second=0, microsecond=0)
        booking = Booking(student_id=student.id, counselor_id=counselor.id, starts_at=starts_at,
                          ends_at=starts_at + timedelta(minutes=30), mode=Mode.CHAT,
                          status=BookingStatus.CONFIRMED, consent_version=CONSENT_VERSION)
        db.session.add(booking)
        db.session.commit()
        booking_id = booking.id
        db.session.remove()
        db.engine.dispose()
    yield url, booking_id, app
    with postgres.begin() as connection:
        connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    postgres.dispose()


def start_process(url, instance, queue=REDIS):
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "SOCKETIO_MESSAGE_QUEUE": queue,
           "SECRET_KEY": SECRET, "CYBERBK_INSTANCE_PATH": str(instance)}
    env.pop("SOCKETIO_ASYNC_MODE", None)
    log = open(instance / f"server-{port}.log", "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "deploy/gunicorn.conf.py",
         "--bind", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    return process, f"http://127.0.0.1:{port}", log


def wait_until_up(requests, base_url, process, log_path):
    deadline = time.monotonic() + 30
    while True:
        try:
            if requests.get(base_url + "/healthz", timeout=2).ok:
                return
        except requests.RequestException:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(Path(log_path).read_text())
        time.sleep(0.2)


def login(requests, base_url, username):
    http = requests.Session()
    form = http.get(base_url + "/login").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    response = http.post(base_url + "/login", allow_redirects=False,
                         data={"csrf_token": token, "username": username,
                               "password": factories.PASSWORD})
    assert response.status_code == 302, response.text
    return "; ".join(f"{c.name}={c.value}" for c in http.cookies)


def test_message_from_process_one_reaches_a_client_on_process_two_stored_once(services_up,
                                                                             database,
                                                                             tmp_path):
    import requests
    import socketio

    url, booking_id, app = database
    instance = tmp_path / "instance"
    instance.mkdir(exist_ok=True)
    processes = [start_process(url, instance) for _ in range(2)]
    clients = []
    try:
        for process, base_url, log in processes:
            wait_until_up(requests, base_url, process, log.name)
        (_p1, first, _l1), (_p2, second, _l2) = processes
        arrived = threading.Event()
        received = []

        # The student is on process 1 over long-polling (WebSockets blocked),
        # the counselor on process 2 over a WebSocket.
        student = socketio.Client(reconnection=False)
        counselor = socketio.Client(reconnection=False)
        clients += [student, counselor]

        @counselor.on("new_message", namespace="/chat")
        def on_message(message):
            received.append(message)
            arrived.set()

        chat = {"chat": f"b{booking_id}"}
        counselor.connect(second, namespaces=["/chat"], auth=chat, transports=["websocket"],
                          headers={"Cookie": login(requests, second, "guru.skala")},
                          wait_timeout=10)
        student.connect(first, namespaces=["/chat"], auth=chat, transports=["polling"],
                        headers={"Cookie": login(requests, first, "siswa.skala")},
                        wait_timeout=10)
        ack = student.call("send", {"body": "Halo dari proses satu", "ref": "skala-1"},
                           namespace="/chat", timeout=10)
        assert ack["ok"], ack
        assert arrived.wait(10), "the message did not reach process 2"
        assert received[0]["id"] == ack["message"]["id"]
        assert received[0]["body"] == "Halo dari proses satu"

        reply = counselor.call("sync", {"after": 0}, namespace="/chat", timeout=10)
        assert [m["id"] for m in reply["messages"]] == [ack["message"]["id"]]
        with app.app_context():
            stored = db.session.scalars(sa.select(ChatMessage.body)).all()
            db.session.remove()
            db.engine.dispose()
        assert stored == ["Halo dari proses satu"]
    finally:
        for client in clients:
            client.disconnect()
        for process, _base_url, log in processes:
            process.terminate()
            process.wait(timeout=10)
            log.close()
