"""Students answer at /asesmen/<slug>; counselors work under /bk/asesmen; homeroom
teachers read their own class under /wali/asesmen."""

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from babel.numbers import get_decimal_symbol
from flask import Response as FileResponse
from flask import abort
from flask import flash
from flask import g
from flask import make_response
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_babel import format_datetime
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.decorators import roles_required
from ..accounts.models import Role
from ..accounts.models import SchoolClass
from ..accounts.models import User
from ..audit.services import record
from ..common import numbers
from ..common.forms import EmptyForm
from ..common.fragments import wants_fragment
from ..common.schooltime import to_local
from ..common.schooltime import to_utc
from ..common.schooltime import utcnow
from ..extensions import db
from ..extensions import login_manager
from ..school.services import crisis_contacts
from . import bp
from . import export
from . import results
from . import services
from .forms import AdministrationForm
from .forms import CompareForm
from .forms import DatesForm
from .forms import InstrumentForm
from .forms import ItemForm
from .forms import ResultsFilterForm
from .forms import SectionForm
from .forms import VisitorStartForm
from .models import Administration
from .models import Instrument
from .models import ItemType
from .results import Filters

#: Session keys of a visitor answering an anonymous questionnaire without logging in.
SESSION_DRAFTS = "asesmen"
SESSION_DONE = "asesmen_selesai"
DATE_FORMAT = "d MMMM yyyy, HH.mm"
EXPORT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def when(moment):
    return format_datetime(moment, DATE_FORMAT)


@bp.app_template_filter("fixed")
def fixed(value, digits=0):
    """A mean or percentage with `digits` decimals in the reader's language (62,5 or 62.5).

    Babel's format_decimal per number took most of the rendering time of a results page,
    whose per-class table has a cell per item and class; these numbers never need grouping."""
    if "decimal_symbol" not in g:
        g.decimal_symbol = get_decimal_symbol(get_locale())
    return f"{value:.{digits}f}".replace(".", g.decimal_symbol)


def stop(title, message, status, links=()):
    """End the request with a short message page (closed, not open yet, answered twice)."""
    abort(make_response(render_template("assessments/message.html", title=title,
                                        message=message, links=links), status))


# --- students ------------------------------------------------------------------------

@dataclass
class Respondent:
    """Who answers: a logged-in student, or a visitor holding a draft token."""

    user: User | None = None
    token: str | None = None
    response: object = None

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
    if current_user.is_authenticated:
        if current_user.role != Role.STUDENT:
            if answering:
                abort(403)
            stop_for_staff(administration)
        if not services.class_in_audience(administration, current_user.school_class):
            stop(_("Angket ini untuk kelas lain"),
                 _("Angket ini diberikan untuk kelas lain, jadi kamu tidak perlu mengisinya. "
                   "Kalau menurutmu ini keliru, tanyakan ke Guru BK."), 403)
        response = services.find_response(administration, user=current_user)
        if (answering and response is None and administration.anonymous
                and services.has_participated(administration, current_user)):
            stop_answered()
        return Respondent(user=current_user, response=response)
    if not administration.anonymous:
        abort(login_manager.unauthorized())
    token = session.get(SESSION_DRAFTS, {}).get(administration.slug)
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
    return administration.anonymous and services.has_participated(administration,
                                                                   respondent.user)


def visitor_start_form(administration):
    form = VisitorStartForm()
    form.school_class.choices = [(c.id, c.name) for c in
                                 services.audience_classes(administration)]
    return form


@bp.route("/asesmen/")
def open_list():
    """The questionnaires open now: a student's own (with their state), or all for others."""
    if services.is_student(current_user):
        entries = services.open_for_student(current_user)
    else:
        entries = [(a, False, False) for a in services.open_administrations()]
    return render_template("assessments/open_list.html", entries=entries)


@bp.route("/asesmen/<slug>")
def start(slug):
    administration = get_administration_or_404(slug)
    respondent = get_respondent(administration, answering=False)
    answered = has_answered(administration, respondent)
    visitor_form = None
    if respondent.is_visitor and respondent.response is None and not answered:
        visitor_form = visitor_start_form(administration)
    return render_template("assessments/start.html", administration=administration,
                           instrument=administration.instrument, respondent=respondent,
                           answered=answered, status=administration.status,
                           visitor_form=visitor_form)


