"""The live chat over Socket.IO (namespace /chat), with Flask-SocketIO's test client."""

import json

import pytest
import sqlalchemy as sa

from cyberbk import create_app
from cyberbk import ratelimit
from cyberbk.accounts import services as accounts
from cyberbk.accounts.models import User
from cyberbk.booking.models import SessionRecord
from cyberbk.chat.models import ChatConnection
from cyberbk.chat.models import ChatMessage
from cyberbk.common.schooltime import utcnow
from cyberbk.extensions import db
from cyberbk.extensions import socketio
from cyberbk.problembox import services as problembox
from cyberbk.problembox.models import ProblemMessage
from tests.conftest import AuthActions
from tests.test_chat import anonymous_report  # noqa: F401
from tests.test_chat import booking  # noqa: F401
from tests.test_chat import make_booking  # noqa: F401
from tests.test_chat import open_thread_with_code

NAMESPACE = "/chat"


class ChatClient:
    """A browser: its own HTTP client (with a login, or a thread opened by code) and a socket.

    Each socket call runs in a fresh app context, as a real event does; in the
    test's own context Flask-Login's cached user would be shared by every client.
    """

    def __init__(self, app, chat, username=None, http=None, app_for_socket=None):
        self.app = app_for_socket or app
        self.http = http or self.app.test_client()
        if username:
            AuthActions(self.http).login(username)
        self.chat = chat
        self.io = None
        self.connect()

    def connect(self):
        with self.app.app_context():
            self.io = socketio.test_client(self.app, namespace=NAMESPACE,
                                           flask_test_client=self.http, auth={"chat": self.chat})

    @property
    def connected(self):
        return self.io.is_connected(NAMESPACE)

    def call(self, event, data=None):
        with self.app.app_context():
            return self.io.emit(event, data or {}, namespace=NAMESPACE, callback=True)

    def send(self, body, ref=None):
        return self.call("send", {"body": body, "ref": ref})

    def sync(self, after=0):
        return self.call("sync", {"after": after})

    def received(self, name=None):
        events = self.io.queue[:]
        self.io.queue.clear()
        return [e for e in events if name is None or e["name"] == name]

    def disconnect(self):
        with self.app.app_context():
            self.io.disconnect(namespace=NAMESPACE)


@pytest.fixture
def pair(app, school, booking):  # noqa: F811
    """The session's student (on a phone) and counselor, both connected."""
    key = f"b{booking.id}"
    return ChatClient(app, key, "siswa.a"), ChatClient(app, key, "guru.a")


def bodies(events):
    return [event["args"][0]["body"] for event in events]


def test_student_and_counselor_exchange_messages(pair):
    student, counselor = pair
    assert student.connected and counselor.connected
    ack = student.send("Halo Bu, aku siap.", ref="r-1")
    assert ack["ok"] and ack["message"]["body"] == "Halo Bu, aku siap."
    assert ack["message"]["side"] == "student" and ack["message"]["ref"] == "r-1"
    assert bodies(counselor.received("new_message")) == ["Halo Bu, aku siap."]
    assert student.received("new_message") == []  # the sender has the acknowledgement instead
    reply = counselor.send("Halo juga. Ceritakan pelan-pelan, ya.")
    assert reply["message"]["id"] > ack["message"]["id"]
    assert bodies(student.received("new_message")) == ["Halo juga. Ceritakan pelan-pelan, ya."]


def test_a_chat_message_does_not_read_the_stored_session_again(app, pair):
    """The socket's user was settled at connect; each message reading the `sessions` table
    again would be a query per message for the chat's busiest path."""
    student, _counselor = pair
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert student.send("halo")["ok"]
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    assert statements
    assert not [s for s in statements if "sessions" in s]


