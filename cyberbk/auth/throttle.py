"""Login throttling.

Per account the count lives on the user row, so every worker sees it. Per
client address there is a small in-memory window as well, which stops a
sweep over many usernames; it is kept in memory only and never stored.
"""

import threading
import time
from collections import deque
from datetime import timedelta

from flask import current_app

from ..common.schooltime import utcnow

ADDRESS_WINDOW_SECONDS = 15 * 60
ADDRESS_MAX_FAILURES = 30

_lock = threading.Lock()
_failures_by_address: dict[str, deque] = {}


def address_blocked(address):
    with _lock:
        recent = _prune(address)
        return len(recent) >= ADDRESS_MAX_FAILURES


def record_address_failure(address):
    with _lock:
        _prune(address).append(time.monotonic())


def _prune(address):
    recent = _failures_by_address.setdefault(address, deque())
    cutoff = time.monotonic() - ADDRESS_WINDOW_SECONDS
    while recent and recent[0] < cutoff:
        recent.popleft()
    return recent


def reset_addresses():
    with _lock:
        _failures_by_address.clear()


def account_locked(user):
    return user.locked_until is not None and user.locked_until > utcnow()


def record_account_failure(user):
    user.failed_logins += 1
    if user.failed_logins >= current_app.config["LOGIN_MAX_FAILURES"]:
        user.locked_until = utcnow() + timedelta(minutes=current_app.config["LOGIN_LOCK_MINUTES"])
        user.failed_logins = 0


def record_account_success(user):
    user.failed_logins = 0
    user.locked_until = None
