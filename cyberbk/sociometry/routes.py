"""Counselors run and read a sociometry under /bk/sosiometri; a student answers at
/sosiometri/<id>; a homeroom teacher reads only the summary shared on their home."""

from flask import Response as FileResponse
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ..accounts.decorators import roles_required
from ..accounts.models import Role
from ..accounts.models import SchoolClass
from ..audit.services import record
from ..common.forms import EmptyForm
from ..extensions import db
from . import bp
from . import services
from .forms import AnswerForm
from .forms import SociometryForm
from .forms import SummaryForm
from .models import Part
from .models import Sociometry
from .models import may_open

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def get_sociometry_or_404(sid, part):
    """The sociometry if the signed-in person may open `part` of it (may_open); 404
    otherwise, so that a student of another class learns nothing of it."""
    sociometry = db.get_or_404(Sociometry, sid)
    if not may_open(current_user, sociometry, part):
        abort(404)
    return sociometry


def me():
    return current_user._get_current_object()


# --- counselors -----------------------------------------------------------------------------

@bp.route("/bk/sosiometri")
@roles_required(Role.COUNSELOR)
def index():
    return render_template("sociometry/index.html", entries=services.sociometries())


@bp.route("/bk/sosiometri/baru", methods=["GET", "POST"])
@roles_required(Role.COUNSELOR)
def new():
    form = SociometryForm(data=None if request.method == "POST" else {
        "question": str(services.DEFAULT_QUESTION),
        "negative_question": str(services.DEFAULT_NEGATIVE_QUESTION)})
    classes = services.student_classes()
    form.kelas.choices = [SelectChoice("", _("Pilih kelas…"))] + [
        SelectChoice(str(c.id), c.name) for c in classes]
    if request.args.get("kelas") and request.method == "GET":
        form.kelas.data = request.args["kelas"]
    if not form.validate_on_submit():
        return (render_template("sociometry/new.html", form=form),
                400 if request.method == "POST" else 200)
    school_class = db.session.get(SchoolClass, int(form.kelas.data))
    sociometry = services.create(
        me(), school_class, form.question.data, int(form.choice_count.data),
        form.negative_question.data if form.ask_negative.data else None)
    record(current_user, "create", "sociometry", sociometry.id,
           summary=f"Sosiometri kelas {school_class.name} dibuat")
    db.session.commit()
    flash(_("Sosiometri kelas %(name)s sudah dibuka. Siswa kelas itu melihatnya di beranda "
            "mereka.", name=school_class.name), "success")
    return redirect(url_for("sociometry.results", sid=sociometry.id), 303)


@bp.route("/bk/sosiometri/<int:sid>")
@roles_required(Role.COUNSELOR)
def results(sid):
    sociometry = get_sociometry_or_404(sid, Part.CHOICES)
    record(current_user, "read", "sociometry", sociometry.id,
           summary=f"Sosiogram kelas {sociometry.school_class.name}")
    db.session.commit()
    reading = services.read(sociometry)
    return render_template(
        "sociometry/results.html", sociometry=sociometry, reading=reading,
        drawing=services.drawing(reading), header=services.index_header(sociometry),
        rows=services.index_rows(sociometry, reading), status_form=EmptyForm(),
        summary_form=SummaryForm(data={"summary": sociometry.summary,
                                       "share": sociometry.summary_shared_at is not None}))


@bp.route("/bk/sosiometri/<int:sid>/sosiometri.xlsx")
@roles_required(Role.COUNSELOR)
def export(sid):
    sociometry = get_sociometry_or_404(sid, Part.CHOICES)
    record(current_user, "export", "sociometry", sociometry.id,
           summary=f"Ekspor XLSX sosiometri kelas {sociometry.school_class.name}")
    db.session.commit()
    data = services.to_xlsx(sociometry, services.read(sociometry))
    name = f"sosiometri-{sociometry.school_class.name}-{sociometry.id}.xlsx"
    return FileResponse(data, mimetype=XLSX, headers={
        "Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/bk/sosiometri/<int:sid>/status", methods=["POST"])
@roles_required(Role.COUNSELOR)
def set_status(sid):
    sociometry = get_sociometry_or_404(sid, Part.CHOICES)
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.set_open(sociometry, not sociometry.is_open)
    record(current_user, "open" if sociometry.is_open else "close", "sociometry",
           sociometry.id, summary=f"Sosiometri kelas {sociometry.school_class.name} "
           + ("dibuka" if sociometry.is_open else "ditutup"))
    db.session.commit()
    flash(_("Sosiometri dibuka lagi.") if sociometry.is_open
          else _("Sosiometri ditutup. Siswa tidak bisa menjawab lagi."), "success")
    return redirect(url_for("sociometry.results", sid=sid), 303)


@bp.route("/bk/sosiometri/<int:sid>/ringkasan", methods=["POST"])
@roles_required(Role.COUNSELOR)
def save_summary(sid):
    sociometry = get_sociometry_or_404(sid, Part.CHOICES)
    form = SummaryForm()
    if not form.validate_on_submit():
        flash(" ".join(form.summary.errors) or _("Ringkasan belum tersimpan. Coba lagi."),
              "error")
        return redirect(url_for("sociometry.results", sid=sid, _anchor="ringkasan"), 303)
    services.save_summary(sociometry, form.summary.data or "", form.share.data)
    shared = sociometry.summary_shared_at is not None
    record(current_user, "share" if shared else "update", "sociometry", sociometry.id,
           summary=f"Ringkasan sosiometri kelas {sociometry.school_class.name} "
           + ("dibagikan ke wali kelas" if shared else "disimpan, tidak dibagikan"))
    db.session.commit()
    flash(_("Ringkasan tersimpan dan dibagikan ke wali kelas.") if shared
          else _("Ringkasan tersimpan. Wali kelas tidak melihatnya."), "success")
    return redirect(url_for("sociometry.results", sid=sid, _anchor="ringkasan"), 303)


# --- students ------------------------------------------------------------------------------------

@bp.route("/sosiometri/<int:sid>", methods=["GET", "POST"])
@roles_required(Role.STUDENT)
def answer(sid):
    sociometry = db.get_or_404(Sociometry, sid)
    profile = current_user.student_profile
    if profile is None or profile.class_id != sociometry.class_id:
        abort(404)
    answered = services.answer_of(sociometry, me())
    if answered is not None or not may_open(current_user, sociometry, Part.ANSWER):
        if request.method == "POST" and answered is not None:
            flash(_("Kamu sudah menjawab sosiometri ini. Jawaban hanya bisa dikirim sekali."),
                  "error")
        return render_template("sociometry/answer.html", sociometry=sociometry,
                               answered=answered, form=None)
    mates = services.classmates(sociometry, me())
    form = AnswerForm()
    form.chosen.choices = form.rejected.choices = [SelectChoice(m.id, m.full_name)
                                                   for m in mates]
    expected = services.expected_choices(sociometry, len(mates))
    if form.validate_on_submit():
        errors = services.answer_errors(sociometry, {m.id for m in mates},
                                        form.chosen.data or [], form.rejected.data or [])
        for name, message in errors.items():
            getattr(form, name).errors = [message]
        if not errors:
            services.submit(sociometry, me(), form.chosen.data, form.rejected.data or [])
            db.session.commit()
            flash(_("Terima kasih, jawabanmu sudah terkirim."), "success")
            return redirect(url_for("main.student_home"), 303)
    return render_template("sociometry/answer.html", sociometry=sociometry, form=form,
                           mates=mates, expected=expected, answered=None), \
        400 if request.method == "POST" else 200
