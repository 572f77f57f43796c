"""Pages rendered once and sent many times, until a write could have changed them.

A homeroom teacher shares /kotak or /panduan in a class WhatsApp group and a whole
class opens it within a minute, logged out. Those pages differ between visitors only
in the CSRF token, so each is rendered once per language and kept cut at the token,
every piece already gzip-compressed: a visitor gets the pieces joined around their
own token (see `deflate_around`).

The same holds for a page that shows one signed-in person their own things (the
student's home, opened again and again between lessons), kept per account and
session nonce: a password reset or a deactivation is a write. The idle timeout is
checked before a kept home is sent, and the session's last_seen renewed as Flask's
hook renews it (security.touch_last_seen); past the timeout Flask answers and signs
the student out.

Only a session that holds nothing else (no flashed message, no open problem-box
thread) is served from here, only for a full-page GET without a query string, and
only for views marked `@cacheable`. Any write this process commits drops every entry,
so in busy hours pages are rendered fresh more often; a write committed by another
process (a second worker, a CLI command) shows within MAX_AGE seconds.

Kept pages are answered by a WSGI layer in front of Flask: measured, Flask's request
context, session handling and header hooks were most of a kept page's time. Flask
renders a page when it is not kept; the layer keeps it with the headers Flask sent.
"""

import struct
import time
import zlib
from dataclasses import dataclass
from dataclasses import replace
from functools import lru_cache

from flask import current_app
from flask import g
from flask import request
from flask import session
from flask_login import current_user
from sqlalchemy import event
from werkzeug.http import parse_accept_header
from werkzeug.http import parse_cookie

from . import security
from .common.database import WRITE_STATEMENT
from .common.languages import language
from .extensions import db

MAX_AGE = 30
MAX_ENTRIES = 512
# Flask-Login marks even a logged-out visitor's session not fresh (_fresh False).
ANONYMOUS_SESSION_KEYS = {"csrf_token", "_fresh"}
SIGNED_IN_SESSION_KEYS = ANONYMOUS_SESSION_KEYS | {"_user_id", "_fresh", "_id", "last_seen"}
GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
WROTE = "cyberbk_wrote"
PENDING = "cyberbk.page_entry"
# Set by the page and by the layer for each response it sends.
OWN_HEADERS = {"set-cookie", "content-length", "content-encoding", "vary"}


def cacheable(view=None, *, signed_in=False):
    """Mark a view whose page depends only on the language, the data in the database
    and — with `signed_in` — on who is signed in; without it, only logged-out visitors
    are served a kept page."""

    def mark(view):
        view.page_cache = "signed_in" if signed_in else "anonymous"
        return view

    return mark(view) if view is not None else mark


def deflate_around(pieces, gap):
    """The raw deflate runs of `pieces` as one stream would hold them with a `gap`-byte
    token between each two, the token itself left out.

    The compressor is given zero bytes where the token goes, and what it makes of them
    is thrown away: a visitor's token goes there instead as a stored block of the same
    length (see `stored_block`), so every distance in the stream still counts right.
    A page holds no zero byte, so no back-reference can reach into the token's place,
    and each run ends on a sync flush (a byte boundary). One stream compresses as well
    as the whole page at once; cut into independent pieces it cost a kilobyte more.
    """
    compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    runs = []
    for index, piece in enumerate(pieces):
        last = index == len(pieces) - 1
        runs.append(compressor.compress(piece)
                    + compressor.flush(zlib.Z_FINISH if last else zlib.Z_SYNC_FLUSH))
        if not last:
            compressor.compress(b"\0" * gap)
            compressor.flush(zlib.Z_SYNC_FLUSH)
    return tuple(runs)


def stored_block(data):
    """`data` as an uncompressed deflate block (it starts on a byte boundary)."""
    return b"\x00" + struct.pack("<HH", len(data), len(data) ^ 0xFFFF) + data


