"""Crash safety: the real server (gunicorn, gevent worker, as `make run` serves it) on a
SQLite file takes problem-box reports, bookings and chat messages from several threads
at once, is killed with SIGKILL in the middle, and restarted. Every write a client saw
acknowledged is in the database, and the database passes PRAGMA integrity_check.

`live_school` and `LiveServer` are shared with the other hardening tests that need a
real server (a 1 MB Socket.IO frame, sockets closed within seconds of a logout).
"""

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from cyberbk import create_app
from cyberbk.accounts.models import Role
from cyberbk.booking.models import BookingStatus
from cyberbk.extensions import db
from tests import factories
from tests import test_booking as booking_helpers
from tests.e2e.conftest import free_port

ROOT = Path(__file__).resolve().parent.parent
CSRF = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')
SLOT = re.compile(r'name="slot" value="([^"]+)"')
STUDENTS = ("siswa.k1", "siswa.k2")

# Limits that protect a school from one noisy client would stop this test's own load.
INSTANCE_CONFIG = """
PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
PROBLEMBOX_REPORT_LIMIT = "1000000 per minute"
RATELIMIT_ADDRESS_CEILING = "1000000 per minute"
BOOKING_MAX_OPEN_PER_STUDENT = 1000000
CHAT_RATE_LIMIT = "1000000 per second"
CHAT_SIGNAL_LIMIT = "1000000 per second"
"""


class LiveServer:
    """gunicorn with one gevent worker on the given instance folder and database."""

    def __init__(self, instance, database_url):
        self.instance = Path(instance)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "CYBERBK_INSTANCE_PATH": str(self.instance),
                    "DATABASE_URL": database_url, "PORT": str(self.port)}
        for name in ("SOCKETIO_MESSAGE_QUEUE", "SOCKETIO_ASYNC_MODE", "SECRET_KEY"):
            self.env.pop(name, None)
        self.process = None
        self.log_path = self.instance / "server.log"

    def start(self):
        log = open(self.log_path, "a")
        # Its own process group: SIGKILL reaches the master and the worker at once,
        # as when the machine's power goes or the kernel's OOM killer strikes.
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "deploy/gunicorn.conf.py",
             "--bind", f"127.0.0.1:{self.port}", "wsgi:app"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)
        log.close()
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as response:
                    if json.load(response)["status"] == "ok":
                        return self
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.kill()
                raise RuntimeError(self.log_path.read_text())
            time.sleep(0.1)

    def alive(self):
        try:
            with urllib.request.urlopen(self.url + "/healthz", timeout=5) as response:
                return response.status == 200
        except OSError:
            return False

    def kill(self):
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


@pytest.fixture
def live_school(app_config):
    """A school in a SQLite file for a real server: a counselor with hours every day, two
    students, an operator, a confirmed chat session of the first student; the server not
    yet started."""
    requests = pytest.importorskip("requests")
    pytest.importorskip("websocket", reason="socketio.Client needs websocket-client")
    app = create_app(app_config)
    with app.app_context():
        db.create_all()
        counselor = factories.make_user(Role.COUNSELOR, "guru.k", "Guru Kilat")
        school_class = factories.make_class("8C")
        students = [factories.make_user(Role.STUDENT, name, name.title(),
                                        school_class=school_class) for name in STUDENTS]
        booking_helpers.open_all_week(counselor)
        factories.make_user(Role.ADMIN, "operator.k", "Operator Kilat")
        booking = booking_helpers.make_booking(students[0], counselor,
                                               status=BookingStatus.CONFIRMED)
        details = {"counselor_id": counselor.id, "booking_id": booking.id,
                   "student_id": students[0].id}
        db.session.remove()
        db.engine.dispose()
    instance = Path(app.instance_path)
    (instance / "config.py").write_text(INSTANCE_CONFIG)
    server = LiveServer(instance, app_config["SQLALCHEMY_DATABASE_URI"])
    yield {"server": server, "requests": requests,
           "database": app_config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"),
           **details}
    server.kill()


def csrf_of(html):
    return CSRF.search(html).group(1)


def login(requests, base_url, username):
    """A logged-in requests.Session and its cookie header (for a Socket.IO client)."""
    http = requests.Session()
    token = csrf_of(http.get(base_url + "/login", timeout=10).text)
    response = http.post(base_url + "/login", allow_redirects=False, timeout=10,
                         data={"csrf_token": token, "username": username,
                               "password": factories.PASSWORD})
    assert response.status_code == 302, response.text
    return http, "; ".join(f"{c.name}={c.value}" for c in http.cookies)


def connect_chat(base_url, cookie, booking_id):
    import socketio

    client = socketio.Client(reconnection=False)
    client.connect(base_url, namespaces=["/chat"], auth={"chat": f"b{booking_id}"},
                   transports=["websocket"], headers={"Cookie": cookie}, wait_timeout=10)
    return client


