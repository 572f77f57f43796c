"""Counselors: today's summary (polled by the home), the student record and its search,
semester targets and the service delivery report (the BK programme is the programme
feature's)."""

from flask import Response as FileResponse
from flask import abort
from flask import flash
from flask import g
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.decorators import roles_required
from ..accounts.models import Role
from ..accounts.models import User
from ..audit.services import record
from ..common.fragments import wants_fragment
from ..common.vocabulary import LAISEG_ASPECTS
from ..extensions import db
from ..programme.models import KIND_LABELS
from ..school.services import get_settings
from . import bp
from . import consent
from . import periods
from . import programme_report
from . import reports
from . import services
from . import student_data
from . import student_record
from . import targets
from .forms import ReportNoteForm
from .forms import TargetsForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SUMMARY_ID = "ringkasan-hari-ini"
RESULTS_ID = "hasil-siswa"


@bp.url_value_preprocessor
def remember_last_activity(endpoint, _values):
    # Runs before the idle-timeout check, which counts every request as activity.
    if endpoint == "dashboard.summary":
        g.last_seen_before_poll = session.get("last_seen")


@bp.route("/bk/ringkasan")
@roles_required(Role.COUNSELOR)
def summary():
    """The "Ringkasan hari ini" box: the counselor's home polls it; alone it is a page."""
    context = {"today": services.today_summary(current_user)}
    if wants_fragment(SUMMARY_ID):
        # Polling is no activity: a laptop left open on the home still logs out on time.
        if g.get("last_seen_before_poll") is not None:
            session["last_seen"] = g.last_seen_before_poll
        return render_template("dashboard/_summary.html", **context)
    return render_template("dashboard/summary.html", **context)


@bp.route("/bk/siswa")
@roles_required(Role.COUNSELOR)
def students():
    """Find a student by name, NIS or class; HTMX swaps the results as the counselor types."""
    query = (request.args.get("q") or "").strip()[:80]
    rows = student_data.find_students(query, counselor=current_user) if query else []
    context = {"query": query, "rows": rows}
    if wants_fragment(RESULTS_ID):
        return render_template("dashboard/_student_results.html", **context)
    return render_template("dashboard/students.html", **context)


@bp.route("/bk/siswa/<int:student_id>")
@roles_required(Role.COUNSELOR)
def student(student_id):
    """Everything about one student this counselor may see, on one page (audited)."""
    student = db.session.get(User, student_id)
    if student is None or student.role != Role.STUDENT:
        abort(404)
    record(current_user, "read", "student_record", student.id,
           summary="Membuka rekam siswa")
    db.session.commit()
    counselor = current_user._get_current_object()
    return render_template("dashboard/student.html", student=student,
                           consent=consent.consent_of(student.id),
                           timeline=student_record.timeline(student, counselor),
                           **student_record.record_parts(student, counselor))


def period_from(key, *parsers, default):
    """The period a query parameter names, the default without one; 400 for nonsense."""
    if not key:
        return default
    for parse in parsers:
        period = parse(key)
        if period is not None:
            return period
    abort(400)


@bp.route("/bk/target", methods=["GET", "POST"])
@roles_required(Role.COUNSELOR)
def targets_page():
    period = period_from(request.args.get("semester"), periods.parse_semester,
                         default=periods.current_semester())
    form = TargetsForm()
    status = 200
    if form.validate_on_submit():
        targets.save_targets(period, {metric.key: _number(form[metric.key].data)
                                      for metric in targets.METRICS}, current_user)
        db.session.commit()
        flash(_("Target %(period)s disimpan.", period=period.label), "success")
        return redirect(url_for("dashboard.targets_page", semester=period.key), 303)
    if request.method == "POST":
        status = 400
    else:
        saved = targets.targets_for(period)
        for metric in targets.METRICS:
            value = saved.get(metric.key)
            # 40, not 40.0: the field shows what the counselor typed.
            form[metric.key].data = int(value) if value is not None and value.is_integer() \
                else value
    semesters = periods.including(periods.semester_choices(), period)
    return render_template("dashboard/targets.html", period=period, form=form,
                           progress=targets.progress(period), semesters=semesters), status


def _number(value):
    return None if value is None else float(value)


def report_period():
    return period_from(request.args.get("periode"), periods.parse_month,
                       periods.parse_semester, periods.parse_year,
                       default=periods.current_month())


def period_groups(period):
    return [(_("Bulanan"), periods.including(periods.month_choices(), period)),
            (_("Per semester"), periods.including(periods.semester_choices(), period)),
            (_("Per tahun pelajaran"), periods.including(periods.year_choices(), period))]


@bp.context_processor
def report_labels():
    return {"component_labels": programme_report.COMPONENT_LABELS, "kind_labels": KIND_LABELS,
            "laiseg_aspects": LAISEG_ASPECTS}


@bp.route("/bk/laporan")
@roles_required(Role.COUNSELOR)
def report():
    """The laporan pelaksanaan program of a month, a semester or a school year: its seven
    parts from the programme, the logged services, their laisegs and the sessions, with
    what the counselors wrote for the period."""
    period = report_period()
    return render_template("dashboard/report.html", report=reports.service_report(period),
                           programme=programme_report.programme_part(period),
                           note=programme_report.note_of(period),
                           period_groups=period_groups(period),
                           field_labels=reports.FIELD_LABELS, mode_labels=reports.MODE_LABELS,
                           modes=reports.MODES)


@bp.route("/bk/laporan/catatan", methods=["GET", "POST"])
@roles_required(Role.COUNSELOR)
def report_note():
    """The analysis, follow-up and factors of a period, written beside its figures."""
    period = report_period()
    note = programme_report.note_of(period)
    form = ReportNoteForm(obj=note)
    if form.validate_on_submit():
        programme_report.save_note(period, {name: form[name].data
                                            for name in programme_report.NOTE_FIELDS},
                                   current_user)
        record(current_user, "update", "report_note", period.key)
        db.session.commit()
        flash(_("Catatan laporan %(period)s disimpan.", period=period.label), "success")
        return redirect(url_for("dashboard.report", periode=period.key), 303)
    return render_template("dashboard/report_note.html", form=form, period=period,
                           report=reports.service_report(period),
                           field_labels=reports.FIELD_LABELS,
                           programme=programme_report.programme_part(period)), \
        400 if form.errors else 200


@bp.route("/bk/laporan.xlsx")
@roles_required(Role.COUNSELOR)
def report_xlsx():
    period = report_period()
    data = reports.to_xlsx(reports.service_report(period), get_settings().name,
                           programme_report.programme_part(period),
                           programme_report.note_of(period))
    record(current_user, "export", "service_report", period.key,
           summary=f"Ekspor XLSX laporan pelaksanaan program {period.key}")
    db.session.commit()
    return FileResponse(data, mimetype=XLSX, headers={
        "Content-Disposition": f'attachment; filename="laporan-bk-{period.key}.xlsx"'})
