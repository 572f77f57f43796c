"""Case record pages. Counselors under /bk/kasus/<id>/... and /bk/kasus/<record>/<id>;
homeroom teachers write anecdotes under /wali/anekdot; a conference's participants read
its shareable summary at /konferensi/<id>. Other people's records answer 404."""

import functools

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
from ..accounts.services import homeroom_students
from ..audit.services import record
from ..booking.models import CounselingCase
from ..common import access
from ..common.schooltime import local_today
from ..extensions import db
from . import bp
from . import services
from .forms import AcceptForm
from .forms import AnecdoteForm
from .forms import ConferenceForm
from .forms import EntryForm
from .forms import FollowUpForm
from .forms import OutwardReferralForm
from .forms import ReferralStatusForm
from .forms import VisitPlanForm
from .forms import VisitRecordForm
from .models import Anecdote
from .models import Conference
from .models import ConsentBy
from .models import HomeVisit
from .models import OutwardReferral
from .models import OutwardStatus
from .models import Receiver
from .models import VisitStatus
from .models import label


@bp.app_template_global("casebook_label")
def casebook_label(value):
    return label(value)


def its_counselor(row):
    """The case's counselor opens a case and its records (CaseOwned.open_to: may_open)."""
    return row.open_to(current_user.id)


def opens(model, read=None, may_open=its_counselor):
    """A view of one record: `model` by the view's one id, handed to the view as the row
    when `may_open` lets the signed-in person open it, 404 otherwise (access.get_or_404).
    `read`: (audit target type, summary) of the reading a GET is, audited and committed
    before the page renders; a POST is audited by the change it makes."""
    def decorate(view):
        @functools.wraps(view)
        def opened(**ids):
            [record_id] = ids.values()
            row = access.get_or_404(model, record_id, may_open)
            if read is not None and request.method == "GET":
                target_type, summary = read
                record(current_user, "read", target_type, row.id, summary=summary)
                db.session.commit()
            return view(row)
        return opened
    return decorate


def saved(action, row, target_type, summary, message, to):
    """The end of a form that added or changed `row`: its audit entry in the same
    transaction, one commit, the message, and the page to go on to."""
    record(current_user, action, target_type, row.id, summary=summary)
    db.session.commit()
    flash(message, "success")
    return redirect(to, 303)


@bp.errorhandler(services.NotAllowed)
def refused(error):
    """A rule forbids the change: none of it is kept, and the person is back on the page
    of the form (each refusable form posts to its own page's address), with the reason."""
    db.session.rollback()
    flash(str(error), "error")
    return redirect(url_for(request.endpoint, **request.view_args), 303)


def strip(value):
    return (value or "").strip()


# --- buku kasus: the case's record page ----------------------------------------------

def render_book(case, status=200, entry_form=None, anecdote_form=None):
    anecdote_form = anecdote_form or AnecdoteForm(formdata=None, observed_on=local_today())
    anecdote_form.student.choices = [SelectChoice(case.student.id, case.student.full_name)]
    return render_template(
        "casebook/book.html", case=case,
        entry_form=entry_form or EntryForm(formdata=None, written_on=local_today()),
        anecdote_form=anecdote_form, anecdotes=services.anecdotes_about(case.student,
                                                                        current_user),
        **services.case_records(case)), status


@bp.route("/bk/kasus/<int:case_id>/buku")
@roles_required(Role.COUNSELOR)
@opens(CounselingCase, read=("case_book", "Membuka buku kasus"))
def book(case):
    return render_book(case)


@bp.route("/bk/kasus/<int:case_id>/buku/tulis", methods=["POST"])
@roles_required(Role.COUNSELOR)
@opens(CounselingCase)
def add_entry(case):
    form = EntryForm()
    if not form.validate_on_submit():
        return render_book(case, 400, entry_form=form)
    entry = services.add_entry(case, current_user, form.written_on.data, strip(form.body.data),
                               form.shareable.data)
    return saved("create", entry, "case_book", "Menulis buku kasus",
                 _("Catatan buku kasus disimpan."),
                 url_for("casebook.book", case_id=case.id))