class Load:
    """Writers in threads, each noting what the server acknowledged."""

    def __init__(self):
        self.acknowledged = {"report": [], "booking": [], "chat": []}
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.threads = []

    def ack(self, kind, marker):
        with self.lock:
            self.acknowledged[kind].append(marker)

    def total(self):
        with self.lock:
            return {kind: len(markers) for kind, markers in self.acknowledged.items()}

    def run(self, target, *args):
        def guarded():
            try:
                target(*args)
            except Exception:  # the server was killed under it: that is the test
                pass

        thread = threading.Thread(target=guarded, daemon=True)
        thread.start()
        self.threads.append(thread)

    def join(self):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=30)


def write_reports(load, requests, base_url, writer):
    http = requests.Session()
    token = csrf_of(http.get(base_url + "/kotak", timeout=10).text)
    number = 0
    while not load.stop.is_set():
        marker = f"CRASH-LAPORAN-{writer}-{number}"
        number += 1
        response = http.post(base_url + "/kotak", allow_redirects=False, timeout=10,
                             data={"csrf_token": token, "body": f"Ceritaku {marker}"})
        # Acknowledged: the page that shows the follow-up code.
        if response.status_code == 200 and "BK-" in response.text:
            load.ack("report", marker)


def write_bookings(load, requests, base_url, username, counselor_id):
    http, _cookie = login(requests, base_url, username)
    number = 0
    while not load.stop.is_set():
        page = http.get(f"{base_url}/jadwal?guru={counselor_id}", timeout=10).text
        slots = SLOT.findall(page)
        marker = f"CRASH-JADWAL-{username}-{number}"
        number += 1
        data = booking_helpers.intake_data(slots[number % len(slots)], description=marker)
        data["csrf_token"] = csrf_of(page)
        response = http.post(base_url + "/jadwal/isi", data=data, allow_redirects=False,
                             timeout=10)
        if response.status_code == 303 and "baru=1" in response.headers["Location"]:
            load.ack("booking", marker)


def write_chat(load, requests, base_url, username, booking_id):
    _http, cookie = login(requests, base_url, username)
    client = connect_chat(base_url, cookie, booking_id)
    number = 0
    try:
        while not load.stop.is_set():
            marker = f"CRASH-CHAT-{username}-{number}"
            number += 1
            ack = client.call("send", {"body": marker, "ref": str(uuid.uuid4())},
                              namespace="/chat", timeout=3)
            if ack and ack.get("ok"):
                load.ack("chat", marker)
    finally:
        client.disconnect()


def stored(database, table, column, markers):
    """The markers (of those given) that the database holds in table.column."""
    connection = sqlite3.connect(database)
    try:
        found = set()
        for marker in markers:
            if connection.execute(f"SELECT 1 FROM {table} WHERE {column} LIKE ?",
                                  (f"%{marker}",)).fetchone():
                found.add(marker)
        return found
    finally:
        connection.close()


def integrity(database):
    connection = sqlite3.connect(database)
    try:
        return connection.execute("PRAGMA integrity_check").fetchall()
    finally:
        connection.close()


def test_acknowledged_writes_survive_a_sigkill_mid_stream(live_school):
    server, requests = live_school["server"].start(), live_school["requests"]
    load = Load()
    for writer in range(3):
        load.run(write_reports, load, requests, server.url, writer)
    for username in STUDENTS:
        load.run(write_bookings, load, requests, server.url, username,
                 live_school["counselor_id"])
    for username in (STUDENTS[0], "guru.k"):
        load.run(write_chat, load, requests, server.url, username, live_school["booking_id"])

    # Kill once every kind of write is flowing, with the writers still at it.
    deadline = time.monotonic() + 60
    while min(load.total().values()) < 5 and time.monotonic() < deadline:
        time.sleep(0.05)
    server.kill()
    load.join()
    counts = load.total()
    assert min(counts.values()) >= 5, f"the load never got going: {counts}"

    server.start()
    try:
        database = live_school["database"]
        places = {"report": ("problem_reports", "body"),
                  "booking": ("booking_intakes", "description"),
                  "chat": ("chat_messages", "body")}
        lost = {kind: sorted(set(markers) - stored(database, *places[kind], markers))
                for kind, markers in load.acknowledged.items()}
        assert lost == {"report": [], "booking": [], "chat": []}
        assert integrity(database) == [("ok",)]
        # And the restarted server takes writes again.
        http = requests.Session()
        token = csrf_of(http.get(server.url + "/kotak", timeout=10).text)
        after = http.post(server.url + "/kotak", allow_redirects=False, timeout=10,
                          data={"csrf_token": token, "body": "Setelah mati mendadak"})
        assert after.status_code == 200 and "BK-" in after.text
    finally:
        server.kill()
