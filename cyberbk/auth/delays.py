"""Slowing down password guessing without locking anyone out.

Wrong passwords are counted per account and device (devices.py). After
LOGIN_FREE_FAILURES of them within an hour, that device waits before each next try for
that account: 1, 2, 4 … seconds, at most LOGIN_MAX_DELAY_SECONDS. Only that device: the
owner logs in on their own phone with the right password all the while. A username
nobody has is counted the same way, so a wait never tells which accounts exist.
"""

from flask import current_app

from .. import devices
from .. import ratelimit

#: The failures remembered; the amount only caps the count.
FAILURES = "100 per hour"


def keys(username):
    # The username as a pseudonym in the limiter's storage: people type their password
    # into the username field.
    return devices.pseudonym(username), devices.device_key()


def free_failures():
    free = current_app.config["LOGIN_FREE_FAILURES"]
    if devices.device_id() is None:  # counted by address: maybe several people
        return free * current_app.config["RATELIMIT_NO_DEVICE_FACTOR"]
    return free


def delay_after(failures):
    """Seconds between tries for one account from a device that got it wrong `failures` times."""
    over = failures - free_failures()
    if over < 0:
        return 0
    return min(2 ** over, current_app.config["LOGIN_MAX_DELAY_SECONDS"])


def pause(delay):
    return f"1 per {delay} seconds"


def wait_seconds(username):
    """How long this device must still wait before trying `username` again (0: now)."""
    account = keys(username)
    delay = delay_after(ratelimit.used(FAILURES, "login-failures", *account))
    if not delay:
        return 0
    return ratelimit.wait_seconds(pause(delay), "login-pause", *account)


def record_failure(username):
    account = keys(username)
    ratelimit.hit(FAILURES, "login-failures", *account)
    delay = delay_after(ratelimit.used(FAILURES, "login-failures", *account))
    if delay:
        ratelimit.hit(pause(delay), "login-pause", *account)


def forget(username):
    ratelimit.forget(FAILURES, "login-failures", *keys(username))
