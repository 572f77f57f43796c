"""Panggilan konseling: a counselor invites a student, who answers on their home by
choosing one of the counselor's free slots and giving consent, or by saying no.

Nothing is sent to the student's phone: the invitation waits on their home.
"""

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from ...accounts.models import Role
from ...common import signals
from ...common.links import path_for
from ...common.schooltime import utcnow
from ...extensions import db
from ..models import BookingStatus
from ..models import Invitation
from ..models import InvitationStatus
from ..models import Source
from .bookings import book
from .bookings import give_consent
from .casework import open_case
from .rules import NotAllowed
from .rules import config


def invite(counselor, student, message, now=None):
    """A new invitation from `counselor` (written, for the caller to commit)."""
    now = now or utcnow()
    if student.role != Role.STUDENT or not student.is_active_account:
        raise NotAllowed(_("Hanya siswa dengan akun aktif yang bisa dipanggil."))
    if waiting_from(counselor, student, now) is not None:
        raise NotAllowed(_("Siswa ini masih punya panggilan dari Anda yang belum dijawab."))
    invitation = Invitation(student_id=student.id, counselor_id=counselor.id, message=message,
                            created_at=now,
                            expires_at=now + timedelta(days=config("INVITATION_DAYS")))
    db.session.add(invitation)
    return invitation


def waiting_from(counselor, student, now=None):
    return db.session.scalar(
        sa.select(Invitation)
        .where(Invitation.student_id == student.id, Invitation.counselor_id == counselor.id,
               Invitation.status == InvitationStatus.WAITING,
               Invitation.expires_at > (now or utcnow())).limit(1))


def waiting_for(student, now=None):
    """The invitations the student can still answer, oldest first (their home)."""
    return db.session.scalars(
        sa.select(Invitation)
        .where(Invitation.student_id == student.id, Invitation.status == InvitationStatus.WAITING,
               Invitation.expires_at > (now or utcnow()))
        .order_by(Invitation.created_at)).all()


def sent_to(student, counselor):
    """The invitations `counselor` sent the student, newest first (the student record)."""
    return db.session.scalars(
        sa.select(Invitation)
        .where(Invitation.student_id == student.id, Invitation.open_to(counselor.id))
        .order_by(Invitation.created_at.desc())).all()


def _check_waiting(invitation, now):
    if not invitation.waiting(now):
        raise NotAllowed(_("Panggilan ini sudah tidak berlaku. Kalau masih ingin ngobrol, pilih "
                           "waktu sendiri di halaman jadwal, ya."))


def accept(invitation, starts_at, mode, now=None):
    """The student chose a slot and agreed: a confirmed session with the counselor, in
    their case with the student (the counselor asked for it; nothing waits to confirm)."""
    _check_waiting(invitation, now)
    booking = book(invitation.counselor_id, starts_at, mode, student=invitation.student,
                   now=now, source=Source.INVITATION, status=BookingStatus.CONFIRMED)
    give_consent(booking)
    booking.case = open_case(invitation.student, invitation.counselor)
    invitation.status = InvitationStatus.ACCEPTED
    invitation.booking = booking
    signals.counselor_alert.send(
        current_app._get_current_object(), kind="booking", ref=f"jadwal:{booking.id}",
        link=path_for("booking.staff_detail", booking_id=booking.id),
        counselor_ids=[invitation.counselor_id])
    return booking


def decline(invitation, now=None):
    """Counseling is opt-in: a student may say no, and the counselor sees only that."""
    _check_waiting(invitation, now)
    invitation.status = InvitationStatus.REFUSED
