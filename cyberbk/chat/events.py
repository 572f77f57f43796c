"""Socket.IO events of the live chat, namespace /chat.

A socket sits at one chat, chosen when it connects and checked again at every
event: `before_request` guards do not run here, and a socket keeps the session
it connected with. Rooms are derived on the server. Nothing is written to the
socket's session (it is a copy that no HTTP request ever sees); what a socket
needs between events lives in this process's memory, keyed by its sid.
"""

import logging
import time
from dataclasses import dataclass
from functools import wraps

from flask import current_app
from flask import g
from flask import request
from flask_babel import gettext as _
from flask_login import current_user
from flask_socketio import ConnectionRefusedError
from flask_socketio import disconnect
from flask_socketio import emit
from flask_socketio import join_room
from sqlalchemy.exc import OperationalError

from .. import message_queue
from ..common import signals
from ..extensions import db
from ..extensions import socketio
from ..problembox.models import ProblemReport
from .services import messaging
from .services import moderation
from .services import presence
from .services import rooms
from .services import rules
from .services.rules import NAMESPACE
from .services.rules import Refused

log = logging.getLogger("cyberbk.chat")


@dataclass
class LiveSocket:
    key: str
    user_id: int | None
    report_id: int | None
    idle_seconds: int
    last_active: float
    #: At a booking's chat: who sent its messages are checked against as they are stored.
    seat: messaging.SocketSeat | None = None
    #: The message queue's epoch from which on this socket heard every message live (None:
    #: not since its last catch-up), and the last id that catch-up gave it.
    live_since: int | None = None
    synced_to: int = 0

    def idle(self):
        return time.monotonic() - self.last_active > self.idle_seconds

    def received_up_to(self, queue):
        """The highest message id this socket surely received; None: whatever it says.

        While the queue has stayed up since the socket connected or last caught up,
        every message stored since reached it live. Once it went down, the other
        processes' messages did not: until the socket has caught up again from the
        database (sync), it has only what that last sync gave it. The page saying
        more (the id of its own later message, say) cannot mark them read.
        """
        if queue.up and self.live_since == queue.epoch:
            return None
        return self.synced_to


def sockets():
    return current_app.extensions.setdefault("chat_sockets", {})


def current_seat(live):
    """The socket's seat, looked up again: the account may be gone or the thread purged."""
    if live.user_id is None:
        return rooms.reporter_seat(db.session.get(ProblemReport, live.report_id))
    seat = rooms.seat_for_key(live.key, live.user_id)
    if not current_user.is_authenticated or current_user.id != live.user_id:
        return None
    return seat


def refuse(error, ref=None, close=False):
    """Tell this socket why, with a "refused" event and in the acknowledgement."""
    data = {"reason": error.reason, "message": str(error)}
    if ref:
        data["ref"] = ref
    emit("refused", data)
    if close:
        disconnect()
    return {"ok": False, **data}


def seated(active=False, window="signals"):
    """Run the handler only for a socket whose person still sits at its chat.

    `active`: the event is the person's own doing and keeps the socket from idling.
    `window`: the rate limit it counts against ("signals", or None for the
    message window that send() applies itself).
    """

    def decorator(handler):
        @wraps(handler)
        def wrapped(data=None):
            live = sockets().get(request.sid)
            seat = current_seat(live) if live else None
            if seat is None:
                return refuse(rules.refusal("signed_out"), close=True)
            if live.idle():
                return refuse(rules.refusal("idle"), close=True)
            if active:
                live.last_active = time.monotonic()
            if window and not moderation.take_signal_slot(request.sid):
                return {"ok": False, "reason": "rate"}
            # Kept for the handler: the socket may disconnect (and leave sockets()) while
            # the handler waits for the database.
            g.chat_socket = live
            return handler(seat, data if isinstance(data, dict) else {})

        return wrapped

    return decorator


def refused_connection(error):
    """A connect refused for `error`: the page gets its reason and the text to show."""
    return ConnectionRefusedError(error.reason, {"reason": error.reason, "message": str(error)})


