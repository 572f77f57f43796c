"""Storing and syncing messages, and the delivered/read markers."""

from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app

from ...booking.models import BookingStatus
from ...common import signals
from ...common.schooltime import utcnow
from ...extensions import db
from ...extensions import socketio
from ..models import ChatRoom
from .moderation import clean_body
from .rooms import BookingChat
from .rooms import ThreadChat
from .rooms import booking_closed_reason
from .rooms import booking_side
from .rooms import message_values
from .rooms import socket_room
from .rules import NAMESPACE
from .rules import Side
from .rules import refusal


def send(seat, raw_body, ref=None):
    """Store a message: (its payload, whether it is new). A thread's message is written in
    the caller's transaction, a booking's by the group commit (writer.py), which needs the
    chat's room committed and the write lock free. The caller commits, then tells the room
    of a new message with broadcast(): nobody hears of a message that could still be lost.
    """
    reason = seat.chat.closed_reason()
    if reason:
        raise refusal(reason)
    body = clean_body(raw_body)
    ref = ref if isinstance(ref, str) and 0 < len(ref) <= 36 else None
    message, new = seat.chat.store(seat, body, ref)
    payload = seat.chat.payload(message)
    if ref:
        payload["ref"] = ref
    return payload, new


@dataclass(frozen=True)
class SocketSeat:
    """A person at a booking's chat as their socket connected. Their messages are checked
    against it inside the transaction that stores them (writer.py): one query for all the
    messages that arrive together, instead of a seat looked up for each."""

    booking_id: int
    user_id: int
    #: The session nonce the socket connected with: a sign-out anywhere changes the account's.
    nonce: str
    side: Side

    @classmethod
    def of(cls, seat):
        return cls(seat.chat.booking.id, seat.user.id, seat.user.session_nonce, seat.side)

    def refusal(self, facts, account):
        """Why this person may not send now ("signed_out", a closed chat's reason) or None.
        `facts`: the booking's BookingFacts (None when gone); `account`: the account's
        id, role, is_active_account and session_nonce (None when gone)."""
        if (account is None or facts is None or not account.is_active_account
                or account.session_nonce != self.nonce
                or booking_side(facts, account.id, account.role) != self.side):
            return "signed_out"
        return booking_closed_reason(facts)


def send_from_socket(seat, raw_body, ref=None, skip_sid=None):
    """send() for a booking chat's socket (a SocketSeat): whether its person still sits at
    the chat and may write is checked in the same transaction that stores the message."""
    body = clean_body(raw_body)
    ref = ref if isinstance(ref, str) and 0 < len(ref) <= 36 else None
    message, new = current_app.extensions["chat_writer"].store(
        message_values(None, seat.user_id, seat.side, body, ref), seat)
    payload = BookingChat.payload(message)
    if new:
        emit_to(socket_room(f"b{seat.booking_id}"), "new_message", payload, skip_sid=skip_sid)
    return payload


def broadcast(chat, event, data, skip_sid=None):
    """Emit to everyone in the chat's room, on every process (through the message queue)."""
    emit_to(chat.socket_room, event, data, skip_sid=skip_sid)


def emit_to(room, event, data, skip_sid=None):
    socketio.emit(event, data, to=room, namespace=NAMESPACE, skip_sid=skip_sid)


MARKERS = {
    (Side.STUDENT, "delivered"): ChatRoom.student_delivered_id,
    (Side.STUDENT, "read"): ChatRoom.student_read_id,
    (Side.COUNSELOR, "delivered"): ChatRoom.counselor_delivered_id,
    (Side.COUNSELOR, "read"): ChatRoom.counselor_read_id,
}


def mark(seat, up_to, read, received=None):
    """The seat's side has received (and read, if `read`) everything up to id `up_to`.

    Markers only move forward and never past the last message, nor past `received`: the
    last id the socket surely received (None: the whole room). Returns whether one
    moved; the caller commits, then tells the room the new state().
    """
    if isinstance(up_to, bool) or not isinstance(up_to, int) or up_to <= 0:
        return False
    chat = seat.chat
    if received is not None:
        up_to = min(up_to, received)
    up_to = min(up_to, chat.last_id())
    kinds = ("delivered", "read") if read else ("delivered",)
    moved = False
    for kind in kinds:
        column = MARKERS[(seat.side, kind)]
        result = db.session.execute(
            sa.update(ChatRoom).where(ChatRoom.id == chat.room().id, column < up_to)
            .values({column.key: up_to}).execution_options(synchronize_session=False))
        moved = moved or result.rowcount > 0
    if read and seat.side == Side.COUNSELOR and isinstance(chat, ThreadChat):
        signals.thread_seen.send(chat.report)
    return moved


def message_state(chat, message, side):
    """'sent', 'delivered' or 'read' for a message of `side`, seen from the other side's markers."""
    room = chat.room()
    if side == Side.STUDENT:
        delivered, read = room.counselor_delivered_id, room.counselor_read_id
    else:
        delivered, read = room.student_delivered_id, room.student_read_id
    if message.id <= read:
        return "read"
    if message.id <= delivered:
        return "delivered"
    return "sent"


def end_session(chat):
    """The counselor ends a booking's session: the chat becomes read-only, the booking done
    (its student is then invited to evaluate it). The caller commits, then tells the room
    with broadcast(chat, "ended", {})."""
    room = chat.room()
    room.ended_at = utcnow()
    chat.booking.status = BookingStatus.DONE
    signals.session_ended.send(chat.booking)
