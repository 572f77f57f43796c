"""The counselors' triage inbox under /bk/kotak: list, open (audited), reply, note, triage,
and the settings of saved replies and added risk terms."""

import sqlalchemy as sa
from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.decorators import roles_required
from ..accounts.models import Role
from ..audit.services import record
from ..common import signals
from ..common import listing
from ..common.forms import EmptyForm
from ..common.fragments import wants_fragment
from ..common.vocabulary import FIELD_LABELS
from ..common.vocabulary import MODE_LABELS
from ..extensions import db
from . import bp
from . import risk
from . import services
from .forms import STATUS_LABELS
from .forms import CounselorReplyForm
from .forms import InboxFilterForm
from .forms import NoteForm
from .forms import RiskTermForm
from .forms import TemplateForm
from .forms import TriageForm
from .models import ProblemReport
from .models import ReplyTemplate
from .models import RiskFlag
from .models import RiskTerm

#: The element the inbox swaps (filters, search, order, pages).
INBOX_LIST = "kotak-daftar"
counselor_only = roles_required(Role.COUNSELOR)


@bp.context_processor
def labels():
    return {"pb_status_labels": STATUS_LABELS, "pb_field_labels": FIELD_LABELS,
            "pb_session_labels": MODE_LABELS}


def get_report_or_404(report_id):
    return db.get_or_404(ProblemReport, report_id)


@bp.route("/bk/kotak")
@counselor_only
def inbox():
    form = InboxFilterForm(formdata=request.args)
    rows = services.inbox_page(listing.wanted(services.INBOX_SORTS, "-mendesak"),
                               status=form.status.data, field=form.field.data,
                               urgent=form.urgent.data, new_reply=bool(form.new_reply.data))
    context = {"form": form, "listing": rows, "target": INBOX_LIST}
    if wants_fragment(INBOX_LIST):
        return render_template("problembox/_inbox_list.html", **context)
    return render_template("problembox/inbox.html", counts=services.inbox_counts(), **context)


def forms_for(report, reply_form=None, note_form=None, triage_form=None):
    return {
        "reply_form": reply_form or CounselorReplyForm(formdata=None, prefix="reply"),
        "note_form": note_form or NoteForm(formdata=None, prefix="note"),
        "triage_form": triage_form or TriageForm(formdata=None, status=report.status.value,
                                                 urgent=report.is_urgent),
        "action_form": EmptyForm(),
    }


def show_report(report, status=200, **forms):
    """The whole report page: every such opening goes to the audit log."""
    record(current_user, "read", "problem_report", report.id,
           summary=f"Membuka laporan kotak masalah #{report.id}")
    services.mark_seen(report)
    db.session.commit()
    return render_template(
        "problembox/report.html", report=report, templates=services.reply_templates(),
        concept_label=risk.concept_label, **forms_for(report, **forms),
        # The TPPK lane's part: routed already, or where to route it (signals.tppk_lane).
        **signals.gather(signals.tppk_lane, current_app._get_current_object(), kind="kotak",
                         record_id=report.id),
    ), status


@bp.route("/bk/kotak/<int:report_id>")
@counselor_only
def report(report_id):
    report = get_report_or_404(report_id)
    reply_form = CounselorReplyForm(formdata=None, prefix="reply")
    chosen = request.args.get("templat")
    if chosen:
        # Without JavaScript a template link reloads the page with the answer filled in.
        reply_form.body.data = next(
            (body for key, _title, body in services.reply_templates() if key == chosen), None)
    return show_report(report, reply_form=reply_form)


@bp.route("/bk/kotak/<int:report_id>/balas", methods=["POST"])
@counselor_only
def answer(report_id):
    report = get_report_or_404(report_id)
    form = CounselorReplyForm(prefix="reply")
    if not form.validate_on_submit():
        return partial_or_page(report, "kotak-percakapan", "problembox/_counselor_thread.html",
                               400, reply_form=form)
    services.add_counselor_reply(report, current_user, form.body.data)
    db.session.commit()
    if wants_fragment("kotak-percakapan"):
        return render_partial(report, "problembox/_counselor_thread.html", refresh_status=True)
    flash(_("Balasan terkirim. Siswa membacanya dengan kode balasannya."), "success")
    return redirect(url_for(".report", report_id=report.id), 303)


@bp.route("/bk/kotak/<int:report_id>/catatan", methods=["POST"])
@counselor_only
def add_note(report_id):
    report = get_report_or_404(report_id)
    form = NoteForm(prefix="note")
    if not form.validate_on_submit():
        return partial_or_page(report, "kotak-catatan", "problembox/_notes.html", 400,
                               note_form=form)
    services.add_note(report, current_user, form.body.data)
    db.session.commit()
    if wants_fragment("kotak-catatan"):
        return render_partial(report, "problembox/_notes.html")
    flash(_("Catatan disimpan."), "success")
    return redirect(url_for(".report", report_id=report.id) + "#kotak-catatan", 303)


