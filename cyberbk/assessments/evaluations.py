"""Evaluations of counseling (laiseg): each is about one session, asked of its student only.

When a session ends (signals.session_ended) its student is invited to the evaluation the
counselor has opened for their class. The invitation is the only way to it: without one
the questionnaire does not exist for a student (404), and it is never shown to a homeroom
teacher or in a share kit. It stays on the student's home until answered or until
ASSESSMENT_EVALUATION_DAYS have passed.
"""

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from ..common import signals
from ..common.schooltime import utcnow
from ..extensions import db
from .models import Administration
from .models import EvaluationInvitation
from .models import by_invitation
from .models import class_condition


def open_evaluation_for(student):
    """The open administration about counseling given to the student's class (the one
    closing last), or None."""
    now = utcnow()
    return db.session.scalar(
        sa.select(Administration)
        .where(Administration.opens_at <= now, Administration.closes_at > now,
               by_invitation(), class_condition(student.school_class))
        .order_by(Administration.closes_at.desc()).limit(1))


@signals.session_ended.connect
def invite(booking):
    """Invite the student of a session that has just ended to evaluate it: once a session,
    written in the caller's transaction. Nothing when no evaluation is open for them."""
    administration = open_evaluation_for(booking.student)
    if administration is None or invitation_of(booking) is not None:
        return
    days = current_app.config["ASSESSMENT_EVALUATION_DAYS"]
    try:
        # In a savepoint: when the session was ended twice at once, the first invitation
        # stays and the caller's transaction goes on.
        with db.session.begin_nested():
            db.session.add(EvaluationInvitation(
                student_id=booking.student_id, booking_id=booking.id,
                administration=administration, expires_at=utcnow() + timedelta(days=days)))
    except IntegrityError:
        pass


def invitation_of(booking):
    return db.session.scalar(sa.select(EvaluationInvitation)
                             .where(EvaluationInvitation.booking_id == booking.id))


@signals.session_evaluation.connect
def waiting_for(booking):
    """The evaluation the student of this session may still give about it, or None."""
    invitation = invitation_of(booking)
    if invitation is None or not invitation.is_pending:
        return None
    return invitation.administration if invitation.administration.status == "open" else None


def invited(student):
    """SQL condition on Administration: the student holds an invitation to it that is
    neither answered nor expired."""
    return sa.exists().where(EvaluationInvitation.administration_id == Administration.id,
                             EvaluationInvitation.student_id == student.id,
                             EvaluationInvitation.answered.is_(False),
                             EvaluationInvitation.expires_at > utcnow())


def invitation_in_force(administration, student):
    """The student's invitation to this evaluation that has not expired: the one still to
    answer first, else one they answered (to see or change it). None: the student has no
    business with it."""
    return db.session.scalar(
        sa.select(EvaluationInvitation)
        .where(EvaluationInvitation.administration_id == administration.id,
               EvaluationInvitation.student_id == student.id,
               EvaluationInvitation.expires_at > utcnow())
        .order_by(EvaluationInvitation.answered, EvaluationInvitation.expires_at).limit(1))
