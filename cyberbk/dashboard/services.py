"""The counselor's day at a glance, counted in the database."""

import sqlalchemy as sa

from ..assessments import results as assessment_results
from ..booking.models import Booking
from ..booking.models import BookingStatus
from ..booking.models import ParentRequest
from ..booking.models import Referral
from ..booking.models import ReferralStatus
from ..chat import services as chat_services
from ..common.schooltime import day_bounds
from ..common.schooltime import local_today
from ..extensions import db
from ..problembox.services import inbox_counts


def today_summary(counselor):
    """Counts for "Ringkasan hari ini": each one a link to where the work waits."""
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
    reports = inbox_counts()
    return {
        "sessions_today": sessions,
        "urgent_reports": reports["urgent"],
        "new_reports": reports["new"],
        "unread_chats": chat_services.counselor_overview(counselor)["unread"],
        "referrals": referrals,
        "parent_requests": parents,
        "questionnaires": [
            (administration, answered, students,
             assessment_results.percent(answered, students))
            for administration, answered, students in assessment_results.open_with_completion()],
    }
