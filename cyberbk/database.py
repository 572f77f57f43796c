"""Engine settings that must hold on every connection."""

from sqlalchemy import event

from .extensions import db


def init_app(app):
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        busy_timeout = int(app.config["SQLITE_BUSY_TIMEOUT_MS"])
        event.listen(engine, "connect",
                     lambda connection, record: sqlite_pragmas(connection, record, busy_timeout))


def sqlite_pragmas(dbapi_connection, _record, busy_timeout):
    """Without foreign_keys=ON SQLite ignores ON DELETE; WAL lets readers and a
    writer work at once; synchronous=FULL keeps an acknowledged report or
    message through a power cut, not only through a crash of the app."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={busy_timeout:d}")
    in_memory = all(not row[2] for row in cursor.execute("PRAGMA database_list").fetchall())
    if not in_memory:
        cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()
