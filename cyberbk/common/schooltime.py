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
from flask_babel import format_date
from flask_babel import format_datetime
from flask_babel import format_time
from flask_babel import gettext as _
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


def school_year_of(day):
    """The school year a date falls in, by the year it starts in (2026 for 2026/2027: July
    to June)."""
    return day.year if day.month >= 7 else day.year - 1


def day_bounds(first_day, days=1):
    """UTC start and end of `days` local days from `first_day`."""
    return (to_utc(datetime.combine(first_day, time())),
            to_utc(datetime.combine(first_day + timedelta(days=days), time())))


def day_and_time(moment, zone=False):
    """'Senin, 7 Desember 2026 pukul 14.00' / 'Monday, 7 December 2026 at 2:00 PM': a
    moment (naive UTC) in a sentence, in the reader's language and the school's time.
    The word between day and time is the catalog's, and the time takes the language's
    own form, never a word baked into a date pattern. `zone`: the zone's short name
    after the time (a text read away from the app, on WhatsApp)."""
    text = _("%(day)s pukul %(time)s", day=format_date(moment, "EEEE, d MMMM y"),
             time=format_time(moment, "short"))
    return f"{text} {format_datetime(moment, 'zzz')}" if zone else text
