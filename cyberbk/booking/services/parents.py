"""Parents' requests for a consultation, made without an account."""

import re
from datetime import timedelta
from urllib.parse import quote

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from ...accounts.models import Role
from ...accounts.models import SchoolClass
from ...accounts.models import StudentProfile
from ...accounts.models import User
from ...common.schooltime import day_and_time
from ...common.schooltime import to_local
from ...common.schooltime import utcnow
from ...common.vocabulary import Mode
from ...extensions import db
from ..models import ParentRequest
from ..models import label
from . import slots
from .rules import NotAllowed
from .rules import SlotTaken
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


#: How a counselor meets a parent: at school, or by a video call on WhatsApp.
MEETING_MODES = (Mode.FACE, Mode.VIDEO)


def matching_students(request):
    """Active students whose name and class are those the parent wrote (case and spacing
    aside): what a counselor may link the request to, after checking it is the child."""
    name = " ".join(request.child_name.split()).lower()
    return db.session.scalars(
        sa.select(User).join(StudentProfile).join(SchoolClass)
        .where(User.role == Role.STUDENT, User.is_active_account.is_(True),
               sa.func.lower(User.full_name) == name,
               SchoolClass.name == request.class_name)
        .order_by(User.id)).all()


def link_student(request, student_id):
    if student_id not in {student.id for student in matching_students(request)}:
        raise NotAllowed(_("Siswa itu tidak cocok dengan nama dan kelas yang ditulis "
                           "orang tua."))
    request.student_id = student_id


def schedule(request, counselor, starts_at, mode, now=None):
    """Give the meeting one of the counselor's free slots (a moved meeting frees its old
    one). SlotTaken when the slot is gone, as for a booking."""
    if mode not in MEETING_MODES:
        raise NotAllowed(_("Pilih tatap muka atau video."))
    slot = slots.find_free_slot(counselor.id, starts_at, now=now)
    if slot is None:
        raise SlotTaken()
    if not slots.mode_allowed(slot, mode):
        raise NotAllowed(_("Waktu itu hanya untuk chat. Pilih waktu lain."))
    try:
        # The unique index settles a race with another parent's meeting in this slot; a
        # student's booking at the same instant is not seen by it (find_free_slot is).
        with db.session.begin_nested():
            request.counselor_id = counselor.id
            request.starts_at, request.ends_at = slot.starts_at, slot.ends_at
            request.mode = mode
    except IntegrityError:
        raise SlotTaken() from None


def greeting(now=None):
    """The greeting for the time of day at school, as a parent reads it on WhatsApp."""
    hour = to_local(now or utcnow()).hour
    if hour < 11:
        return _("Selamat pagi")
    if hour < 15:
        return _("Selamat siang")
    if hour < 18:
        return _("Selamat sore")
    return _("Selamat malam")


def whatsapp_contact_link(request, now=None):
    """A wa.me link with the counselor's first message, the meeting's time in it once set."""
    text = _("%(greeting)s, Bapak/Ibu. Kami dari BK sekolah menanggapi permintaan konsultasi "
             "Bapak/Ibu.", greeting=greeting(now))
    if request.starts_at:
        text += " " + _("Kami mengundang Bapak/Ibu bertemu (%(mode)s) pada %(when)s.",
                        mode=label(request.mode),
                        when=day_and_time(request.starts_at))
    return f"https://wa.me/{request.whatsapp}?text=" + quote(text)
