"""Parents without an account ask for a consultation; counselors follow the requests up."""

from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ... import ratelimit
from ...accounts.decorators import roles_required
from ...accounts.models import Role
from ...audit.services import record
from ...common.forms import EmptyForm
from ...common.fragments import wants_fragment
from ...common.vocabulary import Mode
from ...extensions import db
from .. import bp
from ..forms import ParentRequestForm
from ..forms import ParentStudentForm
from ..forms import ScheduleParentForm
from ..models import ParentRequest
from ..services import parents
from ..services import rules
from .shared import slot_context
from .shared import slot_taken_message


def parent_form():
    form = ParentRequestForm()
    form.class_name.choices = [SelectChoice("", _("Pilih kelas"))] + [
        SelectChoice(name) for name in parents.class_names()]
    return form


def refuse_parent_request(form):
    flash(_("Permintaan dari nomor atau perangkat ini sudah cukup banyak. Guru BK akan "
            "menghubungi Bapak/Ibu. Coba lagi besok kalau belum ada kabar."), "error")
    return render_template("booking/parent.html", form=form), 429


def too_many_parent_requests(request_limit):
    return ratelimit.refused(refuse_parent_request(parent_form()), request_limit)


@bp.route("/jadwal/orang-tua", methods=["GET", "POST"])
# Counted when a request is stored.
@ratelimit.guard_posts("PARENT_REQUEST_LIMIT", too_many_parent_requests,
                       deduct_when=lambda response: response.status_code == 303)
def parent_request():
    form = parent_form()
    if form.validate_on_submit():
        if not parents.parent_request_allowed(form.whatsapp.normalised):
            return refuse_parent_request(form)
        parents.add_parent_request(
            parent_name=form.parent_name.data.strip(), child_name=form.child_name.data.strip(),
            class_name=form.class_name.data, whatsapp=form.whatsapp.normalised,
            preferred_times=form.preferred_times.data.strip(), topic=form.topic.data.strip())
        db.session.commit()
        return redirect(url_for("booking.parent_sent"), 303)
    return render_template("booking/parent.html", form=form), 400 if form.errors else 200


@bp.route("/jadwal/orang-tua/terkirim")
def parent_sent():
    return render_template("booking/parent_sent.html")


@bp.route("/bk/jadwal/orang-tua")
@roles_required(Role.COUNSELOR)
def parent_requests():
    requests = parents.parent_requests()
    record(current_user, "read", "parent_requests", None,
           summary="Membuka daftar permintaan konsultasi orang tua")
    db.session.commit()
    # Suggested only where a counselor may still act on it; linking is their decision.
    matches = {entry.id: parents.matching_students(entry) for entry in requests
               if entry.handled_at is None and entry.student_id is None}
    return render_template("booking/counselor/parents.html", requests=requests,
                           matches=matches, whatsapp=parents.whatsapp_contact_link,
                           action_form=EmptyForm())


@bp.route("/bk/jadwal/orang-tua/<int:request_id>/siswa", methods=["POST"])
@roles_required(Role.COUNSELOR)
def link_parent_student(request_id):
    entry = db.get_or_404(ParentRequest, request_id)
    form = ParentStudentForm()
    if not form.validate_on_submit():
        abort(400)
    parents.link_student(entry, form.student.data)
    db.session.commit()
    flash(_("Permintaan dihubungkan ke siswa. Orang tua tidak diberi tahu apa pun dari "
            "data siswa."), "success")
    return redirect(url_for("booking.parent_requests"), 303)


@bp.route("/bk/jadwal/orang-tua/<int:request_id>/jadwal", methods=["GET", "POST"])
@roles_required(Role.COUNSELOR)
def schedule_parent_request(request_id):
    entry = db.get_or_404(ParentRequest, request_id)
    form = ScheduleParentForm()
    status = 200
    if request.method == "POST":
        status = 400
        if form.validate_on_submit():
            try:
                parents.schedule(entry, current_user, form.slot.slot[1], Mode(form.mode.data))
            except rules.SlotTaken:
                flash(slot_taken_message(), "error")
                status = 409
            else:
                db.session.commit()
                flash(_("Pertemuan dijadwalkan. Kabari orang tua lewat WhatsApp: waktunya "
                        "sudah ada di pesannya."), "success")
                return redirect(url_for("booking.parent_requests"), 303)
    context = slot_context(current_user.id, "booking.schedule_parent_request",
                           request_id=entry.id)
    if wants_fragment("slots"):
        return render_template("booking/_slots.html", form=form, **context)
    return render_template("booking/counselor/parent_schedule.html", entry=entry, form=form,
                           **context), status


@bp.route("/bk/jadwal/orang-tua/<int:request_id>/selesai", methods=["POST"])
@roles_required(Role.COUNSELOR)
def handle_parent_request(request_id):
    entry = db.get_or_404(ParentRequest, request_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if entry.handled_at is None:
        parents.mark_parent_request_handled(entry, current_user)
        db.session.commit()
    flash(_("Permintaan ditandai sudah ditangani."), "success")
    return redirect(url_for("booking.parent_requests"), 303)
