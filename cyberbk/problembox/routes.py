"""The student's side, no login needed: write (/kotak), see the code once (the answer to
the POST itself), open the thread with the code and answer back (/kotak/cek).

The code never travels in a URL and is never stored, not even in a session: the
confirmation page that shows it is the response to the POST that sent the story
(`no-store`, like every page here). An opened thread is remembered in a cookie of its
own (thread.py) until it is closed, idles out or the browser signs out.
"""

import logging

from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from htmx_flask import make_response

from .. import ratelimit
from ..accounts.models import Role
from ..common import signals
from ..common.forms import EmptyForm
from ..common.fragments import wants_fragment
from ..common.vocabulary import FIELD_HINTS
from ..extensions import db
from ..extensions import limiter
from ..school.services import crisis_contacts
from . import bp
from . import services
from . import thread
from .forms import CodeForm
from .forms import ReplyForm
from .forms import ReportForm
from .forms import SessionRequestForm
from .models import ProblemReport

log = logging.getLogger("cyberbk.problembox")


def too_many_reports_message(minutes):
    return _("Kamu sudah mengirim beberapa cerita barusan. Tunggu sekitar %(num)d menit, lalu "
             "kirim lagi. Ceritamu di bawah masih ada, jadi tidak perlu menulis ulang.",
             num=minutes)


def may_give_name():
    return current_user.is_authenticated and current_user.role == Role.STUDENT


def report_form():
    return ReportForm.offered(may_give_name())


def too_many_reports(request_limit):
    return ratelimit.refused(render_form(
        report_form(), 429, too_many_reports_message(ratelimit.minutes_to_wait(request_limit)),
        contacts=crisis_contacts()), request_limit)


@bp.route("/kotak", methods=["GET", "POST"])
# An invalid form is no story sent; a filled honeypot counts as one.
@ratelimit.guard_posts("PROBLEMBOX_REPORT_LIMIT", too_many_reports,
                       deduct_when=lambda response: response.status_code != 400)
def new():
    form = report_form()
    if request.method == "GET":
        return render_form(form)
    minutes = ratelimit.honeypot_minutes("PROBLEMBOX_REPORT_LIMIT")
    if minutes is not None:
        return render_form(form, 429, too_many_reports_message(minutes),
                           contacts=crisis_contacts())
    if not form.validate_on_submit():
        return render_form(form, 400)
    author = current_user if may_give_name() and form.include_name.data else None
    report, code = services.send_report(form.body.data, form.field.data, author,
                                        form.submission.data)
    db.session.commit()
    # Sent before (a reload of this page resends the form): stored once, and the code,
    # shown once then, is not shown again.
    page = render_sent(code, report.is_urgent, author is not None) if report else render_sent()
    if wants_fragment("kotak-form"):
        # The whole page, not the form's place; a reload of the address pushed here finds
        # the code gone (sent()) instead of sending the story again.
        response = make_response(page, retarget="body", push_url=url_for(".sent"))
        # From the top, where the code is (the button was at the bottom). htmx-flask's
        # reswap= refuses swap modifiers, so the header is set as it stands.
        response.headers["HX-Reswap"] = "innerHTML show:window:top"
        return response
    return page


def render_sent(code=None, urgent=False, named=False):
    return render_template("problembox/sent.html", code=code, named=named,
                           contacts=crisis_contacts() if urgent else None)


def render_form(form, status=200, error=None, contacts=None):
    template = "problembox/_form.html" if wants_fragment("kotak-form") else "problembox/new.html"
    return render_template(template, form=form, error=error, contacts=contacts,
                           field_hints={f.value: hint for f, hint in FIELD_HINTS.items()}), status


@bp.route("/kotak/terkirim")
def sent():
    """Where a reload of the confirmation lands: the code was shown once and is gone."""
    return render_sent()


def wrong_code(response):
    """A code that opened no thread (wrong or malformed): the answer is a 400."""
    return response.status_code == 400


def code_form_refused(error, request_limit):
    return ratelimit.refused(
        (render_template("problembox/check.html", form=CodeForm(), error=error), 429),
        request_limit)


def too_many_wrong_codes(request_limit):
    return code_form_refused(_(
        "Terlalu banyak kode yang keliru dari HP ini. Tunggu sekitar %(num)d menit, lalu "
        "coba lagi.", num=ratelimit.minutes_to_wait(request_limit)), request_limit)


def wrong_code_ceiling():
    return current_app.config["PROBLEMBOX_WRONG_CODE_CEILING"]


def everyone():
    return "everyone"


def too_many_wrong_codes_everywhere(request_limit):
    # At most a line a minute however long the guessing goes on; no address, no code.
    if ratelimit.hit("1 per minute", "wrong-code-alarm"):
        log.warning("wrong follow-up codes from all clients together reached %s: nobody can "
                    "open a thread until the window frees up", request_limit.limit)
    return code_form_refused(_(
        "Terlalu banyak kode yang keliru dicoba barusan. Tunggu sekitar %(num)d menit, lalu "
        "coba lagi.", num=ratelimit.minutes_to_wait(request_limit)), request_limit)


