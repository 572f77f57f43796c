"""Case record pages. Counselors under /bk/kasus/<id>/... and /bk/kasus/<record>/<id>;
homeroom teachers write anecdotes under /wali/anekdot; a conference's participants read
its shareable summary at /konferensi/<id>. Other people's records answer 404."""

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
from ..audit.services import record
from ..booking.models import CounselingCase
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


def get_or_404(model, record_id):
    """A case record its case's counselor opens (CaseOwned.open_to); 404 otherwise."""
    row = db.session.get(model, record_id)
    if row is None or not row.open_to(current_user.id):
        abort(404)
    return row


def get_case_or_404(case_id):
    return get_or_404(CounselingCase, case_id)


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
def book(case_id):
    case = get_case_or_404(case_id)
    record(current_user, "read", "case_book", case.id, summary="Membuka buku kasus")
    db.session.commit()
    return render_book(case)


@bp.route("/bk/kasus/<int:case_id>/buku/tulis", methods=["POST"])
@roles_required(Role.COUNSELOR)
def add_entry(case_id):
    case = get_case_or_404(case_id)
    form = EntryForm()
    if not form.validate_on_submit():
        return render_book(case, 400, entry_form=form)
    entry = services.add_entry(case, current_user, form.written_on.data, strip(form.body.data),
                               form.shareable.data)
    db.session.flush()
    record(current_user, "create", "case_book", entry.id, summary="Menulis buku kasus")
    db.session.commit()
    flash(_("Catatan buku kasus disimpan."), "success")
    return redirect(url_for("casebook.book", case_id=case.id), 303)


@bp.route("/bk/kasus/<int:case_id>/anekdot", methods=["POST"])
@roles_required(Role.COUNSELOR)
def counselor_anecdote(case_id):
    case = get_case_or_404(case_id)
    form = AnecdoteForm()
    form.student.choices = [SelectChoice(case.student.id, case.student.full_name)]
    if not form.validate_on_submit():
        return render_book(case, 400, anecdote_form=form)
    anecdote = services.add_anecdote(current_user, case.student, form.observed_on.data,
                                     strip(form.setting.data), strip(form.observation.data),
                                     strip(form.interpretation.data))
    db.session.flush()
    record(current_user, "create", "anecdote", anecdote.id, summary="Menulis catatan anekdot")
    db.session.commit()
    flash(_("Catatan anekdot disimpan."), "success")
    return redirect(url_for("casebook.book", case_id=case.id), 303)


# --- catatan anekdot: homeroom teachers ----------------------------------------------

@bp.route("/wali/anekdot", methods=["GET", "POST"])
@roles_required(Role.HOMEROOM)
def homeroom_anecdotes():
    students = services.class_students(current_user)
    form = AnecdoteForm() if request.method == "POST" else AnecdoteForm(
        formdata=None, observed_on=local_today())
    form.student.choices = [SelectChoice(s.id, f"{s.full_name} ({s.school_class.name})")
                            for s in students]
    if request.method == "POST" and form.validate_on_submit():
        student = next(s for s in students if s.id == form.student.data)
        anecdote = services.add_anecdote(current_user, student, form.observed_on.data,
                                         strip(form.setting.data), strip(form.observation.data),
                                         strip(form.interpretation.data))
        db.session.flush()
        record(current_user, "create", "anecdote", anecdote.id,
               summary="Wali kelas menulis catatan anekdot")
        db.session.commit()
        flash(_("Catatan anekdot tersimpan dan bisa dibaca Guru BK yang menangani siswa ini."),
              "success")
        return redirect(url_for("casebook.homeroom_anecdotes"), 303)
    return render_template("casebook/homeroom_anecdotes.html", form=form,
                           has_students=bool(students),
                           anecdotes=services.anecdotes_by(current_user),
                           conferences=services.conferences_with(current_user)), \
        400 if form.errors else 200


