"""The message queue (Redis) goes down and comes back (#23 §3): messages are stored and
say so, read receipts cover only what was delivered, and the pages catch up from the
database when the queue returns, without a reload.

In one process (Flask-SocketIO's test client, a queue state of the test's own), then
with two gunicorn processes over a Redis of the test's own that it kills and restarts
(never the machine's shared one).
"""

import threading
from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from cyberbk import message_queue
from cyberbk.chat.models import ChatMessage
from cyberbk.chat.models import ChatRoom
from cyberbk.common import signals
from cyberbk.extensions import db
from tests.own_redis import own_redis  # noqa: F401
from tests.own_redis import wait_for
from tests.test_chat import booking  # noqa: F401
from tests.test_chat import make_booking  # noqa: F401
from tests.test_chat_scaleout import database  # noqa: F401
from tests.test_chat_scaleout import login
from tests.test_chat_scaleout import postgres  # noqa: F401
from tests.test_chat_scaleout import start_process
from tests.test_chat_scaleout import wait_until_up
from tests.test_chat_socket import ChatClient


@dataclass
class QueueState:
    """Stands in for the watched Redis manager: what a process knows of its queue."""

    app: object
    up: bool = True
    epoch: int = 0

    def goes_down(self):
        self.up = False
        signals.message_queue_changed.send(self.app, up=False)

    def comes_back(self):
        self.up = True
        self.epoch += 1
        signals.message_queue_changed.send(self.app, up=True)


@pytest.fixture
def queue(app):
    app.extensions["message_queue"] = state = QueueState(app)
    return state


@pytest.fixture
def pair(app, school, booking, queue):  # noqa: F811
    key = f"b{booking.id}"
    return ChatClient(app, key, "siswa.a"), ChatClient(app, key, "guru.a")


def counselor_markers(app, booking_id):
    """The counselor's delivered and read markers, as stored."""
    with app.app_context():
        row = db.session.execute(
            sa.select(ChatRoom.counselor_delivered_id, ChatRoom.counselor_read_id)
            .where(ChatRoom.booking_id == booking_id)).one()
        db.session.remove()
        return tuple(row)


def test_both_sides_hear_the_queue_go_and_return_and_sends_say_waiting(pair, queue):
    student, counselor = pair
    assert student.sync()["queue_up"] is True
    queue.goes_down()
    assert [len(c.received("queue_down")) for c in pair] == [1, 1]
    assert student.sync()["queue_up"] is False
    ack = student.send("tersimpan dulu", ref="antre-1")
    assert ack["ok"] and ack["waiting"] is True
    queue.comes_back()
    assert [len(c.received("queue_up")) for c in pair] == [1, 1]
    ack = counselor.send("sudah tersambung", ref="antre-2")
    assert ack["ok"] and ack["waiting"] is False


def test_a_message_never_delivered_is_not_marked_read(app, pair, queue, booking):  # noqa: F811
    student, counselor = pair
    first = student.send("sebelum putus", ref="putus-0")["message"]["id"]
    counselor.call("seen", {"id": first, "read": True})
    assert counselor_markers(app, booking.id) == (first, first)

    queue.goes_down()
    waiting = student.send("pesan saat antrean mati", ref="putus-1")["message"]["id"]
    own = counselor.send("balasan saat antrean mati", ref="putus-2")["message"]["id"]
    assert own > waiting
    # The page says it has everything up to its own message: the student's, stored
    # meanwhile on another process, never reached it.
    counselor.call("seen", {"id": own, "read": True})
    assert counselor_markers(app, booking.id) == (first, first)

    # Back, but not yet caught up: still nothing past what the socket surely has.
    queue.comes_back()
    counselor.call("seen", {"id": own, "read": True})
    assert counselor_markers(app, booking.id) == (first, first)

    caught_up = counselor.sync(after=first)
    assert [m["id"] for m in caught_up["messages"]] == [waiting, own]
    counselor.call("seen", {"id": own, "read": True})
    assert counselor_markers(app, booking.id) == (own, own)


def test_a_socket_connected_while_the_queue_is_down_marks_only_what_it_synced(
        app, school, booking, queue):  # noqa: F811
    key = f"b{booking.id}"
    student = ChatClient(app, key, "siswa.a")
    first = student.send("halo", ref="baru-1")["message"]["id"]
    queue.goes_down()
    counselor = ChatClient(app, key, "guru.a")
    assert counselor.sync()["queue_up"] is False
    later = student.send("masih di sini", ref="baru-2")["message"]["id"]
    counselor.call("seen", {"id": later, "read": True})
    assert counselor_markers(app, booking.id) == (first, first)


def test_without_a_message_queue_the_chat_is_always_up(app):
    with app.app_context():
        assert message_queue.status().up is True
        assert message_queue.client_manager(app) == {"client_manager": None}


# Two processes over a Redis of the test's own.

