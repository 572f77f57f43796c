"""What the counselor's agenda and each role's home page show of booking."""

from itertools import groupby

import sqlalchemy as sa

from ...accounts.models import Role
from ...common import signals
from ...common.schooltime import day_bounds
from ...common.schooltime import local_today
from ...common.schooltime import to_local
from ...common.schooltime import utcnow
from ...extensions import db
from ..models import ACTIVE_STATUSES
from ..models import Booking
from ..models import BookingStatus
from ..models import ParentRequest
from ..models import Referral
from ..models import ReferralStatus
from .bookings import upcoming_for_student
from .referring import referrals_by


def agenda(counselor, first_day, days):
    """The counselor's waiting, confirmed and held sessions, grouped by local day."""
    start, end = day_bounds(first_day, days)
    bookings = db.session.scalars(
        sa.select(Booking)
        .where(Booking.counselor_id == counselor.id, Booking.status.in_(ACTIVE_STATUSES),
               Booking.starts_at >= start, Booking.starts_at < end)
        .order_by(Booking.starts_at)).all()
    return [(day, list(items))
            for day, items in groupby(bookings, key=lambda b: to_local(b.starts_at).date())]


def pending_for_counselor(counselor):
    return db.session.scalars(
        sa.select(Booking)
        .where(Booking.counselor_id == counselor.id, Booking.status == BookingStatus.PENDING,
               Booking.ends_at > utcnow())
        .order_by(Booking.urgent.desc(), Booking.starts_at)).all()


def counselor_overview(counselor):
    """What the counselor's home shows: today's sessions and what waits for them."""
    today_start, today_end = day_bounds(local_today())
    today = db.session.scalars(
        sa.select(Booking)
        .where(Booking.counselor_id == counselor.id,
               Booking.status.in_((BookingStatus.PENDING, BookingStatus.CONFIRMED)),
               Booking.starts_at >= today_start, Booking.starts_at < today_end)
        .order_by(Booking.starts_at)).all()
    pending = db.session.scalar(
        sa.select(sa.func.count(Booking.id))
        .where(Booking.counselor_id == counselor.id, Booking.status == BookingStatus.PENDING,
               Booking.ends_at > utcnow()))
    urgent = db.session.scalar(
        sa.select(sa.func.count(Booking.id))
        .where(Booking.counselor_id == counselor.id, Booking.status == BookingStatus.PENDING,
               Booking.urgent.is_(True), Booking.ends_at > utcnow()))
    referrals = db.session.scalar(sa.select(sa.func.count(Referral.id))
                                  .where(Referral.status == ReferralStatus.RECEIVED))
    parents = db.session.scalar(sa.select(sa.func.count(ParentRequest.id))
                                .where(ParentRequest.handled_at.is_(None)))
    return {"today": today, "pending": pending, "urgent": urgent, "referrals": referrals,
            "parent_requests": parents}


@signals.home_page.connect
def home_part(user):
    """A student's next sessions, a homeroom teacher's latest referrals, a counselor's day."""
    if user.role == Role.STUDENT:
        return {"upcoming": upcoming_for_student(user)}
    if user.role == Role.HOMEROOM:
        return {"referrals": referrals_by(user, limit=5)}
    if user.role == Role.COUNSELOR:
        return {"booking": counselor_overview(user)}
    return {}
