"""Response headers, fingerprinted static files and session hygiene for every request."""

import hashlib
import hmac
import json
import os
import time
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app
from flask import flash
from flask import g
from flask import redirect
from flask import request
from flask import session
from flask import url_for
from flask.json.tag import TaggedJSONSerializer
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import logout_user
from flask_wtf import csrf as flask_wtf_csrf
from itsdangerous import BadData
from itsdangerous import BadSignature
from itsdangerous import Serializer
from itsdangerous import SignatureExpired
from itsdangerous import TimestampSigner
from itsdangerous import URLSafeTimedSerializer
from itsdangerous.encoding import base64_encode
from itsdangerous.encoding import want_bytes
from werkzeug.http import dump_cookie
from wtforms import ValidationError

from .accounts.models import Role

VERIFIED_COOKIES = 4096
LAST_SEEN_SLACK_SECONDS = 30
#: A signed CSRF token stays valid for WTF_CSRF_TIME_LIMIT (an hour); one this young is
#: sent again rather than signed afresh.
TOKEN_REUSE_SECONDS = 300
SIGNED_CSRF_KEPT = 4096
# Requests that must go through even before a forced password change.
PASSWORD_CHANGE_EXEMPT = {"auth.change_password", "auth.logout", "auth.quick_exit", "static",
                          "main.healthz", "main.set_language"}


class KeyCachingSigner(TimestampSigner):
    """itsdangerous derives the signing key from the secret (an HMAC) for every signature
    it makes or checks; the derived key only changes with the secret."""

    _derived = {}

    def derive_key(self, secret_key=None):
        secret = self.secret_keys[-1] if secret_key is None else want_bytes(secret_key)
        key = (secret, self.salt, self.digest_method, self.key_derivation)
        derived = self._derived.get(key)
        if derived is None:
            derived = self._derived[key] = super().derive_key(secret)
        return derived


class CompactSerializer(URLSafeTimedSerializer):
    """Signs without trying zlib first: a session or a CSRF token is a few dozen bytes
    that compression seldom shortens, and the attempt was a quarter of signing one.
    Payloads signed compressed (older cookies) load as before."""

    def dump_payload(self, obj):
        return base64_encode(Serializer.dump_payload(self, obj))


class SessionJSON(TaggedJSONSerializer):
    """Flask's tagged JSON for sessions; one holding only plain JSON values (nearly every
    one) is written without walking the tags, which gives the same text."""

    def dumps(self, value):
        if self._plain(value):
            return json.dumps(value, separators=(",", ":"), sort_keys=True)
        return super().dumps(value)

    def _plain(self, value):
        kind = type(value)
        if kind in (str, int, float, bool) or value is None:
            return True
        if kind is list:
            return all(self._plain(item) for item in value)
        if kind is dict:
            # A one-key dict whose key names a tag is escaped by the tags (TagDict).
            return ((len(value) != 1 or next(iter(value)) not in self.tags)
                    and all(type(key) is str and self._plain(item)
                            for key, item in value.items()))
        return False


@lru_cache(maxsize=4)
def _csrf_serializer(secret_key):
    return CompactSerializer(secret_key, salt="wtf-csrf-token", signer=KeyCachingSigner)


def generate_csrf(secret_key=None, token_key=None):
    """Flask-WTF's generate_csrf(): the same raw token in the session, signed the same way,
    with a kept serializer and a kept signature (sign_csrf)."""
    field = token_key or current_app.config["WTF_CSRF_FIELD_NAME"]
    if field not in g:
        if field not in session:
            session[field] = new_csrf_secret()
        setattr(g, field, sign_csrf(current_app, session[field], secret_key))
    return g.get(field)


def validate_csrf(data, secret_key=None, time_limit=None, token_key=None):
    """Flask-WTF's validate_csrf(), the same checks and reasons, with the kept serializer."""
    field = token_key or current_app.config["WTF_CSRF_FIELD_NAME"]
    if time_limit is None:
        time_limit = current_app.config.get("WTF_CSRF_TIME_LIMIT", 3600)
    if not data:
        raise ValidationError("The CSRF token is missing.")
    if field not in session:
        raise ValidationError("The CSRF session token is missing.")
    try:
        token = _csrf_serializer(csrf_secret(current_app, secret_key)).loads(
            data, max_age=time_limit)
    except SignatureExpired as error:
        raise ValidationError("The CSRF token has expired.") from error
    except BadData as error:
        raise ValidationError("The CSRF token is invalid.") from error
    if not hmac.compare_digest(session[field], token):
        raise ValidationError("The CSRF tokens do not match.")


