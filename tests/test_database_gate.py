"""SQLite's one writer at a time: writers of one process queue on a lock that yields,
instead of sleeping in SQLite's busy handler (which freezes a whole gevent worker)."""

import sqlite3
import threading
import time

import pytest
import sqlalchemy as sa

from cyberbk.extensions import db


@pytest.fixture
def app_config(app_config):
    app_config["SQLITE_BUSY_TIMEOUT_MS"] = 2000
    return app_config


def create_notes_table():
    with db.engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE gate_notes (body TEXT)"))


def write_note(body, hold=0.0, started=None, engine=None):
    with (engine or db.engine).connect() as connection:
        connection.execute(sa.text("INSERT INTO gate_notes VALUES (:body)"), {"body": body})
        if started is not None:
            started.set()
        time.sleep(hold)
        connection.commit()


def notes():
    with db.engine.connect() as connection:
        return connection.execute(sa.text("SELECT body FROM gate_notes ORDER BY rowid")).scalars().all()


def test_a_second_writer_waits_for_the_first_and_both_are_stored(app):
    create_notes_table()
    started = threading.Event()
    first = threading.Thread(target=write_note, args=("first", 0.3, started, db.engine))
    first.start()
    assert started.wait(5)
    write_note("second")
    first.join()
    assert notes() == ["first", "second"]


def test_the_gate_is_released_when_a_write_is_rolled_back(app):
    create_notes_table()
    with db.engine.connect() as connection:
        connection.execute(sa.text("INSERT INTO gate_notes VALUES ('dropped')"))
        dbapi_connection = connection.connection.dbapi_connection
        assert dbapi_connection.write_gate is not None
        connection.rollback()
        assert dbapi_connection.write_gate is None
    write_note("kept")
    assert notes() == ["kept"]


def test_a_savepoint_opens_the_write_transaction_and_its_release_commits_nothing(app):
    create_notes_table()
    with db.engine.connect() as connection:
        with connection.begin_nested():
            connection.execute(sa.text("INSERT INTO gate_notes VALUES ('in a savepoint')"))
        assert connection.connection.dbapi_connection.write_gate is not None
        connection.rollback()
    assert notes() == []


def test_the_gate_is_released_when_a_connection_goes_back_unfinished(app):
    create_notes_table()
    with db.engine.connect() as connection:
        connection.execute(sa.text("INSERT INTO gate_notes VALUES ('abandoned')"))
    write_note("kept")
    assert notes() == ["kept"]


def test_a_writer_in_another_process_is_waited_for_then_given_up_on(app):
    create_notes_table()
    holder = sqlite3.connect(db.engine.url.database, isolation_level=None,
                             check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    threading.Timer(0.2, holder.execute, args=("COMMIT",)).start()
    write_note("after the other process")
    assert notes() == ["after the other process"]
    holder.execute("BEGIN IMMEDIATE")
    started = time.monotonic()
    with pytest.raises(sa.exc.OperationalError, match="locked"):
        write_note("never")
    assert 1.5 < time.monotonic() - started < 10
    holder.execute("ROLLBACK")
    holder.close()
    write_note("once free again")
    assert notes() == ["after the other process", "once free again"]
