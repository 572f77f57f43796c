"""Every Socket.IO event × every role, against a declared expectation, and sockets after
logout: a signed-out socket is closed and every further event of it is refused.

Events are enumerated from the server's handlers, so a new event without an entry here
fails the test: whoever adds an event decides what it takes.
"""

import json
import runpy
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from socketio import packet

pytest.importorskip("cyberbk.chat", reason="the chat feature (cyberbk.chat) is not in this tree")

from cyberbk import serving  # noqa: E402
from cyberbk.accounts import services as accounts  # noqa: E402
from cyberbk.accounts.models import User  # noqa: E402
from cyberbk.booking.models import BookingStatus  # noqa: E402
from cyberbk.chat.models import ChatConnection  # noqa: E402
from cyberbk.chat.services import rooms  # noqa: E402
from cyberbk.chat.services.rules import NAMESPACE  # noqa: E402
from cyberbk.extensions import db  # noqa: E402
from cyberbk.extensions import socketio  # noqa: E402
from cyberbk.problembox import services as problembox  # noqa: E402
from tests import factories  # noqa: E402
from tests import test_booking as booking_helpers  # noqa: E402
from tests.conftest import AuthActions  # noqa: E402
from tests.test_hardening_crash import connect_chat  # noqa: E402
from tests.test_hardening_crash import csrf_of  # noqa: E402
from tests.test_hardening_crash import live_school  # noqa: E402,F401  (fixture)
from tests.test_hardening_crash import login as live_login  # noqa: E402
from tests.test_chat import say  # noqa: E402
from tests.test_role_matrix import PEOPLE  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
REPORTER = "reporter"
COUNSELORS = {"counselor", "counselor_b"}

# event: a well-formed payload. Every event is for people seated at the chat only.
EVENTS = {
    "sync": {"after": 0},
    "send": {"body": "Halo dari uji matriks", "ref": "matriks-1"},
    "seen": {"id": 1, "read": True},
    "typing": {},
    "active": {},
}
# Connection and disconnection are not events a client sends with data.
LIFECYCLE = {"connect", "disconnect"}

# chat: who may sit at it. "booking": the session of student_a with counselor;
# "thread": a problem-box thread seen by counselors; "own thread": the reporter's.
CHATS = {
    "booking": {"student_a", "counselor"},
    "thread": COUNSELORS,
    "own thread": {REPORTER},
}

# marker: who may see it. Notes and intake never travel on a socket at all.
SECRETS = {
    "RHS-SOKET-CHAT-1": {"student_a", "counselor"},
    "RHS-SOKET-BALASAN-2": COUNSELORS | {REPORTER},
    "RHS-SOKET-CATATAN-3": set(),
    "RHS-SOKET-DATAAWAL-4": set(),
}
# What a seat's sync must return, so the search above is known to work.
SYNCED = {"booking": "RHS-SOKET-CHAT-1", "thread": "RHS-SOKET-BALASAN-2",
          "own thread": "RHS-SOKET-BALASAN-2"}


class Browser:
    """One browser: an HTTP client (logged in, or with a thread opened by code) and a socket.

    Each socket call runs in its own app context, as a real event does.
    """

    def __init__(self, app, http):
        self.app = app
        self.http = http
        self.io = None

    def connect(self, chat_key):
        with self.app.app_context():
            self.io = socketio.test_client(self.app, namespace=NAMESPACE,
                                           flask_test_client=self.http, auth={"chat": chat_key})
        return self.connected

    @property
    def connected(self):
        return self.io is not None and self.io.is_connected(NAMESPACE)

    def call(self, event, data):
        with self.app.app_context():
            return self.io.emit(event, data, namespace=NAMESPACE, callback=True)

    def received(self):
        events = self.io.queue[:]
        self.io.queue.clear()
        return events


@pytest.fixture
def world(app, school):
    booking = booking_helpers.make_booking(school["student_a"], school["counselor"],
                                           status=BookingStatus.CONFIRMED)
    booking.intake.description = "Aku ingin cerita. RHS-SOKET-DATAAWAL-4"
    db.session.commit()
    with app.test_request_context():
        say(rooms.booking_seat(school["student_a"], booking), "Halo Bu. RHS-SOKET-CHAT-1")
    report, code = factories.make_report("Aku dirundung.")
    problembox.add_student_reply(report, "Masih terjadi. RHS-SOKET-BALASAN-2")
    problembox.add_note(report, school["counselor"], "Pantau. RHS-SOKET-CATATAN-3")
    db.session.commit()
    keys = {"booking": f"b{booking.id}", "thread": f"k{report.id}", "own thread": "k"}
    return {"keys": keys, "code": code, "booking": booking, "report": report}


def browser_of(app, school, world, person):
    http = app.test_client()
    if person == REPORTER:
        assert http.post("/kotak/cek", data={"code": world["code"]}).status_code == 303
    elif person != "anonymous":
        assert AuthActions(http).login(school[person].username).status_code == 302
    return Browser(app, http)