def test_a_message_the_database_refuses_is_answered_busy_with_one_log_line(app, pair, caplog,
                                                                          monkeypatch):
    """Past the worker's capacity a whole batch can fail on a lock: each sender hears that
    nothing was stored, and the log gets a line, not a traceback, per message."""
    def locked(batch):
        raise sa.exc.OperationalError("INSERT", {}, Exception("database is locked"))

    monkeypatch.setattr(app.extensions["chat_writer"], "store_batch", locked)
    student, _counselor = pair
    ack = student.send("halo", ref="r-busy")
    assert ack["ok"] is False and ack["reason"] == "busy"
    assert "belum terkirim" in ack["message"]
    refused = [r for r in caplog.records if r.name.startswith("cyberbk.chat")]
    assert refused and all(r.exc_info is None for r in refused)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ChatMessage)) == 0


def test_message_is_stored_before_it_is_acknowledged_or_broadcast(app, pair, monkeypatch):
    student, counselor = pair
    from cyberbk.chat.services import messaging

    seen_at_broadcast = []
    real_emit = messaging.emit_to

    def checking_emit(room, event, data, skip_sid=None):
        if event == "new_message":
            with app.app_context():
                stored = db.session.get(ChatMessage, data["id"])
                seen_at_broadcast.append(stored is not None and stored.body == data["body"])
        return real_emit(room, event, data, skip_sid=skip_sid)

    monkeypatch.setattr(messaging, "emit_to", checking_emit)
    ack = student.send("Sudah tersimpan?")
    assert seen_at_broadcast == [True]
    with app.app_context():
        assert db.session.get(ChatMessage, ack["message"]["id"]).body == "Sudah tersimpan?"


@pytest.mark.parametrize("person", ["siswa.b", "guru.b", "wali.a", "operator", None])
def test_strangers_homeroom_teachers_and_logged_out_clients_are_refused(app, school, booking,  # noqa: F811
                                                                        person):
    outsider = ChatClient(app, f"b{booking.id}", person)
    assert not outsider.connected
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ChatConnection.sid))) == 0


@pytest.mark.parametrize("key", ["b999", "", "x1", None, "b", "k1"])
def test_unknown_or_malformed_chats_are_refused(app, school, booking, key):  # noqa: F811
    assert not ChatClient(app, key, "siswa.a").connected


def test_events_carry_no_room_a_client_could_choose(app, school, make_booking, pair):  # noqa: F811
    student, counselor = pair
    other = make_booking(student=school["student_b"])
    stranger = ChatClient(app, f"b{other.id}", "siswa.b")
    student.send("Hanya untuk sesi kami", ref="x")
    stranger.call("send", {"body": "menyusup", "room": f"chat-b{other.id}", "chat": "b1"})
    assert bodies(stranger.received("new_message")) == []
    assert bodies(counselor.received("new_message")) == ["Hanya untuk sesi kami"]


def test_reconnect_gets_exactly_the_missed_messages(pair):
    student, counselor = pair
    first = student.send("sebelum putus")["message"]["id"]
    student.disconnect()
    missed = [counselor.send(f"saat putus {n}")["message"]["id"] for n in range(3)]
    student.connect()
    reply = student.sync(after=first)
    assert [m["id"] for m in reply["messages"]] == missed
    assert reply["more"] is False
    assert student.sync(after=missed[-1])["messages"] == []


def test_sync_comes_in_batches(app, pair):
    student, counselor = pair
    app.config["CHAT_SYNC_BATCH"] = 2
    ids = [counselor.send(f"m{n}")["message"]["id"] for n in range(5)]
    got, after = [], 0
    while True:
        reply = student.sync(after=after)
        got += [m["id"] for m in reply["messages"]]
        after = got[-1]
        if not reply["more"]:
            break
    assert got == ids


def test_a_resend_after_a_lost_acknowledgement_is_stored_once(app, pair):
    student, counselor = pair
    first = student.send("apakah terkirim?", ref="ref-42")
    again = student.send("apakah terkirim?", ref="ref-42")
    assert again["message"]["id"] == first["message"]["id"]
    assert bodies(counselor.received("new_message")) == ["apakah terkirim?"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ChatMessage.id))) == 1


