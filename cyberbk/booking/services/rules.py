"""What every part of booking shares: the settings a school may change and the refusals."""

from flask import current_app

#: Settings a school may override in instance/config.py.
DEFAULTS = {
    # A student may cancel or move a booking until this many hours before it starts.
    "BOOKING_CHANGE_HOURS": 3,
    # Nobody can book a slot that starts sooner than this: the counselor must see it first.
    "BOOKING_MIN_NOTICE_MINUTES": 60,
    "BOOKING_DAYS_AHEAD": 14,
    # Keeps one student from holding many slots that classmates need.
    "BOOKING_MAX_OPEN_PER_STUDENT": 3,
    # A counselor's invitation waits this many days on the student's home.
    "INVITATION_DAYS": 14,
    # Per device (ratelimit.py): parents of one school may share an address.
    "PARENT_REQUEST_LIMIT": "3 per hour",
    "PARENT_REQUESTS_PER_NUMBER_PER_DAY": 2,
}

#: Bump when the consent text in templates/booking/_consent.html changes, so every
#: booking keeps the version the student actually agreed to.
CONSENT_VERSION = "2026-1"


class SlotTaken(Exception):
    """The slot went to someone else first (or is no longer offered)."""


class NotAllowed(Exception):
    """A rule forbids the change; str(error) is a message for the person."""


def config(name):
    return current_app.config.get(name, DEFAULTS[name])
