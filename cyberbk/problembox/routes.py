"""The student's side, no login needed: write (/kotak), see the code once (/kotak/terkirim),
open the thread with the code and answer back (/kotak/cek).

The code never travels in a URL. After a submit it waits in the session for
the one page that shows it; an opened thread is remembered in the session
(report id and last use) until it is closed, idles out or the quick exit ends
the session.
"""

import time

from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from htmx_flask import make_response

from ..accounts.models import Role
from ..extensions import db
from ..forms import EmptyForm
from ..fragments import wants_fragment
from ..pagecache import cacheable
from ..school.services import crisis_contacts
from . import bp
from . import services
from .forms import FIELD_HINTS
from .forms import HONEYPOT
from .forms import CodeForm
from .forms import ReplyForm
from .forms import ReportForm
from .forms import SessionRequestForm
from .limits import limits
from .models import ProblemReport

SENT_KEY = "problembox_sent"
THREAD_KEY = "problembox_thread"


def minutes(window):
    return max(window.seconds // 60, 1)


def too_many_reports_message():
    return _("Kamu sudah mengirim beberapa cerita barusan. Tunggu sekitar %(num)d menit, lalu "
             "kirim lagi. Ceritamu di bawah masih ada, jadi tidak perlu menulis ulang.",
             num=minutes(limits().report))


def may_give_name():
    return current_user.is_authenticated and current_user.role == Role.STUDENT


@bp.route("/kotak", methods=["GET", "POST"])
@cacheable
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
    urgent, code = services.send_report(form.body.data, form.field.data, author)
    session[SENT_KEY] = {"code": code, "calm": urgent, "named": author is not None}
    if wants_fragment("kotak-form"):
        return make_response("", redirect=url_for(".sent"))
    return redirect(url_for(".sent"), 303)


def render_form(form, status=200, error=None, contacts=None):
    template = "problembox/_form.html" if wants_fragment("kotak-form") else "problembox/new.html"
    return render_template(template, form=form, error=error, contacts=contacts,
                           field_hints={f.value: hint for f, hint in FIELD_HINTS.items()}), status


@bp.route("/kotak/terkirim")
def sent():
    """The follow-up code, shown once: a reload finds it gone."""
    sent = session.pop(SENT_KEY, None) or {}
    return render_template("problembox/sent.html", code=sent.get("code"),
                           named=sent.get("named", False),
                           contacts=crisis_contacts() if sent.get("calm") else None)


@bp.route("/kotak/cek", methods=["GET", "POST"])
@cacheable
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
            remember_thread(report)
            return redirect(url_for(".check"), 303)
        limits().wrong_code.hit(client)
        # One message for a wrong and a malformed code alike.
        form.code.errors.append(_("Kode itu tidak cocok. Periksa lagi hurufnya, lalu coba lagi."))
    return render_template("problembox/check.html", form=form), 400


def remember_thread(report):
    session[THREAD_KEY] = [report.id, int(time.time())]


def open_thread():
    """The thread opened on this device, or None (never opened, closed, idle too long)."""
    entry = session.get(THREAD_KEY)
    if not entry:
        return None
    report_id, last_use = entry
    idle = current_app.config["PROBLEMBOX_THREAD_IDLE_MINUTES"] * 60
    report = db.session.get(ProblemReport, report_id) if time.time() - last_use <= idle else None
    if report is None:
        session.pop(THREAD_KEY)
        flash(_("Percakapan ditutup otomatis karena lama tidak dibuka. Masukkan kodemu lagi."),
              "info")
        return None
    remember_thread(report)
    return report


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
        # Imported here: the chat package imports the problem box's services.
        from ..chat.services import close_sockets
        from ..chat.services import forget_session_sockets

        sockets = forget_session_sockets()
        db.session.commit()
        close_sockets(sockets)  # after the commit, not before: see close_sockets()
        session.pop(THREAD_KEY, None)
        flash(_("Percakapan sudah ditutup di HP ini. Untuk membukanya lagi, masukkan kodemu."),
              "info")
    return redirect(url_for(".check"), 303)
