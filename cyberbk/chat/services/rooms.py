"""Who sits at which chat: a booking's session, or a problem-box thread gone live."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from ...accounts.models import Role
from ...accounts.models import User
from ...audit.services import record
from ...booking.models import Booking
from ...booking.models import BookingStatus
from ...booking.models import CounselingCase
from ...booking.models import may_open
from ...common import signals
from ...common.vocabulary import ONLINE_MODES
from ...common.vocabulary import Mode
from ...extensions import db
from ...problembox.models import ProblemMessage
from ...problembox.models import ProblemReport
from ..models import ChatMessage
from ..models import ChatRoom
from .rules import Side

#: A booking's chat opens when the counselor confirms it and stays readable once done.
LIVE_STATUSES = (BookingStatus.CONFIRMED, BookingStatus.DONE)


def get_room(**subject):
    """The chat room of a booking or a report, made on first use (racing makers agree)."""
    query = sa.select(ChatRoom).filter_by(**subject)
    room = db.session.scalar(query)
    if room is None:
        try:
            # In a savepoint: the maker that loses the race takes the winner's room without
            # undoing what the caller's transaction holds.
            with db.session.begin_nested():
                db.session.add(ChatRoom(**subject))
        except IntegrityError:
            pass
        room = db.session.scalar(query)
    return room


class Chat:
    """What booking chats and thread chats share; subclasses say where messages live."""

    anonymous = False
    model = None

    def scope(self):
        raise NotImplementedError

    @property
    def socket_room(self):
        return socket_room(self.key)

    def after(self, last_id, limit):
        """Messages after `last_id`, oldest first, and whether more follow."""
        rows = db.session.scalars(sa.select(self.model)
                                  .where(self.scope(), self.model.id > last_id)
                                  .order_by(self.model.id).limit(limit + 1)).all()
        return rows[:limit], len(rows) > limit

    def latest(self, limit, before=None):
        """The last `limit` messages (before id `before`), oldest first, and whether older exist."""
        query = sa.select(self.model).where(self.scope())
        if before:
            query = query.where(self.model.id < before)
        rows = db.session.scalars(query.order_by(self.model.id.desc()).limit(limit + 1)).all()
        return list(reversed(rows[:limit])), len(rows) > limit

    def in_session(self, now):
        """A session is on now, at its booked time."""
        return False

    def last_id(self):
        return db.session.scalar(sa.select(sa.func.max(self.model.id)).where(self.scope())) or 0

    @classmethod
    def shows_time(cls, message):
        # A thread's messages keep only the hour in the problem box (the counselors' as
        # well on an anonymous report): a clock here would only mislead.
        return not cls.anonymous

    @classmethod
    def payload(cls, message):
        return {
            "id": message.id,
            "side": Side.COUNSELOR.value if message.from_counselor else Side.STUDENT.value,
            "body": message.body,
            "at": message.created_at.isoformat() + "Z" if cls.shows_time(message) else None,
            "ref": getattr(message, "client_ref", None),
        }

    def state(self):
        room = self.room()
        return {
            "student": {"delivered": room.student_delivered_id, "read": room.student_read_id},
            "counselor": {"delivered": room.counselor_delivered_id,
                          "read": room.counselor_read_id},
            "ended": self.closed_reason() == "ended",
        }


def socket_room(key):
    """The Socket.IO room of chat `key`."""
    return f"chat-{key}"


class BookingChat(Chat):
    model = ChatMessage

    def __init__(self, booking, room=None):
        self.booking = booking
        self.key = f"b{booking.id}"
        self._room = room

    def room(self):
        if self._room is None:
            self._room = get_room(booking_id=self.booking.id)
        return self._room

    def scope(self):
        return ChatMessage.room_id == self.room().id

    def can_connect(self):
        return self.booking.status in LIVE_STATUSES

    def closed_reason(self):
        """Why no message can be sent now, or None."""
        return booking_closed_reason(BookingFacts.of(self.booking, self.room()))

    def counselor_ids(self):
        return [self.booking.counselor_id]

    def in_session(self, now):
        booking = self.booking
        return (booking.status == BookingStatus.CONFIRMED
                and booking.starts_at <= now < booking.ends_at)

    def store(self, seat, body, ref):
        """(message, whether it is new). A known `ref` returns the stored message.

        Stored by group commit (writer.py): the message is a row of its columns.
        """
        return current_app.extensions["chat_writer"].store(
            message_values(self.room().id, seat.user.id, seat.side, body, ref))


def message_values(room_id, sender_id, side, body, ref):
    """The columns of a new booking chat message."""
    return {"room_id": room_id, "sender_id": sender_id, "from_counselor": side == Side.COUNSELOR,
            "body": body, "client_ref": ref}


@dataclass(frozen=True)
class BookingFacts:
    """What the rules of a booking's chat read: taken from a page's ORM objects, or from
    the rows that the group commit reads for a whole batch of socket messages at once
    (writer.py), so that both follow the same rules."""

    mode: Mode
    status: BookingStatus
    student_id: int
    counselor_id: int
    case_counselor_id: int | None
    consent_version: str | None
    ended_at: datetime | None = None

    @classmethod
    def of(cls, booking, room=None):
        return cls(booking.mode, booking.status, booking.student_id, booking.counselor_id,
                   booking.case.counselor_id if booking.case else None,
                   booking.consent_version, room.ended_at if room else None)


def booking_side(facts, user_id, role):
    """The side of account `user_id` (with `role`) at the booking's chat, or None when they
    are no participant: its student, or a counselor who may open the booking (booking's
    may_open: its counselor or the counselor of its case)."""
    if facts.mode not in ONLINE_MODES:
        return None
    if facts.student_id == user_id:
        return Side.STUDENT
    if role == Role.COUNSELOR and may_open(user_id, facts.counselor_id,
                                           facts.case_counselor_id):
        return Side.COUNSELOR
    return None


def booking_closed_reason(facts):
    """Why no message can be sent in the booking's chat now, or None."""
    if facts.status == BookingStatus.DONE or facts.ended_at is not None:
        return "ended"
    if facts.status != BookingStatus.CONFIRMED:
        return "not_confirmed"
    if not facts.consent_version:
        return "no_consent"
    return None