@socketio.on("connect", namespace=NAMESPACE)
def on_connect(auth=None):
    """A chat page opens its line, with auth {"chat": "b<booking id>" | "k" | "k<report id>"}.

    Refused ("unauthorized") unless a logged-in participant connects, or the
    browser in which the reporter opened this problem-box thread with its code.
    Refused "full" past CHAT_SOCKETS_PER_WORKER, and "busy" when the setup fails: a
    socket is either seated at its chat and in its room, or not connected at all.
    """
    if len(sockets()) >= rules.config("CHAT_SOCKETS_PER_WORKER"):
        # Before any database work: what is short may be the files to open it with.
        raise refused_connection(rules.refusal("full"))
    # Its place is taken before the first database wait, in which others connect too.
    sockets()[request.sid] = None
    try:
        seat = rooms.seat_for_key(auth.get("chat") if isinstance(auth, dict) else None)
        if seat is None or not seat.chat.can_connect():
            raise ConnectionRefusedError("unauthorized")
        booking = isinstance(seat.chat, rooms.BookingChat)
        # Made now, committed with the connection: the checks of a booking's messages find
        # it in the group commit's own connection, and no later event has to make it.
        seat.chat.room()
        live = LiveSocket(
            key=seat.chat.key, user_id=seat.user.id if seat.user else None,
            report_id=seat.chat.report.id if seat.user is None else None,
            idle_seconds=rules.idle_seconds(seat), last_active=time.monotonic(),
            seat=messaging.SocketSeat.of(seat) if booking else None,
            live_since=live_epoch(message_queue.status()))
        sockets()[request.sid] = live
        presence.register_socket(request.sid, seat)
        join_room(seat.chat.socket_room)
        # The last step: whatever fails before it or in it, nothing of the socket stays
        # (a refused socket leaves its rooms).
        db.session.commit()
    except ConnectionRefusedError:
        sockets().pop(request.sid, None)
        raise
    except Exception as error:
        # Left connected, the socket would hear nothing and be heard by no one, and the
        # page would say "connected" (on_error's answer counts as accepting it).
        db.session.rollback()
        sockets().pop(request.sid, None)
        presence.abandon_socket(request.sid)
        if isinstance(error, OperationalError):
            log.warning("chat socket refused, the database refused: %s", error.orig)
        else:
            log.exception("chat socket refused, its setup failed")
        raise refused_connection(rules.refusal("busy"))


@socketio.on("disconnect", namespace=NAMESPACE)
def on_disconnect(reason=None):
    sockets().pop(request.sid, None)
    presence.forget_socket(request.sid)
    db.session.commit()


def live_epoch(queue):
    """The epoch a socket hears everything live from, if it does now."""
    return queue.epoch if queue.up else None


@socketio.on("sync", namespace=NAMESPACE)
@seated()
def on_sync(seat, data):
    """{"after": the id up to which the page has every message} -> the messages after it
    (a batch; "more" says if another follows), the delivered/read markers, and "queue_up":
    whether this process is on the message queue. Sent on every (re)connect, and when
    the queue returns ("queue_up")."""
    after = data.get("after")
    after = max(after if isinstance(after, int) and not isinstance(after, bool) else 0, 0)
    # Before the read: an outage that begins during it may hide a message stored after it.
    since = live_epoch(message_queue.status())
    messages, more = seat.chat.after(after, rules.config("CHAT_SYNC_BATCH"))
    live = sockets().get(request.sid)
    live.synced_to = messages[-1].id if messages else after
    live.live_since = None if more else since
    if seat.side == rules.Side.COUNSELOR and messages:
        # A read over the socket is a read as much as the page's: audited the same way.
        rooms.audit_read(seat, over="socket")
        db.session.commit()
    return {"ok": True, "messages": [seat.chat.payload(m) for m in messages], "more": more,
            "state": seat.chat.state(),
            # Read last. A "queue_up" may still overtake this answer (the request's
            # teardown comes between): the page syncs again on it, and hears "up" then.
            "queue_up": message_queue.status().up}


