"""Counseling cases and their session records."""

import sqlalchemy as sa
from flask_babel import gettext as _

from ...accounts.models import Role
from ...accounts.models import User
from ...common import listing
from ...common import signals
from ...common.schooltime import utcnow
from ...extensions import db
from ..models import BookingStatus
from ..models import CaseStatus
from ..models import CounselingCase
from ..models import ReferralStatus
from ..models import SessionRecord
from .rules import NotAllowed


def open_case(student, counselor):
    """The student's open case with this counselor, opened now if there is none."""
    case = db.session.scalar(
        sa.select(CounselingCase)
        .where(CounselingCase.student_id == student.id,
               CounselingCase.counselor_id == counselor.id,
               CounselingCase.status == CaseStatus.OPEN)
        .order_by(CounselingCase.id.desc()).limit(1))
    if case is None:
        case = CounselingCase(student=student, counselor=counselor)
        db.session.add(case)
    return case


#: The orders of the cases list (common/listing.py).
CASE_SORTS = {
    "siswa": (User.full_name, CounselingCase.id),
    "dibuka": (CounselingCase.opened_at, CounselingCase.id),
    "status": (CounselingCase.status, User.full_name, CounselingCase.id),
}


def cases_page(counselor, want):
    """One page of the cases the counselor may open, found by the student's name."""
    statement = (sa.select(CounselingCase).join(CounselingCase.student)
                 .where(CounselingCase.open_to(counselor.id)))
    if want.search:
        statement = statement.where(listing.matching(want.search, User.full_name))
    return listing.paginate(statement, CASE_SORTS, want)


def add_record(case, counselor, booking=None, **fields):
    """Save a session record; the booking it belongs to, and its referral, are then done
    (a session that ends here, not in its chat, invites its student to evaluate it too)."""
    record = SessionRecord(case=case, counselor_id=counselor.id, booking=booking, **fields)
    db.session.add(record)
    if booking is not None:
        if booking.status != BookingStatus.DONE:
            booking.status = BookingStatus.DONE
            signals.session_ended.send(booking)
        if booking.case_id is None:
            booking.case = case
        if booking.referral is not None:
            booking.referral.status = ReferralStatus.DONE
    return record


def close_case(case, outcome, note=""):
    if not case.is_open:
        raise NotAllowed(_("Kasus ini sudah ditutup."))
    case.status = CaseStatus.CLOSED
    case.closed_at = utcnow()
    case.outcome = outcome
    case.closing_note = note
    for referral in case.referrals:
        referral.status = ReferralStatus.DONE


def hand_over(case, to_counselor):
    if not case.is_open:
        raise NotAllowed(_("Kasus yang sudah ditutup tidak bisa dialihkan."))
    if to_counselor.id == case.counselor_id or to_counselor.role != Role.COUNSELOR \
            or not to_counselor.is_active:
        raise NotAllowed(_("Pilih Guru BK lain yang aktif."))
    case.previous_counselor_id = case.counselor_id
    case.counselor = to_counselor
    for referral in case.referrals:
        referral.counselor = to_counselor


def other_counselors(counselor):
    return db.session.scalars(
        sa.select(User).where(User.role == Role.COUNSELOR, User.is_active_account.is_(True),
                              User.id != counselor.id).order_by(User.full_name)).all()


def records_for_student(student):
    """Session records of the student's cases (the template leaves out private notes)."""
    return db.session.scalars(
        sa.select(SessionRecord).join(CounselingCase)
        .where(CounselingCase.student_id == student.id)
        .order_by(SessionRecord.held_at.desc())).all()
