"""Service hours: when a reply can be expected."""

from datetime import datetime
from datetime import timedelta

import sqlalchemy as sa

from ...booking.models import AvailabilityException
from ...booking.models import ExceptionKind
from ...booking.models import WeeklyHours
from ...common.schooltime import to_local
from ...common.schooltime import to_utc
from ...common.schooltime import utcnow
from ...extensions import db
from .presence import counselor_in_room

#: How far ahead to look for the counselors' next service hours.
HOURS_LOOKAHEAD_DAYS = 15


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
    """None while a counselor is on duty, else {"next": UTC time or None}.

    A confirmed session in its time, or a counselor at this chat now, is duty enough: an
    evening session offered outside the weekly hours must not tell its student to wait.
    """
    now = now or utcnow()
    if chat.in_session(now) or counselor_in_room(chat):
        return None
    upcoming = next_service_time(chat.counselor_ids(), now)
    if upcoming is not None and upcoming <= now:
        return None
    return {"next": upcoming}
