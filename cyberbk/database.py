"""Engine settings that must hold on every connection."""

from sqlalchemy import event

from .extensions import db


def init_app(app):
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", sqlite_pragmas)


def sqlite_pragmas(dbapi_connection, _record):
    """Without foreign_keys=ON SQLite ignores ON DELETE; WAL lets readers and a
    writer work at once; synchronous=FULL keeps an acknowledged report or
    message through a power cut, not only through a crash of the app."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    in_memory = all(not row[2] for row in cursor.execute("PRAGMA database_list").fetchall())
    if not in_memory:
        cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()