def test_every_socket_event_has_a_declared_expectation(app):
    events = set(socketio.server.handlers[NAMESPACE]) - LIFECYCLE
    assert sorted(events - set(EVENTS)) == []
    assert sorted(set(EVENTS) - events) == []


@pytest.mark.parametrize("chat", CHATS)
@pytest.mark.parametrize("person", (*PEOPLE, REPORTER))
def test_socket_events_answer_each_role_as_declared(app, school, world, person, chat):
    browser = browser_of(app, school, world, person)
    connected = browser.connect(world["keys"][chat])
    if person not in CHATS[chat]:
        assert not connected
        assert db.session.scalar(sa.select(sa.func.count(ChatConnection.sid))) == 0
        return
    assert connected
    problems = []
    for event, data in EVENTS.items():
        ack = browser.call(event, data)
        if not (isinstance(ack, dict) and ack.get("ok") is True):
            problems.append(f"{event}: {ack}")
    assert problems == []
    # Everything this socket heard, acknowledgements included: nothing it may not see.
    traffic = json.dumps([browser.call("sync", {"after": 0}), browser.received()],
                         ensure_ascii=False)
    assert [s for s, allowed in SECRETS.items() if s in traffic and person not in allowed] == []
    assert SYNCED[chat] in traffic


def seated_pair(app, school, world):
    student = browser_of(app, school, world, "student_a")
    counselor = browser_of(app, school, world, "counselor")
    assert student.connect(world["keys"]["booking"])
    assert counselor.connect(world["keys"]["booking"])
    return student, counselor


@pytest.mark.parametrize("how", ["logout", "deactivate", "password reset"])
def test_signing_out_closes_the_socket_tells_why_and_refuses_a_reconnect(app, school, world,
                                                                        how):
    student, counselor = seated_pair(app, school, world)
    with app.app_context():
        user = db.session.get(User, school["student_a"].id)
        if how == "logout":
            AuthActions(student.http).logout()
        elif how == "deactivate":
            accounts.set_active(user, False)
        else:
            accounts.reset_password(user)
        db.session.commit()
    assert not student.connected
    refused = [e for e in student.received() if e["name"] == "refused"]
    assert refused and refused[0]["args"][0]["reason"] == "signed_out"
    assert counselor.connected
    assert not student.connect(world["keys"]["booking"])


@pytest.mark.parametrize("event", EVENTS)
def test_every_event_of_a_socket_whose_session_ended_is_refused(app, school, world, event):
    """The sign-out hooks bypassed: the check at each event alone must stop the socket."""
    student, counselor = seated_pair(app, school, world)
    with app.app_context():
        db.session.get(User, school["student_a"].id).end_sessions()
        db.session.commit()
    counselor.received()
    ack = student.call(event, EVENTS[event])
    assert ack["ok"] is False and ack["reason"] == "signed_out"
    assert not student.connected
    assert counselor.received() == [] and counselor.connected


def test_after_the_quick_exit_the_reporters_socket_is_closed(app, school, world):
    reporter = browser_of(app, school, world, REPORTER)
    assert reporter.connect("k")
    reporter.http.post("/keluar-cepat")
    assert not reporter.connected
    assert not reporter.connect("k")


# On the real server (gunicorn, gevent worker): the socket goes within seconds.

def closed_within(client, seconds=5):
    deadline = time.monotonic() + seconds
    while client.connected:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@pytest.mark.parametrize("how", ["logout", "deactivated by the operator"])
def test_on_the_real_server_signing_out_closes_the_sockets_within_seconds(
        live_school, how):  # noqa: F811
    import socketio as socketio_client

    server, requests = live_school["server"].start(), live_school["requests"]
    try:
        http, cookie = live_login(requests, server.url, "siswa.k1")
        phone = connect_chat(server.url, cookie, live_school["booking_id"])
        refused = []
        phone.on("refused", refused.append, namespace="/chat")
        if how == "logout":
            token = csrf_of(http.get(server.url + "/siswa", timeout=10).text)
            http.post(server.url + "/logout", data={"csrf_token": token}, timeout=10)
        else:
            admin, _cookie = live_login(requests, server.url, "operator.k")
            token = csrf_of(admin.get(server.url + "/admin/akun", timeout=10).text)
            answer = admin.post(f"{server.url}/admin/akun/{live_school['student_id']}/status",
                                data={"csrf_token": token}, timeout=10,
                                allow_redirects=False)
            assert answer.status_code in (302, 303)
        assert closed_within(phone), "the socket stayed open after signing out"
        assert refused and refused[0]["reason"] == "signed_out"
        # The page's reconnect carries what the browser now holds.
        cookie = "; ".join(f"{c.name}={c.value}" for c in http.cookies)
        with pytest.raises(socketio_client.exceptions.ConnectionError):
            connect_chat(server.url, cookie, live_school["booking_id"])
    finally:
        server.kill()


