"""The device cookie, so that rate limits count per phone rather than per address.

Nearly every student is behind a shared address: the school's Wi-Fi, or a mobile
carrier's CGNAT. A limit per address lets one classmate (or one bot) use up a whole
school's turns. So each browser gets a random id in a cookie of its own on its first
visit, and the limiter counts per id; the address is only a high ceiling against floods
(ratelimit.py).

The id is a limiter key and nothing else: it is never stored with a report or a
message, never logged, and the limiter's storage holds only a keyed hash of it
(`pseudonym`).
"""

import hashlib
import hmac
import re
import secrets

from flask import current_app
from flask import g
from flask import request

COOKIE = "cyberbk_device"
#: The longest a browser keeps a cookie (Chromium caps it at 400 days).
MAX_AGE = 400 * 24 * 3600
#: What `new_id` makes; anything else in the cookie is ignored and replaced.
ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{22}")


def new_id():
    return secrets.token_urlsafe(16)


def device_id():
    """The requesting browser's id, or None: its first request, or a client refusing cookies."""
    value = request.cookies.get(COOKIE, "")
    return value if ID_PATTERN.fullmatch(value) else None


def pseudonym(value):
    """`value` as the limiter's storage holds it. Keyed with the app's secret: an address
    hashed without a key is found again by hashing all 2^32 of them, and a dump of the
    storage (Redis) matched against a phone's cookie would show what that phone did in
    the last hour. Costs a microsecond."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:32]


def client_address():
    return request.remote_addr or "-"


def device_key():
    """The limiter's key for the requesting browser: its device id, or without one its
    address, which ratelimit.per_device gives a few times a device's limit (several
    people may be behind it, but a client refusing cookies must not go unlimited)."""
    device = device_id()
    if device is not None:
        return "device:" + pseudonym(device)
    return "no-device:" + pseudonym(client_address())


def address_key():
    """The key of the address-wide ceiling, whatever the device."""
    return "address:" + pseudonym(client_address())


def give_id(response):
    """after_request: a browser without a (well-formed) id gets one. Not on static files
    and pages a shared cache may keep (g.public_cache): one cached id would be every
    visitor's."""
    if device_id() is None and request.endpoint != "static" and not g.get("public_cache"):
        response.set_cookie(COOKIE, new_id(), max_age=MAX_AGE, httponly=True, samesite="Lax",
                            secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


def init_app(app):
    app.after_request(give_id)
