"""Live counseling: a chat room per booking or per problem-box thread, the booking
chats' messages, and the open sockets (so any process can close a person's sockets).

A problem-box thread keeps its messages in the problem box's own table: its live
chat is that thread, live. Only the read markers of the thread live here.
"""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..common.schooltime import utcnow
from ..extensions import db


def room_created_at(context):
    """Now, for a booking's room; only the hour for a problem-box thread's, like the
    thread's own messages: a room made the second its reporter first opened the live
    chat would time their visit."""
    now = utcnow()
    if context.get_current_parameters().get("report_id") is not None:
        return now.replace(minute=0, second=0, microsecond=0)
    return now


class ChatRoom(db.Model):
    """The live side of one booking's session or of one problem-box thread."""

    __tablename__ = "chat_rooms"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    booking_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("bookings.id", ondelete="CASCADE"), unique=True)
    report_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("problem_reports.id", ondelete="CASCADE"), unique=True)
    #: Jitsi room name: random, 160 bits, made on the first visit of the video page.
    video_room: so.Mapped[str | None] = so.mapped_column(sa.String(64), unique=True)
    #: Highest message id each side has received and read (0: none yet).
    student_delivered_id: so.Mapped[int] = so.mapped_column(default=0)
    student_read_id: so.Mapped[int] = so.mapped_column(default=0)
    counselor_delivered_id: so.Mapped[int] = so.mapped_column(default=0)
    counselor_read_id: so.Mapped[int] = so.mapped_column(default=0)
    #: Set when the counselor ends the session; the chat is read-only afterwards.
    ended_at: so.Mapped[datetime | None]
    created_at: so.Mapped[datetime] = so.mapped_column(default=room_created_at)

    __table_args__ = (
        sa.CheckConstraint("(booking_id IS NULL) <> (report_id IS NULL)", name="one_subject"),
    )

    @property
    def is_anonymous(self):
        """A thread's room may belong to an anonymous reporter: its writes are followed by
        a checkpoint of the write-ahead log (common/database.py)."""
        return self.report_id is not None


class ChatMessage(db.Model):
    """One message of a booking's chat, stored before anyone is told about it."""

    __tablename__ = "chat_messages"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    room_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("chat_rooms.id", ondelete="CASCADE"))
    sender_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))
    from_counselor: so.Mapped[bool]
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    #: The sending page's own id for the message: a resend after a lost
    #: acknowledgement finds the stored message instead of storing it twice.
    client_ref: so.Mapped[str | None] = so.mapped_column(sa.String(36))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    __table_args__ = (
        sa.Index("ix_chat_messages_room_id_id", "room_id", "id"),
        sa.UniqueConstraint("room_id", "client_ref", name="uq_chat_messages_room_id_client_ref"),
    )


class ChatConnection(db.Model):
    """An open socket of an account; rows go when it disconnects (or when its person is
    signed out). An anonymous reporter's sockets are never written here: their presence
    lives in memory (services/presence.py), so no row, live or deleted, names a thread
    beside the moment it was open."""

    __tablename__ = "chat_connections"

    sid: so.Mapped[str] = so.mapped_column(sa.String(64), primary_key=True)
    user_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: The server that holds the socket (serving.identity): its next start clears the rows
    #: it left when it died without closing them.
    server: so.Mapped[str] = so.mapped_column(sa.String(255), index=True)
    #: The chat the socket sits at ("b12", "k3"): whether the counselor is in the room.
    chat_key: so.Mapped[str | None] = so.mapped_column(sa.String(24), index=True)
    connected_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