@bp.route("/anekdot/<int:anecdote_id>")
@roles_required(Role.HOMEROOM, Role.COUNSELOR)
def anecdote(anecdote_id):
    """One anecdote: its author, or the counselor of one of the student's cases."""
    row = db.session.get(Anecdote, anecdote_id)
    if row is None or not row.readable_by(current_user):
        abort(404)
    record(current_user, "read", "anecdote", row.id, summary="Membuka catatan anekdot")
    db.session.commit()
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
def new_conference(case_id):
    case = get_case_or_404(case_id)
    form = conference_form(case, request.method == "POST")
    if request.method == "POST" and form.validate_on_submit():
        conference = services.add_conference(
            case, form.participants.data or [], held_on=form.held_on.data,
            place=strip(form.place.data), other_participants=strip(form.other_participants.data),
            discussion=strip(form.discussion.data), summary=strip(form.summary.data),
            agreements=strip(form.agreements.data),
            programme_row_id=form.programme_row_id.data)
        db.session.flush()
        record(current_user, "create", "case_conference", conference.id,
               summary="Mencatat konferensi kasus")
        db.session.commit()
        flash(_("Konferensi kasus disimpan."), "success")
        return redirect(url_for("casebook.conference", conference_id=conference.id), 303)
    return render_template("casebook/conference_new.html", case=case, form=form), \
        400 if form.errors else 200


@bp.route("/bk/kasus/konferensi/<int:conference_id>", methods=["GET", "POST"])
@roles_required(Role.COUNSELOR)
def conference(conference_id):
    """The whole record, for the case's counselor; POST adds a follow-up step."""
    row = get_or_404(Conference, conference_id)
    form = FollowUpForm()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            services.add_follow_up(row, strip(form.action.data), strip(form.owner.data),
                                   form.due_on.data)
            record(current_user, "update", "case_conference", row.id,
                   summary="Menambah tindak lanjut konferensi kasus")
            db.session.commit()
            flash(_("Tindak lanjut ditambahkan."), "success")
            return redirect(url_for("casebook.conference", conference_id=row.id), 303)
        status = 400
    else:
        form = FollowUpForm(formdata=None)
        record(current_user, "read", "case_conference", row.id,
               summary="Membuka konferensi kasus")
        db.session.commit()
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
def new_visit(case_id):
    case = get_case_or_404(case_id)
    form = VisitPlanForm() if request.method == "POST" else VisitPlanForm(formdata=None)
    if request.method == "POST" and form.validate_on_submit():
        visit = services.plan_visit(case, planned_on=form.planned_on.data,
                                    purpose=strip(form.purpose.data),
                                    visitors=strip(form.visitors.data),
                                    address=strip(form.address.data))
        db.session.flush()
        record(current_user, "create", "home_visit", visit.id,
               summary="Merencanakan kunjungan rumah")
        db.session.commit()
        flash(_("Rencana kunjungan rumah disimpan."), "success")
        return redirect(url_for("casebook.visit", visit_id=visit.id), 303)
    return render_template("casebook/visit_new.html", case=case, form=form), \
        400 if form.errors else 200


@bp.route("/bk/kasus/kunjungan/<int:visit_id>", methods=["GET", "POST"])
@roles_required(Role.COUNSELOR)
def visit(visit_id):
    row = get_or_404(HomeVisit, visit_id)
    status = 200
    if request.method == "POST":
        form = VisitRecordForm()
        if form.validate_on_submit():
            services.record_visit(row, form.visited_on.data, strip(form.met_with.data),
                                  strip(form.findings.data), strip(form.agreements.data),
                                  form.programme_row_id.data)
            record(current_user, "update", "home_visit", row.id,
                   summary="Mencatat hasil kunjungan rumah")
            db.session.commit()
            flash(_("Hasil kunjungan disimpan. Berita acara siap dicetak."), "success")
            return redirect(url_for("casebook.visit", visit_id=row.id), 303)
        status = 400
    else:
        form = VisitRecordForm(formdata=None, obj=row)
        if row.visited_on is None:
            form.visited_on.data = row.planned_on
        record(current_user, "read", "home_visit", row.id, summary="Membuka kunjungan rumah")
        db.session.commit()
    return render_template("casebook/visit.html", visit=row, form=form,
                           done=row.status == VisitStatus.DONE), status