def new_csrf_secret():
    return hashlib.sha1(os.urandom(64)).hexdigest()


def csrf_secret(app, secret_key=None):
    return secret_key or app.config.get("WTF_CSRF_SECRET_KEY") or app.secret_key


def sign_csrf(app, raw, secret_key=None):
    """The signed CSRF token for the session's `raw` one, signed afresh only every
    TOKEN_REUSE_SECONDS: a token stays valid for WTF_CSRF_TIME_LIMIT, and signing was a
    tenth of a kept page's time and a twentieth of a report's."""
    secret = csrf_secret(app, secret_key)
    signed = _signed_csrf.get((secret, raw))
    if signed is not None and signed[1] > time.monotonic():
        return signed[0]
    token = _csrf_serializer(secret).dumps(raw)
    if len(_signed_csrf) >= SIGNED_CSRF_KEPT:
        _signed_csrf.clear()
    _signed_csrf[(secret, raw)] = (token, time.monotonic() + TOKEN_REUSE_SECONDS)
    return token


_signed_csrf = {}


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the signing serializer built once per key
    instead of on every request, and a cookie's signature checked once: the same cookie
    comes back on every request until the session changes, and checking and decoding it
    showed as an eighth of a kept page's time. The age limit is still applied each time."""

    serializer = SessionJSON()

    def __init__(self):
        self._verified = {}

    @lru_cache(maxsize=4)
    def _serializer(self, keys):
        return CompactSerializer(
            list(keys), salt=self.salt, serializer=self.serializer, signer=KeyCachingSigner,
            signer_kwargs={"key_derivation": self.key_derivation,
                           "digest_method": self.digest_method},
        )

    def get_signing_serializer(self, app):
        if not app.secret_key:
            return None
        # itsdangerous expects the current key last.
        return self._serializer((*(app.config["SECRET_KEY_FALLBACKS"] or ()), app.secret_key))

    def open_session(self, app, request):
        serializer = self.get_signing_serializer(app)
        cookie = request.cookies.get(self.get_cookie_name(app))
        if serializer is None or not cookie:
            return super().open_session(app, request)
        data = self.verified(app, cookie)
        return self.session_class(thaw(data) if data is not None else None)

    def verified(self, app, cookie):
        """The data of a session cookie — shared, not to be changed — or None when its
        signature is wrong or it is too old."""
        serializer = self.get_signing_serializer(app)
        max_age = app.permanent_session_lifetime.total_seconds()
        verified = self._verified.get((serializer, cookie))
        if verified is None:
            try:
                data, signed = serializer.loads(cookie, max_age=max_age, return_timestamp=True)
            except BadSignature:
                return None
            if len(self._verified) >= VERIFIED_COOKIES:
                self._verified.clear()
            verified = self._verified[(serializer, cookie)] = (data, signed.timestamp())
        data, signed_at = verified
        return data if time.time() - signed_at <= max_age else None

    def new_cookie(self, app, data):
        """The Set-Cookie header value save_session() sends for a new session of `data`."""
        return dump_cookie(
            self.get_cookie_name(app), self.get_signing_serializer(app).dumps(data),
            expires=self.get_expiration_time(app, self.session_class(data)),
            httponly=self.get_cookie_httponly(app), domain=self.get_cookie_domain(app),
            path=self.get_cookie_path(app), secure=self.get_cookie_secure(app),
            partitioned=self.get_cookie_partitioned(app), samesite=self.get_cookie_samesite(app),
        )


def thaw(value):
    """A copy of session data that a request may change without touching the verified
    cookie's: what tagged JSON loads is immutable but for dicts and lists, and copying
    those alone takes a quarter of the time copy.deepcopy took."""
    kind = type(value)
    if kind is dict:
        return {key: thaw(item) for key, item in value.items()}
    if kind is list:
        return [thaw(item) for item in value]
    return value


