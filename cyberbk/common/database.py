"""Engine settings that must hold on every connection, and SQLite's one-writer rule made
cooperative."""

import itertools
import logging
import os
import re
import sqlite3
import threading
import time
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from . import scheduling
from ..extensions import db

# A SAVEPOINT outside a transaction would become the transaction itself, and its RELEASE
# would commit whatever the request had written so far: it opens the write transaction too.
WRITE_STATEMENT = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE|SAVEPOINT)\b", re.IGNORECASE)
# A reader in WAL mode is busy only in rare moments (recovery after a crash); waiting
# inside SQLite blocks a whole gevent worker, so that wait stays short.
READ_BUSY_TIMEOUT_MS = 20
#: What the write-ahead log may keep on disk once a checkpoint has emptied it: past this
#: size SQLite truncates it, so old frames (deleted rows among them) do not stay for ever.
JOURNAL_SIZE_LIMIT_BYTES = 1024 * 1024
#: session.info key: this transaction wrote an anonymous row (see checkpoint_after_commit).
ANONYMOUS_WRITE = "cyberbk_anonymous_write"

log = logging.getLogger("cyberbk.database")


def init_app(app):
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "sqlite":
        return
    private_database_file(engine.url)
    event.listen(engine, "connect", sqlite_pragmas)
    WriteGate(app.config["SQLITE_BUSY_TIMEOUT_MS"] / 1000).listen(engine)


class SQLiteConnection(sqlite3.Connection):
    """A connection that knows whether it holds the process's write gate, and lets go
    of it only once its transaction has really ended.

    A commit waits for the disk (synchronous=FULL: fsync of the write-ahead log, and
    now and then a checkpoint). Under gevent that wait would stop every greenlet of the
    worker, so it happens in one of gevent's native threads while the others go on;
    the connection is used by one thread at a time all the same."""

    write_gate = None

    def commit(self):
        try:
            # A transaction that only read has nothing to wait for.
            if self.in_transaction:
                scheduling.off_loop(sqlite3.Connection.commit, self)
            else:
                sqlite3.Connection.commit(self)
        finally:
            self.release_gate()

    def rollback(self):
        try:
            sqlite3.Connection.rollback(self)
        finally:
            self.release_gate()

    def close(self):
        try:
            sqlite3.Connection.close(self)
        finally:
            self.release_gate()

    def release_gate(self):
        gate, self.write_gate = self.write_gate, None
        if gate is not None:
            gate.release()


