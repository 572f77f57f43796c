"""The TPPK lane's pages: the members' list and case pages (/tppk), a counselor's routing
of a story or a case, a student's own report (/kotak/kekerasan, no login needed, not
logged: accesslog.UNLOGGED covers /kotak/), and the operator's list of members."""

from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from .. import ratelimit
from ..accounts.decorators import roles_required
from ..accounts.models import Role
from ..accounts.models import User
from ..audit.services import record
from ..booking.models import CounselingCase
from ..common import access
from ..common import numbers
from ..common import schooltime
from ..common.forms import EmptyForm
from ..extensions import db
from ..problembox.models import ProblemReport
from ..school.services import crisis_contacts
from ..school.services import get_settings
from . import bp
from . import services
from .forms import STEP_LABELS
from .forms import ContactForm
from .forms import MemberForm
from .forms import NoteForm
from .forms import ReportForm
from .forms import RouteForm
from .forms import StepForm
from .models import Source
from .models import Step
from .models import TppkCase
from .models import is_member
from .models import may_open

lane_roles = roles_required(Role.TPPK, Role.COUNSELOR)


@bp.context_processor
def labels():
    return {"tppk_step_labels": STEP_LABELS, "tppk_steps": list(Step),
            "tppk_source_labels": {Source.STORY: _("Diteruskan Guru BK dari kotak masalah"),
                                   Source.CASE: _("Diteruskan Guru BK dari kasus konseling"),
                                   Source.STUDENT: _("Laporan langsung dari siswa")},
            "tppk_today": schooltime.local_today}


@bp.app_template_global("tppk_member")
def tppk_member():
    """Whether the signed-in person is a TPPK member: the staff menu shows the lane's
    section to members only (templates/_staff_nav.html)."""
    return is_member(current_user)


def get_case_or_404(case_id):
    """The case, if the signed-in person may open it (models.may_open); 404 otherwise, so
    a non-member learns not even that it exists."""
    return access.get_or_404(TppkCase, case_id, lambda case: may_open(current_user, case))


@bp.route("/tppk")
@lane_roles
def index():
    member = is_member(current_user)
    return render_template("tppk/index.html", member=member,
                           cases=services.cases() if member else [])


def show_case(case, status=200, step_form=None, note_form=None):
    record(current_user, "read", "tppk_case", case.id, summary=f"Membuka kasus TPPK #{case.id}")
    db.session.commit()
    today = schooltime.local_today()
    return render_template(
        "tppk/case.html", case=case,
        step_form=step_form or StepForm(formdata=None, done_on=today),
        note_form=note_form or NoteForm(formdata=None, prefix="note"),
        action_form=EmptyForm()), status


@bp.route("/tppk/<int:case_id>")
@lane_roles
def case_page(case_id):
    return show_case(get_case_or_404(case_id))


@bp.route("/tppk/<int:case_id>/cetak")
@lane_roles
def print_report(case_id):
    case = get_case_or_404(case_id)
    record(current_user, "print", "tppk_case", case.id,
           summary=f"Mencetak laporan kasus TPPK #{case.id} untuk Dinas Pendidikan")
    db.session.commit()
    return render_template("tppk/print.html", case=case, school=get_settings())


def changed(case, summary, message, anchor=""):
    """The end of a member's change to a case: its audit entry, one commit, the message,
    and back to the case page (at `anchor`)."""
    record(current_user, "change", "tppk_case", case.id, summary=summary)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(".case_page", case_id=case.id) + anchor, 303)


@bp.route("/tppk/<int:case_id>/langkah", methods=["POST"])
@lane_roles
def add_step(case_id):
    case = get_case_or_404(case_id)
    form = StepForm()
    if not form.validate_on_submit():
        return show_case(case, 400, step_form=form)
    services.record_step(case, form.step.data, form.done_on.data, current_user,
                         form.note.data or "")
    return changed(case, f"Mencatat langkah TPPK ({form.step.data.value}) pada kasus #{case.id}",
                   _("Langkah dicatat."), "#langkah")


