"""Answering a questionnaire at /asesmen/<slug>: a logged-in student, or a visitor to an
anonymous one, section by section, then a summary and the submission."""

from dataclasses import dataclass

import sqlalchemy as sa
from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user

from ...accounts.models import Role
from ...accounts.models import User
from ... import ratelimit
from ...common.forms import EmptyForm
from ...extensions import db
from ...extensions import limiter
from ...extensions import login_manager
from ...school.services import crisis_contacts
from .. import bp
from .. import evaluations
from .. import services
from ..forms import VisitorStartForm
from ..models import Administration
from ..models import EvaluationInvitation
from ..models import is_about_counseling
from ..models import is_by_invitation
from .shared import stop

#: Session keys of a visitor answering an anonymous questionnaire without logging in.
SESSION_DRAFTS = "asesmen"
SESSION_DONE = "asesmen_selesai"
DATE_FORMAT = "d MMMM yyyy, HH.mm"


def when(moment):
    return format_datetime(moment, DATE_FORMAT)


@dataclass
class Respondent:
    """Who answers: a logged-in student, or a visitor holding a draft token."""

    user: User | None = None
    token: str | None = None
    response: object = None
    #: A student's invitation to evaluate a session, for a questionnaire about counseling.
    invitation: EvaluationInvitation | None = None

    @property
    def is_visitor(self):
        return self.user is None


def get_administration_or_404(slug):
    administration = db.session.scalar(sa.select(Administration)
                                       .where(Administration.slug == slug))
    if administration is None:
        abort(404)
    return administration


def get_respondent(administration, answering):
    """The respondent, or stop: staff, students of other classes, visitors of an
    identified questionnaire (to the login page), and second answers."""
    token = session.get(SESSION_DRAFTS, {}).get(administration.slug)
    counseling = is_about_counseling(administration)
    invited_only = is_by_invitation(administration)
    if current_user.is_authenticated:
        if current_user.role != Role.STUDENT:
            # A homeroom teacher never learns that an evaluation of counseling exists.
            if counseling and current_user.role != Role.COUNSELOR:
                abort(404)
            if answering:
                abort(403)
            stop_for_staff(administration)
        invitation = None
        if invited_only:
            # Only the student whose session ended, for that session, learns of its
            # evaluation.
            invitation = evaluations.invitation_in_force(administration, current_user)
            if invitation is None:
                abort(404)
        if not services.class_in_audience(administration, current_user.school_class):
            stop(_("Angket ini untuk kelas lain"),
                 _("Angket ini diberikan untuk kelas lain, jadi kamu tidak perlu mengisinya. "
                   "Kalau menurutmu ini keliru, tanyakan ke Guru BK."), 403)
        response = services.find_response(administration, user=current_user, token=token,
                                          invitation=invitation)
        if (answering and response is None and administration.anonymous
                and services.has_answered(administration, current_user, invitation)):
            stop_answered()
        return Respondent(user=current_user, response=response, invitation=invitation)
    if not administration.anonymous or invited_only:
        abort(login_manager.unauthorized())
    response = services.find_response(administration, token=token) if token else None
    if answering and response is None and administration.slug in session.get(SESSION_DONE, []):
        stop_answered()
    return Respondent(token=token, response=response)


def stop_answered():
    stop(_("Kamu sudah mengisi angket ini"),
         _("Jawabanmu sudah kami terima, jadi tidak perlu mengisi lagi. Terima kasih!"), 409)


def stop_for_staff(administration):
    links = []
    if current_user.role == Role.COUNSELOR:
        links = [(url_for(".administration", aid=administration.id),
                  _("Buka halaman pemberian angket ini")),
                 (url_for(".preview", iid=administration.instrument_id),
                  _("Lihat angket seperti yang dilihat siswa"))]
    stop(_("Halaman ini untuk siswa"),
         _("Siswa membuka tautan ini untuk mengisi angket. Bagikan tautannya di grup "
           "WhatsApp kelas."), 200, links)


def require_open(administration):
    status = administration.status
    if status == "upcoming":
        stop(_("Angket belum dibuka"), _("Angket ini baru bisa diisi mulai %(when)s. Sampai "
                                         "jumpa nanti, ya!", when=when(administration.opens_at)),
             403)
    if status == "closed":
        stop(_("Angket sudah ditutup"),
             _("Angket ini ditutup pada %(when)s, jadi jawaban tidak bisa dikirim atau diubah "
               "lagi. Terima kasih.", when=when(administration.closes_at)), 403)


