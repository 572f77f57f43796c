"""The counselor's agenda as a calendar feed a phone subscribes to, at a private address.

The address carries a random token; the database keeps only its SHA-256 (a token of 256
random bits needs no slow hash). A new address replaces the old one, which then answers
404 like any address that names nothing."""

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa

from ...common.schooltime import utcnow
from ...extensions import db
from ..models import Booking
from ..models import BookingStatus
from ..models import CalendarFeed
from ..models import ParentRequest

#: What a phone shows: the last two weeks, for "when was that session", and what is booked.
DAYS_BACK = 14


def digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


def feed_of(counselor):
    return db.session.get(CalendarFeed, counselor.id)


def renew(counselor):
    """A new address for the counselor's feed (the old one stops working): its token."""
    token = secrets.token_urlsafe(32)
    feed = feed_of(counselor) or CalendarFeed(counselor_id=counselor.id)
    feed.token_digest = digest(token)
    feed.created_at = utcnow()
    db.session.add(feed)
    return token


def revoke(counselor):
    db.session.execute(sa.delete(CalendarFeed).where(CalendarFeed.counselor_id == counselor.id))


def counselor_for(token):
    """The counselor whose feed `token` opens, or None."""
    feed = db.session.scalar(sa.select(CalendarFeed)
                             .where(CalendarFeed.token_digest == digest(token)))
    return feed.counselor if feed is not None else None


def confirmed_sessions(counselor):
    return db.session.scalars(
        sa.select(Booking)
        .where(Booking.counselor_id == counselor.id, Booking.status == BookingStatus.CONFIRMED,
               Booking.ends_at >= utcnow() - timedelta(days=DAYS_BACK))
        .order_by(Booking.starts_at)).all()


def parent_meetings(counselor):
    """The counselor's meetings with parents over the feed's span, as sessions."""
    return db.session.scalars(
        sa.select(ParentRequest)
        .where(ParentRequest.counselor_id == counselor.id,
               ParentRequest.ends_at >= utcnow() - timedelta(days=DAYS_BACK))
        .order_by(ParentRequest.starts_at)).all()