@socketio.on("send", namespace=NAMESPACE)
def on_send(data=None):
    """{"body": text, "ref": the page's own id for it} -> stored, then acknowledged to the
    sender ({"ok": true, "message": ...}) and emitted as "new_message" to the rest of the room.
    Too long, too fast, empty or a closed session: "refused" and {"ok": false}.

    At a booking's chat the seat is checked in the transaction that stores the message,
    with the others that arrive together (writer.py): at hundreds of messages a second
    a seat looked up for each one alone would fill the worker's CPU."""
    live = sockets().get(request.sid)
    if live is None or live.seat is None:
        return send_seated(data)
    data = data if isinstance(data, dict) else {}
    ref = data.get("ref") if isinstance(data.get("ref"), str) else None
    if live.idle():
        return refuse(rules.refusal("idle"), close=True)
    live.last_active = time.monotonic()
    try:
        moderation.take_message_slot(request.sid)
        message = messaging.send_from_socket(live.seat, data.get("body"), ref,
                                             skip_sid=request.sid)
    except Refused as error:
        return refuse(error, ref, close=error.reason == "signed_out")
    return {"ok": True, "message": message, "waiting": not message_queue.status().up}


@seated(active=True, window=None)
def send_seated(seat, data):
    """A message in a problem-box thread's live chat, checked like any other event."""
    ref = data.get("ref") if isinstance(data.get("ref"), str) else None
    try:
        moderation.take_message_slot(request.sid)
        message, new = messaging.send(seat, data.get("body"), ref)
    except Refused as error:
        return refuse(error, ref)
    db.session.commit()  # on disk before anyone hears of it
    if new:
        messaging.broadcast(seat.chat, "new_message", message, skip_sid=request.sid)
    return {"ok": True, "message": message, "waiting": not message_queue.status().up}


@socketio.on("seen", namespace=NAMESPACE)
@seated()
def on_seen(seat, data):
    """{"id": n, "read": bool}: this side received (and read) everything up to n, as far
    as this socket surely received it (LiveSocket.received_up_to). Everyone in the room
    gets the new markers as "state", once they are committed."""
    moved = messaging.mark(seat, data.get("id"), bool(data.get("read")),
                           received=g.chat_socket.received_up_to(message_queue.status()))
    db.session.commit()
    if moved:
        messaging.broadcast(seat.chat, "state", seat.chat.state())
    return {"ok": True}


@signals.message_queue_changed.connect
def tell_sockets(app, up):
    """Tell this process's chat pages "queue_down" or "queue_up" (no data).

    Down: what they send is stored and acknowledged, but reaches pages on other
    processes only once the queue returns; they say so. Up: they catch up (sync) from
    the database with what the other processes stored meanwhile. Only this process's
    sockets: the queue is the very thing that is, or just was, missing.
    """
    socketio.emit("queue_up" if up else "queue_down", namespace=NAMESPACE, ignore_queue=True)


@socketio.on("typing", namespace=NAMESPACE)
@seated(active=True)
def on_typing(seat, data):
    """The person is typing: the others in the room get "typing" {"side": ...}."""
    emit("typing", {"side": seat.side.value}, to=seat.chat.socket_room, skip_sid=request.sid)
    return {"ok": True}


@socketio.on("active", namespace=NAMESPACE)
@seated(active=True)
def on_active(seat, data):
    """The person is using the page (keys, taps) though not writing: no idle close."""
    return {"ok": True}


@socketio.on_error(NAMESPACE)
def on_error(error):
    db.session.rollback()
    if isinstance(error, OperationalError):
        # Locked past the wait or a full disk: expected past the worker's capacity, and
        # then for every message of a failed batch at once. A line each, not a traceback
        # each (a gigabyte of log a minute at ten times the peak); nothing was stored.
        log.warning("chat event not stored, the database refused: %s", error.orig)
        return {"ok": False, "reason": "busy",
                "message": _("Server sedang sibuk, jadi pesan ini belum terkirim. Coba kirim "
                             "lagi sebentar lagi.")}
    log.exception("chat event failed")
    return {"ok": False, "reason": "error",
            "message": _("Ada gangguan di server. Coba kirim lagi sebentar lagi.")}
