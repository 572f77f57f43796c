"""Results, answers and exports of an administration, pre/post comparison and class
profiles for counselors; homeroom teachers read their own class under /wali/asesmen."""

import sqlalchemy as sa
from flask import Response as FileResponse
from flask import abort
from flask import render_template
from flask import request
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user

from ...accounts.decorators import roles_required
from ...accounts.models import Role
from ...accounts.models import SchoolClass
from ...accounts.models import User
from ...audit.services import record
from ...extensions import db
from .. import bp
from .. import export
from .. import services
from ..forms import CompareForm
from ..forms import ResultsFilterForm
from ..models import Administration
from ..models import is_about_counseling
from ..results import counts
from ..results import overview
from ..results import prepost
from ..results import reports
from ..results import smallgroups
from ..results.counts import Filters
from .shared import get_administration_by_id_or_404

EXPORT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def filters_from(form, classes):
    """Filters from the query string; 400 for values that are not offered."""
    form.kelas.choices = [("", _("Semua kelas"))] + [(str(c.id), c.name) for c in classes]
    if request.args and not form.validate():
        abort(400)
    gender = getattr(form, "jk", None)
    return Filters(class_id=int(form.kelas.data) if form.kelas.data else None,
                   gender=gender.data or None if gender else None)


@bp.route("/bk/asesmen/<int:aid>/hasil")
@roles_required(Role.COUNSELOR)
def results_page(aid):
    administration = get_administration_by_id_or_404(aid)
    form = ResultsFilterForm(request.args)
    filters = filters_from(form, services.audience_classes(administration))
    # The page shows written answers, which can be confidential even without names.
    record(current_user, "read", "assessment_results", administration.id,
           summary=f"Hasil asesmen #{administration.id}")
    # Before counting: the commit expires the instrument, whose items the counts load.
    db.session.commit()
    return render_template("assessments/results.html", administration=administration,
                           form=form, filters=filters,
                           **reports.results_page(administration, filters))


@bp.route("/bk/asesmen/<int:aid>/siswa/<int:user_id>")
@roles_required(Role.COUNSELOR)
def student_answers(aid, user_id):
    administration = get_administration_by_id_or_404(aid)
    student = db.get_or_404(User, user_id)
    response = (None if administration.anonymous
                else services.find_response(administration, user=student))
    if response is None:
        abort(404)
    record(current_user, "read", "assessment_response", response.id,
           summary=f"Jawaban satu siswa pada asesmen #{administration.id}")
    db.session.commit()
    instrument = administration.instrument
    return render_template("assessments/student_answers.html", administration=administration,
                           instrument=instrument, student=student, response=response,
                           shown=services.answer_labels(instrument,
                                                        services.answers_of(response)))


@bp.route("/bk/asesmen/<int:aid>/ekspor.<kind>")
@roles_required(Role.COUNSELOR)
def export_answers(aid, kind):
    administration = get_administration_by_id_or_404(aid)
    if kind not in EXPORT_TYPES:
        abort(404)
    data = export.to_xlsx(administration) if kind == "xlsx" else export.to_csv(administration)
    record(current_user, "export", "assessment", administration.id,
           summary=f"Ekspor {kind.upper()} asesmen #{administration.id}")
    db.session.commit()
    return FileResponse(data, mimetype=EXPORT_TYPES[kind], headers={
        "Content-Disposition": f'attachment; filename="asesmen-{administration.slug}.{kind}"'})


@bp.route("/bk/asesmen/bandingkan")
@roles_required(Role.COUNSELOR)
def compare():
    administrations = db.session.scalars(sa.select(Administration).order_by(
        Administration.opens_at.desc(), Administration.id.desc())).all()
    choices = [("", _("Pilih…"))] + [
        (str(a.id), f"{a.title} ({format_datetime(a.opens_at, 'd MMM yyyy')})")
        for a in administrations]
    # Opened without a choice: the two latest administrations of one instrument.
    defaults = prepost.latest_pair(administrations) if not request.args else None
    form = CompareForm(request.args, data={"sebelum": str(defaults[0].id),
                                           "sesudah": str(defaults[1].id)} if defaults else None)
    form.sebelum.choices = form.sesudah.choices = choices
    filters = filters_from(form, services.student_classes())
    comparison, pair, status, held_back = None, None, 200, False
    if form.sebelum.data and form.sesudah.data:
        pair = (db.session.get(Administration, int(form.sebelum.data)),
                db.session.get(Administration, int(form.sesudah.data)))
        if prepost.comparable(*pair):
            comparison = prepost.compare(*pair, filters)
            held_back = comparison is None
        else:
            form.sesudah.errors = [_("Pilih dua pemberian yang berbeda dari angket yang sama.")]
            status = 400
    return render_template("assessments/compare.html", form=form, comparison=comparison,
                           pair=pair, held_back=held_back), status


@bp.route("/bk/asesmen/kelas/<int:class_id>")
@roles_required(Role.COUNSELOR)
def class_profile(class_id):
    school_class = db.get_or_404(SchoolClass, class_id)
    return render_template("assessments/class_profile.html", school_class=school_class,
                           profiles=reports.class_profile(school_class))


# --- homeroom teachers ------------------------------------------------------------------

def get_own_class_or_403(class_id):
    school_class = db.get_or_404(SchoolClass, class_id)
    if school_class.homeroom_teacher_id != current_user.id:
        abort(403)
    return school_class


@bp.route("/wali/asesmen")
@roles_required(Role.HOMEROOM)
def homeroom_index():
    return render_template("assessments/homeroom_index.html",
                           entries=overview.homeroom_overview(current_user))


@bp.route("/wali/asesmen/<int:aid>/kelas/<int:class_id>")
@roles_required(Role.HOMEROOM)
def homeroom_results(aid, class_id):
    school_class = get_own_class_or_403(class_id)
    administration = get_administration_by_id_or_404(aid)
    if (not services.class_in_audience(administration, school_class)
            or is_about_counseling(administration)):
        abort(404)
    mine = Filters(class_id=class_id)
    report = by_gender = None
    # Results only once closed: a page read before and after one student answers would
    # show that student's answers as the difference. And only for enough respondents.
    enough = (administration.status == "closed"
              and smallgroups.respondents_if_enough(administration, mine) is not None)
    if enough:
        tallied = counts.tally(administration, mine, groups=True)
        report = smallgroups.mask_report(reports.build_report(
            administration, mine, include_text=False, tallied=tallied))
        if smallgroups.every_cell_large_enough(administration, mine, "gender"):
            by_gender = smallgroups.mask_breakdown(
                reports.breakdown(administration, "gender", mine, tallied), report)
    return render_template(
        "assessments/homeroom_results.html", administration=administration,
        school_class=school_class,
        completion=next(iter(counts.completion(administration, [class_id])), None),
        report=report, by_gender=by_gender)
