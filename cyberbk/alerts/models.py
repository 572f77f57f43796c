"""Alerts for counselors: what each wants, where their browsers take Web Push, and the queue.

The queue is a table, so an alert is committed with the story, booking or chat that
caused it and survives a restart; the worker (delivery.py) drains it. An alert row holds
what kind of thing waits and its link, never what the student wrote or their name.
"""

import enum
from datetime import datetime
from datetime import time

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..common.schooltime import utcnow
from ..extensions import db
from ..extensions import enum_column


class Channel(str, enum.Enum):
    PUSH = "push"
    EMAIL = "email"
    #: Not a message: the time to check whether an urgent story was opened (escalation).
    ESCALATION = "escalation"


class Kind(str, enum.Enum):
    URGENT = "urgent"
    STORY = "story"
    REPLY = "reply"
    BOOKING = "booking"
    CHAT = "chat"
    REFERRAL = "referral"
    #: A student reported violence to the TPPK directly (/kotak/kekerasan).
    TPPK = "tppk"
    #: An urgent story nobody opened in time, told to everyone again.
    ESCALATED = "escalated"
    #: The "Kirim tes" button.
    TEST = "test"


#: Kinds told together at most once per digest interval.
DIGEST_KINDS = (Kind.STORY, Kind.REPLY)
#: Kinds that ignore quiet hours.
URGENT_KINDS = (Kind.URGENT, Kind.ESCALATED, Kind.TEST)


class AlertSettings(db.Model):
    """One counselor's choices (a counselor without a row has the defaults)."""

    __tablename__ = "alert_settings"

    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    email_enabled: so.Mapped[bool] = so.mapped_column(default=True)
    push_enabled: so.Mapped[bool] = so.mapped_column(default=True)
    #: New stories and replies are told together at most this often (0: never).
    digest_minutes: so.Mapped[int] = so.mapped_column(default=60)
    #: School time; only urgent alerts come between them (both None: no quiet hours).
    quiet_from: so.Mapped[time | None]
    quiet_until: so.Mapped[time | None]
    #: When the last digest went, so the next waits for the interval.
    last_digest_at: so.Mapped[datetime | None]


class PushSubscription(db.Model):
    """A browser that agreed to take this counselor's Web Push notifications."""

    __tablename__ = "push_subscriptions"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    endpoint: so.Mapped[str] = so.mapped_column(sa.String(1000), unique=True)
    p256dh: so.Mapped[str] = so.mapped_column(sa.String(200))
    auth: so.Mapped[str] = so.mapped_column(sa.String(100))
    #: What the counselor may recognise it by ("Chrome di Android").
    label: so.Mapped[str] = so.mapped_column(sa.String(80), default="")
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)


class Alert(db.Model):
    """One alert for one counselor on one channel (or for the escalation contact's email),
    waiting to go, being retried, or given up on (shown on the counselor's home)."""

    __tablename__ = "alerts"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: None: the school's escalation contact, at `address`, or an escalation check.
    user_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    address: so.Mapped[str | None] = so.mapped_column(sa.String(254))
    channel: so.Mapped[Channel] = so.mapped_column(enum_column(Channel))
    kind: so.Mapped[Kind] = so.mapped_column(enum_column(Kind))
    ref: so.Mapped[str] = so.mapped_column(sa.String(40), default="")
    link: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    #: How many things of this kind it tells of (a digest counts its stories and replies).
    count: so.Mapped[int] = so.mapped_column(default=1)
    #: Every time here is on a five-minute grid (delivery.grid): next to an anonymous
    #: story's hour, an exact time would say when it was written.
    due_at: so.Mapped[datetime] = so.mapped_column(index=True)
    attempts: so.Mapped[int] = so.mapped_column(default=0)
    #: Why the last attempt failed, in the counselor's words (no address, no content).
    last_error: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    #: Retried long enough: it waits on the counselor's home until dismissed.
    given_up: so.Mapped[bool] = so.mapped_column(default=False)
    #: A worker has taken it until then (several processes drain one queue).
    claimed_until: so.Mapped[datetime | None]
    #: Kept a while after sending so that one chat does not alert again and again; an
    #: alert about an anonymous story is deleted at once instead.
    sent_at: so.Mapped[datetime | None]
    anonymous: so.Mapped[bool] = so.mapped_column(default=False)

    @property
    def is_anonymous(self):
        """common/database.py checkpoints the log after writing one."""
        return self.anonymous

    __table_args__ = (
        sa.Index("ix_alerts_pending", "sent_at", "given_up", "due_at"),
    )
