"""Referrals: homeroom teachers refer a student and see only the status; counselors
invite the student."""

from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ...accounts import services as accounts
from ...accounts.decorators import roles_required
from ...accounts.models import Role
from ...audit.services import record
from ...common.fragments import wants_fragment
from ...common.vocabulary import Mode
from ...extensions import db
from .. import bp
from ..forms import ReferralForm
from ..forms import ScheduleReferralForm
from ..services import referring
from ..services import rules
from .shared import get_referral_or_404
from .shared import slot_context
from .shared import slot_taken_message


@bp.route("/bk/kasus/rujukan")
@roles_required(Role.COUNSELOR)
def referrals():
    return render_template("booking/counselor/referrals.html",
                           referrals=referring.referral_queue(current_user))


@bp.route("/bk/kasus/rujukan/<int:referral_id>", methods=["GET", "POST"])
@roles_required(Role.COUNSELOR)
def referral(referral_id):
    referral = get_referral_or_404(referral_id)
    form = ScheduleReferralForm()
    status = 200
    if request.method == "GET":
        record(current_user, "read", "referral", referral.id, summary="Membuka rujukan wali kelas")
        db.session.commit()
    elif form.validate_on_submit():
        try:
            booking = referring.schedule_referral(referral, current_user, form.slot.slot[1],
                                                  Mode(form.mode.data))
        except rules.SlotTaken:
            flash(slot_taken_message(), "error")
            status = 409
        else:
            db.session.commit()
            flash(_("Siswa diundang. Wali kelas melihat status “Sudah dijadwalkan”."), "success")
            return redirect(url_for("booking.staff_detail", booking_id=booking.id), 303)
    else:
        status = 400
    context = slot_context(current_user.id, "booking.referral", referral_id=referral.id)
    if wants_fragment("slots"):
        return render_template("booking/_slots.html", form=form, **context)
    return render_template("booking/counselor/referral.html", referral=referral, form=form,
                           **context), status


# Homeroom teachers: refer a student, see only the status.

@bp.route("/wali/rujukan", methods=["GET", "POST"])
@roles_required(Role.HOMEROOM)
def homeroom_referrals():
    form = ReferralForm()
    students = accounts.homeroom_students(current_user)
    form.student.choices = [SelectChoice(s.id, f"{s.full_name} ({s.school_class.name})")
                            for s in students]
    if form.validate_on_submit():
        referring.refer(current_user, form.student.data, form.reason.data.strip())
        db.session.commit()
        flash(_("Rujukan terkirim ke Guru BK. Bapak/Ibu akan melihat statusnya di sini."),
              "success")
        return redirect(url_for("booking.homeroom_referrals"), 303)
    return render_template("booking/homeroom/referrals.html", form=form,
                           has_students=bool(students),
                           rows=referring.referrals_by(current_user)), 400 if form.errors else 200