@bp.route("/bk/kasus/<int:case_id>/anekdot", methods=["POST"])
@roles_required(Role.COUNSELOR)
@opens(CounselingCase)
def counselor_anecdote(case):
    form = AnecdoteForm()
    form.student.choices = [SelectChoice(case.student.id, case.student.full_name)]
    if not form.validate_on_submit():
        return render_book(case, 400, anecdote_form=form)
    anecdote = services.add_anecdote(current_user, case.student, form.observed_on.data,
                                     strip(form.setting.data), strip(form.observation.data),
                                     strip(form.interpretation.data))
    return saved("create", anecdote, "anecdote", "Menulis catatan anekdot",
                 _("Catatan anekdot disimpan."),
                 url_for("casebook.book", case_id=case.id))


# --- catatan anekdot: homeroom teachers ----------------------------------------------

@bp.route("/wali/anekdot", methods=["GET", "POST"])
@roles_required(Role.HOMEROOM)
def homeroom_anecdotes():
    students = homeroom_students(current_user)
    form = AnecdoteForm() if request.method == "POST" else AnecdoteForm(
        formdata=None, observed_on=local_today())
    form.student.choices = [SelectChoice(s.id, f"{s.full_name} ({s.school_class.name})")
                            for s in students]
    if request.method == "POST" and form.validate_on_submit():
        student = next(s for s in students if s.id == form.student.data)
        anecdote = services.add_anecdote(current_user, student, form.observed_on.data,
                                         strip(form.setting.data), strip(form.observation.data),
                                         strip(form.interpretation.data))
        return saved("create", anecdote, "anecdote", "Wali kelas menulis catatan anekdot",
                     _("Catatan anekdot tersimpan dan bisa dibaca Guru BK yang menangani "
                       "siswa ini."), url_for("casebook.homeroom_anecdotes"))
    return render_template("casebook/homeroom_anecdotes.html", form=form,
                           has_students=bool(students),
                           anecdotes=services.anecdotes_by(current_user),
                           conferences=services.conferences_with(current_user)), \
        400 if form.errors else 200


@bp.route("/anekdot/<int:anecdote_id>")
@roles_required(Role.HOMEROOM, Role.COUNSELOR)
@opens(Anecdote, read=("anecdote", "Membuka catatan anekdot"),
       may_open=lambda row: row.readable_by(current_user))
def anecdote(row):
    """One anecdote: its author, or the counselor of one of the student's cases."""
    return render_template("casebook/anecdote.html", anecdote=row)


# --- konferensi kasus ----------------------------------------------------------------

def conference_form(case, formdata=True):
    # Opened from a row of the programme (?baris=): the conference delivers that row.
    form = ConferenceForm() if formdata else ConferenceForm(
        formdata=None, held_on=local_today(), programme_row_id=request.args.get("baris"))
    roles = {Role.COUNSELOR: _("Guru BK"), Role.HOMEROOM: _("Wali kelas")}
    form.participants.choices = [SelectChoice(u.id, f"{u.full_name} ({roles[u.role]})")
                                 for u in services.staff_choices(case)]
    return form


@bp.route("/bk/kasus/<int:case_id>/konferensi", methods=["GET", "POST"])
@roles_required(Role.COUNSELOR)
@opens(CounselingCase)
def new_conference(case):
    form = conference_form(case, request.method == "POST")
    if request.method == "POST" and form.validate_on_submit():
        conference = services.add_conference(
            case, form.participants.data or [], held_on=form.held_on.data,
            place=strip(form.place.data), other_participants=strip(form.other_participants.data),
            discussion=strip(form.discussion.data), summary=strip(form.summary.data),
            agreements=strip(form.agreements.data),
            programme_row_id=form.programme_row_id.data)
        return saved("create", conference, "case_conference", "Mencatat konferensi kasus",
                     _("Konferensi kasus disimpan."),
                     url_for("casebook.conference", conference_id=conference.id))
    return render_template("casebook/conference_new.html", case=case, form=form), \
        400 if form.errors else 200