def test_messages_survive_a_server_restart(app, app_config, school, booking, pair):  # noqa: F811
    student, _counselor = pair
    sent = [student.send(f"sebelum restart {n}")["message"]["id"] for n in range(2)]
    restarted = create_app(app_config)
    again = ChatClient(app, f"b{booking.id}", "guru.a", app_for_socket=restarted)
    assert again.connected
    assert [m["id"] for m in again.sync()["messages"]] == sent
    with restarted.app_context():
        db.session.remove()
        db.engine.dispose()


def test_oversized_messages_are_refused_with_a_clear_event(app, pair):
    student, counselor = pair
    ack = student.send("x" * (app.config["CHAT_MAX_CHARS"] + 1), ref="big")
    assert ack["ok"] is False and ack["reason"] == "too_long"
    refused = student.received("refused")[0]["args"][0]
    assert refused["reason"] == "too_long" and "terlalu panjang" in refused["message"]
    assert refused["ref"] == "big"
    assert counselor.received("new_message") == []
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ChatMessage.id))) == 0


def test_flooding_messages_are_refused_with_a_clear_event(app, pair):
    student, counselor = pair
    limit = ratelimit.item(app.config["CHAT_RATE_LIMIT"]).amount
    acks = [student.send(f"banjir {n}") for n in range(limit + 2)]
    assert [a["ok"] for a in acks] == [True] * limit + [False, False]
    assert acks[-1]["reason"] == "rate" and "Pelan-pelan" in acks[-1]["message"]
    assert [e["args"][0]["reason"] for e in student.received("refused")] == ["rate", "rate"]
    assert len(counselor.received("new_message")) == limit


@pytest.mark.parametrize("body", [None, 42, {"html": "<b>x</b>"}, ["a"], "   "])
def test_only_text_is_accepted(pair, body):
    student, _counselor = pair
    ack = student.call("send", {"body": body})
    assert ack["ok"] is False and ack["reason"] in ("not_text", "empty")


def test_script_payloads_travel_as_plain_text(pair):
    student, counselor = pair
    student.send("<script>alert(1)</script>")
    assert bodies(counselor.received("new_message")) == ["<script>alert(1)</script>"]


def test_a_flood_of_signals_is_dropped_quietly_per_socket(app, pair):
    student, counselor = pair
    limit = ratelimit.item(app.config["CHAT_SIGNAL_LIMIT"]).amount
    acks = [student.call("typing") for _ in range(limit + 1)]
    assert acks[:limit] == [{"ok": True}] * limit
    assert acks[-1] == {"ok": False, "reason": "rate"}
    assert len(counselor.received("typing")) == limit
    # The other socket counts on its own.
    assert counselor.call("typing") == {"ok": True}


def test_typing_indicator_reaches_the_other_side_only(pair):
    student, counselor = pair
    counselor.call("typing")
    assert [e["args"][0] for e in student.received("typing")] == [{"side": "counselor"}]
    assert counselor.received("typing") == []


def test_delivered_and_read_states_reach_the_sender(pair):
    student, counselor = pair
    message_id = student.send("sudah dibaca?")["message"]["id"]
    student.received()
    counselor.call("seen", {"id": message_id, "read": False})
    state = student.received("state")[-1]["args"][0]
    assert state["counselor"] == {"delivered": message_id, "read": 0}
    counselor.call("seen", {"id": message_id, "read": True})
    state = student.received("state")[-1]["args"][0]
    assert state["counselor"] == {"delivered": message_id, "read": message_id}
    assert student.sync()["state"]["counselor"]["read"] == message_id


def test_a_seen_marker_whose_socket_leaves_while_it_is_checked_still_counts(app, pair,
                                                                             monkeypatch):
    """The socket's disconnect can run while the event waits for the database (gevent);
    the marker it sent before leaving is still applied, not an AttributeError."""
    from cyberbk.chat import events
    student, counselor = pair
    message_id = student.send("dibaca lalu pergi")["message"]["id"]
    look_up = events.rooms.seat_for_key

    def disconnect_meanwhile(*args):
        seat = look_up(*args)
        events.sockets().pop(events.request.sid)
        return seat

    monkeypatch.setattr(events.rooms, "seat_for_key", disconnect_meanwhile)
    assert counselor.call("seen", {"id": message_id, "read": True}) == {"ok": True}
    monkeypatch.undo()
    assert student.sync()["state"]["counselor"]["read"] == message_id