@bp.route("/tppk/<int:case_id>/catatan", methods=["POST"])
@lane_roles
def add_note(case_id):
    case = get_case_or_404(case_id)
    form = NoteForm(prefix="note")
    if not form.validate_on_submit():
        return show_case(case, 400, note_form=form)
    services.add_note(case, current_user, form.body.data)
    return changed(case, f"Menambah catatan pada kasus TPPK #{case.id}", _("Catatan disimpan."),
                   "#catatan")


@bp.route("/tppk/<int:case_id>/status", methods=["POST"])
@lane_roles
def set_status(case_id):
    case = get_case_or_404(case_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    closed = request.form.get("selesai") == "1"
    services.set_closed(case, closed)
    return changed(case, f"Kasus TPPK #{case.id} {'ditutup' if closed else 'dibuka lagi'}",
                   _("Penanganan ditandai selesai.") if closed else _("Penanganan dibuka lagi."))


# A counselor routes a story or a case.

def render_route(kind, record_id, source, form, status=200, report=None):
    return render_template("tppk/route.html", kind=kind, record_id=record_id, source=source,
                           report=report, form=form,
                           routed=services.routed_from(kind, record_id)), status


def already_routed(kind, record_id, back):
    if services.routed_from(kind, record_id) is None:
        return None
    flash(_("Ini sudah diteruskan ke TPPK sebelumnya."), "info")
    return redirect(back, 303)


@bp.route("/tppk/teruskan/kotak/<int:record_id>", methods=["GET", "POST"])
@roles_required(Role.COUNSELOR)
def route_story(record_id):
    report = db.get_or_404(ProblemReport, record_id)
    back = url_for("problembox.report", report_id=report.id)
    refused = already_routed("kotak", report.id, back)
    if refused is not None:
        return refused
    form = RouteForm()
    if request.method == "GET" or not form.validate_on_submit():
        # The page shows the story beside the form: a reading of it, audited.
        record(current_user, "read", "problem_report", report.id,
               summary=f"Membuka laporan kotak masalah #{report.id} untuk diteruskan ke TPPK")
        db.session.commit()
        return render_route("kotak", report.id, back, form,
                            200 if request.method == "GET" else 400, report=report)
    case = services.route_story(report, current_user, form.summary.data,
                                bool(form.share_words.data))
    record(current_user, "route", "problem_report", report.id,
           summary=f"Meneruskan laporan kotak masalah #{report.id} ke TPPK (kasus #{case.id})")
    db.session.commit()
    flash(_("Diteruskan ke TPPK. Anggota TPPK hanya membaca yang Anda bagikan."), "success")
    return redirect(back, 303)


@bp.route("/tppk/teruskan/kasus/<int:record_id>", methods=["GET", "POST"])
@roles_required(Role.COUNSELOR)
def route_case(record_id):
    counseling_case = access.get_or_404(CounselingCase, record_id,
                                        lambda case: case.open_to(current_user.id))
    back = url_for("booking.case_file", case_id=counseling_case.id)
    refused = already_routed("kasus", counseling_case.id, back)
    if refused is not None:
        return refused
    form = RouteForm()
    del form.share_words  # a case file's records are never shared, only the summary
    if request.method == "GET" or not form.validate_on_submit():
        return render_route("kasus", counseling_case.id, back, form,
                            200 if request.method == "GET" else 400)
    case = services.route_case(counseling_case, current_user, form.summary.data)
    record(current_user, "route", "case", counseling_case.id,
           summary=f"Meneruskan kasus konseling #{counseling_case.id} ke TPPK "
                   f"(kasus TPPK #{case.id})")
    db.session.commit()
    flash(_("Diteruskan ke TPPK. Anggota TPPK hanya membaca yang Anda bagikan."), "success")
    return redirect(back, 303)


# A student reports violence directly (from the problem box).

def may_give_name():
    return current_user.is_authenticated and current_user.role == Role.STUDENT


def report_form():
    return ReportForm.offered(may_give_name())


def render_report_form(form, status=200, error=None):
    return render_template("tppk/report.html", form=form, error=error,
                           contact=get_settings().tppk_contact), status


def too_many_reports_message(minutes):
    return _("Kamu sudah mengirim beberapa laporan barusan. Tunggu sekitar %(num)d menit, lalu "
             "kirim lagi. Tulisanmu di bawah masih ada.", num=minutes)


def too_many_reports(request_limit):
    return ratelimit.refused(render_report_form(
        report_form(), 429, too_many_reports_message(ratelimit.minutes_to_wait(request_limit))),
        request_limit)


@bp.route("/kotak/kekerasan", methods=["GET", "POST"])
@ratelimit.guard_posts("TPPK_REPORT_LIMIT", too_many_reports,
                       deduct_when=lambda response: response.status_code != 400)
def report_violence():
    form = report_form()
    if request.method == "GET":
        return render_report_form(form)
    minutes = ratelimit.honeypot_minutes("TPPK_REPORT_LIMIT")
    if minutes is not None:
        return render_report_form(form, 429, too_many_reports_message(minutes))
    if not form.validate_on_submit():
        return render_report_form(form, 400)
    named = may_give_name() and bool(form.include_name.data)
    services.report_violence(form.body.data, current_user if named else None,
                             form.submission.data)
    db.session.commit()
    return render_template("tppk/sent.html", named=named, contact=get_settings().tppk_contact,
                           contacts=crisis_contacts())


# The operator lists the members and the school's violence-report contact.

def render_settings(status=200, contact_form=None, member_form=None):
    by_role, counselors = services.members()
    member_form = member_form or MemberForm(formdata=None, prefix="member")
    member_form.user_id.choices = [SelectChoice("", _("Pilih Guru BK"))] + [
        SelectChoice(str(user.id), user.full_name) for user in services.counselors_not_members()]
    school = get_settings()
    return render_template(
        "tppk/settings.html", by_role=by_role, counselors=counselors,
        contact_form=contact_form or ContactForm(formdata=None, prefix="contact",
                                                 tppk_contact=school.tppk_contact),
        member_form=member_form, action_form=EmptyForm()), status


@bp.route("/admin/tppk", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def settings():
    if request.method == "GET":
        return render_settings()
    form = ContactForm(prefix="contact")
    if not form.validate_on_submit():
        return render_settings(400, contact_form=form)
    get_settings().tppk_contact = form.tppk_contact.data or ""
    record(current_user, "change", "school_settings", 1,
           summary="Mengubah kontak laporan kekerasan")
    db.session.commit()
    flash(_("Kontak laporan kekerasan disimpan."), "success")
    return redirect(url_for(".settings"), 303)


@bp.route("/admin/tppk/anggota", methods=["POST"])
@roles_required(Role.ADMIN)
def add_member():
    form = MemberForm(prefix="member")
    form.user_id.choices = [SelectChoice(str(user.id), user.full_name)
                            for user in services.counselors_not_members()]
    if not form.validate_on_submit() or not numbers.is_id(form.user_id.data):
        if not form.user_id.errors:
            form.user_id.errors = [_("Pilih Guru BK-nya.")]
        return render_settings(400, member_form=form)
    user = db.get_or_404(User, int(form.user_id.data))
    services.add_member(user)
    record(current_user, "change", "tppk_member", user.id,
           summary=f"Menambah {user.username} sebagai anggota TPPK")
    db.session.commit()
    flash(_("%(name)s ditambahkan sebagai anggota TPPK.", name=user.full_name), "success")
    return redirect(url_for(".settings") + "#anggota", 303)


@bp.route("/admin/tppk/anggota/<int:user_id>/hapus", methods=["POST"])
@roles_required(Role.ADMIN)
def remove_member(user_id):
    if not EmptyForm().validate_on_submit():
        abort(400)
    if services.remove_member(user_id) is None:
        abort(404)
    record(current_user, "change", "tppk_member", user_id,
           summary=f"Menghapus akun #{user_id} dari anggota TPPK")
    db.session.commit()
    flash(_("Dihapus dari anggota TPPK."), "success")
    return redirect(url_for(".settings") + "#anggota", 303)
