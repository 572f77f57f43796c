"""Counselors' cases and session records."""

from datetime import datetime

from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ...accounts.decorators import roles_required
from ...accounts.models import Role
from ...accounts.models import User
from ...audit.services import record
from ...common import listing
from ...common import numbers
from ...common import signals
from ...common.forms import EmptyForm
from ...common.fragments import wants_fragment
from ...common.schooltime import to_local
from ...common.schooltime import to_utc
from ...common.schooltime import utcnow
from ...common.vocabulary import Mode
from ...common.vocabulary import ServiceField
from ...extensions import db
from .. import bp
from ..forms import CloseCaseForm
from ..forms import HandoverForm
from ..forms import SessionRecordForm
from ..models import Booking
from ..models import Outcome
from ..services import casework
from .shared import get_case_or_404
from .shared import get_student_or_404


#: The element the cases list swaps (search, order, pages).
CASES_LIST = "kasus-daftar"


@bp.route("/bk/kasus")
@roles_required(Role.COUNSELOR)
def cases():
    cases_list = casework.cases_page(current_user, listing.wanted(casework.CASE_SORTS, "-dibuka"))
    template = "booking/counselor/_cases_list.html" if wants_fragment(CASES_LIST) \
        else "booking/counselor/cases.html"
    return render_template(template, listing=cases_list, target=CASES_LIST)


@bp.route("/bk/kasus/<int:case_id>")
@roles_required(Role.COUNSELOR)
def case_file(case_id):
    case = get_case_or_404(case_id)
    record(current_user, "read", "case", case.id, summary="Membuka berkas kasus siswa")
    db.session.commit()
    return render_case(case)


@bp.route("/bk/siswa/<int:student_id>/kasus", methods=["POST"])
@roles_required(Role.COUNSELOR)
def open_case(student_id):
    """The counselor opens a case for a student they noticed (a sociogram's isolate, an
    anecdote), without waiting for a booking: theirs, or the one already open with them."""
    student = get_student_or_404(student_id)
    if not EmptyForm().validate_on_submit() or not student.is_active_account:
        abort(400)
    case = casework.open_case(student, current_user)
    db.session.flush()
    record(current_user, "create", "case", case.id, summary="Membuka kasus untuk siswa")
    db.session.commit()
    flash(_("Kasus dibuka. Catat sesi, anekdot, kunjungan rumah, atau konferensi kasus dari "
            "sini."), "success")
    return redirect(url_for("booking.case_file", case_id=case.id), 303)


def counselor_choices():
    return [SelectChoice(c.id, c.full_name) for c in casework.other_counselors(current_user)]


def render_case(case, status=200, close_form=None, handover_form=None):
    handover_form = handover_form or HandoverForm(formdata=None)
    handover_form.counselor.choices = counselor_choices()
    return render_template("booking/counselor/case.html", case=case,
                           close_form=close_form or CloseCaseForm(formdata=None),
                           handover_form=handover_form,
                           **signals.gather(signals.tppk_lane, current_app._get_current_object(),
                                            kind="kasus", record_id=case.id)), status


@bp.route("/bk/kasus/<int:case_id>/catatan", methods=["GET", "POST"])
@roles_required(Role.COUNSELOR)
def new_record(case_id):
    case = get_case_or_404(case_id)
    booking = None
    if numbers.is_id(request.args.get("jadwal")):
        booking = db.session.get(Booking, int(request.args["jadwal"]))
        if booking is None or booking.case_id != case.id:
            abort(404)
    if request.method == "GET":
        when = to_local(booking.starts_at if booking else utcnow())
        form = SessionRecordForm(formdata=None, held_on=when.date(),
                                 held_time=when.time().replace(second=0, microsecond=0),
                                 mode=booking.mode.value if booking else Mode.FACE.value,
                                 field=booking.field.value if booking and booking.field
                                 else ServiceField.PERSONAL.value,
                                 # Opened from a row of the programme: it delivers that row.
                                 programme_row_id=request.args.get("baris"))
        return render_template("booking/counselor/record.html", case=case, booking=booking,
                               form=form)
    form = SessionRecordForm()
    if not form.validate_on_submit():
        return render_template("booking/counselor/record.html", case=case, booking=booking,
                               form=form), 400
    casework.add_record(
        case, current_user, booking=booking,
        held_at=to_utc(datetime.combine(form.held_on.data, form.held_time.data)),
        mode=Mode(form.mode.data), field=ServiceField(form.field.data),
        topic=form.topic.data.strip(), summary=form.summary.data.strip(),
        technique=(form.technique.data or "").strip(),
        follow_up=(form.follow_up.data or "").strip(),
        laiseg_understanding=(form.laiseg_understanding.data or "").strip(),
        laiseg_comfort=(form.laiseg_comfort.data or "").strip(),
        laiseg_action=(form.laiseg_action.data or "").strip(),
        private_note=(form.private_note.data or "").strip(),
        programme_row_id=form.programme_row_id.data)
    db.session.commit()
    flash(_("Catatan sesi disimpan."), "success")
    return redirect(url_for("booking.case_file", case_id=case.id), 303)


@bp.route("/bk/kasus/<int:case_id>/tutup", methods=["POST"])
@roles_required(Role.COUNSELOR)
def close_case(case_id):
    case = get_case_or_404(case_id)
    form = CloseCaseForm()
    if not form.validate_on_submit():
        return render_case(case, 400, close_form=form)
    casework.close_case(case, Outcome(form.outcome.data), (form.note.data or "").strip())
    db.session.commit()
    flash(_("Kasus ditutup."), "success")
    return redirect(url_for("booking.case_file", case_id=case.id), 303)


@bp.route("/bk/kasus/<int:case_id>/alihkan", methods=["POST"])
@roles_required(Role.COUNSELOR)
def hand_over(case_id):
    case = get_case_or_404(case_id)
    form = HandoverForm()
    form.counselor.choices = counselor_choices()
    if not form.validate_on_submit():
        return render_case(case, 400, handover_form=form)
    target = db.session.get(User, form.counselor.data)
    record(current_user, "handover", "case", case.id,
           summary=f"Kasus dialihkan ke pengguna #{target.id}")
    casework.hand_over(case, target)
    db.session.commit()
    flash(_("Kasus dialihkan ke %(name)s.", name=target.full_name), "success")
    return redirect(url_for("booking.cases"), 303)