class ThreadChat(Chat):
    """A problem-box thread, live: its messages are the thread's own."""

    anonymous = True
    model = ProblemMessage

    def __init__(self, report):
        self.report = report
        self.key = f"k{report.id}"
        self._room = None

    def room(self):
        if self._room is None:
            self._room = get_room(report_id=self.report.id)
        return self._room

    def scope(self):
        return ProblemMessage.report_id == self.report.id

    def can_connect(self):
        return True

    def closed_reason(self):
        return None

    def counselor_ids(self):
        return db.session.scalars(sa.select(User.id).where(
            User.role == Role.COUNSELOR, User.is_active_account.is_(True))).all()

    def store(self, seat, body, ref):
        # Through the problem box's own rules: a closed report opens again, risk
        # terms flag it urgent, the reporter's time is kept to the hour only.
        counselor = seat.side == Side.COUNSELOR
        self.room()  # the counselors' homes count unread live messages per room
        signals.thread_message.send(self.report, counselor=seat.user if counselor else None,
                                    body=body)
        message = db.session.scalar(
            sa.select(ProblemMessage)
            .where(ProblemMessage.report_id == self.report.id,
                   ProblemMessage.from_counselor.is_(counselor), ProblemMessage.body == body)
            .order_by(ProblemMessage.id.desc()).limit(1))
        return message, True


