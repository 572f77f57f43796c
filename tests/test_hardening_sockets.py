"""Every Socket.IO event × every role, against a declared expectation, and sockets after
logout: a signed-out socket is closed and every further event of it is refused.

Events are enumerated from the server's handlers, so a new event without an entry here
fails the test: whoever adds an event decides what it takes.
"""

import json
import time

import pytest
import sqlalchemy as sa

pytest.importorskip("cyberbk.chat", reason="the chat feature (cyberbk.chat) is not in this tree")

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