class Page:
    """A chat page's socket that records what it hears, as chat.js does."""

    def __init__(self, socketio, requests, base_url, username, booking_id):
        self.events = []
        self.connects = 0
        self.lock = threading.Lock()
        self.io = socketio.Client(reconnection=False)
        for name in ("new_message", "queue_down", "queue_up", "state"):
            self.io.on(name, self._recorder(name), namespace="/chat")
        self.io.on("connect", self._connected, namespace="/chat")
        self.io.connect(base_url, namespaces=["/chat"], auth={"chat": f"b{booking_id}"},
                        transports=["websocket"], wait_timeout=10,
                        headers={"Cookie": login(requests, base_url, username)})

    def _connected(self):
        self.connects += 1

    def _recorder(self, name):
        def record(data=None):
            with self.lock:
                self.events.append((name, data))
        return record

    def heard(self, name):
        with self.lock:
            return [data for event, data in self.events if event == name]

    def call(self, event, data):
        return self.io.call(event, data, namespace="/chat", timeout=10)

    def send(self, body, ref):
        ack = self.call("send", {"body": body, "ref": ref})
        assert ack["ok"], ack
        return ack

    def catch_up(self, after):
        """What chat.js does on "queue_up": sync from the id it surely has all up to."""
        messages = []
        while True:
            reply = self.call("sync", {"after": after})
            messages += reply["messages"]
            if not reply["more"]:
                return messages, reply
            after = messages[-1]["id"]


@pytest.mark.postgres
def test_messages_sent_while_redis_is_down_are_saved_and_arrive_when_it_returns(
        database, own_redis, tmp_path):  # noqa: F811
    import requests
    import socketio

    url, booking_id, app = database
    instance = tmp_path / "instance"
    instance.mkdir(exist_ok=True)
    processes = [start_process(url, instance, own_redis.url) for _ in range(2)]
    pages = []
    try:
        for process, base_url, log in processes:
            wait_until_up(requests, base_url, process, log.name)
        (_p1, first, _l1), (_p2, second, _l2) = processes
        student = Page(socketio, requests, first, "siswa.skala", booking_id)
        pages.append(student)
        counselor = Page(socketio, requests, second, "guru.skala", booking_id)
        pages.append(counselor)

        hello = student.send("Halo sebelum Redis mati", "antre-0")["message"]["id"]
        wait_for(lambda: counselor.heard("new_message"), "live delivery before the outage")
        counselor.call("sync", {"after": 0})
        counselor.call("seen", {"id": hello, "read": True})

        own_redis.kill()
        wait_for(lambda: student.heard("queue_down") and counselor.heard("queue_down"),
                 "the pages were not told that the queue is down")
        from_student = [student.send(f"Saat Redis mati {n}", f"antre-s{n}") for n in (1, 2)]
        from_counselor = counselor.send("Balasan saat Redis mati", "antre-c1")
        # Stored and acknowledged, each saying it waits for the connection.
        assert all(ack["waiting"] for ack in [*from_student, from_counselor])
        student_ids = [ack["message"]["id"] for ack in from_student]
        counselor_id = from_counselor["message"]["id"]
        with app.app_context():
            stored = db.session.scalars(sa.select(ChatMessage.body).order_by(ChatMessage.id))
            assert stored.all() == ["Halo sebelum Redis mati", "Saat Redis mati 1",
                                    "Saat Redis mati 2", "Balasan saat Redis mati"]
            db.session.remove()
        # The counselor's page, as before the fix, says it has all up to its own reply.
        counselor.call("seen", {"id": counselor_id, "read": True})
        assert counselor_markers(app, booking_id) == (hello, hello)
        assert [m["id"] for m in counselor.heard("new_message")] == [hello]

        own_redis.start()
        wait_for(lambda: student.heard("queue_up") and counselor.heard("queue_up"),
                 "the pages were not told that the queue is back")
        caught, reply = counselor.catch_up(after=hello)
        assert [m["id"] for m in caught] == [*student_ids, counselor_id]
        assert reply["queue_up"] is True
        caught, _reply = student.catch_up(after=hello)
        assert counselor_id in [m["id"] for m in caught]
        counselor.call("seen", {"id": counselor_id, "read": True})
        assert counselor_markers(app, booking_id) == (counselor_id, counselor_id)

        # Live again, across processes, on the same sockets: nobody reconnected.
        after = student.send("Setelah Redis kembali", "antre-3")["message"]["id"]
        assert not student.send("Sekali lagi", "antre-4")["waiting"]
        wait_for(lambda: after in [m["id"] for m in counselor.heard("new_message")],
                 "no live delivery after Redis returned")
        assert [page.connects for page in pages] == [1, 1]
        assert all(page.io.connected for page in pages)
    finally:
        for page in pages:
            page.io.disconnect()
        for process, _base_url, log in processes:
            process.terminate()
            process.wait(timeout=10)
            log.close()
