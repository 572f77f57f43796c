"""Referrals: a homeroom teacher refers a student, a counselor invites them to a session."""

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from ...accounts import services as accounts
from ...accounts.models import SchoolClass
from ...accounts.models import StudentProfile
from ...accounts.models import User
from ...common import signals
from ...common.links import path_for
from ...extensions import db
from ..models import BookingStatus
from ..models import Referral
from ..models import ReferralStatus
from ..models import Source
from .bookings import book
from .casework import open_case
from .rules import NotAllowed


def refer(teacher, student_id, reason):
    allowed = {student.id for student in accounts.homeroom_students(teacher)}
    if student_id not in allowed:
        raise NotAllowed(_("Hanya siswa kelas perwalian Bapak/Ibu yang bisa dirujuk."))
    referral = Referral(student_id=student_id, referrer_id=teacher.id, reason=reason)
    db.session.add(referral)
    db.session.flush()
    # Unclaimed, it is every counselor's to take.
    signals.counselor_alert.send(
        current_app._get_current_object(), kind="referral", ref=f"rujukan:{referral.id}",
        link=path_for("booking.referral", referral_id=referral.id))
    return referral


def referrals_by(teacher, limit=None):
    """Status rows for the referring teacher: student, date and status, no content."""
    return db.session.execute(
        sa.select(User.full_name, SchoolClass.name, Referral.created_at, Referral.status)
        .select_from(Referral).join(User, User.id == Referral.student_id)
        .outerjoin(StudentProfile, StudentProfile.user_id == User.id)
        .outerjoin(SchoolClass, SchoolClass.id == StudentProfile.class_id)
        .where(Referral.referrer_id == teacher.id)
        .order_by(Referral.created_at.desc()).limit(limit)).all()


def referral_queue(counselor):
    """Unclaimed referrals, which any counselor may take, and the counselor's own."""
    return db.session.scalars(
        sa.select(Referral)
        .where(Referral.open_to(counselor.id))
        .order_by(
            sa.case((Referral.status == ReferralStatus.RECEIVED, 0),
                    (Referral.status == ReferralStatus.SCHEDULED, 1), else_=2),
            Referral.created_at.desc())).all()


def schedule_referral(referral, counselor, starts_at, mode, now=None):
    """Invite the referred student: a confirmed booking in the counselor's slot."""
    if referral.status == ReferralStatus.DONE:
        raise NotAllowed(_("Rujukan ini sudah selesai."))
    booking = book(counselor.id, starts_at, mode, student=referral.student, now=now,
                   source=Source.REFERRAL, referral_id=referral.id,
                   status=BookingStatus.CONFIRMED)
    # A referral opens no case (models.may_open): it joins its case only when this
    # counselor may open that case anyway.
    case = referral.case if referral.case and referral.case.is_open \
        and referral.case.open_to(counselor.id) else open_case(referral.student, counselor)
    booking.case = case
    referral.case = case
    referral.counselor = counselor
    referral.status = ReferralStatus.SCHEDULED
    return booking
