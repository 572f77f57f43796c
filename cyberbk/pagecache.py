"""Pages rendered once and sent many times, until a write could have changed them.

A homeroom teacher shares /kotak or /panduan in a class WhatsApp group and a whole
class opens it within a minute, logged out. Those pages differ between visitors only
in the CSRF token, so each is rendered once per language and kept cut at the token,
every piece already gzip-compressed: a visitor gets the pieces joined around their
own token (see `deflate_around`).

The same holds for a page that shows one signed-in person their own things (the
student's home, opened again and again between lessons), kept per account and
session nonce: a password reset or a deactivation is a write, and the idle timeout is
checked before a kept page is sent.

Only a session that holds nothing else (no flashed message, no open problem-box
thread) is served from here, only for a full-page GET without a query string, and
only for views marked `@cacheable`. Any write this process commits drops every entry,
so in busy hours pages are rendered fresh more often; a write committed by another
process (a second worker, a CLI command) shows within MAX_AGE seconds.
"""

import struct
import time
import zlib
from dataclasses import dataclass

from flask import Response
from flask import current_app
from flask import g
from flask import request
from flask import session
from flask_babel import get_babel
from flask_login import current_user
from sqlalchemy import event

from . import security
from .database import WRITE_STATEMENT
from .extensions import db

MAX_AGE = 30
TOKEN_REUSE_SECONDS = 300
MAX_ENTRIES = 512
ANONYMOUS_SESSION_KEYS = {"csrf_token"}
SIGNED_IN_SESSION_KEYS = ANONYMOUS_SESSION_KEYS | {"_user_id", "_fresh", "_id", "last_seen"}
GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
WROTE = "cyberbk_wrote"


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
    mimetype: str
    idle_seconds: int | None  # the signed-in person's idle timeout
    token_length: int
    pieces: tuple  # the page's bytes, cut where the token goes
    deflated: tuple  # each piece as a run of raw deflate (see deflate_around)

    @classmethod
    def of(cls, generation, response, token, idle_seconds):
        """The entry for a rendered page, or None for one that cannot be kept."""
        data = response.get_data()
        if b"\0" in data:
            return None
        token = (token or "").encode()
        pieces = tuple(data.split(token)) if token else (data,)
        return cls(generation, time.monotonic() + MAX_AGE, response.mimetype, idle_seconds,
                   len(token), pieces, deflate_around(pieces, len(token)))

    def fits(self, token):
        return len(self.pieces) == 1 or len(token) == self.token_length

    def response(self, token, gzip):
        token = token.encode()
        raw = token.join(self.pieces)
        if not gzip:
            return Response(raw, mimetype=self.mimetype)
        body = b"".join([GZIP_HEADER, stored_block(token).join(self.deflated),
                         struct.pack("<II", zlib.crc32(raw), len(raw) & 0xFFFFFFFF)])
        response = Response(body, mimetype=self.mimetype)
        response.headers["Content-Encoding"] = "gzip"
        response.vary.add("Accept-Encoding")
        return response


class PageCache:
    def __init__(self):
        self.entries = {}
        self.tokens = {}
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

    def key(self):
        mode = getattr(current_app.view_functions.get(request.endpoint), "page_cache", None)
        if (mode is None or request.method != "GET" or request.query_string
                or "HX-Request" in request.headers):
            return None
        keys = set(session.keys())
        if mode == "anonymous" and keys <= ANONYMOUS_SESSION_KEYS:
            person = None
        elif mode == "signed_in" and "_user_id" in keys and keys <= SIGNED_IN_SESSION_KEYS:
            person = session["_user_id"]  # the account id and its session nonce
        else:
            return None
        # The language as the app's selector names it: babel's get_locale() would parse
        # a Locale object on every visit.
        environ = request.environ
        return (request.endpoint, environ["wsgi.url_scheme"], environ.get("HTTP_HOST"),
                request.path, get_babel().locale_selector(), person)

    def serve(self):
        """before_request: answer from the cache, or note that this page may be kept."""
        key = self.key()
        if key is None:
            return None
        entry = self.entries.get(key)
        if (entry is not None and entry.generation == self.generation
                and entry.expires > time.monotonic()):
            if entry.idle_seconds is not None:
                if security.idle_expired(entry.idle_seconds):
                    return None  # rendered fresh: the usual hook signs them out
                security.touch_last_seen()
            token = self.csrf_token()
            if entry.fits(token):
                return entry.response(token, "gzip" in request.accept_encodings)
        g.page_cache_key = (key, self.generation)
        return None

    def csrf_token(self):
        """The session's signed CSRF token, signed afresh only every few minutes: it stays
        valid for WTF_CSRF_TIME_LIMIT, and signing was a tenth of a kept page's time."""
        raw = session.get("csrf_token")
        signed = self.tokens.get(raw)
        if signed is not None and signed[1] > time.monotonic():
            g.csrf_token = signed[0]
            return signed[0]
        token = security.csrf_token()
        if len(self.tokens) >= MAX_ENTRIES:
            self.tokens.clear()
        self.tokens[session["csrf_token"]] = (token, time.monotonic() + TOKEN_REUSE_SECONDS)
        return token

    def keep(self, response):
        """after_request, before compression: keep a freshly rendered page."""
        noted = g.pop("page_cache_key", None)
        if (noted is None or response.status_code != 200 or response.is_streamed
                or "Set-Cookie" in response.headers
                or not set(session.keys()) <= SIGNED_IN_SESSION_KEYS):
            return response
        key, generation = noted
        signed_in = key[-1] is not None
        if signed_in != current_user.is_authenticated:
            return response
        idle_seconds = security.idle_limit_seconds(current_user) if signed_in else None
        entry = Entry.of(generation, response, g.get("csrf_token"), idle_seconds)
        if entry is not None:
            if len(self.entries) >= MAX_ENTRIES:
                self.entries.clear()
            self.entries[key] = entry
        return response


def init_app(app):
    """Call after every other hook is registered: serving must come before the hooks
    that load the user, keeping after the view but before compression."""
    cache = PageCache()
    app.extensions["page_cache"] = cache
    with app.app_context():
        cache.watch(db.engine, db.session)
    app.before_request_funcs.setdefault(None, []).insert(0, cache.serve)
    app.after_request(cache.keep)
