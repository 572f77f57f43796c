"""Group commit (cyberbk/chat/groupcommit.py) for booking chat messages: durable, and cheap
under load — one transaction per message cost a commit, an ORM flush and a reload
each, and at a few hundred messages a second on one worker that alone filled the CPU.

A socket's message carries its seat (services.messaging.SocketSeat): whether its person still
sits at the chat and may write is read for the whole batch with two queries just
before the insert, instead of a seat looked up with the ORM for every message.

The write transaction never spans a yield: the reads come first, and from the insert
(where database.py's write gate opens the transaction) to the commit nothing gives the
loop away, so another greenlet never meets a half-open write (SQLite's busy handler
would block the whole gevent loop).
"""

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from . import groupcommit
from ..accounts.models import User
from ..booking.models import Booking
from ..booking.models import CounselingCase
from ..extensions import db
from .models import ChatMessage
from .models import ChatRoom
from .services import rooms
from .services import rules

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
class Pending(groupcommit.Pending):
    #: A socket's services.messaging.SocketSeat, checked in the write; None: the caller checked.
    seat: object = None
    row: sa.Row | None = None
    new: bool = False
    #: Why the seat may not send (rules.refusal's reason): nothing is stored.
    refused: str | None = None

    @property
    def key(self):
        ref = self.values["client_ref"]
        return (self.values["room_id"], ref) if ref else None


class MessageWriter(groupcommit.GroupCommit):
    """One per app (per process): the messages waiting for the next commit."""

    def __init__(self):
        super().__init__(store_batch)

    def store(self, values, seat=None):
        """Store one message (the columns of ChatMessage); (stored row, whether it is new).

        A message whose (room, client_ref) is stored already is not stored again. With a
        socket's `seat`, its room comes from the check, and rules.Refused is raised
        when the person may not send.
        """
        item = self.submit(Pending(values, seat))
        if item.refused is not None:
            raise rules.refusal(item.refused)  # worded in this socket's language
        return item.row, item.new


def store_batch(batch):
    """Store the batch, a resent message (a lost acknowledgement) found instead of stored
    again; tried again should another process store the same one in between."""
    try:
        _insert(batch, look_up=False)
    except IntegrityError:
        for attempt in range(ATTEMPTS):
            try:
                _insert(batch, look_up=True)
                break
            except IntegrityError:
                if attempt == ATTEMPTS - 1:
                    raise


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
        facts = rooms.BookingFacts(row.mode, row.status, row.student_id, row.counselor_id,
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
