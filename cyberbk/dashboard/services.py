"""The counselor's day at a glance, counted in the database."""

import sqlalchemy as sa

from ..accounts.models import Role
from ..booking.models import Booking
from ..booking.models import BookingStatus
from ..booking.models import ParentRequest
from ..booking.models import Referral
from ..booking.models import ReferralStatus
from ..common import signals
from ..common.schooltime import day_bounds
from ..common.schooltime import local_today
from ..extensions import db
from . import periods
from . import targets


def today_summary(counselor):
    """Counts for "Ringkasan hari ini": each one a link to where the work waits. The
    problem box, chat and assessments add theirs (signals.day_summary)."""
    start, end = day_bounds(local_today())
    sessions, referrals, parents = db.session.execute(sa.select(
        sa.select(sa.func.count(Booking.id))
        .where(Booking.counselor_id == counselor.id,
               Booking.status.in_((BookingStatus.PENDING, BookingStatus.CONFIRMED)),
               Booking.starts_at >= start, Booking.starts_at < end).scalar_subquery(),
        sa.select(sa.func.count(Referral.id))
        .where(Referral.status == ReferralStatus.RECEIVED).scalar_subquery(),
        sa.select(sa.func.count(ParentRequest.id))
        .where(ParentRequest.handled_at.is_(None)).scalar_subquery(),
    )).one()
    return {
        "sessions_today": sessions,
        "referrals": referrals,
        "parent_requests": parents,
        **signals.gather(signals.day_summary, counselor),
    }


@signals.home_page.connect
def home_part(user):
    if user.role != Role.COUNSELOR:
        return {}
    semester = periods.current_semester()
    return {"today": today_summary(user),
            "semester": {"period": semester, "progress": targets.progress(semester)}}
