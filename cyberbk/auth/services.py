"""Signing in and out, idle time, and a staff member's own sign-ins."""

import re
import time

import sqlalchemy as sa
from flask import current_app
from flask import request
from flask import session
from flask_login import login_user
from flask_login import logout_user

from .. import sessions
from ..accounts.models import Role
from ..accounts.models import utcnow
from ..common.signals import session_ending
from ..extensions import db
from .models import StaffSignIn

#: The idle clock is renewed (a session write) at most this often.
LAST_SEEN_SLACK_SECONDS = 30
BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("SamsungBrowser", "Samsung Internet"),
            ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Safari/", "Safari"))
SYSTEMS = (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"),
           ("CrOS", "ChromeOS"), ("Windows", "Windows"), ("Mac OS X", "macOS"),
           ("Linux", "Linux"))


def sign_in(user):
    """Start a new session for `user` and commit: the visitor's session id is replaced, so
    an id planted before the sign-in (session fixation) opens nothing. The session says
    "signed in" only once the sign-in is stored."""
    sessions.end_current()
    user.last_login_at = utcnow()
    if user.role != Role.STUDENT:
        db.session.add(StaffSignIn(user_id=user.id, session_id=sessions.current_id(),
                                   nonce=user.session_nonce, device=device_label()))
    db.session.commit()
    login_user(user)
    session["last_seen"] = int(time.time())


def sign_out():
    """End this browser's session on the server; what the response adds starts a new one."""
    session_ending.send(current_app._get_current_object())
    db.session.execute(sa.delete(StaffSignIn).where(
        StaffSignIn.session_id == sessions.current_id()))
    logout_user()
    sessions.end_current()


def idle_limit_seconds(user):
    minutes = (current_app.config["STUDENT_IDLE_MINUTES"] if user.role == Role.STUDENT
               else current_app.config["STAFF_IDLE_MINUTES"])
    return minutes * 60


def idle_expired(user):
    now = int(time.time())
    return now - session.get("last_seen", now) > idle_limit_seconds(user)


def touch_last_seen(user):
    """Renew the idle clock once it is half a minute old: writing the session on every
    request would make every page view a database write."""
    now = int(time.time())
    if now - session.get("last_seen", 0) < LAST_SEEN_SLACK_SECONDS:
        return
    session["last_seen"] = now
    if user.role != Role.STUDENT:
        db.session.execute(sa.update(StaffSignIn).where(
            StaffSignIn.session_id == sessions.current_id()).values(last_seen_at=utcnow()))
        db.session.commit()


def open_sign_ins(user):
    """The user's sign-ins that can still be used, the newest first."""
    cutoff = utcnow().timestamp() - idle_limit_seconds(user)
    rows = db.session.scalars(sa.select(StaffSignIn).where(
        StaffSignIn.user_id == user.id, StaffSignIn.nonce == user.session_nonce)
        .order_by(StaffSignIn.last_seen_at.desc())).all()
    return [row for row in rows if row.last_seen_at.timestamp() >= cutoff]


def end_other_sign_ins(user):
    """Sign `user` out everywhere but in this browser; returns how many were ended."""
    others = db.session.scalars(sa.select(StaffSignIn).where(
        StaffSignIn.user_id == user.id,
        StaffSignIn.session_id != sessions.current_id())).all()
    sessions.end([row.session_id for row in others])
    for row in others:
        db.session.delete(row)
    # A new nonce also ends a sign-in this list no longer knows (one made before a
    # restore, say); this browser signs in again under it.
    user.end_sessions()
    db.session.execute(sa.update(StaffSignIn).where(
        StaffSignIn.session_id == sessions.current_id()).values(nonce=user.session_nonce))
    login_user(user)
    return len(others)


def device_label(user_agent=None):
    """"Chrome · Android" from the browser's User-Agent, for a person to recognise."""
    text = request.user_agent.string if user_agent is None else user_agent
    browser = next((name for mark, name in BROWSERS if mark in text), None)
    system = next((name for mark, name in SYSTEMS if mark in text), None)
    label = " · ".join(part for part in (browser, system) if part)
    return label or re.sub(r"\s+", " ", text)[:40] or "?"
