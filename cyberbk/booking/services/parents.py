"""Parents' requests for a consultation, made without an account."""

import re
from datetime import timedelta
from urllib.parse import quote

import sqlalchemy as sa
from flask_babel import gettext as _

from ...accounts.models import SchoolClass
from ...common.schooltime import utcnow
from ...extensions import db
from ..models import ParentRequest
from .rules import config

WHATSAPP_SEPARATORS = re.compile(r"[\s().-]")


def normalise_whatsapp(raw):
    """'0812-3456-7890', '+62 812 3456 7890' -> '6281234567890'; None if not a mobile number."""
    digits = WHATSAPP_SEPARATORS.sub("", raw or "")
    if digits.startswith("+"):
        digits = digits[1:]
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    if not digits.isdigit() or not digits.startswith("628") or not 10 <= len(digits) <= 15:
        return None
    return digits


def parent_request_allowed(whatsapp):
    recent = db.session.scalar(
        sa.select(sa.func.count(ParentRequest.id))
        .where(ParentRequest.whatsapp == whatsapp,
               ParentRequest.created_at > utcnow() - timedelta(days=1)))
    return recent < config("PARENT_REQUESTS_PER_NUMBER_PER_DAY")


def add_parent_request(**fields):
    request = ParentRequest(**fields)
    db.session.add(request)
    return request


def parent_requests():
    return db.session.scalars(
        sa.select(ParentRequest)
        .order_by(ParentRequest.handled_at.is_not(None), ParentRequest.created_at.desc())
        .limit(200)).all()


def mark_parent_request_handled(request, counselor):
    request.handled_at = utcnow()
    request.handled_by_id = counselor.id


def class_names():
    return db.session.scalars(sa.select(SchoolClass.name)
                              .order_by(SchoolClass.grade, SchoolClass.name)).all()


def whatsapp_contact_link(number):
    return f"https://wa.me/{number}?text=" + quote(
        _("Selamat siang, Bapak/Ibu. Kami dari BK sekolah menanggapi permintaan konsultasi "
          "Bapak/Ibu."))
