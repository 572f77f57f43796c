"""The student's side, no login needed: write (/kotak), see the code once (the answer to
the POST itself), open the thread with the code and answer back (/kotak/cek).

The code never travels in a URL and is never stored, not even in a session: the
confirmation page that shows it is the response to the POST that sent the story
(`no-store`, like every page here). An opened thread is remembered in a cookie of its
own (thread.py) until it is closed, idles out or the browser signs out.
"""

from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from htmx_flask import make_response

from ..accounts.models import Role
from ..common.signals import signing_out
from ..extensions import db
from ..forms import EmptyForm
from ..fragments import wants_fragment
from ..school.services import crisis_contacts
from . import bp
from . import services
from . import thread
from .forms import FIELD_HINTS
from .forms import HONEYPOT
from .forms import CodeForm
from .forms import ReplyForm
from .forms import ReportForm
from .forms import SessionRequestForm
from .limits import limits


def minutes(window):
    return max(window.seconds // 60, 1)


def too_many_reports_message():
    return _("Kamu sudah mengirim beberapa cerita barusan. Tunggu sekitar %(num)d menit, lalu "
             "kirim lagi. Ceritamu di bawah masih ada, jadi tidak perlu menulis ulang.",
             num=minutes(limits().report))


def may_give_name():
    return current_user.is_authenticated and current_user.role == Role.STUDENT


@bp.route("/kotak", methods=["GET", "POST"])
def new():
    form = ReportForm()
    if not may_give_name():
        del form.include_name
    if request.method == "GET":
        return render_form(form)
    client = limits().client()
    if request.form.get(HONEYPOT) or limits().report.blocked(client):
        # A filled honeypot gets the rate-limit answer: a bot learns nothing from it.
        limits().report.hit(client)
        return render_form(form, 429, too_many_reports_message(), contacts=crisis_contacts())
    if not form.validate_on_submit():
        return render_form(form, 400)
    limits().report.hit(client)
    author = current_user if may_give_name() and form.include_name.data else None
    report, code = services.send_report(form.body.data, form.field.data, author)
    db.session.commit()
    page = render_sent(code, report.is_urgent, author is not None)
    if wants_fragment("kotak-form"):
        # The whole page, not the form's place; a reload of the address pushed here finds
        # the code gone (sent()) instead of sending the story again.
        return make_response(page, retarget="body", reswap="innerHTML",
                             push_url=url_for(".sent"))
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


@bp.route("/kotak/cek", methods=["GET", "POST"])
def check():
    if request.method == "GET":
        report = open_thread()
        if report is not None:
            return render_thread(report)
    form = CodeForm()
    if request.method == "GET":
        return render_template("problembox/check.html", form=form)
    client = limits().client()
    if limits().wrong_code.blocked(client):
        return render_template("problembox/check.html", form=form, error=_(
            "Terlalu banyak kode yang keliru dari HP ini. Tunggu sekitar %(num)d menit, lalu "
            "coba lagi.", num=minutes(limits().wrong_code))), 429
    if form.validate_on_submit():
        report = services.find_report_by_code(form.code.data)
        if report is not None:
            thread.remember(report)
            return redirect(url_for(".check"), 303)
        limits().wrong_code.hit(client)
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


@signing_out.connect
def close_on_sign_out(_app):
    if thread.had_cookie():
        thread.forget()


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


@bp.route("/kotak/cek/balas", methods=["POST"])
def reply():
    report, response = thread_or_redirect()
    if response is not None:
        return response
    form = ReplyForm()
    client = limits().client()
    if limits().reply.blocked(client):
        return render_thread(report, 429, reply_form=form, error=_(
            "Kamu sudah mengirim banyak balasan barusan. Tunggu sekitar %(num)d menit, lalu "
            "kirim lagi.", num=minutes(limits().reply)))
    if not form.validate_on_submit():
        return render_thread(report, 400, reply_form=form)
    limits().reply.hit(client)
    services.add_student_reply(report, form.body.data)
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
    flash(_("Permintaanmu sudah terkirim. Guru BK akan membalas di percakapan ini untuk "
            "mengatur waktunya."), "success")
    return redirect(url_for(".check"), 303)


@bp.route("/kotak/cek/tutup", methods=["POST"])
def close_thread():
    if EmptyForm().validate_on_submit():
        signing_out.send(current_app._get_current_object())
        db.session.commit()
        flash(_("Percakapan sudah ditutup di HP ini. Untuk membukanya lagi, masukkan kodemu."),
              "info")
    return redirect(url_for(".check"), 303)
