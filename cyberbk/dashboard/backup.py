"""Consistent backups of a running instance, and restore into an empty one.

An archive holds the database, the uploads and the secret key: follow-up codes
of the problem box are keyed with that secret, so a restore without it would
lock every anonymous student out of their thread. Keep archives as safe as the
database itself.
"""

import os
import sqlite3
import tarfile
import tempfile
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import make_url

DATABASE_NAME = "cyberbk.sqlite"
MEMBERS = (DATABASE_NAME, "secret_key", "uploads")


class BackupError(RuntimeError):
    pass


def sqlite_path(database_uri):
    url = make_url(database_uri)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def pg_dump_command(database_uri, directory):
    url = make_url(database_uri)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = Path(directory) / f"cyberbk-{stamp}.dump"
    return (f"pg_dump --format=custom --file={target} "
            f"'{url.set(drivername='postgresql').render_as_string(hide_password=False)}'")


def backup(database_uri, instance_path, directory, now=None):
    """Write cyberbk-backup-<date>-<time>.tar.gz into `directory`; return its path."""
    source = sqlite_path(database_uri)
    if source is None:
        raise BackupError("not a SQLite file database")
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    archive = directory / f"cyberbk-backup-{stamp}.tar.gz"
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / DATABASE_NAME
        # The backup API copies a consistent snapshot while other connections keep writing.
        with sqlite3.connect(source) as live, sqlite3.connect(copy) as snapshot:
            live.backup(snapshot)
        snapshot_check(copy)
        partial = archive.with_suffix(".part")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(copy, arcname=DATABASE_NAME)
            instance = Path(instance_path)
            for name in ("secret_key", "uploads"):
                if (instance / name).exists():
                    tar.add(instance / name, arcname=name)
        os.replace(partial, archive)
    return archive


def snapshot_check(path):
    with sqlite3.connect(path) as connection:
        result = connection.execute("PRAGMA integrity_check").fetchone()[0]
    if result != "ok":
        raise BackupError(f"integrity check failed: {result}")


def instance_is_empty(instance_path):
    """No database and no uploaded file yet (a fresh secret key does not count)."""
    instance = Path(instance_path)
    if (instance / DATABASE_NAME).exists():
        return False
    uploads = instance / "uploads"
    return not (uploads.exists() and any(uploads.iterdir()))


def restore(archive, instance_path):
    """Unpack `archive` into an empty instance folder and check the database."""
    instance = Path(instance_path)
    if not instance_is_empty(instance):
        raise BackupError(f"{instance} is not empty; restore only into an empty instance folder")
    instance.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive, "r:gz") as tar:
        names = tar.getnames()
        if DATABASE_NAME not in names:
            raise BackupError("the archive holds no cyberbk.sqlite")
        members = [m for m in tar.getmembers()
                   if m.name.split("/")[0] in MEMBERS and (m.isfile() or m.isdir())]
        tar.extractall(instance, members=members, filter="data")
    snapshot_check(instance / DATABASE_NAME)
    if (instance / "secret_key").exists():
        os.chmod(instance / "secret_key", 0o600)
    return instance / DATABASE_NAME