@bp.route("/asesmen/<slug>/mulai", methods=["POST"])
def begin(slug):
    """A visitor (anonymous questionnaire, not logged in) gives class and gender first."""
    administration = get_administration_or_404(slug)
    respondent = get_respondent(administration, answering=True)
    require_open(administration)
    if not respondent.is_visitor or respondent.response is not None:
        return redirect(url_for(".answer_section", slug=slug, number=1), 303)
    form = visitor_start_form(administration)
    if not form.validate_on_submit():
        return render_template("assessments/start.html", administration=administration,
                               instrument=administration.instrument, respondent=respondent,
                               answered=False, status="open", visitor_form=form), 400
    school_class = db.session.get(SchoolClass, form.school_class.data)
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
                response, _token = services.start_response(administration,
                                                            user=respondent.user)
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
        missing = services.submit(response, respondent.user)
    except services.AlreadyAnswered:
        stop_answered()
    db.session.commit()
    if missing:
        flash(_("Masih ada pertanyaan wajib yang belum dijawab. Pertanyaannya ditandai di "
                "bawah."), "error")
        return render_summary(administration, response, missing, 400)
    if respondent.is_visitor:
        drafts = dict(session.get(SESSION_DRAFTS, {}))
        drafts.pop(slug, None)
        session[SESSION_DRAFTS] = drafts
        session[SESSION_DONE] = (session.get(SESSION_DONE, []) + [slug])[-20:]
    flash(_("Terima kasih! Jawabanmu sudah terkirim."), "success")
    return redirect(url_for(".start", slug=slug), 303)


# --- counselors: instruments ---------------------------------------------------------

def get_instrument_or_404(iid):
    return db.get_or_404(Instrument, iid)


def get_editable_instrument(iid):
    instrument = get_instrument_or_404(iid)
    if services.is_locked(instrument):
        stop(_("Angket ini tidak bisa diubah"),
             _("Angket bawaan dan angket yang sudah pernah dibagikan tidak diubah, supaya "
               "hasilnya tetap benar. Gandakan angket ini untuk membuat versi baru."), 409,
             [(url_for(".edit_instrument", iid=iid), _("Kembali ke angket"))])
    return instrument


def get_section_or_404(instrument, sid):
    section = next((s for s in instrument.sections if s.id == sid), None)
    if section is None:
        abort(404)
    return section


def get_item_or_404(instrument, item_id):
    item = next((i for i in instrument.items if i.id == item_id), None)
    if item is None:
        abort(404)
    return item


def new_item_form(section):
    return ItemForm(formdata=None, prefix=f"s{section.id}", type=ItemType.LIKERT4.value)


def render_editor(instrument, status=200, section_form=None, item_forms=None, meta_form=None):
    """The editor page, or only its #editor part for HTMX."""
    item_forms = item_forms or {}
    context = {
        "instrument": instrument,
        "locked": services.is_locked(instrument),
        "meta_form": meta_form or InstrumentForm(formdata=None, obj=instrument, prefix="meta"),
        "section_form": section_form or SectionForm(formdata=None, prefix="bagian"),
        "item_forms": {s.id: item_forms.get(s.id) or new_item_form(s)
                       for s in instrument.sections},
        "action_form": EmptyForm(),
        "type_labels": services.ITEM_TYPE_LABELS,
    }
    template = ("assessments/_editor.html" if wants_fragment("editor")
                else "assessments/instrument_edit.html")
    return render_template(template, **context), status


def editor_done(instrument, anchor=None):
    if wants_fragment("editor"):
        return render_editor(instrument)
    return redirect(url_for(".edit_instrument", iid=instrument.id, _anchor=anchor), 303)


def require_post_form():
    if not EmptyForm().validate_on_submit():
        abort(400)


@bp.route("/bk/asesmen")
@roles_required(Role.COUNSELOR)
def index():
    services.ensure_builtin_instruments()
    db.session.commit()  # the built-in instruments, added on first use
    return render_template("assessments/dashboard.html",
                           administrations=results.administrations_with_counts(),
                           instruments=services.list_instruments(),
                           classes=services.student_classes(), action_form=EmptyForm())


@bp.route("/bk/asesmen/instrumen/baru", methods=["GET", "POST"])
@roles_required(Role.COUNSELOR)
def new_instrument():
    form = InstrumentForm()
    if form.validate_on_submit():
        instrument = Instrument(title=form.title.data.strip(),
                                description=(form.description.data or "").strip(),
                                created_by_id=current_user.id)
        db.session.add(instrument)
        services.add_section(instrument, _("Bagian 1"))
        db.session.commit()
        flash(_("Angket dibuat. Sekarang tambahkan pertanyaannya."), "success")
        return redirect(url_for(".edit_instrument", iid=instrument.id), 303)
    return render_template("assessments/instrument_new.html", form=form), \
        400 if form.errors else 200


