"""Panggilan konseling: the counselor invites a student from their record; the student
answers on their home by choosing a time and agreeing, or says no."""

from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...accounts.decorators import roles_required
from ...accounts.models import Role
from ...common.forms import EmptyForm
from ...common.fragments import wants_fragment
from ...common.schooltime import local_today
from ...common.vocabulary import Mode
from ...extensions import db
from .. import bp
from ..forms import InvitationAnswerForm
from ..forms import InvitationForm
from ..models import Invitation
from ..services import invitations
from ..services import phone
from ..services import rules
from ..services import slots
from .shared import get_student_or_404
from .shared import slot_context
from .shared import slot_refusal
from .shared import slot_taken_message


@bp.route("/bk/siswa/<int:student_id>/panggil", methods=["GET", "POST"])
@roles_required(Role.COUNSELOR)
def invite(student_id):
    student = get_student_or_404(student_id)
    form = InvitationForm()
    if form.validate_on_submit():
        invitations.invite(current_user, student, form.message.data.strip())
        db.session.commit()
        flash(_("Panggilan terkirim. Siswa melihatnya di berandanya saat masuk, tidak lewat "
                "notifikasi."), "success")
        return redirect(url_for("dashboard.student", student_id=student.id), 303)
    answered, windows = phone.answer_of(student)
    days = rules.config("BOOKING_DAYS_AHEAD")
    # What the student will be offered: this counselor's free slots, those in the
    # student's phone windows counted apart.
    offered = [choice for _day, items in slots.slot_choices(current_user.id, local_today(),
                                                            days, windows=windows)
               for choice in items]
    return render_template("booking/counselor/invite.html", student=student, form=form,
                           windows=windows, answered=answered,
                           offered=len(offered), days=days,
                           fitting=sum(choice.fits for choice in offered),
                           waiting=invitations.waiting_from(current_user, student)), \
        400 if form.errors else 200


def get_own_invitation_or_404(invitation_id):
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.student_id != current_user.id:
        abort(404)
    return invitation


@bp.route("/jadwal/panggilan/<int:invitation_id>", methods=["GET", "POST"])
@roles_required(Role.STUDENT)
def invitation(invitation_id):
    """Choose one of the inviting counselor's free times, and agree as for a booking."""
    invitation = get_own_invitation_or_404(invitation_id)
    form = InvitationAnswerForm()
    status = 200
    if invitation.waiting() and form.validate_on_submit():
        starts_at, mode = form.slot.slot[1], Mode(form.mode.data)
        refusal = slot_refusal(invitation.counselor_id, starts_at, mode)
        if refusal is None:
            try:
                booking = invitations.accept(invitation, starts_at, mode)
            except rules.SlotTaken:
                refusal = slot_taken_message(), 409
            else:
                db.session.commit()
                flash(_("Terima kasih. Jadwalmu sudah tercatat, sampai bertemu nanti."),
                      "success")
                return redirect(url_for("booking.detail", booking_id=booking.id), 303)
        message, status = refusal
        flash(message, "error")
    elif form.errors:
        status = 400
    context = slot_context(invitation.counselor_id, "booking.invitation",
                           windows=phone.windows_of(current_user), invitation_id=invitation.id)
    if wants_fragment("slots"):
        return render_template("booking/_slots.html", form=form, **context)
    return render_template("booking/invitation.html", invitation=invitation, form=form,
                           decline_form=EmptyForm(), **context), status


@bp.route("/jadwal/panggilan/<int:invitation_id>/tolak", methods=["POST"])
@roles_required(Role.STUDENT)
def decline_invitation(invitation_id):
    invitation = get_own_invitation_or_404(invitation_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    invitations.decline(invitation)
    db.session.commit()
    flash(_("Baik. Kalau nanti kamu ingin ngobrol, kamu bisa memilih waktu sendiri kapan saja."),
          "success")
    return redirect(url_for("main.student_home"), 303)