@dataclass(frozen=True)
class Entry:
    generation: int
    expires: float
    idle_seconds: int | None  # the signed-in person's idle timeout
    token_length: int
    pieces: tuple  # the page's bytes, cut where the token goes
    deflated: tuple  # each piece as a run of raw deflate (see deflate_around)
    headers: tuple = ()  # as Flask sent them, less OWN_HEADERS

    @classmethod
    def of(cls, generation, response, token, idle_seconds):
        """The entry for a rendered page, or None for one that cannot be kept."""
        data = response.get_data()
        if b"\0" in data:
            return None
        token = (token or "").encode()
        pieces = tuple(data.split(token)) if token else (data,)
        return cls(generation, time.monotonic() + MAX_AGE, idle_seconds, len(token), pieces,
                   deflate_around(pieces, len(token)))

    def fits(self, token):
        return len(self.pieces) == 1 or len(token) == self.token_length

    def body(self, token, gzip):
        token = token.encode()
        raw = token.join(self.pieces)
        if not gzip:
            return raw
        return b"".join([GZIP_HEADER, stored_block(token).join(self.deflated),
                         struct.pack("<II", zlib.crc32(raw), len(raw) & 0xFFFFFFFF)])


@lru_cache(maxsize=64)
def accepts_gzip(header):
    return "gzip" in parse_accept_header(header)


def with_vary(headers, vary):
    """`headers` less OWN_HEADERS, and one Vary naming Accept-Encoding too."""
    kept = [(name, value) for name, value in headers if name.lower() not in OWN_HEADERS]
    fields = [field.strip() for field in vary.split(",") if field.strip()]
    if "Accept-Encoding" not in fields:
        fields.append("Accept-Encoding")
    return tuple(kept) + (("Vary", ", ".join(fields)),)