@bp.route("/bk/kasus/konferensi/<int:conference_id>", methods=["GET", "POST"])
@roles_required(Role.COUNSELOR)
@opens(Conference, read=("case_conference", "Membuka konferensi kasus"))
def conference(row):
    """The whole record, for the case's counselor; POST adds a follow-up step."""
    form = FollowUpForm()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            services.add_follow_up(row, strip(form.action.data), strip(form.owner.data),
                                   form.due_on.data)
            return saved("update", row, "case_conference",
                         "Menambah tindak lanjut konferensi kasus", _("Tindak lanjut ditambahkan."),
                         url_for("casebook.conference", conference_id=row.id))
        status = 400
    else:
        form = FollowUpForm(formdata=None)
    return render_template("casebook/conference.html", conference=row, form=form,
                           shared_entries=services.entries(row.case, shareable_only=True)), status


@bp.route("/konferensi/<int:conference_id>", methods=["GET", "POST"])
@roles_required(Role.HOMEROOM, Role.COUNSELOR)
def conference_summary(conference_id):
    """A participant's page: the confidentiality statement first, accepted once (kept
    with the time), then the shareable summary only."""
    row = db.session.get(Conference, conference_id)
    taking_part = row.participant(current_user) if row is not None else None
    if taking_part is None:
        # The case's counselor has the whole record; anyone else named nowhere: 404.
        if row is not None and row.open_to(current_user.id):
            return redirect(url_for("casebook.conference", conference_id=row.id), 303)
        abort(404)
    form = AcceptForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            return render_template("casebook/conference_statement.html", conference=row,
                                   form=form), 400
        services.accept_statement(row, current_user)
        record(current_user, "consent", "case_conference", row.id,
               summary="Menyetujui pernyataan kerahasiaan konferensi kasus")
        db.session.commit()
        return redirect(url_for("casebook.conference_summary", conference_id=row.id), 303)
    if not row.summary_open_to(current_user):
        return render_template("casebook/conference_statement.html", conference=row,
                               form=AcceptForm(formdata=None))
    record(current_user, "read", "case_conference_summary", row.id,
           summary="Membaca ringkasan konferensi kasus")
    db.session.commit()
    return render_template("casebook/conference_summary.html", conference=row,
                           shared_entries=services.entries(row.case, shareable_only=True))


# --- kunjungan rumah -----------------------------------------------------------------

@bp.route("/bk/kasus/<int:case_id>/kunjungan", methods=["GET", "POST"])
@roles_required(Role.COUNSELOR)
@opens(CounselingCase)
def new_visit(case):
    form = VisitPlanForm() if request.method == "POST" else VisitPlanForm(formdata=None)
    if request.method == "POST" and form.validate_on_submit():
        visit = services.plan_visit(case, planned_on=form.planned_on.data,
                                    purpose=strip(form.purpose.data),
                                    visitors=strip(form.visitors.data),
                                    address=strip(form.address.data))
        return saved("create", visit, "home_visit", "Merencanakan kunjungan rumah",
                     _("Rencana kunjungan rumah disimpan."),
                     url_for("casebook.visit", visit_id=visit.id))
    return render_template("casebook/visit_new.html", case=case, form=form), \
        400 if form.errors else 200


@bp.route("/bk/kasus/kunjungan/<int:visit_id>", methods=["GET", "POST"])
@roles_required(Role.COUNSELOR)
@opens(HomeVisit, read=("home_visit", "Membuka kunjungan rumah"))
def visit(row):
    status = 200
    if request.method == "POST":
        form = VisitRecordForm()
        if form.validate_on_submit():
            services.record_visit(row, form.visited_on.data, strip(form.met_with.data),
                                  strip(form.findings.data), strip(form.agreements.data),
                                  form.programme_row_id.data)
            return saved("update", row, "home_visit", "Mencatat hasil kunjungan rumah",
                         _("Hasil kunjungan disimpan. Berita acara siap dicetak."),
                         url_for("casebook.visit", visit_id=row.id))
        status = 400
    else:
        form = VisitRecordForm(formdata=None, obj=row)
        if row.visited_on is None:
            form.visited_on.data = row.planned_on
    return render_template("casebook/visit.html", visit=row, form=form,
                           done=row.status == VisitStatus.DONE), status