@bp.route("/bk/asesmen/instrumen/<int:iid>")
@roles_required(Role.COUNSELOR)
def edit_instrument(iid):
    return render_editor(get_instrument_or_404(iid))


@bp.route("/bk/asesmen/instrumen/<int:iid>/ubah", methods=["POST"])
@roles_required(Role.COUNSELOR)
def update_instrument(iid):
    instrument = get_editable_instrument(iid)
    form = InstrumentForm(prefix="meta")
    if not form.validate_on_submit():
        return render_editor(instrument, 400, meta_form=form)
    instrument.title = form.title.data.strip()
    instrument.description = (form.description.data or "").strip()
    db.session.commit()
    return editor_done(instrument)


@bp.route("/bk/asesmen/instrumen/<int:iid>/bagian", methods=["POST"])
@roles_required(Role.COUNSELOR)
def add_section(iid):
    instrument = get_editable_instrument(iid)
    form = SectionForm(prefix="bagian")
    if not form.validate_on_submit():
        return render_editor(instrument, 400, section_form=form)
    section = services.add_section(instrument, form.title.data, form.code.data, form.intro.data)
    db.session.commit()
    return editor_done(instrument, f"bagian-{section.id}")


@bp.route("/bk/asesmen/instrumen/<int:iid>/bagian/<int:sid>", methods=["GET", "POST"])
@roles_required(Role.COUNSELOR)
def edit_section(iid, sid):
    instrument = get_editable_instrument(iid)
    section = get_section_or_404(instrument, sid)
    form = SectionForm(obj=section)
    if form.validate_on_submit():
        section.title = form.title.data.strip()
        section.code = (form.code.data or "").strip().upper() or None
        section.intro = (form.intro.data or "").strip()
        db.session.commit()
        return redirect(url_for(".edit_instrument", iid=iid, _anchor=f"bagian-{sid}"), 303)
    return render_template("assessments/part_edit.html", instrument=instrument, form=form,
                           heading=_("Ubah bagian")), 400 if form.errors else 200


@bp.route("/bk/asesmen/instrumen/<int:iid>/bagian/<int:sid>/geser/<arah>", methods=["POST"])
@roles_required(Role.COUNSELOR)
def move_section(iid, sid, arah):
    instrument = get_editable_instrument(iid)
    section = get_section_or_404(instrument, sid)
    require_post_form()
    services.move(instrument.sections, section, step_of(arah))
    db.session.commit()
    return editor_done(instrument, f"bagian-{sid}")


def step_of(direction):
    steps = {"naik": -1, "turun": 1}
    if direction not in steps:
        abort(404)
    return steps[direction]


@bp.route("/bk/asesmen/instrumen/<int:iid>/bagian/<int:sid>/hapus", methods=["POST"])
@roles_required(Role.COUNSELOR)
def delete_section(iid, sid):
    instrument = get_editable_instrument(iid)
    section = get_section_or_404(instrument, sid)
    require_post_form()
    services.remove(instrument.sections, section)
    db.session.commit()
    return editor_done(instrument)


@bp.route("/bk/asesmen/instrumen/<int:iid>/bagian/<int:sid>/butir", methods=["POST"])
@roles_required(Role.COUNSELOR)
def add_item(iid, sid):
    instrument = get_editable_instrument(iid)
    section = get_section_or_404(instrument, sid)
    form = ItemForm(prefix=f"s{sid}")
    if not form.validate_on_submit():
        return render_editor(instrument, 400, item_forms={sid: form})
    services.add_item(section, form.type.data, form.text.data, form.hint.data,
                      form.required.data, form.option_list)
    db.session.commit()
    return editor_done(instrument, f"bagian-{sid}")


@bp.route("/bk/asesmen/instrumen/<int:iid>/butir/<int:item_id>", methods=["GET", "POST"])
@roles_required(Role.COUNSELOR)
def edit_item(iid, item_id):
    instrument = get_editable_instrument(iid)
    item = get_item_or_404(instrument, item_id)
    uses_options = item.type in (ItemType.SINGLE, ItemType.MULTIPLE) or item.type.is_likert
    form = ItemForm(data={"type": item.type.value, "text": item.text, "hint": item.hint,
                          "required": item.required,
                          "options": "\n".join(item.options) if uses_options else ""})
    form.submit.label.text = _("Simpan pertanyaan")
    if form.validate_on_submit():
        services.update_item(item, form.type.data, form.text.data, form.hint.data,
                             form.required.data, form.option_list)
        db.session.commit()
        return redirect(url_for(".edit_instrument", iid=iid,
                                _anchor=f"bagian-{item.section_id}"), 303)
    return render_template("assessments/part_edit.html", instrument=instrument, form=form,
                           heading=_("Ubah pertanyaan")), 400 if form.errors else 200