@bp.route("/bk/kasus/kunjungan/<int:visit_id>/berita-acara")
@roles_required(Role.COUNSELOR)
def visit_report(visit_id):
    """The berita acara to print, with lines for the family and the school to sign."""
    row = get_or_404(HomeVisit, visit_id)
    record(current_user, "read", "home_visit", row.id, summary="Mencetak berita acara kunjungan")
    db.session.commit()
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
def new_referral(case_id):
    case = get_case_or_404(case_id)
    form = OutwardReferralForm() if request.method == "POST" else OutwardReferralForm(
        formdata=None, programme_row_id=request.args.get("baris"))
    if request.method == "POST" and form.validate_on_submit():
        referral = services.add_referral(case, **referral_values(form))
        db.session.flush()
        record(current_user, "create", "outward_referral", referral.id,
               summary="Menyiapkan alih tangan kasus")
        db.session.commit()
        flash(_("Alih tangan kasus disimpan."), "success")
        return redirect(url_for("casebook.referral", referral_id=referral.id), 303)
    return render_template("casebook/referral_new.html", case=case, form=form), \
        400 if form.errors else 200


@bp.route("/bk/kasus/alih-tangan/<int:referral_id>", methods=["GET", "POST"])
@roles_required(Role.COUNSELOR)
def referral(referral_id):
    row = get_or_404(OutwardReferral, referral_id)
    status = 200
    details = OutwardReferralForm(formdata=None, obj=row)
    details.receiver.data = row.receiver.value
    details.consent_by.data = row.consent_by.value if row.consent_by else ""
    if request.method == "POST" and "receiver" in request.form:
        details = OutwardReferralForm()
        if details.validate_on_submit():
            for name, value in referral_values(details).items():
                setattr(row, name, value)
            record(current_user, "update", "outward_referral", row.id,
                   summary="Mengubah alih tangan kasus")
            db.session.commit()
            flash(_("Alih tangan kasus disimpan."), "success")
            return redirect(url_for("casebook.referral", referral_id=row.id), 303)
        status = 400
    form = ReferralStatusForm(formdata=None, obj=row)
    form.status.data = row.status.value
    if request.method == "POST" and "status" in request.form:
        form = ReferralStatusForm()
        if form.validate_on_submit():
            services.update_referral(row, OutwardStatus(form.status.data), form.sent_on.data,
                                     strip(form.reply.data), form.reply_on.data)
            record(current_user, "update", "outward_referral", row.id,
                   summary="Mengubah status alih tangan kasus")
            db.session.commit()
            flash(_("Status alih tangan kasus disimpan."), "success")
            return redirect(url_for("casebook.referral", referral_id=row.id), 303)
        status = 400
    if request.method == "GET":
        record(current_user, "read", "outward_referral", row.id,
               summary="Membuka alih tangan kasus")
        db.session.commit()
    elif status == 200:
        abort(400)
    return render_template("casebook/referral.html", referral=row, form=form, details=details), \
        status


@bp.route("/bk/kasus/alih-tangan/<int:referral_id>/surat")
@roles_required(Role.COUNSELOR)
def referral_letter(referral_id):
    """The letter to print; shared details appear only once consent is recorded."""
    row = get_or_404(OutwardReferral, referral_id)
    record(current_user, "read", "outward_referral", row.id,
           summary="Mencetak surat alih tangan kasus")
    db.session.commit()
    return render_template("casebook/referral_letter.html", referral=row, case=row.case)
