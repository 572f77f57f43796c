"""Rules of live counseling: who sits at which chat, storing and syncing messages,
delivered/read markers, unread counts, service hours, video rooms, and closing the
sockets of someone who signs out."""

import enum
import secrets
import time
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

import jwt
import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import after_this_request
from flask import current_app
from flask import has_request_context
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from .. import ratelimit
from ..accounts.models import Role
from ..accounts.models import User
from ..audit.services import record
from ..booking.models import AvailabilityException
from ..booking.models import Booking
from ..booking.models import BookingStatus
from ..booking.models import CounselingCase
from ..booking.models import ExceptionKind
from ..booking.models import WeeklyHours
from ..common import signals
from ..common.schooltime import day_bounds
from ..common.schooltime import local_today
from ..common.schooltime import to_local
from ..common.schooltime import to_utc
from ..common.schooltime import utcnow
from ..common.vocabulary import ONLINE_MODES
from ..common.vocabulary import Mode
from ..extensions import db
from ..extensions import socketio
from ..problembox.models import ProblemMessage
from ..problembox.models import ProblemReport
from .models import ChatConnection
from .models import ChatMessage
from .models import ChatRoom

NAMESPACE = "/chat"
#: A booking's chat opens when the counselor confirms it and stays readable once done.
LIVE_STATUSES = (BookingStatus.CONFIRMED, BookingStatus.DONE)
#: The built-in after-session questionnaire of the assessments feature (laiseg).
EVALUATION_INSTRUMENT = "evaluasi-sesi"
#: How far ahead to look for the counselors' next service hours.
HOURS_LOOKAHEAD_DAYS = 15

DEFAULTS = {
    "CHAT_MAX_CHARS": 2000,
    # Messages per socket, and per person for the no-JavaScript form.
    "CHAT_RATE_LIMIT": "8 per 10 seconds",
    # Typing, read and sync signals per socket; past it they are dropped silently.
    "CHAT_SIGNAL_LIMIT": "40 per 10 seconds",
    "CHAT_PAGE_SIZE": 50,
    "CHAT_SYNC_BATCH": 200,
    # How long after a session ended its evaluation link stays on the student's home.
    "CHAT_EVALUATION_DAYS": 14,
    # Seconds video.js waits for the Jitsi server before offering the chat instead.
    "JITSI_PROBE_SECONDS": 8,
    # None: embed, except on meet.jit.si (it ends embedded calls after 5 minutes).
    "JITSI_EMBED": None,
    # Both set: video rooms need a JWT signed with the secret (self-hosted Jitsi).
    "JITSI_APP_ID": None,
    "JITSI_APP_SECRET": None,
}


def config(name):
    return current_app.config.get(name, DEFAULTS[name])


class Side(str, enum.Enum):
    STUDENT = "student"
    COUNSELOR = "counselor"


class Refused(Exception):
    """A message or event is not accepted; `reason` for programs, str() for people."""

    def __init__(self, reason, message):
        super().__init__(message)
        self.reason = reason


def idle_seconds(seat):
    """How long a socket may go without its person doing anything, as their login may."""
    minutes = (current_app.config["STAFF_IDLE_MINUTES"] if seat.side == Side.COUNSELOR
               else current_app.config["STUDENT_IDLE_MINUTES"])
    return minutes * 60


def refusal(reason):
    messages = {
        "empty": _("Pesannya masih kosong."),
        "not_text": _("Yang bisa dikirim hanya teks."),
        "too_long": _("Pesanmu terlalu panjang: paling banyak %(num)d huruf. Bagi jadi beberapa "
                      "pesan, ya.", num=config("CHAT_MAX_CHARS")),
        "rate": _("Pelan-pelan, ya: terlalu banyak pesan dalam waktu singkat. Tunggu beberapa "
                  "detik, lalu kirim lagi."),
        "ended": _("Sesi ini sudah selesai, jadi pesan baru tidak bisa dikirim lagi."),
        "not_confirmed": _("Sesi ini belum dikonfirmasi Guru BK."),
        "no_consent": _("Sesi dimulai setelah siswa menyetujui kesediaan konseli."),
        "signed_out": _("Kamu sudah keluar. Masuk lagi untuk melanjutkan chat."),
        "idle": _("Chat ditutup karena lama tidak ada aktivitas. Muat ulang halaman untuk "
                  "melanjutkan."),
    }
    return Refused(reason, messages[reason])


