from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from flask import abort
from flask import current_app
from flask_babel import gettext as _

from ..accounts.models import SchoolClass
from ..accounts.models import StudentProfile
from ..accounts.models import User
from ..common import files
from ..common import listing
from ..extensions import db
from ..school.services import get_settings
from . import backup as backups

LOGO_SIGNATURES = {b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpg"}


#: The orders of the accounts list, each ending in a unique column (common/listing.py).
ACCOUNT_SORTS = {
    "nama": (User.full_name, User.id),
    "username": (User.username,),
    "peran": (User.role, User.full_name, User.id),
    "kelas": (SchoolClass.name, User.full_name, User.id),
    "status": (User.is_active_account, User.full_name, User.id),
}


def accounts_page(want, role=None, class_id=None):
    """One page of (account, class name) rows, found by name or username."""
    statement = (sa.select(User, SchoolClass.name)
                 .outerjoin(StudentProfile, StudentProfile.user_id == User.id)
                 .outerjoin(SchoolClass, SchoolClass.id == StudentProfile.class_id))
    if role:
        statement = statement.where(User.role == role)
    if class_id:
        statement = statement.where(StudentProfile.class_id == class_id)
    if want.search:
        statement = statement.where(listing.matching(want.search, User.full_name, User.username))
    return listing.paginate(statement, ACCOUNT_SORTS, want)


def all_classes():
    return db.session.scalars(sa.select(SchoolClass).order_by(SchoolClass.grade,
                                                              SchoolClass.name)).all()


def save_logo(storage):
    """Store an uploaded logo after checking what the bytes are, not what the name says."""
    data = storage.read(current_app.config["LOGO_MAX_BYTES"] + 1)
    if len(data) > current_app.config["LOGO_MAX_BYTES"]:
        return _("Logo terlalu besar. Paling besar 512 KB.")
    kind = next((k for sig, k in LOGO_SIGNATURES.items() if data.startswith(sig)), None)
    if kind is None:
        return _("Berkas ini bukan gambar PNG atau JPG.")
    uploads = Path(current_app.instance_path) / "uploads"
    settings = get_settings()
    filename = f"logo.{kind}"
    files.save(uploads / filename, data)
    settings.logo_filename = filename
    return None


def backup_directory():
    configured = current_app.config.get("BACKUP_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "backups"


def make_backup(passphrase):
    return backups.backup(current_app.config["SQLALCHEMY_DATABASE_URI"],
                          current_app.instance_path, backup_directory(), passphrase)


def backup_error_text(error):
    if "passphrase" in str(error):
        return _("Sandi cadangan paling sedikit 12 karakter.")
    if "SQLite" in str(error):
        return _("Basis data ini PostgreSQL: cadangkan dengan pg_dump di server.")
    return _("Cadangan gagal dibuat: %(reason)s", reason=str(error))


def backup_overview():
    """Where backups go, the archives there, and how old the newest is."""
    directory = backup_directory()
    archives = [(path.name, datetime.fromtimestamp(path.stat().st_mtime), path.stat().st_size)
                for path in backups.archives(directory)]
    newest_age = (datetime.now() - archives[0][1]) if archives else None
    return {"directory": directory, "archives": archives, "newest_age": newest_age,
            "sqlite": backups.sqlite_path(current_app.config["SQLALCHEMY_DATABASE_URI"]) is not None}


def backup_archive_or_404(name):
    """An archive in the backup folder by its exact name, never a path elsewhere."""
    match = next((path for path in backups.archives(backup_directory()) if path.name == name), None)
    if match is None:
        abort(404)
    return match
