"""Which problem-box thread this browser opened with its follow-up code.

A signed cookie of its own, not the session: a signed-in student's session is stored on
the server beside their account, and a report's id there would tie the anonymous story
to them in any copy of the database. The cookie holds the report's id and a random
nonce; closing the thread, the quick exit or a sign-out revokes the nonce (stored alone,
a random string that names no report), so a copied cookie opens nothing afterwards. It
expires after PROBLEMBOX_THREAD_IDLE_MINUTES unused and is renewed on each use.
"""

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import after_this_request
from flask import current_app
from flask import g
from flask import request
from itsdangerous import BadData
from itsdangerous import URLSafeTimedSerializer

from ..accounts.models import utcnow
from ..extensions import db
from .models import ProblemReport
from .models import RevokedThreadToken

COOKIE = "cyberbk_kotak"
TOKEN = "problembox_thread_token"


def _serializer():
    return URLSafeTimedSerializer(current_app.secret_key, salt="problembox-thread")


def _idle_seconds():
    return current_app.config["PROBLEMBOX_THREAD_IDLE_MINUTES"] * 60


def _digest(nonce):
    return hashlib.sha256(nonce.encode()).hexdigest()


def _token():
    """(report id, nonce) of this browser's cookie when it was valid at the request's
    start, else None. Kept for the request: what signing out does (forget) must not hide
    the thread from the others who act on the sign-out (closing its sockets)."""
    if TOKEN not in g:
        setattr(g, TOKEN, _read_token())
    return getattr(g, TOKEN)


def _read_token():
    value = request.cookies.get(COOKIE)
    if not value:
        return None
    try:
        report_id, nonce = _serializer().loads(value, max_age=_idle_seconds())
    except (BadData, ValueError, TypeError):
        return None
    revoked = db.session.scalar(sa.select(RevokedThreadToken.id).where(
        RevokedThreadToken.digest == _digest(nonce)))
    return None if revoked is not None else (report_id, nonce)


def opened_report_id():
    """The id of the thread opened in this browser, without renewing anything (sockets)."""
    token = _token()
    return token[0] if token else None


def had_cookie():
    return COOKIE in request.cookies


def open_report():
    """The thread opened in this browser, renewed for another idle period; or None."""
    token = _token()
    report = db.session.get(ProblemReport, token[0]) if token else None
    if report is not None:
        _set_cookie(report.id, token[1])
    return report


def remember(report):
    _set_cookie(report.id, secrets.token_urlsafe(16))


def _set_cookie(report_id, nonce):
    value = _serializer().dumps([report_id, nonce])
    g.problembox_thread_cookie = value

    @after_this_request
    def set_cookie(response):
        # Only the last word of this request counts (a forget after a renew).
        if g.get("problembox_thread_cookie") == value:
            response.set_cookie(COOKIE, value, httponly=True, samesite="Lax",
                                secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
        return response


def forget():
    """Close the thread in this browser: the cookie goes, and its nonce is revoked. The
    caller commits."""
    token = _token()
    if token is not None:
        expires = utcnow() + timedelta(seconds=_idle_seconds())
        db.session.add(RevokedThreadToken(digest=_digest(token[1]), expires_at=expires))
    db.session.execute(sa.delete(RevokedThreadToken).where(
        RevokedThreadToken.expires_at < utcnow()))
    g.problembox_thread_cookie = None

    @after_this_request
    def delete_cookie(response):
        response.delete_cookie(COOKIE, httponly=True, samesite="Lax",
                               secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
        return response