@bp.route("/bk/asesmen/instrumen/<int:iid>/butir/<int:item_id>/geser/<arah>", methods=["POST"])
@roles_required(Role.COUNSELOR)
def move_item(iid, item_id, arah):
    instrument = get_editable_instrument(iid)
    item = get_item_or_404(instrument, item_id)
    require_post_form()
    services.move(item.section.items, item, step_of(arah))
    db.session.commit()
    return editor_done(instrument, f"bagian-{item.section_id}")


@bp.route("/bk/asesmen/instrumen/<int:iid>/butir/<int:item_id>/hapus", methods=["POST"])
@roles_required(Role.COUNSELOR)
def delete_item(iid, item_id):
    instrument = get_editable_instrument(iid)
    item = get_item_or_404(instrument, item_id)
    require_post_form()
    section_id = item.section_id
    services.remove(item.section.items, item)
    db.session.commit()
    return editor_done(instrument, f"bagian-{section_id}")


@bp.route("/bk/asesmen/instrumen/<int:iid>/gandakan", methods=["POST"])
@roles_required(Role.COUNSELOR)
def duplicate_instrument(iid):
    instrument = get_instrument_or_404(iid)
    require_post_form()
    copy = services.duplicate_instrument(instrument, current_user)
    db.session.commit()
    flash(_("Salinan dibuat. Sekarang kamu bisa mengubahnya."), "success")
    return redirect(url_for(".edit_instrument", iid=copy.id), 303)


@bp.route("/bk/asesmen/instrumen/<int:iid>/hapus", methods=["POST"])
@roles_required(Role.COUNSELOR)
def delete_instrument(iid):
    instrument = get_editable_instrument(iid)
    require_post_form()
    db.session.delete(instrument)
    db.session.commit()
    flash(_("Angket dihapus."), "success")
    return redirect(url_for(".index"), 303)


@bp.route("/bk/asesmen/instrumen/<int:iid>/pratinjau", defaults={"number": 1})
@bp.route("/bk/asesmen/instrumen/<int:iid>/pratinjau/<int:number>")
@roles_required(Role.COUNSELOR)
def preview(iid, number):
    instrument = get_instrument_or_404(iid)
    if not 1 <= number <= max(len(instrument.sections), 1) or not instrument.sections:
        abort(404)
    return render_template("assessments/section.html", administration=None,
                           instrument=instrument, section=instrument.sections[number - 1],
                           number=number, total=len(instrument.sections), values={},
                           errors={}, ticked=[], form=EmptyForm(), preview=True, action=None)


# --- counselors: administrations and results ------------------------------------------

def get_administration_by_id_or_404(aid):
    return db.get_or_404(Administration, aid)


def administration_form():
    form = AdministrationForm()
    form.instrument.choices = [(i.id, i.title) for i in services.list_instruments()]
    form.grades.choices = [(g, _("Kelas %(grade)d", grade=g)) for g in services.grades()]
    form.classes.choices = [(c.id, c.name) for c in services.student_classes()]
    return form


@bp.route("/bk/asesmen/berikan", methods=["GET", "POST"])
@roles_required(Role.COUNSELOR)
def new_administration():
    services.ensure_builtin_instruments()
    form = administration_form()
    if request.method == "GET":
        chosen = request.args.get("instrumen", type=numbers.database_int)
        instrument = db.session.get(Instrument, chosen) if chosen else None
        now = to_local(utcnow()).replace(second=0, microsecond=0)
        form.instrument.data = instrument.id if instrument else None
        form.title.data = instrument.title if instrument else ""
        form.opens_at.data, form.closes_at.data = now, now + timedelta(days=7)
    elif form.validate_on_submit():
        instrument = db.session.get(Instrument, form.instrument.data)
        if not instrument.items:
            form.instrument.errors.append(_("Angket ini belum punya pertanyaan."))
        else:
            administration = services.create_administration(
                instrument, current_user, form.title.data, to_utc(form.opens_at.data),
                to_utc(form.closes_at.data), form.scope.data, form.grades.data,
                form.classes.data, form.anonymous.data, form.slug.data or None)
            db.session.commit()
            flash(_("Angket siap dibagikan. Salin tautannya ke grup WhatsApp kelas."),
                  "success")
            return redirect(url_for(".administration", aid=administration.id), 303)
    db.session.commit()  # the built-in instruments, added on first use
    return render_template("assessments/administration_new.html", form=form), \
        400 if form.errors else 200


@bp.route("/bk/asesmen/<int:aid>")
@roles_required(Role.COUNSELOR)
def administration(aid):
    return render_administration(get_administration_by_id_or_404(aid))