@bp.route("/bk/kasus/kunjungan/<int:visit_id>/berita-acara")
@roles_required(Role.COUNSELOR)
@opens(HomeVisit, read=("home_visit", "Mencetak berita acara kunjungan"))
def visit_report(row):
    """The berita acara to print, with lines for the family and the school to sign."""
    return render_template("casebook/visit_report.html", visit=row, case=row.case)


# --- alih tangan kasus ---------------------------------------------------------------

def referral_values(form):
    return dict(receiver=Receiver(form.receiver.data), addressee=strip(form.addressee.data),
                reason=strip(form.reason.data), shared=strip(form.shared.data),
                consent_by=ConsentBy(form.consent_by.data) if form.consent_by.data else None,
                consent_on=form.consent_on.data, consent_note=strip(form.consent_note.data),
                programme_row_id=form.programme_row_id.data)


@bp.route("/bk/kasus/<int:case_id>/alih-tangan", methods=["GET", "POST"])
@roles_required(Role.COUNSELOR)
@opens(CounselingCase)
def new_referral(case):
    form = OutwardReferralForm() if request.method == "POST" else OutwardReferralForm(
        formdata=None, programme_row_id=request.args.get("baris"))
    if request.method == "POST" and form.validate_on_submit():
        referral = services.add_referral(case, **referral_values(form))
        return saved("create", referral, "outward_referral", "Menyiapkan alih tangan kasus",
                     _("Alih tangan kasus disimpan."),
                     url_for("casebook.referral", referral_id=referral.id))
    return render_template("casebook/referral_new.html", case=case, form=form), \
        400 if form.errors else 200


@bp.route("/bk/kasus/alih-tangan/<int:referral_id>", methods=["GET", "POST"])
@roles_required(Role.COUNSELOR)
@opens(OutwardReferral, read=("outward_referral", "Membuka alih tangan kasus"))
def referral(row):
    status = 200
    details = OutwardReferralForm(formdata=None, obj=row)
    details.receiver.data = row.receiver.value
    details.consent_by.data = row.consent_by.value if row.consent_by else ""
    if request.method == "POST" and "receiver" in request.form:
        details = OutwardReferralForm()
        if details.validate_on_submit():
            for name, value in referral_values(details).items():
                setattr(row, name, value)
            return saved("update", row, "outward_referral", "Mengubah alih tangan kasus",
                         _("Alih tangan kasus disimpan."),
                         url_for("casebook.referral", referral_id=row.id))
        status = 400
    form = ReferralStatusForm(formdata=None, obj=row)
    form.status.data = row.status.value
    if request.method == "POST" and "status" in request.form:
        form = ReferralStatusForm()
        if form.validate_on_submit():
            services.update_referral(row, OutwardStatus(form.status.data), form.sent_on.data,
                                     strip(form.reply.data), form.reply_on.data)
            return saved("update", row, "outward_referral", "Mengubah status alih tangan kasus",
                         _("Status alih tangan kasus disimpan."),
                         url_for("casebook.referral", referral_id=row.id))
        status = 400
    if request.method == "POST" and status == 200:
        abort(400)
    return render_template("casebook/referral.html", referral=row, form=form, details=details), \
        status


@bp.route("/bk/kasus/alih-tangan/<int:referral_id>/surat")
@roles_required(Role.COUNSELOR)
@opens(OutwardReferral, read=("outward_referral", "Mencetak surat alih tangan kasus"))
def referral_letter(row):
    """The letter to print; shared details appear only once consent is recorded."""
    return render_template("casebook/referral_letter.html", referral=row, case=row.case)
