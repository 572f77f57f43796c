"""One rate limiter. Flask-Limiter (extensions.limiter) guards the routes; what is not a
route (Socket.IO events, the login's delays) is counted here with the same `limits`
strategy on the same storage: memory by default, Redis when configured (config.py).

Limits count per device (devices.py). A browser without its device cookie is counted by
its address, at RATELIMIT_NO_DEVICE_FACTOR times a device's limit, and every guarded
form has an address-wide ceiling (RATELIMIT_ADDRESS_CEILING) against floods: hundreds a
minute, so that a school behind one address never meets it.
"""

import logging
import math
import time
from dataclasses import dataclass
from functools import lru_cache

from flask import current_app
from flask import request
from limits import parse
from limits import parse_many
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from limits.strategies import RateLimiter

from . import devices
from .common.forms import HONEYPOT
from .extensions import limiter

log = logging.getLogger("cyberbk.ratelimit")
#: After the storage failed, how long the direct counts stay in this process's memory
#: before the storage is tried again (a request must not wait on a dead Redis each time).
STORAGE_RETRY_SECONDS = 30


@dataclass
class Counter:
    """The direct counts of one app: its limiter's strategy on its storage, and an
    in-memory stand-in for when the storage is unreachable."""

    shared: RateLimiter
    fallback: RateLimiter
    failed_at: float = -math.inf

    def strategy(self):
        if time.monotonic() - self.failed_at < STORAGE_RETRY_SECONDS:
            return self.fallback
        return self.shared


@limiter.request_filter
def not_a_form_post():
    """Every route limit here is on a form's POST (guard_posts): other requests, most of
    them, skip the search for limits that Flask-Limiter otherwise makes on each one."""
    return request.method != "POST"


def init_app(app):
    limiter.init_app(app)
    if app.config["RATELIMIT_ENABLED"]:
        # limiter.storage, not limiter.limiter: that is Flask-Limiter's own stand-in
        # while it believes the storage down.
        app.extensions["ratelimit"] = Counter(
            shared=MovingWindowRateLimiter(limiter.storage),
            fallback=MovingWindowRateLimiter(MemoryStorage()))
    # Flask-Limiter logs every refusal at INFO with its key: a device's pseudonym beside
    # the problem box's endpoint and a time. Its warnings (storage down) still show.
    logging.getLogger("flask-limiter").setLevel(logging.WARNING)


@lru_cache(maxsize=128)
def item(spec):
    """A limit such as "8 per 10 seconds", parsed once."""
    return parse(spec)


def _count(method, spec, keys):
    if not current_app.config["RATELIMIT_ENABLED"]:
        return None
    counter = current_app.extensions["ratelimit"]
    strategy = counter.strategy()
    try:
        return getattr(strategy, method)(item(spec), *keys)
    except strategy.storage.base_exceptions as error:
        log.warning("rate-limit storage unreachable (%s): counting in memory for %d s",
                    error.__class__.__name__, STORAGE_RETRY_SECONDS)
        counter.failed_at = time.monotonic()
        return getattr(counter.fallback, method)(item(spec), *keys)


def hit(spec, *keys):
    """Count one event of `keys` against `spec`; False when it is one too many."""
    return _count("hit", spec, keys) is not False


def used(spec, *keys):
    """How much of `spec` the events of `keys` have used in its window."""
    stats = _count("get_window_stats", spec, keys)
    return 0 if stats is None else item(spec).amount - stats.remaining


def wait_seconds(spec, *keys):
    """Seconds until `keys` may count one more event against `spec` (0: now)."""
    if _count("test", spec, keys) is not False:
        return 0
    return seconds_until(_count("get_window_stats", spec, keys).reset_time)


def forget(spec, *keys):
    _count("clear", spec, keys)


def seconds_until(moment):
    return max(math.ceil(moment - time.time()), 1)


def seconds_to_wait(request_limit):
    """The wait of a refused request (a Flask-Limiter RequestLimit), in seconds. From its
    window: its reset_at is a second late, rounded for a header."""
    return seconds_until(request_limit.window.reset_time)


def minutes_to_wait(request_limit):
    return math.ceil(seconds_to_wait(request_limit) / 60)


def window_minutes(spec):
    """The length of the shortest window of `spec`, in minutes."""
    return max(min(part.get_expiry() for part in parse_many(spec)) // 60, 1)


def honeypot_minutes(name):
    """For a form's POST whose honeypot (common.forms.HONEYPOT) was filled, by a bot: the
    minutes of config `name`'s shortest window, for the view to answer as its rate limit
    would (the bot learns nothing from it); None for a person's post."""
    if not request.form.get(HONEYPOT):
        return None
    return window_minutes(current_app.config[name])


def per_device(name):
    """Limit provider for Flask-Limiter: config `name` for a browser with a device
    cookie, RATELIMIT_NO_DEVICE_FACTOR times it for one without (its key is its address)."""

    def provider():
        spec = current_app.config[name]
        if devices.device_id() is not None:
            return spec
        factor = current_app.config["RATELIMIT_NO_DEVICE_FACTOR"]
        return "; ".join(str(type(part)(part.amount * factor, part.multiples))
                         for part in parse_many(spec))

    return provider


def address_ceiling():
    return current_app.config["RATELIMIT_ADDRESS_CEILING"]


def guard_posts(name, on_breach, deduct_when=None):
    """Decorator for a form's view: its POSTs limited per device by config `name` and per
    address by the ceiling; `on_breach(request_limit)` makes the 429 page. With
    `deduct_when(response)`, only the answers it accepts are counted."""
    per_device_limit = limiter.limit(per_device(name), methods=["POST"], on_breach=on_breach,
                                     deduct_when=deduct_when)
    ceiling = limiter.limit(address_ceiling, key_func=devices.address_key, methods=["POST"],
                            on_breach=on_breach)
    return lambda view: ceiling(per_device_limit(view))


def refused(response, request_limit):
    """A view's own 429 page, told when to come back."""
    response = current_app.make_response(response)
    response.headers["Retry-After"] = str(seconds_to_wait(request_limit))
    return response