def has_answered(administration, respondent):
    if respondent.response is not None and respondent.response.is_submitted:
        return True
    if respondent.is_visitor:
        return administration.slug in session.get(SESSION_DONE, [])
    return administration.anonymous and services.has_answered(
        administration, respondent.user, respondent.invitation)


def visitor_start_form(school_class):
    """Gender only: a class link says the class."""
    form = VisitorStartForm(data={"school_class": school_class.id})
    form.school_class.choices = [(school_class.id, school_class.name)]
    return form


def get_class_of_link_or_404(administration, code):
    school_class = services.class_of_link(administration, code)
    if school_class is None:
        abort(404)
    return school_class


def too_many_visitor_starts(request_limit):
    page = render_template(
        "assessments/message.html", title=_("Coba lagi nanti"),
        message=_("Terlalu banyak jawaban lewat tautan ini dalam waktu singkat. Coba lagi "
                  "sekitar %(num)d menit lagi, atau masuk dengan akun sekolahmu.",
                  num=ratelimit.minutes_to_wait(request_limit)), links=())
    return ratelimit.refused((page, 429), request_limit)


def class_link_key():
    """Flask-Limiter key: one class's link, whichever device uses it."""
    return f"assessment-class-link:{request.view_args['slug']}:{request.view_args['code']}"


@bp.route("/asesmen/")
def open_list():
    """The questionnaires open now: a student's own (with their state), or all for others."""
    if services.is_student(current_user):
        entries = services.open_for_student(current_user)
    else:
        # Evaluations of counseling are listed to the counselor only.
        counselor = current_user.is_authenticated and current_user.role == Role.COUNSELOR
        entries = [(a, False, False) for a in services.open_administrations(
            about_counseling_too=counselor)]
    return render_template("assessments/open_list.html", entries=entries)


@bp.route("/asesmen/<slug>")
def start(slug):
    administration = get_administration_or_404(slug)
    respondent = get_respondent(administration, answering=False)
    answered = has_answered(administration, respondent)
    return render_template("assessments/start.html", administration=administration,
                           instrument=administration.instrument, respondent=respondent,
                           answered=answered, status=administration.status,
                           visitor_form=None)


@bp.route("/asesmen/<slug>/k/<code>")
def class_link(slug, code):
    """A class's own link to an anonymous questionnaire: the only way to answer without
    logging in, and its answers count for that class."""
    administration = get_administration_or_404(slug)
    school_class = get_class_of_link_or_404(administration, code)
    respondent = get_respondent(administration, answering=False)
    if not respondent.is_visitor:
        return redirect(url_for(".start", slug=slug))
    answered = has_answered(administration, respondent)
    form = None if respondent.response is not None or answered else visitor_start_form(
        school_class)
    return render_template("assessments/start.html", administration=administration,
                           instrument=administration.instrument, respondent=respondent,
                           answered=answered, status=administration.status,
                           visitor_form=form, link_code=code)


@bp.route("/asesmen/<slug>/k/<code>/mulai", methods=["POST"])
@limiter.limit(lambda: current_app.config["ASSESSMENT_CLASS_LINK_LIMIT"],
               key_func=class_link_key, methods=["POST"], on_breach=too_many_visitor_starts)
@ratelimit.guard_posts("ASSESSMENT_VISITOR_LIMIT", too_many_visitor_starts)
def begin(slug, code):
    """A visitor (anonymous questionnaire, not logged in) starts through a class link."""
    administration = get_administration_or_404(slug)
    school_class = get_class_of_link_or_404(administration, code)
    respondent = get_respondent(administration, answering=True)
    require_open(administration)
    if not respondent.is_visitor or respondent.response is not None:
        return redirect(url_for(".answer_section", slug=slug, number=1), 303)
    form = visitor_start_form(school_class)
    if not form.validate_on_submit():
        return render_template("assessments/start.html", administration=administration,
                               instrument=administration.instrument, respondent=respondent,
                               answered=False, status="open", visitor_form=form,
                               link_code=code), 400
    if services.visitor_starts_left(administration, school_class) < 1:
        stop(_("Jawaban kelas ini sudah lengkap"),
             _("Kelas ini sudah mengirim jawaban sebanyak jumlah siswanya. Kalau kamu belum "
               "mengisi, masuk dengan akun sekolahmu."), 409)
    _response, token = services.start_response(administration, school_class=school_class,
                                               gender=form.gender.data)
    db.session.commit()
    session[SESSION_DRAFTS] = {**session.get(SESSION_DRAFTS, {}), slug: token}
    return redirect(url_for(".answer_section", slug=slug, number=1), 303)