# Connections past what one worker holds, and sockets whose setup fails (issue 23 §1).

@pytest.fixture
def connect_errors(app, monkeypatch):
    """What the server tells each refused socket: the `connect_error` data the page gets."""
    told = []
    sent_as = socketio.server.packet_class

    class Recorded(sent_as):
        def __init__(self, packet_type=packet.EVENT, data=None, *args, **kwargs):
            super().__init__(packet_type, data, *args, **kwargs)
            if packet_type == packet.CONNECT_ERROR:
                told.append(data)

    monkeypatch.setattr(socketio.server, "packet_class", Recorded)
    return told


def open_sockets(app):
    return socketio.server.manager.get_participants(NAMESPACE, None)


def test_one_socket_past_the_cap_is_refused_with_a_message(app, school, world, connect_errors):
    app.config["CHAT_SOCKETS_PER_WORKER"] = 1
    student = browser_of(app, school, world, "student_a")
    counselor = browser_of(app, school, world, "counselor")
    assert student.connect(world["keys"]["booking"])
    assert not counselor.connect(world["keys"]["booking"])
    [told] = connect_errors
    assert told["data"]["reason"] == "full"
    assert "Ruang chat sedang penuh, coba lagi sebentar" in told["data"]["message"]
    # Pages keep answering, the chat's own among them (its form posts without a socket).
    assert counselor.http.get(f"/konseling/{world['booking'].id}").status_code == 200
    assert counselor.http.post(f"/konseling/{world['booking'].id}/kirim",
                               data={"body": "lewat formulir"}).status_code == 303
    # A place that frees up is taken by the page's next try.
    with app.app_context():
        student.io.disconnect(namespace=NAMESPACE)
    assert counselor.connect(world["keys"]["booking"])


@pytest.mark.parametrize("failure", [
    sa.exc.OperationalError("SELECT", {}, Exception("unable to open database file")),
    RuntimeError("a fault in the setup"),
])
def test_a_socket_whose_setup_fails_is_refused_not_left_deaf(app, school, world, monkeypatch,
                                                             connect_errors, failure):
    def fails(*args, **kwargs):
        raise failure

    counselor = browser_of(app, school, world, "counselor")
    # The setup's last step: everything before it has been done, and must be undone.
    monkeypatch.setattr(db.session, "commit", fails)
    assert not counselor.connect(world["keys"]["booking"])
    [told] = connect_errors
    assert told["data"]["reason"] == "busy" and told["data"]["message"]
    assert db.session.scalar(sa.select(sa.func.count(ChatConnection.sid))) == 0
    assert list(open_sockets(app)) == []
    monkeypatch.undo()
    # Once the fault is gone the page's next try seats it, and it hears the room.
    student, counselor = seated_pair(app, school, world)
    student.call("send", {"body": "Halo Bu", "ref": "setelah-gangguan"})
    assert [e["args"][0]["body"] for e in counselor.received() if e["name"] == "new_message"] == [
        "Halo Bu"]


def test_a_socket_refused_for_its_database_leaves_the_reporter_no_trace_in_memory(
        app, school, world, monkeypatch, connect_errors):
    def unable(*args, **kwargs):
        raise sa.exc.OperationalError("COMMIT", {}, Exception("unable to open database file"))

    reporter = browser_of(app, school, world, REPORTER)
    monkeypatch.setattr(db.session, "commit", unable)
    assert not reporter.connect("k")
    assert connect_errors[0]["data"]["reason"] == "busy"
    assert app.extensions.get("chat_reporter_sockets", {}) == {}
    assert not any(app.extensions.get("chat_sockets", {}))


def test_stale_connection_rows_are_cleared_at_start(app, school, world):
    """A crash leaves its sockets' rows behind. The server's next start (the gunicorn
    hook of deploy/gunicorn.conf.py) clears its own; another server's on the same
    database holds live sockets and keeps them."""
    here, elsewhere = ["127.0.0.1:5000"], ["127.0.0.1:5001"]
    student = school["student_a"].id
    db.session.add_all([
        ChatConnection(sid="sisa-1", user_id=student, server=serving.server_name(here)),
        ChatConnection(sid="sisa-2", user_id=school["counselor"].id,
                       server=serving.server_name(here)),
        ChatConnection(sid="hidup", user_id=student, server=serving.server_name(elsewhere)),
    ])
    db.session.commit()
    hooks = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    hooks["post_worker_init"](SimpleNamespace(wsgi=app, cfg=SimpleNamespace(bind=here)))
    db.session.expire_all()
    assert db.session.scalars(sa.select(ChatConnection.sid)).all() == ["hidup"]
    # The sockets it takes from now on carry its name, for its next start.
    student_browser = browser_of(app, school, world, "student_a")
    assert student_browser.connect(world["keys"]["booking"])
    assert db.session.scalars(
        sa.select(ChatConnection.server).where(ChatConnection.sid != "hidup")).all() == [
        serving.server_name(here)]