@pytest.mark.parametrize("value", ["7", None, True, -3, 10**9])
def test_seen_markers_ignore_nonsense(app, pair, value):
    student, counselor = pair
    counselor.call("seen", {"id": value, "read": True})
    assert student.sync()["state"]["counselor"]["read"] == 0


def test_counselor_private_notes_never_travel_on_the_socket(app, school, booking, pair):  # noqa: F811
    student, counselor = pair
    with app.app_context():
        db.session.add(SessionRecord(case_id=booking.case_id, booking_id=booking.id,
                                     counselor_id=school["counselor"].id, held_at=utcnow(),
                                     mode="chat", field="pribadi", topic="Topik", summary="Ringkas",
                                     private_note="CATATAN-PRIBADI-GURU"))
        db.session.commit()
    counselor.send("Halo")
    student.send("Halo juga")
    traffic = [student.sync(), counselor.sync(), *student.received(), *counselor.received()]
    assert "CATATAN-PRIBADI-GURU" not in json.dumps(traffic)


def test_logout_disconnects_the_users_sockets_within_the_request(pair):
    student, counselor = pair
    AuthActions(student.http).logout()
    assert not student.connected
    assert counselor.connected
    assert bodies(counselor.received("new_message")) == []


def test_logout_on_one_device_closes_the_sockets_on_another(app, school, booking):  # noqa: F811
    phone = ChatClient(app, f"b{booking.id}", "siswa.a")
    laptop = ChatClient(app, f"b{booking.id}", "siswa.a")
    AuthActions(laptop.http).logout()
    assert not phone.connected and not laptop.connected


def test_the_refused_socket_is_told_why(app, school, booking):  # noqa: F811
    student = ChatClient(app, f"b{booking.id}", "siswa.a")
    AuthActions(student.http).logout()
    refused = student.received("refused")
    assert refused and refused[0]["args"][0]["reason"] == "signed_out"


@pytest.mark.parametrize("action", ["deactivate", "reset_password"])
def test_deactivation_and_password_reset_disconnect_the_user(app, school, pair, action):
    student, counselor = pair
    with app.app_context():
        user = db.session.get(User, school["student_a"].id)
        if action == "deactivate":
            accounts.set_active(user, False)
        else:
            accounts.reset_password(user)
        db.session.commit()
    assert not student.connected and counselor.connected


def test_further_events_of_a_signed_out_socket_are_refused(app, school, pair):
    student, counselor = pair
    with app.app_context():
        # Bypass the hooks: the per-event check alone must stop the socket.
        user = db.session.get(User, school["student_a"].id)
        user.end_sessions()
        db.session.commit()
    ack = student.send("masih bisa?")
    assert ack["ok"] is False and ack["reason"] == "signed_out"
    assert not student.connected
    assert counselor.received("new_message") == []


def test_an_idle_socket_is_closed_at_its_next_event(app, pair, monkeypatch):
    student, _counselor = pair
    import cyberbk.chat.events as events

    later = events.time.monotonic() + app.config["STUDENT_IDLE_MINUTES"] * 60 + 1
    monkeypatch.setattr(events.time, "monotonic", lambda: later)
    ack = student.sync()
    assert ack["ok"] is False and ack["reason"] == "idle" and not student.connected


def test_ended_session_stays_readable_but_takes_no_messages(app, pair):
    student, counselor = pair
    student.send("terima kasih, Bu")
    AuthActions(counselor.http).login("guru.a")
    assert counselor.http.post(f"/konseling/{student.chat[1:]}/selesai").status_code == 303
    assert [e["name"] for e in student.received()].count("ended") == 1
    ack = student.send("satu lagi")
    assert ack["ok"] is False and ack["reason"] == "ended"
    assert student.sync()["state"]["ended"] is True
    assert len(student.sync()["messages"]) == 1


