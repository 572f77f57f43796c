"""Consistent, encrypted backups of a running instance, and restore into an empty one.

An archive holds the database (SQLite's file, or PostgreSQL's pg_dump in its custom
format), the uploads and the secret key: follow-up codes of the
problem box are keyed with that secret, so a restore without it would lock every
anonymous student out of their thread. Restore takes the key from the archive and from
nowhere else. Because the key signs session cookies, an archive in the wrong hands would
open the live app: so the archive is encrypted with a passphrase that is not stored on
the server's disk (scrypt derives the key, AES-GCM encrypts and authenticates, both from
`cryptography`), and written readable by its owner only.
"""

import io
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from ..audit.models import AuditEntry
from ..common.scheduling import off_loop
from ..common.schooltime import utcnow

DATABASE_NAME = "cyberbk.sqlite"
PG_DUMP_NAME = "cyberbk.pgdump"
MEMBERS = (DATABASE_NAME, PG_DUMP_NAME, "secret_key", "uploads")
PG_CLIENT_MISSING = ("{program} is not installed: install PostgreSQL's client programs of the "
                     "server's major version (Debian: apt-get install postgresql-client), then "
                     "run this again")
ARCHIVE_GLOB = "cyberbk-backup-*.tar.gz.enc"
#: Format version 1: MAGIC, a 16-byte salt, a 12-byte nonce, then AES-256-GCM of the
#: .tar.gz with everything before it as associated data.
MAGIC = b"CYBERBK-BACKUP-1\n"
SALT_BYTES = 16
NONCE_BYTES = 12
# scrypt at 2**15 takes about 32 MB and a fraction of a second on the school's server:
# cheap for one restore, costly for someone guessing passphrases by the million.
SCRYPT = {"n": 2**15, "r": 8, "p": 1}
MIN_PASSPHRASE = 12


class BackupError(RuntimeError):
    pass


def sqlite_path(database_uri):
    url = make_url(database_uri)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def postgres_url(database_uri):
    url = make_url(database_uri)
    return url if url.get_backend_name() == "postgresql" else None