@bp.route("/kotak/cek", methods=["GET", "POST"])
@ratelimit.guard_posts("PROBLEMBOX_WRONG_CODE_LIMIT", too_many_wrong_codes,
                       deduct_when=wrong_code)
@limiter.limit(wrong_code_ceiling, key_func=everyone, methods=["POST"], deduct_when=wrong_code,
               on_breach=too_many_wrong_codes_everywhere)
def check():
    if request.method == "GET":
        report = open_thread()
        if report is not None:
            return render_thread(report)
    form = CodeForm()
    if request.method == "GET":
        return render_template("problembox/check.html", form=form)
    if form.validate_on_submit():
        report = services.find_report_by_code(form.code.data)
        if report is not None:
            thread.remember(report)
            return redirect(url_for(".check"), 303)
        # One message for a wrong and a malformed code alike.
        form.code.errors.append(_("Kode itu tidak cocok. Periksa lagi hurufnya, lalu coba lagi."))
    return render_template("problembox/check.html", form=form), 400


def open_thread():
    """The thread opened on this device, or None (never opened, closed, idle too long)."""
    report = thread.open_report()
    if report is None and thread.had_cookie():
        thread.forget()
        db.session.commit()
        flash(_("Percakapan ditutup otomatis karena lama tidak dibuka. Masukkan kodemu lagi."),
              "info")
    return report


@signals.session_ending.connect
def close_on_sign_out(_app):
    if thread.had_cookie():
        thread.forget()


@signals.thread_opened_here.connect
def thread_opened_here(_app, touch):
    """For the live chat: its pages keep the thread open as ours do (`touch`); its sockets
    only look, without renewing the cookie, which a socket's answer cannot carry."""
    if touch:
        return open_thread()
    report_id = thread.opened_report_id()
    return db.session.get(ProblemReport, report_id) if report_id is not None else None


def thread_or_redirect():
    """The open thread, or a redirect (plain or HTMX) back to the code form."""
    report = open_thread()
    if report is not None:
        return report, None
    target = url_for(".check")
    if request.headers.get("HX-Request"):
        return None, make_response("", redirect=target)
    return None, redirect(target, 303)


def render_thread(report, status=200, reply_form=None, session_form=None, error=None):
    context = {
        "report": report,
        "reply_form": reply_form or ReplyForm(formdata=None),
        "error": error,
    }
    if wants_fragment("percakapan"):
        return render_template("problembox/_thread.html", **context), status
    return render_template(
        "problembox/thread.html", session_form=session_form or SessionRequestForm(formdata=None),
        close_form=EmptyForm(), contacts=crisis_contacts(), **context), status


def too_many_replies(request_limit):
    report, response = thread_or_redirect()
    if response is not None:
        return response
    return ratelimit.refused(render_thread(report, 429, reply_form=ReplyForm(), error=_(
        "Kamu sudah mengirim banyak balasan barusan. Tunggu sekitar %(num)d menit, lalu "
        "kirim lagi.", num=ratelimit.minutes_to_wait(request_limit))), request_limit)


@bp.route("/kotak/cek/balas", methods=["POST"])
@ratelimit.guard_posts("PROBLEMBOX_REPLY_LIMIT", too_many_replies,
                       deduct_when=lambda response: response.status_code != 400)
def reply():
    report, response = thread_or_redirect()
    if response is not None:
        return response
    form = ReplyForm()
    if not form.validate_on_submit():
        return render_thread(report, 400, reply_form=form)
    services.add_student_reply(report, form.body.data)
    db.session.commit()
    if wants_fragment("percakapan"):
        return render_thread(report)
    flash(_("Balasanmu sudah terkirim."), "success")
    return redirect(url_for(".check"), 303)


@bp.route("/kotak/cek/sesi", methods=["POST"])
def request_session():
    report, response = thread_or_redirect()
    if response is not None:
        return response
    form = SessionRequestForm()
    if not form.validate_on_submit():
        return render_thread(report, 400, session_form=form)
    services.request_session(report, form.mode.data, form.times.data or "")
    db.session.commit()
    flash(_("Permintaanmu sudah terkirim. Guru BK akan membalas di percakapan ini untuk "
            "mengatur waktunya."), "success")
    return redirect(url_for(".check"), 303)


@bp.route("/kotak/cek/tutup", methods=["POST"])
def close_thread():
    if EmptyForm().validate_on_submit():
        signals.session_ending.send(current_app._get_current_object())
        db.session.commit()
        flash(_("Percakapan sudah ditutup di HP ini. Untuk membukanya lagi, masukkan kodemu."),
              "info")
    return redirect(url_for(".check"), 303)