def test_no_js_messages_reach_live_sockets(pair):
    student, counselor = pair
    counselor.http.post(f"/konseling/{student.chat[1:]}/kirim", data={"body": "dari formulir"})
    assert bodies(student.received("new_message")) == ["dari formulir"]


def test_connections_are_forgotten_on_disconnect(app, pair):
    student, counselor = pair
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ChatConnection.sid))) == 2
    student.disconnect()
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ChatConnection.sid))) == 1


# The anonymous problem-box thread, authorised by the code (through the session).

@pytest.fixture
def thread_pair(app, school, anonymous_report):  # noqa: F811
    report, code = anonymous_report
    reporter_http = app.test_client()
    with app.app_context():
        open_thread_with_code(reporter_http, code)
    reporter = ChatClient(app, "k", http=reporter_http)
    counselor = ChatClient(app, f"k{report.id}", "guru.b")
    return report, reporter, counselor


def test_reporter_chats_live_on_the_thread_opened_with_the_code(app, thread_pair):
    report, reporter, counselor = thread_pair
    assert reporter.connected and counselor.connected
    ack = reporter.send("Bu, aku yang menulis tadi")
    assert ack["ok"] and ack["message"]["at"] is None
    assert bodies(counselor.received("new_message")) == ["Bu, aku yang menulis tadi"]
    counselor.send("Ibu membaca. Kamu aman sekarang?")
    assert bodies(reporter.received("new_message")) == ["Ibu membaca. Kamu aman sekarang?"]
    with app.app_context():
        rows = db.session.execute(sa.select(ProblemMessage.from_counselor,
                                            ProblemMessage.counselor_id)).all()
        assert rows[0] == (False, None)
        # Only the counselor's socket is a row: the reporter's lives in memory.
        guru = db.session.scalar(sa.select(User.id).where(User.username == "guru.b"))
        assert db.session.scalars(sa.select(ChatConnection.user_id)).all() == [guru]


def test_a_logged_in_student_reporting_stays_anonymous_on_the_socket(app, school, anonymous_report):  # noqa: F811
    report, code = anonymous_report
    http = app.test_client()
    AuthActions(http).login("siswa.a")
    with app.app_context():
        open_thread_with_code(http, code)
    reporter = ChatClient(app, "k", http=http)
    reporter.send("tanpa nama")
    with app.app_context():
        assert db.session.scalar(sa.select(ChatConnection.user_id)) is None
        assert db.session.scalar(sa.select(ProblemMessage.counselor_id)) is None


def test_without_the_code_nobody_joins_the_thread(app, school, anonymous_report):  # noqa: F811
    report, _code = anonymous_report
    assert not ChatClient(app, "k").connected
    assert not ChatClient(app, f"k{report.id}").connected
    assert not ChatClient(app, f"k{report.id}", "siswa.a").connected
    assert not ChatClient(app, f"k{report.id}", "wali.a").connected


def test_quick_exit_closes_the_reporters_socket(thread_pair):
    _report, reporter, counselor = thread_pair
    reporter.http.post("/keluar-cepat")
    assert not reporter.connected and counselor.connected


def test_purging_the_report_refuses_the_reporters_next_event(app, thread_pair):
    report, reporter, _counselor = thread_pair
    with app.app_context():
        db.session.delete(db.session.get(type(report), report.id))
        db.session.commit()
    ack = reporter.send("masih ada?")
    assert ack["ok"] is False and ack["reason"] == "signed_out"


def test_problembox_service_replies_and_live_messages_are_one_thread(app, thread_pair):
    report, reporter, _counselor = thread_pair
    with app.app_context():
        guru = db.session.scalar(sa.select(User).where(User.username == "guru.a"))
        problembox.add_counselor_reply(db.session.get(type(report), report.id), guru,
                                       "Balasan lewat kotak masalah")
        db.session.commit()
    reporter.send("dan ini lewat chat")
    assert [m["body"] for m in reporter.sync()["messages"]] == ["Balasan lewat kotak masalah",
                                                                "dan ini lewat chat"]
