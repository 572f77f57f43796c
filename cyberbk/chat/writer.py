"""Group commit for booking chat messages: durable, and cheap under load.

Every message is committed (synchronous=FULL) before anyone hears of it. One
transaction per message costs a commit, an ORM flush and a reload each; at a few
hundred messages a second on one worker that alone fills the CPU. So messages that
arrive together share one transaction: the first event to come takes the turn,
yields once so that the events already read off the sockets can queue their
messages too, then stores all that are queued in one short transaction and tells
each waiting event its stored row. Nobody is acknowledged or delivered before that
commit. Under light load the batch is that one message and nothing waits.

A socket's message carries its seat (services.SocketSeat): whether its person still
sits at the chat and may write is read for the whole batch with two queries just
before the insert, instead of a seat looked up with the ORM for every message.

The write transaction never spans a yield: the reads come first, and from the insert
(where database.py's write gate opens the transaction) to the commit nothing gives the
loop away, so another greenlet never meets a half-open write (SQLite's busy handler
would block the whole gevent loop).
"""

import threading
from dataclasses import dataclass
from dataclasses import field

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ..accounts.models import User
from ..booking.models import Booking
from ..booking.models import CounselingCase
from ..extensions import db
from ..extensions import socketio
from . import services
from .models import ChatMessage
from .models import ChatRoom

#: A concurrent writer in another process may store the same resent message between
#: the look-up and the insert; the batch is then tried again, and finds it.
ATTEMPTS = 3
BOOKINGS = (sa.select(Booking.id, Booking.mode, Booking.status, Booking.student_id,
                      Booking.counselor_id, Booking.consent_version,
                      CounselingCase.counselor_id.label("case_counselor_id"),
                      ChatRoom.id.label("room_id"), ChatRoom.ended_at)
            .outerjoin(CounselingCase, CounselingCase.id == Booking.case_id)
            .outerjoin(ChatRoom, ChatRoom.booking_id == Booking.id)
            .where(Booking.id.in_(sa.bindparam("ids", expanding=True))))
ACCOUNTS = (sa.select(User.id, User.role, User.is_active_account, User.session_nonce)
            .where(User.id.in_(sa.bindparam("ids", expanding=True))))
COLUMNS = (ChatMessage.id, ChatMessage.room_id, ChatMessage.from_counselor, ChatMessage.body,
           ChatMessage.client_ref, ChatMessage.created_at)


@dataclass(eq=False)
class Pending:
    values: dict
    #: A socket's services.SocketSeat, checked in the write; None: the caller checked.
    seat: object = None
    row: sa.Row | None = None
    new: bool = False
    #: Why the seat may not send (services.refusal's reason): nothing is stored.
    refused: str | None = None
    error: Exception | None = None
    done: bool = False

    @property
    def key(self):
        ref = self.values["client_ref"]
        return (self.values["room_id"], ref) if ref else None


@dataclass
class MessageWriter:
    """One per app (per process): the queue of messages waiting for the next commit."""

    queue: list = field(default_factory=list)
    #: Held by the event whose transaction stores the queue; the others wait their turn.
    turn: threading.Lock = field(default_factory=threading.Lock)
    #: Guards the queue itself where events are real threads (threading mode).
    guard: threading.Lock = field(default_factory=threading.Lock)

    def store(self, values, seat=None):
        """Store one message (the columns of ChatMessage); (stored row, whether it is new).

        A message whose (room, client_ref) is stored already is not stored again. With a
        socket's `seat`, its room comes from the check, and services.Refused is raised
        when the person may not send.
        """
        # Waiting must not hold a pooled connection (the turn's holder needs one): end
        # the caller's transaction, which has read only, or written something of its own.
        session = db.session()
        if session.in_transaction():
            session.commit()
        item = Pending(values, seat)
        with self.guard:
            self.queue.append(item)
        with self.turn:
            if not item.done:
                socketio.sleep(0)
                with self.guard:
                    batch, self.queue = self.queue, []
                write(batch)
        if item.error is not None:
            raise item.error
        if item.refused is not None:
            raise services.refusal(item.refused)  # worded in this socket's language
        return item.row, item.new


def write(batch):
    """Store the batch in one transaction and settle every item, whatever happens."""
    try:
        try:
            _insert(batch, look_up=False)
        except IntegrityError:
            # A resent message (a lost acknowledgement) is already stored: look it up.
            # Tried again should another process store the same one in between.
            for attempt in range(ATTEMPTS):
                try:
                    _insert(batch, look_up=True)
                    break
                except IntegrityError:
                    if attempt == ATTEMPTS - 1:
                        raise
    except Exception as error:  # every waiting event gets the failure, not a silent hang
        for item in batch:
            item.error = error
    finally:
        for item in batch:
            item.done = True


def check_seats(connection, batch):
    """Settle the sockets' messages whose person may not send; give the rest their room.

    Two queries for the whole batch: the bookings (with case and room) and the accounts.
    """
    seated = [item for item in batch if item.seat is not None]
    if not seated:
        return
    bookings = {row.id: row for row in connection.execute(
        BOOKINGS, {"ids": list({item.seat.booking_id for item in seated})})}
    accounts = {row.id: row for row in connection.execute(
        ACCOUNTS, {"ids": list({item.seat.user_id for item in seated})})}
    for item in seated:
        row = bookings.get(item.seat.booking_id)
        facts = services.BookingFacts(row.mode, row.status, row.student_id, row.counselor_id,
                                      row.case_counselor_id, row.consent_version,
                                      row.ended_at) if row and row.room_id else None
        item.refused = item.seat.refusal(facts, accounts.get(item.seat.user_id))
        if item.refused is None:
            item.values["room_id"] = row.room_id


def _insert(batch, look_up):
    """Insert what is new; `look_up`: first find the batch's messages stored already
    (the unique (room, client_ref) refuses them otherwise)."""
    with db.engine.begin() as connection:
        check_seats(connection, batch)
        batch = [item for item in batch if item.refused is None]
        keys = {item.key for item in batch if item.key}
        stored = {}
        if look_up and keys:
            rows = connection.execute(sa.select(*COLUMNS).where(
                sa.tuple_(ChatMessage.room_id, ChatMessage.client_ref).in_(keys)))
            stored = {(row.room_id, row.client_ref): row for row in rows}
        first = {}  # key -> the item of this batch that stores it
        fresh = []
        for item in batch:
            if item.key in stored:
                item.row, item.new = stored[item.key], False
            elif item.key in first:
                continue  # the same page sent it twice at once, on two sockets
            else:
                if item.key:
                    first[item.key] = item
                fresh.append(item)
        if fresh:
            rows = connection.execute(
                sa.insert(ChatMessage).returning(*COLUMNS, sort_by_parameter_order=True),
                [item.values for item in fresh]).all()
            for item, row in zip(fresh, rows):
                item.row, item.new = row, True
    for item in batch:
        if item.row is None:
            item.row, item.new = first[item.key].row, False