def init_app(app):
    # Flask-WTF builds a serializer and derives its key for every token it makes or
    # checks, a tenth of a form POST's time: the same tokens, made with a kept one.
    flask_wtf_csrf.generate_csrf = generate_csrf
    flask_wtf_csrf.validate_csrf = validate_csrf
    app.jinja_env.globals["csrf_token"] = generate_csrf
    app.session_interface = SessionInterface()
    app.url_defaults(fingerprint_static)
    app.before_request(enforce_idle_timeout)
    app.before_request(enforce_password_change)
    app.after_request(set_headers)


@lru_cache(maxsize=256)
def _file_hash(path, mtime):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def fingerprint_static(endpoint, values):
    """Add ?v=<hash of the file> to static URLs, so they can be cached for a year."""
    if endpoint != "static" or "v" in values:
        return
    path = Path(current_app.static_folder) / values.get("filename", "")
    if path.is_file():
        values["v"] = _file_hash(str(path), path.stat().st_mtime)


def idle_limit_seconds(user):
    minutes = (current_app.config["STUDENT_IDLE_MINUTES"] if user.role == Role.STUDENT
               else current_app.config["STAFF_IDLE_MINUTES"])
    return minutes * 60


def enforce_idle_timeout():
    if request.endpoint == "static" or not current_user.is_authenticated:
        return None
    if idle_expired(idle_limit_seconds(current_user), session):
        logout_user()
        session.clear()
        flash(_("Kamu otomatis keluar karena lama tidak ada aktivitas. Silakan masuk lagi."),
              "info")
        return redirect(url_for("auth.login"))
    touch_last_seen(session)
    return None


def idle_expired(limit_seconds, data):
    now = int(time.time())
    return now - data.get("last_seen", now) > limit_seconds


def touch_last_seen(data):
    """Renew the last_seen of session `data` once it is half a minute old; True if it did."""
    if last_seen_fresh(data):
        return False
    data["last_seen"] = int(time.time())
    return True


def last_seen_fresh(data):
    # Rewriting the cookie on every request costs a signature and bytes on the
    # wire; half a minute of slack in a 15-minute timeout is harmless.
    return "last_seen" in data and int(time.time()) - data["last_seen"] < LAST_SEEN_SLACK_SECONDS


def enforce_password_change():
    if (current_user.is_authenticated and current_user.must_change_password
            and request.endpoint not in PASSWORD_CHANGE_EXEMPT):
        return redirect(url_for("auth.change_password"))
    return None


def content_security_policy():
    config = current_app.config
    return _content_security_policy(config.get("JITSI_DOMAIN"),
                                    config.get("OUTREACH_YOUTUBE_ORIGIN"),
                                    config["QUICK_EXIT_URL"])


@lru_cache(maxsize=8)
def _content_security_policy(jitsi, youtube, quick_exit_url):
    jitsi_source = f" https://{jitsi}" if jitsi else ""
    # The guide's video player, loaded only when a student taps it.
    youtube_source = f" {youtube}" if youtube else ""
    return "; ".join([
        "default-src 'self'",
        f"script-src 'self'{jitsi_source}",
        "style-src 'self'",
        "img-src 'self' data:",
        f"frame-src 'self'{jitsi_source}{youtube_source}",
        "connect-src 'self'",
        "media-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        # The quick exit posts here and is redirected to a neutral site.
        f"form-action 'self' {origin(quick_exit_url)}",
        "frame-ancestors 'self'",
    ])


def origin(url):
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def set_headers(response):
    response.headers["X-Content-Type-Options"] = "nosniff"
    if request.endpoint == "static":
        if request.args.get("v"):
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        # A policy only binds documents (an SVG opened on its own is one); on a script or
        # a style sheet these headers were half a kilobyte of a student's data each.
        if response.mimetype != "image/svg+xml":
            return response
    response.headers.setdefault("Content-Security-Policy", content_security_policy())
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    # Fragments and full pages share URLs: caches must keep them apart.
    response.vary.add("HX-Request")
    if request.endpoint != "static" and not g.get("public_cache"):
        # Pages may hold personal data or a session-bound CSRF token; a shared
        # phone's back button must not show them after logout.
        response.headers["Cache-Control"] = "no-store"
    return response