def run_pg_client(program, url, *arguments):
    """Run pg_dump or pg_restore on the database at `url`. The password goes through the
    environment: on the command line any user of the server would see it in `ps`."""
    path = shutil.which(program)
    if path is None:
        raise BackupError(PG_CLIENT_MISSING.format(program=program))
    env = {**os.environ, "PGPASSWORD": url.password} if url.password else None
    dsn = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    result = subprocess.run([path, f"--dbname={dsn}", *arguments], env=env,
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{program} failed: {result.stderr.strip()}")


def pg_dump(url, target):
    run_pg_client("pg_dump", url, "--format=custom", "--no-owner", f"--file={target}")


# cryptography is imported where an archive is sealed or opened: its compiled bindings
# cost every worker some 7 MB at start, for what the operator does once a night.
def derive_key(passphrase, salt):
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    return Scrypt(salt=salt, length=32, **SCRYPT).derive(passphrase.encode("utf-8"))


def encrypt(data, passphrase):
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    salt, nonce = os.urandom(SALT_BYTES), os.urandom(NONCE_BYTES)
    header = MAGIC + salt + nonce
    return header + AESGCM(derive_key(passphrase, salt)).encrypt(nonce, data, header)


def decrypt(blob, passphrase):
    """The archive's plain bytes; BackupError for a wrong passphrase or a changed file
    (AES-GCM cannot tell the two apart, and neither gives anything away)."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if not blob.startswith(MAGIC):
        raise BackupError("this is not an encrypted CyberBK backup")
    start = len(MAGIC)
    salt = blob[start:start + SALT_BYTES]
    nonce = blob[start + SALT_BYTES:start + SALT_BYTES + NONCE_BYTES]
    header = blob[:start + SALT_BYTES + NONCE_BYTES]
    try:
        return AESGCM(derive_key(passphrase, salt)).decrypt(nonce, blob[len(header):], header)
    except InvalidTag:
        raise BackupError("wrong passphrase, or the archive was changed or damaged")


def check_passphrase(passphrase):
    if not passphrase or len(passphrase) < MIN_PASSPHRASE:
        raise BackupError(f"the backup passphrase needs at least {MIN_PASSPHRASE} characters")


def backup(database_uri, instance_path, directory, passphrase, now=None):
    """Write cyberbk-backup-<date>-<time>.tar.gz.enc (mode 0600) into `directory`;
    return its path."""
    check_passphrase(passphrase)
    source, postgres = sqlite_path(database_uri), postgres_url(database_uri)
    if source is None and postgres is None:
        raise BackupError("not a SQLite file or PostgreSQL database")
    directory = Path(directory)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    archive = directory / f"cyberbk-backup-{stamp}.tar.gz.enc"
    # The plain snapshot lives only in a private (0700) scratch folder and in memory.
    with tempfile.TemporaryDirectory() as scratch:
        if source is not None:
            copy = Path(scratch) / DATABASE_NAME
            off_loop(sqlite_snapshot, source, copy)
        else:
            # pg_dump reads one snapshot of the database while the app keeps writing. It
            # stays in the greenlet: gevent waits for a child process in its own loop only.
            copy = Path(scratch) / PG_DUMP_NAME
            pg_dump(postgres, copy)
        off_loop(seal, copy, instance_path, passphrase, archive)
    return archive


def sqlite_snapshot(source, copy):
    # The backup API copies a consistent snapshot while other connections keep writing.
    with sqlite3.connect(source) as live, sqlite3.connect(copy) as snapshot:
        live.backup(snapshot)
    snapshot_check(copy)


def seal(copy, instance_path, passphrase, archive):
    """Pack the database copy, the uploads and the secret key, encrypt them and write the
    archive whole. Seconds of gzip, scrypt and AES for a school's data: off the loop."""
    packed = io.BytesIO()
    with tarfile.open(fileobj=packed, mode="w:gz") as tar:
        tar.add(copy, arcname=copy.name)
        instance = Path(instance_path)
        for name in ("secret_key", "uploads"):
            if (instance / name).exists():
                tar.add(instance / name, arcname=name)
    partial = archive.with_suffix(".part")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(encrypt(packed.getvalue(), passphrase))
    os.chmod(partial, 0o600)  # O_CREAT's mode does not apply to a leftover .part
    os.replace(partial, archive)


def archives(directory):
    """The encrypted archives in `directory`, newest first."""
    directory = Path(directory)
    if not directory.is_dir():
        return []
    return sorted(directory.glob(ARCHIVE_GLOB), key=lambda path: path.stat().st_mtime,
                  reverse=True)


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


def postgres_is_empty(url):
    engine = sa.create_engine(url)
    try:
        return not sa.inspect(engine).get_table_names()
    finally:
        engine.dispose()


def restore(archive, instance_path, passphrase, database_uri=None):
    """Decrypt `archive`, unpack it into an empty instance folder, check the database and
    write the restore into its audit log. An archive of a PostgreSQL database goes into the
    empty PostgreSQL database `database_uri`, with pg_restore."""
    instance = Path(instance_path)
    if not instance_is_empty(instance):
        raise BackupError(f"{instance} is not empty; restore only into an empty instance folder")
    plain = decrypt(Path(archive).read_bytes(), passphrase)
    with tarfile.open(fileobj=io.BytesIO(plain), mode="r:gz") as tar:
        names = tar.getnames()
        if DATABASE_NAME not in names and PG_DUMP_NAME not in names:
            raise BackupError("the archive holds no database")
        postgres = postgres_url(database_uri) if database_uri else None
        if PG_DUMP_NAME in names:
            if postgres is None:
                raise BackupError("the archive holds a PostgreSQL database: set DATABASE_URL to "
                                  "an empty PostgreSQL database to restore it into")
            if not postgres_is_empty(postgres):
                raise BackupError("the PostgreSQL database is not empty; restore only into an "
                                  "empty one")
        instance.mkdir(mode=0o700, parents=True, exist_ok=True)
        members = [m for m in tar.getmembers()
                   if m.name.split("/")[0] in MEMBERS and (m.isfile() or m.isdir())]
        tar.extractall(instance, members=members, filter="data")
    if PG_DUMP_NAME in names:
        dump = instance / PG_DUMP_NAME
        try:
            run_pg_client("pg_restore", postgres, "--no-owner", "--exit-on-error",
                          "--single-transaction", str(dump))
        finally:
            dump.unlink()
        database = postgres.render_as_string(hide_password=True)
        target = postgres
    else:
        database = instance / DATABASE_NAME
        snapshot_check(database)
        target = f"sqlite:///{database}"
    for name in (DATABASE_NAME, "secret_key"):
        if (instance / name).exists():
            os.chmod(instance / name, 0o600)
    record_restore(target, Path(archive).name)
    return database


def record_restore(database_url, archive_name):
    """The restored database's own log says it was restored, and from which archive (the
    app that restores may point at another database, so not through its session)."""
    engine = sa.create_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(sa.insert(AuditEntry.__table__).values(
                at=utcnow(), actor_id=None, action="restore", target_type="backup",
                target_id=archive_name[:64], summary="Dipulihkan dari cadangan di server"))
    finally:
        engine.dispose()