@bp.route("/bk/kotak/<int:report_id>/status", methods=["POST"])
@counselor_only
def triage(report_id):
    report = get_report_or_404(report_id)
    form = TriageForm()
    if not form.validate_on_submit():
        return partial_or_page(report, "kotak-status", "problembox/_status.html", 400,
                               triage_form=form)
    services.set_triage(report, form.status.data, form.urgent.data)
    db.session.commit()
    if wants_fragment("kotak-status"):
        return render_partial(report, "problembox/_status.html", saved=True)
    flash(_("Status dan urgensi disimpan."), "success")
    return redirect(url_for(".report", report_id=report.id), 303)


@bp.route("/bk/kotak/<int:report_id>/sesi-diatur", methods=["POST"])
@counselor_only
def session_arranged(report_id):
    report = get_report_or_404(report_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.close_session_request(report)
    db.session.commit()
    if wants_fragment("kotak-status"):
        return render_partial(report, "problembox/_status.html", saved=True)
    flash(_("Permintaan sesi ditandai sudah diatur."), "success")
    return redirect(url_for(".report", report_id=report.id), 303)


def render_partial(report, template, status=200, refresh_status=False, saved=False, **forms):
    return render_template(template, report=report, templates=services.reply_templates(),
                           refresh_status=refresh_status, saved=saved,
                           **forms_for(report, **forms)), status


def partial_or_page(report, target, template, status, **forms):
    if wants_fragment(target):
        return render_partial(report, template, status, **forms)
    return show_report(report, status, **forms)


@bp.route("/bk/kotak/pengaturan")
@counselor_only
def settings():
    return render_settings()


def render_settings(status=200, template_form=None, term_form=None):
    return render_template(
        "problembox/settings.html",
        builtin_templates=[t for t in services.reply_templates() if t[0].startswith("b")],
        saved_templates=db.session.scalars(
            sa.select(ReplyTemplate).order_by(ReplyTemplate.title)).all(),
        configured_terms=services.configured_risk_terms(),
        added_terms=db.session.scalars(sa.select(RiskTerm).order_by(RiskTerm.term)).all(),
        template_form=template_form or TemplateForm(formdata=None, prefix="template"),
        term_form=term_form or RiskTermForm(formdata=None, prefix="term"),
        action_form=EmptyForm(),
    ), status


@bp.route("/bk/kotak/templat", methods=["POST"])
@counselor_only
def add_template():
    form = TemplateForm(prefix="template")
    if not form.validate_on_submit():
        return render_settings(400, template_form=form)
    db.session.add(ReplyTemplate(title=form.title.data, body=form.body.data))
    db.session.commit()
    flash(_("Templat balasan disimpan."), "success")
    return redirect(url_for(".settings") + "#templat", 303)


@bp.route("/bk/kotak/templat/<int:template_id>/hapus", methods=["POST"])
@counselor_only
def delete_template(template_id):
    template = db.get_or_404(ReplyTemplate, template_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    db.session.delete(template)
    db.session.commit()
    flash(_("Templat balasan dihapus."), "success")
    return redirect(url_for(".settings") + "#templat", 303)


@bp.route("/bk/kotak/kata-risiko", methods=["POST"])
@counselor_only
def add_risk_term():
    form = RiskTermForm(prefix="term")
    if form.validate_on_submit():
        term = " ".join(form.term.data.lower().split())
        if risk.compile_term(term) is None:
            form.term.errors.append(_("Tulis kata dengan huruf."))
        elif term in services.risk_terms():
            form.term.errors.append(_("Kata itu sudah ada di daftar."))
        else:
            db.session.add(RiskTerm(term=term))
            db.session.commit()
            flash(_("Kata \"%(term)s\" ditambahkan. Cerita baru yang memuatnya ditandai mendesak.",
                    term=term), "success")
            return redirect(url_for(".settings") + "#kata-risiko", 303)
    return render_settings(400, term_form=form)


@bp.route("/bk/kotak/kata-risiko/<int:term_id>/hapus", methods=["POST"])
@counselor_only
def delete_risk_term(term_id):
    term = db.get_or_404(RiskTerm, term_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    db.session.delete(term)
    db.session.commit()
    flash(_("Kata dihapus dari daftar."), "success")
    return redirect(url_for(".settings") + "#kata-risiko", 303)


@bp.route("/bk/kotak/<int:report_id>/tanda/<int:flag_id>", methods=["POST"])
@counselor_only
def mark_flag(report_id, flag_id):
    """Mark a risk flag as wrong, or take the mark back (the form says which)."""
    flag = db.get_or_404(RiskFlag, flag_id)
    if flag.report_id != report_id or not EmptyForm().validate_on_submit():
        abort(404 if flag.report_id != report_id else 400)
    services.mark_flag(flag, request.form.get("salah") == "1")
    db.session.commit()
    flash(_("Tanda risiko ditandai keliru.") if flag.marked_wrong
          else _("Tanda risiko dipakai lagi."), "success")
    return redirect(url_for(".report", report_id=report_id) + "#tanda-risiko", 303)