class PageCache:
    def __init__(self, app):
        self.app = app
        self.wsgi_app = app.wsgi_app
        self.entries = {}
        self.generation = 0

    def watch(self, engine, session):
        """Count committed writes: every one may change what a page shows.

        The count goes up as a commit starts (the engine's event) and again once an ORM
        commit has ended: a page rendered while the commit was still on its way to the
        disk (another greenlet runs meanwhile) carries the count of its start, so it is
        never kept as current."""
        event.listen(engine, "before_cursor_execute", self._mark_write)
        event.listen(engine, "commit", self._commit)
        event.listen(engine, "rollback", lambda connection: connection.info.pop(WROTE, None))
        event.listen(session, "after_flush",
                     lambda orm_session, _context: orm_session.info.__setitem__(WROTE, True))
        event.listen(session, "after_commit", self._after_commit)
        event.listen(session, "after_soft_rollback",
                     lambda orm_session, _transaction: orm_session.info.pop(WROTE, None))

    def _mark_write(self, connection, _cursor, statement, *_args):
        if WRITE_STATEMENT.match(statement):
            connection.info[WROTE] = True

    def _commit(self, connection):
        if connection.info.pop(WROTE, None):
            self.generation += 1

    def _after_commit(self, orm_session):
        if orm_session.info.pop(WROTE, None):
            self.generation += 1

    @staticmethod
    def key(environ, data, lang):
        """The key of the page `environ` asks for, for the session `data` holds, or None
        when that session holds something a kept page would not show."""
        keys = data.keys()
        person = data.get("_user_id")
        if not keys <= (ANONYMOUS_SESSION_KEYS if person is None else SIGNED_IN_SESSION_KEYS):
            return None
        return (environ["wsgi.url_scheme"], environ.get("HTTP_HOST"),
                environ.get("SCRIPT_NAME", ""), environ.get("PATH_INFO", ""), lang, person)

    def __call__(self, environ, start_response):
        """WSGI: a kept page if there is one for this visitor, else Flask's answer — kept
        when the view is cacheable."""
        if (environ["REQUEST_METHOD"] != "GET" or environ.get("QUERY_STRING")
                or "HTTP_HX_REQUEST" in environ):
            return self.wsgi_app(environ, start_response)
        sent = self.send_kept(environ, start_response)
        if sent is not None:
            return sent
        sent_headers = []

        def capture(status, headers, exc_info=None):
            sent_headers[:] = headers
            return start_response(status, headers, exc_info)

        # Flask-SocketIO's middleware hands Flask a copy of the environ: a list in it is
        # still this one.
        pending = environ[PENDING] = []
        response = self.wsgi_app(environ, capture)
        if pending and sent_headers:
            key, entry = pending[0]
            vary = ", ".join(value for name, value in sent_headers if name.lower() == "vary")
            if len(self.entries) >= MAX_ENTRIES:
                self.entries.clear()
            self.entries[key] = replace(entry, headers=with_vary(sent_headers, vary))
        return response

    def send_kept(self, environ, start_response):
        app = self.app
        cookies = parse_cookie(environ)
        interface = app.session_interface
        cookie = cookies.get(interface.get_cookie_name(app))
        if cookie:
            data = interface.verified(app, cookie)
            if data is None:
                return None
        else:
            data = {"csrf_token": security.new_csrf_secret()}
        key = self.key(environ, data, language(app.config, cookies.get("lang")))
        entry = self.entries.get(key) if key is not None else None
        if (entry is None or entry.generation != self.generation
                or entry.expires <= time.monotonic()):
            return None
        changed = not cookie
        if entry.idle_seconds is not None:
            if security.idle_expired(entry.idle_seconds, data):
                return None  # Flask signs them out and says why
            data = dict(data)  # the verified cookie's data is shared
            changed = security.touch_last_seen(data) or changed
        token = ""
        if len(entry.pieces) > 1:
            if "csrf_token" not in data:
                return None
            token = security.sign_csrf(app, data["csrf_token"])
            if not entry.fits(token):
                return None
        elif not cookie:
            changed = False  # no form on the page: no session needed
        new_cookie = interface.new_cookie(app, data) if changed else None
        gzip = accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING", ""))
        body = entry.body(token, gzip)
        headers = [*entry.headers, ("Content-Length", str(len(body)))]
        if gzip:
            headers.append(("Content-Encoding", "gzip"))
        if new_cookie:
            headers.append(("Set-Cookie", new_cookie))
        start_response("200 OK", headers)
        return [body]

    def note(self):
        """before_request: a cacheable view's page may be kept; note it with the count of
        writes as the request starts."""
        if (request.method != "GET" or getattr(current_app.view_functions.get(request.endpoint),
                                                "page_cache", None) is None):
            return
        key = self.key(request.environ, session, language(current_app.config,
                                                          request.cookies.get("lang")))
        if key is not None:
            g.page_cache_key = (key, self.generation)

    def keep(self, response):
        """after_request, before compression: hand a freshly rendered page to the layer."""
        noted = g.pop("page_cache_key", None)
        if (noted is None or response.status_code != 200 or response.is_streamed
                or "Set-Cookie" in response.headers
                or not set(session.keys()) <= SIGNED_IN_SESSION_KEYS):
            return response
        key, generation = noted
        mode = current_app.view_functions[request.endpoint].page_cache
        signed_in = key[-1] is not None
        if signed_in != current_user.is_authenticated or signed_in != (mode == "signed_in"):
            return response
        idle_seconds = security.idle_limit_seconds(current_user) if signed_in else None
        entry = Entry.of(generation, response, g.get("csrf_token"), idle_seconds)
        pending = request.environ.get(PENDING)
        if entry is not None and pending is not None:
            pending.append((key, entry))
        return response


def init_app(app):
    """Call after every other hook is registered: noting must come before the hooks that
    change the session, keeping after the view but before compression."""
    cache = PageCache(app)
    app.extensions["page_cache"] = cache
    with app.app_context():
        cache.watch(db.engine, db.session)
    app.before_request_funcs.setdefault(None, []).insert(0, cache.note)
    app.after_request(cache.keep)
    app.wsgi_app = cache