@bp.route("/asesmen/<slug>/bagian/<int:number>", methods=["GET", "POST"])
def answer_section(slug, number):
    administration = get_administration_or_404(slug)
    respondent = get_respondent(administration, answering=True)
    require_open(administration)
    sections = administration.instrument.sections
    if not 1 <= number <= len(sections):
        abort(404)
    response = respondent.response
    if respondent.is_visitor and response is None:
        return redirect(url_for(".start", slug=slug), 303)
    section = sections[number - 1]
    ticked = services.ticked_options(response)
    values = services.form_values(services.answers_of(response))
    errors, status = {}, 200
    if request.method == "POST":
        if not EmptyForm().validate_on_submit():
            abort(400)
        going_back = request.form.get("arah") == "kembali"
        parsed = services.parse_section(section, request.form, ticked)
        submitted = response is not None and response.is_submitted
        # Going back may leave questions open in a draft, never in a sent response.
        errors = parsed.errors if submitted or not going_back else {
            item_id: message for item_id, message in parsed.errors.items()
            if item_id not in parsed.missing}
        if not (submitted and parsed.errors):
            if response is None:
                response, token = services.start_response(
                    administration, user=respondent.user, invitation=respondent.invitation)
                if token:
                    session[SESSION_DRAFTS] = {**session.get(SESSION_DRAFTS, {}), slug: token}
            target = number - 1 if going_back else number + 1
            services.save_section(response, section, parsed,
                                  max(1, min(target, len(sections))))
            db.session.commit()  # the valid answers, also when others are sent back
        if not errors:
            return redirect(next_url(slug, number, going_back, len(sections)), 303)
        values = {item.id: request.form.getlist(f"q{item.id}") for item in section.items}
        ticked = services.ticked_options(response)
        status = 400
    return render_template("assessments/section.html", administration=administration,
                           instrument=administration.instrument, section=section,
                           number=number, total=len(sections), values=values, errors=errors,
                           ticked=ticked, form=EmptyForm(), preview=False,
                           action=url_for(".answer_section", slug=slug, number=number)), status


def next_url(slug, number, going_back, total):
    if going_back:
        return (url_for(".answer_section", slug=slug, number=number - 1) if number > 1
                else url_for(".start", slug=slug))
    if number < total:
        return url_for(".answer_section", slug=slug, number=number + 1)
    return url_for(".summary", slug=slug)


@bp.route("/asesmen/<slug>/ringkasan")
def summary(slug):
    administration = get_administration_or_404(slug)
    respondent = get_respondent(administration, answering=False)
    if respondent.response is None:
        return redirect(url_for(".start", slug=slug))
    return render_summary(administration, respondent.response)


def render_summary(administration, response, missing=None, status=200):
    instrument = administration.instrument
    answers = services.answers_of(response)
    missing = services.missing_required(response) if missing is None else missing
    return render_template(
        "assessments/summary.html", administration=administration, instrument=instrument,
        response=response, shown=services.answer_labels(instrument, answers),
        missing={item.id for _number, item in missing}, missing_count=len(missing),
        is_open=administration.status == "open", form=EmptyForm(),
        contacts=crisis_contacts()), status


@bp.route("/asesmen/<slug>/kirim", methods=["POST"])
def submit(slug):
    administration = get_administration_or_404(slug)
    respondent = get_respondent(administration, answering=True)
    require_open(administration)
    if not EmptyForm().validate_on_submit():
        abort(400)
    response = respondent.response
    if response is None:
        return redirect(url_for(".start", slug=slug), 303)
    if response.is_submitted:
        flash(_("Perubahan jawabanmu sudah tersimpan."), "success")
        return redirect(url_for(".start", slug=slug), 303)
    try:
        missing = services.submit(response, respondent.user, respondent.invitation)
    except services.AlreadyAnswered:
        stop_answered()
    db.session.commit()
    if missing:
        flash(_("Masih ada pertanyaan wajib yang belum dijawab. Pertanyaannya ditandai di "
                "bawah."), "error")
        return render_summary(administration, response, missing, 400)
    if respondent.is_visitor or administration.anonymous:
        drafts = dict(session.get(SESSION_DRAFTS, {}))
        drafts.pop(slug, None)
        session[SESSION_DRAFTS] = drafts
        session[SESSION_DONE] = (session.get(SESSION_DONE, []) + [slug])[-20:]
    flash(_("Terima kasih! Jawabanmu sudah terkirim."), "success")
    return redirect(url_for(".start", slug=slug), 303)