@dataclass(frozen=True)
class Seat:
    """Someone at a chat: their side, and their account (None for an anonymous reporter)."""

    chat: Chat
    side: Side
    user: User | None

    @property
    def other_side(self):
        return Side.COUNSELOR if self.side == Side.STUDENT else Side.STUDENT

    @property
    def limit_key(self):
        return f"user-{self.user.id}" if self.user else f"thread-{self.chat.report.id}"


def booking_seat(user, booking, room=None):
    """The seat of `user` at the booking's chat, or None when they are no participant.
    `room`: the chat's room when the caller has it already."""
    if booking is None or booking.mode not in ONLINE_MODES or not user.is_authenticated:
        return None
    side = booking_side(BookingFacts.of(booking), user.id, user.acting_role)
    return Seat(BookingChat(booking, room), side, user) if side else None


def _booking_and_room_query(with_user):
    query = (sa.select(Booking, ChatRoom)
             .outerjoin(ChatRoom, ChatRoom.booking_id == Booking.id)
             .where(Booking.id == sa.bindparam("booking_id"))
             .options(so.load_only(Booking.mode, Booking.status, Booking.student_id,
                                   Booking.counselor_id, Booking.consent_version,
                                   Booking.case_id),
                      so.joinedload(Booking.case).load_only(CounselingCase.counselor_id),
                      so.load_only(ChatRoom.ended_at)))
    if with_user:
        query = (query.add_columns(User).join(User, User.id == sa.bindparam("user_id"))
                 .options(so.load_only(User.role, User.is_active_account, User.session_nonce,
                                   User.counselor_confirmed_at)))
    return query


#: Built once: making a statement with loader options costs more than running it.
BOOKING_AND_ROOM = {with_user: _booking_and_room_query(with_user) for with_user in (False, True)}


def booking_and_room(booking_id, user_id=None):
    """(booking with its case, its chat room or None, the account `user_id` or None) in one
    query instead of four, with the columns the seat's rules read (others load when
    touched): a socket's seat is looked up again at every event. Flask-Login then finds
    the account in the session (which holds it only while the caller does)."""
    row = db.session.execute(BOOKING_AND_ROOM[user_id is not None],
                             {"booking_id": booking_id, "user_id": user_id}).first()
    if row is None:
        return None, None, None
    return row[0], row[1], row[2] if user_id is not None else None


def audit_read(seat, over="page"):
    """A counselor's read of a chat, on its page or over its socket (`over`="socket": a
    sync that sent messages), into the audit log; the caller commits."""
    if seat.side != Side.COUNSELOR:
        return
    socket = " (lewat koneksi langsung)" if over == "socket" else ""
    if isinstance(seat.chat, BookingChat):
        record(seat.user, "read", "chat", seat.chat.booking.id,
               summary=f"Membuka chat sesi konseling{socket}")
    else:
        record(seat.user, "read", "problem_report", seat.chat.report.id,
               summary=f"Membuka chat langsung kotak masalah{socket}")


def reporter_seat(report):
    return Seat(ThreadChat(report), Side.STUDENT, None) if report is not None else None


def counselor_thread_seat(user, report):
    if report is None or not user.is_authenticated or not user.has_role(Role.COUNSELOR):
        return None
    return Seat(ThreadChat(report), Side.COUNSELOR, user)


def seat_for_key(key, user_id=None):
    """The current person's seat at chat `key`: "b<booking id>", "k" (the reporter's own
    thread) or "k<report id>" (a counselor at a thread); None when they have none.
    `user_id`: the account a socket connected with, loaded along with a booking's chat."""
    if not isinstance(key, str) or not key:
        return None
    kind, number = key[0], key[1:]
    if kind == "b" and number.isdigit():
        booking, room, _account = booking_and_room(int(number), user_id)
        return booking_seat(current_user, booking, room)
    if key == "k":
        return reporter_seat(signals.answer(signals.thread_opened_here,
                                            current_app._get_current_object(), touch=False))
    if kind == "k" and number.isdigit():
        return counselor_thread_seat(current_user, db.session.get(ProblemReport, int(number)))
    return None
