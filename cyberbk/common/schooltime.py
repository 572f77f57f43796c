"""School time: the database holds naive UTC, people think in the school's zone.

One set of helpers, on Flask-Babel's own conversions: Babel's timezone is the
school's (`school_timezone` is its selector), so what a template formats with
`datetimeformat` and what the code computes (today's bounds, slots, form values)
always agree, also when a school sets another CYBERBK_TIMEZONE.
"""

from datetime import datetime
from datetime import time
from datetime import timedelta
from datetime import timezone

from flask import current_app
from flask_babel import to_user_timezone
from flask_babel import to_utc as babel_to_utc


def school_timezone():
    """Flask-Babel's timezone selector: every person sees the school's time."""
    return current_app.config["CYBERBK_TIMEZONE"]


def utcnow():
    """Now, as naive UTC: how every datetime column holds it."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def to_local(utc_naive):
    """Naive UTC from the database -> an aware datetime in the school's zone."""
    return to_user_timezone(utc_naive)


def to_utc(local):
    """A wall-clock time at school (naive, or aware in any zone) -> naive UTC, as stored."""
    return babel_to_utc(local)


def local_today(now=None):
    """The date at school now (or at `now`, naive UTC)."""
    return to_local(now or utcnow()).date()


def day_bounds(first_day, days=1):
    """UTC start and end of `days` local days from `first_day`."""
    return (to_utc(datetime.combine(first_day, time())),
            to_utc(datetime.combine(first_day + timedelta(days=days), time())))