def render_administration(administration, dates_form=None, status=200):
    if dates_form is None:
        dates_form = DatesForm(formdata=None, data={
            "opens_at": to_local(administration.opens_at),
            "closes_at": to_local(administration.closes_at)})
    rows = results.completion(administration)
    return render_template(
        "assessments/administration.html", administration=administration, completion=rows,
        students=sum(r.students for r in rows), answered=sum(r.answered for r in rows),
        responses=results.respondents(administration).get(None, 0),
        respondents=[] if administration.anonymous else services.respondents_of(administration),
        audience=services.audience_description(administration),
        status=administration.status, dates_form=dates_form,
        action_form=EmptyForm(), can_delete=not services.has_submitted_responses(administration),
        share_url=url_for(".start", slug=administration.slug, _external=True)), status


@bp.route("/bk/asesmen/<int:aid>/tanggal", methods=["POST"])
@roles_required(Role.COUNSELOR)
def update_dates(aid):
    administration = get_administration_by_id_or_404(aid)
    form = DatesForm()
    if not form.validate_on_submit():
        return render_administration(administration, form, 400)
    administration.opens_at = to_utc(form.opens_at.data)
    administration.closes_at = to_utc(form.closes_at.data)
    db.session.commit()
    flash(_("Tanggal angket sudah diubah."), "success")
    return redirect(url_for(".administration", aid=aid), 303)


@bp.route("/bk/asesmen/<int:aid>/hapus", methods=["POST"])
@roles_required(Role.COUNSELOR)
def delete_administration(aid):
    administration = get_administration_by_id_or_404(aid)
    require_post_form()
    if services.has_submitted_responses(administration):
        stop(_("Tidak bisa dihapus"),
             _("Sudah ada siswa yang mengirim jawaban. Ubah tanggal tutupnya kalau ingin "
               "menghentikan angket ini."), 409,
             [(url_for(".administration", aid=aid), _("Kembali"))])
    db.session.delete(administration)
    db.session.commit()
    flash(_("Pemberian angket dihapus."), "success")
    return redirect(url_for(".index"), 303)


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
    per_class, per_gender = not filters.class_id, not filters.gender
    tallied = results.tally(administration, filters, groups=per_class or per_gender)
    return render_template(
        "assessments/results.html", administration=administration, form=form, filters=filters,
        report=results.build_report(administration, filters, tallied=tallied),
        by_class=results.breakdown(administration, "class", filters, tallied)
        if per_class else None,
        by_gender=results.breakdown(administration, "gender", filters, tallied)
        if per_gender else None)


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
    defaults = results.latest_pair(administrations) if not request.args else None
    form = CompareForm(request.args, data={"sebelum": str(defaults[0].id),
                                           "sesudah": str(defaults[1].id)} if defaults else None)
    form.sebelum.choices = form.sesudah.choices = choices
    filters = filters_from(form, services.student_classes())
    comparison, pair, status = None, None, 200
    if form.sebelum.data and form.sesudah.data:
        pair = (db.session.get(Administration, int(form.sebelum.data)),
                db.session.get(Administration, int(form.sesudah.data)))
        if results.comparable(*pair):
            comparison = results.compare(*pair, filters)
        else:
            form.sesudah.errors = [_("Pilih dua pemberian yang berbeda dari angket yang sama.")]
            status = 400
    return render_template("assessments/compare.html", form=form, comparison=comparison,
                           pair=pair), status


@bp.route("/bk/asesmen/kelas/<int:class_id>")
@roles_required(Role.COUNSELOR)
def class_profile(class_id):
    school_class = db.get_or_404(SchoolClass, class_id)
    return render_template("assessments/class_profile.html", school_class=school_class,
                           profiles=results.class_profile(school_class))


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
                           entries=results.homeroom_overview(current_user))


@bp.route("/wali/asesmen/<int:aid>/kelas/<int:class_id>")
@roles_required(Role.HOMEROOM)
def homeroom_results(aid, class_id):
    school_class = get_own_class_or_403(class_id)
    administration = get_administration_by_id_or_404(aid)
    if not services.class_in_audience(administration, school_class):
        abort(404)
    mine = Filters(class_id=class_id)
    tallied = results.tally(administration, mine, groups=True)
    return render_template(
        "assessments/homeroom_results.html", administration=administration,
        school_class=school_class,
        completion=next(iter(results.completion(administration, [class_id])), None),
        report=results.build_report(administration, mine, include_text=False, tallied=tallied),
        by_gender=results.breakdown(administration, "gender", mine, tallied))
