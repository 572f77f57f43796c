from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from ..accounts.models import SchoolClass
from ..accounts.models import StudentProfile
from ..accounts.models import User
from ..extensions import db
from ..school.services import get_settings

LOGO_SIGNATURES = {b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpg"}


def list_accounts(role=None, class_id=None, query=None):
    statement = (sa.select(User, SchoolClass.name)
                 .outerjoin(StudentProfile, StudentProfile.user_id == User.id)
                 .outerjoin(SchoolClass, SchoolClass.id == StudentProfile.class_id))
    if role:
        statement = statement.where(User.role == role)
    if class_id:
        statement = statement.where(StudentProfile.class_id == class_id)
    if query:
        pattern = f"%{query.lower()}%"
        statement = statement.where(sa.or_(sa.func.lower(User.full_name).like(pattern),
                                           User.username.like(pattern)))
    return db.session.execute(
        statement.order_by(User.role, SchoolClass.name, User.full_name).limit(500)
    ).all()


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
    (uploads / filename).write_bytes(data)
    settings.logo_filename = filename
    return None
