"""Parents' consent (children's data needs a parent's or guardian's consent, UU 27/2022
Pasal 25): the letters to print and the register of those received."""

import sqlalchemy as sa

from ..accounts.models import Role
from ..accounts.models import SchoolClass
from ..accounts.models import StudentProfile
from ..accounts.models import User
from ..audit.services import record
from ..extensions import db
from .models import ParentConsent


def classes_with_counts():
    """[(class, active students, consents received)] for the register's overview."""
    return db.session.execute(
        sa.select(SchoolClass, sa.func.count(User.id), sa.func.count(ParentConsent.student_id))
        .outerjoin(StudentProfile, StudentProfile.class_id == SchoolClass.id)
        .outerjoin(User, sa.and_(User.id == StudentProfile.user_id,
                                 User.is_active_account.is_(True)))
        .outerjoin(ParentConsent, ParentConsent.student_id == User.id)
        .group_by(SchoolClass.id).order_by(SchoolClass.grade, SchoolClass.name)).all()


def class_students(school_class):
    """[(student, consent or None)] of the class's active students, by name."""
    return db.session.execute(
        sa.select(User, ParentConsent)
        .join(StudentProfile, StudentProfile.user_id == User.id)
        .outerjoin(ParentConsent, ParentConsent.student_id == User.id)
        .where(StudentProfile.class_id == school_class.id, User.role == Role.STUDENT,
               User.is_active_account.is_(True))
        .order_by(User.full_name)).all()


def consent_of(student_id):
    return db.session.get(ParentConsent, student_id) if student_id else None


def record_received(students, received_on, user):
    """Note the letters of these students as received on that day (again: the new date), with
    the audit entry, in the caller's transaction."""
    for student in students:
        consent = db.session.get(ParentConsent, student.id)
        if consent is None:
            db.session.add(ParentConsent(student_id=student.id, received_on=received_on,
                                         recorded_by_id=user.id))
        else:
            consent.received_on = received_on
            consent.recorded_by_id = user.id
    record(user, "consent", "parent_consent", None,
           summary=f"{len(students)} surat persetujuan orang tua dicatat diterima")


def remove(student, user):
    """Undo a wrong entry, or note that the parent withdrew the consent."""
    consent = db.session.get(ParentConsent, student.id)
    if consent is not None:
        db.session.delete(consent)
        record(user, "consent_removed", "parent_consent", student.id,
               summary="Catatan persetujuan orang tua dihapus")
