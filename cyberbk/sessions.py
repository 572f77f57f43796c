"""Server-side sessions with Flask-Session: the browser holds only a random id.

Stored in the app's own database by default (the `sessions` table, an Alembic migration
like every other table) and in Redis when SESSION_REDIS_URL is set. Ending a session
deletes what the server holds, so a copied or replayed cookie opens nothing.
"""

import logging
from datetime import datetime
from datetime import timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app
from flask import g
from flask import session
from flask_babel import gettext as _
from flask_session.base import ServerSideSessionInterface
from flask_session.redis import RedisSessionInterface
from flask_session.sqlalchemy import SqlAlchemySessionInterface
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite
from sqlalchemy.exc import OperationalError

from .extensions import db

log = logging.getLogger("cyberbk.sessions")
#: INSERT ... ON CONFLICT DO UPDATE, which both engines the app runs on have.
UPSERTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}
#: As the app's other answers when the database is busy (errors.RETRY_AFTER_SECONDS).
RETRY_AFTER_SECONDS = 5

#: Flask-Session's own store for the database backend.
TABLE = "sessions"
UNSAVED = "cyberbk_session_unsaved"


class StoredSession(db.Model):
    """What Flask-Session keeps for one session id (columns as its SQLAlchemy backend
    expects them)."""

    __tablename__ = TABLE
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    session_id: so.Mapped[str] = so.mapped_column(sa.String(255), unique=True)
    data: so.Mapped[bytes | None] = so.mapped_column(sa.LargeBinary)
    expiry: so.Mapped[datetime | None]


class SocketEventsKeepTheirCopy:
    """Flask-SocketIO pushes a request context for every Socket.IO event, and Flask opens
    the session on push; Flask-SocketIO then replaces it with the copy it took at connect
    (manage_session), kept in the connection's environ. Reading the store again would be
    a query per chat message for a session nobody looks at."""

    def open_session(self, app, request):
        if "saved_session" in request.environ:
            return self.make_null_session(app)
        return super().open_session(app, request)


class RedisInterface(SocketEventsKeepTheirCopy, RedisSessionInterface):
    """Flask-Session's Redis backend."""


class DatabaseSessionInterface(SocketEventsKeepTheirCopy, SqlAlchemySessionInterface):
    """Flask-Session's SQLAlchemy backend on the table above.

    The stock backend defines its model when the app is made and creates the table
    itself; here the schema belongs to the migrations, and an app made twice in one
    process (the tests) must not define the table twice."""

    def __init__(self, app):
        self.app = app
        self.client = db
        self.sql_session_model = StoredSession
        config = app.config
        ServerSideSessionInterface.__init__(
            self, app, config["SESSION_KEY_PREFIX"], config["SESSION_USE_SIGNER"],
            config["SESSION_PERMANENT"], config["SESSION_ID_LENGTH"],
            config["SESSION_SERIALIZATION_FORMAT"], config["SESSION_CLEANUP_N_REQUESTS"])

    def _upsert_session(self, session_lifetime, session, store_id):
        # One statement instead of the stock backend's SELECT, then ORM INSERT or UPDATE:
        # a new visitor's first page with a form is this write, and a whole school may open
        # a link in the same minute.
        values = {"session_id": store_id, "data": self.serializer.encode(session),
                  "expiry": datetime.utcnow() + session_lifetime}
        insert = UPSERTS[db.engine.dialect.name](StoredSession)
        db.session.execute(insert.values(values).on_conflict_do_update(
            index_elements=[StoredSession.session_id],
            set_={"data": values["data"], "expiry": values["expiry"]}))
        db.session.commit()

    def save_session(self, app, session, response):
        # A request answered "the database is busy, nothing was saved" saves no session
        # either: the write would meet the same lock or full disk.
        if g.get(UNSAVED):
            return
        # The backend writes through the request's database session and commits it. A
        # view commits its own work; whatever it left uncommitted (a failed request
        # answered by an error handler) must not be committed by the session's write.
        db.session.rollback()
        try:
            super().save_session(app, session, response)
        except OperationalError as error:
            # Locked past the wait, or the disk is full: the page was made, but what the
            # next step relies on (a sign-in, a form's token) is not stored. Say so, as
            # the error pages do, rather than send a page whose next step fails.
            db.session.rollback()
            log.warning("session not saved: %s", error.orig)
            response.status_code = 503
            response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
            response.headers.pop("Content-Encoding", None)
            response.set_data(_("Server sedang sibuk, jadi kiriman ini belum tersimpan. Tunggu "
                                "beberapa detik, lalu kirim lagi."))
            response.mimetype = "text/plain"


def init_app(app):
    config = app.config
    config.setdefault("SESSION_KEY_PREFIX", "session:")
    config.setdefault("SESSION_USE_SIGNER", False)
    config.setdefault("SESSION_ID_LENGTH", 32)
    config.setdefault("SESSION_SERIALIZATION_FORMAT", "msgpack")
    # Expired rows are swept by the nightly `flask session_cleanup` (Flask-Session's
    # command, which it offers when no request is to do it), not by a student's request.
    config.setdefault("SESSION_CLEANUP_N_REQUESTS", None)
    # A cookie for this browser session only: a shared phone's browser closed is a
    # session ended. The server keeps a row no longer than the longest idle time.
    config["SESSION_PERMANENT"] = False
    config["PERMANENT_SESSION_LIFETIME"] = timedelta(
        minutes=max(config["STAFF_IDLE_MINUTES"], config["STUDENT_IDLE_MINUTES"]))
    # Written when it changed (security.touch_last_seen renews the idle clock every half
    # minute), not on every request: a page view is not a database write.
    config["SESSION_REFRESH_EACH_REQUEST"] = False
    # Its own setting, not the Socket.IO queue's: pages must go on when the queue is down.
    redis_url = config.get("SESSION_REDIS_URL")
    if redis_url:
        import redis

        app.session_interface = RedisInterface(
            app, redis.Redis.from_url(redis_url), config["SESSION_KEY_PREFIX"],
            config["SESSION_USE_SIGNER"], config["SESSION_PERMANENT"],
            config["SESSION_ID_LENGTH"], config["SESSION_SERIALIZATION_FORMAT"])
    else:
        app.session_interface = DatabaseSessionInterface(app)


def leave_unsaved():
    """This request's session changes are dropped (the database refused the request)."""
    g.setdefault(UNSAVED, True)


def end_current():
    """End this browser's session on the server: its stored data is deleted and the
    browser gets a new, empty session (with a new id) for whatever this response adds."""
    if session:
        current_app.session_interface.regenerate(session)
    session.clear()


def end(session_ids):
    """Delete the stored sessions with these ids (another browser's sign-in)."""
    interface = current_app.session_interface
    for sid in session_ids:
        # Flask-Session has no public call for a session other than the request's own.
        interface._delete_session(interface._get_store_id(sid))


def current_id():
    return session.sid