def sqlite_pragmas(dbapi_connection, _record):
    """Without foreign_keys=ON SQLite ignores ON DELETE; WAL lets readers and a
    writer work at once; synchronous=FULL keeps an acknowledged report or
    message through a power cut, not only through a crash of the app.

    secure_delete overwrites a deleted row with zeros, in the file and in the pages the
    log then carries: a copy of the database must not show what a purge or a closed
    socket removed. journal_size_limit: see JOURNAL_SIZE_LIMIT_BYTES."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.execute(f"PRAGMA journal_size_limit={JOURNAL_SIZE_LIMIT_BYTES:d}")
    cursor.execute(f"PRAGMA busy_timeout={READ_BUSY_TIMEOUT_MS:d}")
    in_memory = all(not row[2] for row in cursor.execute("PRAGMA database_list").fetchall())
    if not in_memory:
        cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


class WriteGate:
    """One write transaction at a time per process, waited for cooperatively.

    SQLite lets one connection write at a time. Left to itself, a second writer
    sleeps in SQLite's busy handler — a C sleep that, under gevent, freezes every
    greenlet of the worker, including the one holding the write lock that it waits
    for: seconds of stall for every student on that worker. So a write transaction
    starts here instead: the process's writers queue on a lock (threading.Lock is
    gevent's lock once gevent has patched the worker, so waiting yields), and the
    first write statement opens the transaction with BEGIN IMMEDIATE, retried with a
    sleep that yields too, in case another process (a CLI command, a backup) writes.
    The same code is correct for threads, where the sleeps simply block one thread.
    Past the deadline the statement fails as "database is locked", which the app
    answers with a 503 and a retry hint.
    """

    def __init__(self, timeout_seconds):
        self.timeout = timeout_seconds
        self.lock = threading.Lock()

    def listen(self, engine):
        event.listen(engine, "before_cursor_execute", self.before_write, retval=True)

    def before_write(self, connection, _cursor, statement, parameters, _context, _many):
        dbapi_connection = connection.connection.dbapi_connection
        if (isinstance(dbapi_connection, SQLiteConnection) and dbapi_connection.write_gate is None
                and not dbapi_connection.in_transaction and WRITE_STATEMENT.match(statement)):
            self.begin_immediate(dbapi_connection)
            dbapi_connection.write_gate = self
        return statement, parameters

    def begin_immediate(self, dbapi_connection):
        deadline = time.monotonic() + self.timeout
        if not self.lock.acquire(timeout=self.timeout):
            raise sqlite3.OperationalError("database is locked")
        try:
            delay = 0.001
            while True:
                try:
                    dbapi_connection.execute("BEGIN IMMEDIATE")
                    return
                except sqlite3.OperationalError as error:
                    if "locked" not in str(error) or time.monotonic() + delay > deadline:
                        raise
                time.sleep(delay)
                delay = min(delay * 2, 0.05)
        except BaseException:
            self.lock.release()
            raise

    def release(self):
        self.lock.release()


def private_database_file(url):
    """Create the SQLite file readable by its owner only (0600) before SQLite opens it:
    SQLite gives its -wal and -shm files the database file's mode."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    os.chmod(path, 0o600)
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            os.chmod(side, 0o600)


# The write-ahead log keeps every page a transaction wrote, in order, until a checkpoint
# copies them into the database and the log starts again. Read frame by frame, it showed
# an anonymous report written right after one student's login. So a transaction that
# writes a row of an anonymous submission (a model whose `is_anonymous` is true: a report
# without a name, its messages and chat room, an anonymous questionnaire's response) is
# followed by a checkpoint that empties the log (TRUNCATE), once it is committed.

@event.listens_for(Session, "after_flush")
def note_anonymous_write(session, _flush_context):
    if session.info.get(ANONYMOUS_WRITE):
        return
    for instance in itertools.chain(session.new, session.dirty, session.deleted):
        if getattr(instance, "is_anonymous", False) is True:
            session.info[ANONYMOUS_WRITE] = True
            return


@event.listens_for(Session, "after_rollback")
def forget_anonymous_write(session):
    session.info.pop(ANONYMOUS_WRITE, None)


@event.listens_for(Session, "after_commit")
def checkpoint_after_anonymous_write(session):
    if not session.info.pop(ANONYMOUS_WRITE, False):
        return
    bind = session.get_bind()
    engine = getattr(bind, "engine", bind)
    if engine.dialect.name == "sqlite":
        checkpoint(engine)


def mark_anonymous_write(session=None):
    """For a write the flush cannot see (a bulk UPDATE or DELETE of anonymous rows): the
    log is emptied after this transaction's commit all the same."""
    (session or db.session).info[ANONYMOUS_WRITE] = True


def checkpoint(engine):
    """Copy the log into the database and truncate it to nothing. Busy (a reader still on
    an older snapshot) it leaves the log for the next anonymous write or SQLite's own
    checkpoint; the database stays correct either way. The fsyncs run off the gevent
    hub, as a commit's do."""
    def run():
        with engine.connect() as connection:
            busy, _log_frames, _copied = connection.exec_driver_sql(
                "PRAGMA wal_checkpoint(TRUNCATE)").one()
        if busy:
            log.info("WAL checkpoint after an anonymous write was busy; left for the next")

    scheduling.off_loop(run)