def clean_body(raw):
    """The text of a message as it will be stored, or Refused.

    Control characters go (except line breaks and tabs), and so do lone
    surrogates, which no database column can hold. Nothing is interpreted as
    markup: templates and chat.js show it as text.
    """
    if not isinstance(raw, str):
        raise refusal("not_text")
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(ch for ch in text
                   if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cs")).strip()
    if not text:
        raise refusal("empty")
    if len(text) > config("CHAT_MAX_CHARS"):
        raise refusal("too_long")
    return text


def take_message_slot(client):
    """Count one message of `client` (a socket id or a person), or Refused when too fast."""
    if not ratelimit.hit(config("CHAT_RATE_LIMIT"), "chat-message", client):
        raise refusal("rate")


def take_signal_slot(sid):
    """Count one typing, read or sync signal of socket `sid`; False when too many."""
    return ratelimit.hit(config("CHAT_SIGNAL_LIMIT"), "chat-signal", sid)


# Chats: a booking's session, or a problem-box thread gone live.

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

    def last_id(self):
        return db.session.scalar(sa.select(sa.func.max(self.model.id)).where(self.scope())) or 0

    @classmethod
    def shows_time(cls, message):
        # A reporter's own messages keep only the hour in the problem box: no clock here.
        return not (cls.anonymous and not message.from_counselor)

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
    are no participant: its student, or its counselor or the counselor of its case."""
    if facts.mode not in ONLINE_MODES:
        return None
    if facts.student_id == user_id:
        return Side.STUDENT
    if role == Role.COUNSELOR and user_id in {facts.counselor_id, facts.case_counselor_id}:
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


# Messages.

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


def mark(seat, up_to, read):
    """The seat's side has received (and read, if `read`) everything up to id `up_to`.

    Markers only move forward and never past the last message. Returns whether one moved;
    the caller commits, then tells the room the new state().
    """
    if isinstance(up_to, bool) or not isinstance(up_to, int) or up_to <= 0:
        return False
    chat = seat.chat
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
    """The counselor ends a booking's session: the chat becomes read-only, the booking done.
    The caller commits, then tells the room with broadcast(chat, "ended", {})."""
    room = chat.room()
    room.ended_at = utcnow()
    chat.booking.status = BookingStatus.DONE


# Unread counts and the homes.

def _unread_in_booking(side):
    """Correlated count of the other side's messages in a booking's chat, unread by `side`."""
    read = ChatRoom.student_read_id if side == Side.STUDENT else ChatRoom.counselor_read_id
    return (sa.select(sa.func.count(ChatMessage.id))
            .join(ChatRoom, ChatRoom.id == ChatMessage.room_id)
            .where(ChatRoom.booking_id == Booking.id,
                   ChatMessage.from_counselor.is_(side == Side.STUDENT), ChatMessage.id > read)
            .correlate(Booking).scalar_subquery())


@dataclass
class LiveSession:
    booking: Booking
    unread: int


def student_overview(student):
    """For the student's home: online sessions that are on or have unread messages, and
    the session evaluation waiting for them (an open administration, or None)."""
    unread = _unread_in_booking(Side.STUDENT)
    rows = db.session.execute(
        sa.select(Booking, unread)
        .where(Booking.student_id == student.id, Booking.mode.in_(ONLINE_MODES),
               sa.or_(sa.and_(Booking.status == BookingStatus.CONFIRMED,
                              Booking.ends_at > utcnow() - timedelta(days=1)),
                      sa.and_(Booking.status == BookingStatus.DONE, unread > 0)))
        .order_by(Booking.starts_at)).all()
    return {"sessions": [LiveSession(booking, count) for booking, count in rows],
            "evaluation": evaluation_waiting(student)}


def counselor_overview(counselor):
    """For the counselor's home: today's online sessions and any chat waiting for an answer,
    with the problem-box threads whose live chat has unread messages."""
    unread = _unread_in_booking(Side.COUNSELOR)
    today_start, today_end = day_bounds(local_today())
    rows = db.session.execute(
        sa.select(Booking, unread)
        .where(Booking.counselor_id == counselor.id, Booking.mode.in_(ONLINE_MODES),
               Booking.status.in_(LIVE_STATUSES),
               sa.or_(sa.and_(Booking.status == BookingStatus.CONFIRMED,
                              Booking.starts_at >= today_start, Booking.starts_at < today_end),
                      unread > 0))
        .order_by(unread.desc(), Booking.starts_at)).all()
    threads = db.session.execute(
        sa.select(ChatRoom.report_id, sa.func.count(ProblemMessage.id))
        .join(ProblemMessage, ProblemMessage.report_id == ChatRoom.report_id)
        .where(ProblemMessage.from_counselor.is_(False),
               ProblemMessage.id > ChatRoom.counselor_read_id)
        .group_by(ChatRoom.report_id).order_by(ChatRoom.report_id)).all()
    sessions = [LiveSession(booking, count) for booking, count in rows]
    return {"sessions": sessions, "threads": threads,
            "unread": sum(s.unread for s in sessions) + sum(count for _id, count in threads)}


@signals.home_page.connect
def home_part(user):
    if user.role == Role.STUDENT:
        return {"chats": student_overview(user)}
    if user.role == Role.COUNSELOR:
        return {"chats": counselor_overview(user)}
    return {}


@signals.day_summary.connect
def day_part(counselor):
    return {"unread_chats": counselor_overview(counselor)["unread"]}


def evaluation_waiting(student):
    """The open after-session questionnaire for a student whose session ended lately.

    The assessments feature has no per-session hook: the link goes to the
    administration of its built-in session evaluation that is open for the
    student's class and not yet answered.
    """
    since = utcnow() - timedelta(days=config("CHAT_EVALUATION_DAYS"))
    ended = db.session.scalar(sa.select(sa.exists().where(
        Booking.student_id == student.id, Booking.status == BookingStatus.DONE,
        Booking.updated_at >= since)))
    if not ended:
        return None
    for administration, answered, _draft in signals.answer(signals.open_questionnaires,
                                                           student):
        if administration.instrument.builtin_key == EVALUATION_INSTRUMENT and not answered:
            return administration
    return None


# Service hours: when a reply can be expected.

def next_service_time(counselor_ids, now=None):
    """The first moment from `now` (naive UTC) within a counselor's weekly hours and not
    in their leave, or None when none of them has hours in the next two weeks."""
    now = now or utcnow()
    if not counselor_ids:
        return None
    hours = db.session.scalars(sa.select(WeeklyHours)
                               .where(WeeklyHours.counselor_id.in_(counselor_ids))).all()
    closed = db.session.scalars(
        sa.select(AvailabilityException)
        .where(AvailabilityException.counselor_id.in_(counselor_ids),
               AvailabilityException.kind == ExceptionKind.CLOSED,
               AvailabilityException.ends_at > now)).all()
    first_day = to_local(now).date()
    best = None
    for row in hours:
        for offset in range(HOURS_LOOKAHEAD_DAYS):
            day = first_day + timedelta(days=offset)
            if day.weekday() != row.weekday:
                continue
            start = to_utc(datetime.combine(day, row.start_time))
            end = to_utc(datetime.combine(day, row.end_time))
            moment = max(start, now)
            leave = _leave_covering(closed, row.counselor_id, moment)
            while leave is not None and moment < end:
                moment = leave.ends_at
                leave = _leave_covering(closed, row.counselor_id, moment)
            if moment < end:
                best = moment if best is None else min(best, moment)
                break
    return best


def _leave_covering(closed, counselor_id, moment):
    return next((entry for entry in closed if entry.counselor_id == counselor_id
                 and entry.starts_at <= moment < entry.ends_at), None)


def service_notice(chat, now=None):
    """None while a counselor is on duty, else {"next": UTC time or None}."""
    now = now or utcnow()
    upcoming = next_service_time(chat.counselor_ids(), now)
    if upcoming is not None and upcoming <= now:
        return None
    return {"next": upcoming}


# Video.

def video_room(chat):
    """The chat's Jitsi room name, made once; both participants always get the same one."""
    room = chat.room()
    if room.video_room is None:
        db.session.execute(
            sa.update(ChatRoom).where(ChatRoom.id == room.id, ChatRoom.video_room.is_(None))
            .values(video_room="bk" + secrets.token_hex(20))
            .execution_options(synchronize_session=False))
        db.session.refresh(room, ["video_room"])
    return room.video_room


def embeds_video():
    configured = config("JITSI_EMBED")
    if configured is not None:
        return bool(configured)
    return current_app.config["JITSI_DOMAIN"] != "meet.jit.si"


def video_name(seat):
    """What the call shows: a display name only (the student's first name), never an email."""
    if seat.user is None:
        return _("Siswa")
    if seat.side == Side.STUDENT:
        return seat.user.full_name.split()[0]
    return seat.user.full_name


def jitsi_token(room_name, display_name, moderator, now=None):
    """An HS256 JWT for a self-hosted Jitsi with token authentication, or None if not set up."""
    app_id, secret = config("JITSI_APP_ID"), config("JITSI_APP_SECRET")
    if not (app_id and secret):
        return None
    issued = int(now if now is not None else time.time())
    claims = {"iss": app_id, "aud": "jitsi", "sub": current_app.config["JITSI_DOMAIN"],
              "room": room_name, "iat": issued, "nbf": issued - 60, "exp": issued + 4 * 3600,
              "context": {"user": {"name": display_name, "moderator": moderator}}}
    return jwt.encode(claims, secret, algorithm="HS256")


# Open sockets, so that signing out closes them on every process.

def register_socket(sid, seat):
    db.session.add(ChatConnection(sid=sid, user_id=seat.user.id if seat.user else None,
                                  report_id=seat.chat.report.id if seat.user is None else None))


def forget_socket(sid):
    db.session.execute(sa.delete(ChatConnection).where(ChatConnection.sid == sid))


@signals.account_signed_out.connect
def close_account_sockets(user):
    """Every open chat socket of this account goes (deactivated, password reset)."""
    close_after_commit(_forget(ChatConnection.user_id == user.id))


@signals.session_ending.connect
def close_session_sockets(app):
    """The sockets of whoever signs out in this request go: their account's, and those of
    the problem-box thread opened in this browser."""
    conditions = []
    if current_user.is_authenticated:
        conditions.append(ChatConnection.user_id == current_user.id)
    thread = signals.answer(signals.thread_opened_here, app, touch=False)
    if thread is not None:
        conditions.append(ChatConnection.report_id == thread.id)
    if conditions:
        close_after_commit(_forget(sa.or_(*conditions)))


def close_after_commit(sids):
    """Close sockets forgotten in this request's transaction once the view has committed it
    (a view commits before it answers): closed sooner, one could connect again in time to
    pass the old session's check. Outside a request (a command), at once."""
    if not sids:
        return
    if not has_request_context():
        close_sockets(sids)
        return

    @after_this_request
    def close(response):
        close_sockets(sids)
        return response


def _forget(condition):
    sids = db.session.scalars(sa.select(ChatConnection.sid).where(condition)).all()
    if sids:
        db.session.execute(sa.delete(ChatConnection).where(condition))
    return sids


def close_sockets(sids):
    """Tell the sockets why, and close them: only once the caller has committed the end of
    their sessions, or one could connect again in time to pass the old session's check."""
    reason = refusal("signed_out")
    for sid in sids:
        # Through the message queue: the socket may live in another process.
        socketio.emit("refused", {"reason": reason.reason, "message": str(reason)}, to=sid,
                      namespace=NAMESPACE)
        socketio.server.disconnect(sid, namespace=NAMESPACE)
