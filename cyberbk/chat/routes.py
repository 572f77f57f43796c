"""The chat pages: history rendered here, then chat.js goes live over Socket.IO.

Everything also works without JavaScript: a plain form sends, a link loads what is new.
/konseling/<id> is a booking's session (its student and counselor only; anyone
else gets 404), /konseling/kotak the problem-box thread opened in this browser
with its code (the code never travels in a URL), /bk/konseling/kotak/<id> that
thread for counselors.
"""

from flask import abort
from flask import current_app
from flask import flash
from flask import g
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.decorators import roles_required
from ..accounts.models import Role
from ..booking.models import Booking
from ..booking.models import BookingStatus
from ..common import numbers
from ..common import signals
from ..common.forms import EmptyForm
from ..extensions import db
from ..problembox.models import ProblemReport
from ..school.services import crisis_contacts
from ..school.services import get_settings
from . import bp
from .forms import MessageForm
from .services import messaging
from .services import moderation
from .services import rooms
from .services import rules
from .services import service_hours
from .services import video_calls
from .services.rooms import BookingChat
from .services.rules import Refused
from .services.rules import Side


def get_booking_seat_or_404(booking_id):
    seat = rooms.booking_seat(current_user, db.session.get(Booking, booking_id))
    if seat is None:
        abort(404)
    return seat


def get_thread_seat_or_404(report_id):
    seat = rooms.counselor_thread_seat(current_user, db.session.get(ProblemReport, report_id))
    if seat is None:
        abort(404)
    return seat


def opened_thread():
    """The problem-box thread opened on this device, kept open (or closed, with a word why)."""
    return signals.answer(signals.thread_opened_here, current_app._get_current_object(),
                          touch=True)


def reporter_seat_or_redirect():
    """The reporter's seat at the thread opened here, or a redirect to the code form."""
    report = opened_thread()
    if report is None:
        return None, redirect(url_for("problembox.check"), 303)
    return rooms.reporter_seat(report), None


def chat_urls(seat):
    chat = seat.chat
    if isinstance(chat, BookingChat):
        booking_id = chat.booking.id
        return {"page": url_for(".show", booking_id=booking_id),
                "send": url_for(".send", booking_id=booking_id),
                "video": url_for(".video", booking_id=booking_id),
                "end": url_for(".end", booking_id=booking_id)}
    if seat.user is None:
        return {"page": url_for(".thread"), "send": url_for(".thread_send")}
    return {"page": url_for(".staff_thread", report_id=chat.report.id),
            "send": url_for(".staff_thread_send", report_id=chat.report.id)}


def you(seat):
    """How the page addresses its reader: a student "kamu", a counselor "Anda"."""
    return _("Kamu") if seat.side == Side.STUDENT else _("Anda")


def names(seat):
    """How the page names each side: "Kamu"/"Anda" for oneself, a name (or role) for the
    other."""
    chat = seat.chat
    if isinstance(chat, BookingChat):
        student = chat.booking.student.full_name
        counselor = chat.booking.counselor.full_name
    else:
        student, counselor = _("Siswa (tanpa nama)"), _("Guru BK")
    others = {Side.STUDENT: student, Side.COUNSELOR: counselor}
    return {side.value: (you(seat) if side == seat.side else others[side]) for side in Side}


def client_texts(seat):
    """Texts chat.js shows, in the page's language (the JavaScript holds none)."""
    other = names(seat)[seat.other_side.value]
    return {
        "sending": _("Mengirim…"), "sent": _("Terkirim"), "delivered": _("Diterima"),
        "read": _("Dibaca"), "failed": _("Belum terkirim"),
        "waiting": _("Tersimpan, menunggu sambungan"),
        "typing": _("%(name)s sedang mengetik…", name=other),
        "online": _("Tersambung. Pesan baru langsung muncul."),
        "offline": (_("Sambungan terputus. Pesan yang kamu tulis dikirim begitu tersambung "
                      "lagi.") if seat.side == Side.STUDENT else
                    _("Sambungan terputus. Pesan yang Anda tulis dikirim begitu tersambung "
                      "lagi.")),
        "refused": _("Chat langsung tidak bisa dibuka. Muat ulang halaman ini."),
        "queue_down": _("Pesan tersimpan, menunggu sambungan: pesan baru sampai begitu "
                        "sambungan server pulih, tanpa memuat ulang halaman."),
        "too_long": str(rules.refusal("too_long")),
        "mine": you(seat), "theirs": other,
    }


def render_chat(seat, template="chat/session.html", status=200, form=None, error=None,
                **extra):
    """The chat page. Its writes (an audit entry, the room made on first use, the read
    marker) are the request's one commit, made before the room hears of the marker."""
    chat = seat.chat
    before = request.args.get("sebelum", type=numbers.database_int)
    messages, has_older = chat.latest(rules.config("CHAT_PAGE_SIZE"), before=before)
    moved = False
    if messages and not before:
        moved = messaging.mark(seat, messages[-1].id, read=True)
    db.session.commit()
    if moved:
        messaging.broadcast(chat, "state", chat.state())
    closed = chat.closed_reason()
    notice = (service_hours.service_notice(chat) if seat.side == Side.STUDENT and not closed
              else None)
    evaluation = None
    if closed == "ended" and seat.side == Side.STUDENT and seat.user is not None:
        evaluation = signals.answer(signals.session_evaluation, chat.booking)
    return render_template(
        template, seat=seat, chat=chat, messages=messages, has_older=has_older, before=before,
        urls=chat_urls(seat), names=names(seat), texts=client_texts(seat),
        state_of=lambda message: messaging.message_state(chat, message, seat.side),
        closed=closed, closed_message=str(rules.refusal(closed)) if closed else None,
        notice=notice, contacts=crisis_contacts() if notice else None, evaluation=evaluation,
        form=form or MessageForm(formdata=None), error=error, end_form=EmptyForm(),
        last_id=chat.last_id(), max_chars=rules.config("CHAT_MAX_CHARS"),
        idle_seconds=rules.idle_seconds(seat), **extra), status


def send_message(seat):
    """The plain form's send: stored and told to the room, then back to the page (303)."""
    form = MessageForm()
    if not form.validate_on_submit():
        return render_chat(seat, status=400, form=form)
    # The room, made on first use, is committed before a booking's message goes to the
    # group commit: its own connection must find the room, and the write lock free.
    seat.chat.room()
    db.session.commit()
    try:
        moderation.take_message_slot(seat.limit_key)
        message, new = messaging.send(seat, form.body.data)
    except Refused as error:
        status = {"rate": 429, "ended": 409, "not_confirmed": 409, "no_consent": 409}
        return render_chat(seat, status=status.get(error.reason, 400), form=form,
                           error=str(error))
    # A thread's message is on disk before anyone hears of it.
    db.session.commit()
    if new:
        messaging.broadcast(seat.chat, "new_message", message)
    return redirect(chat_urls(seat)["page"] + "#bawah", 303)


# A booking's session.

@bp.route("/konseling/<int:booking_id>")
@roles_required(Role.STUDENT, Role.COUNSELOR)
def show(booking_id):
    seat = get_booking_seat_or_404(booking_id)
    rooms.audit_read(seat)
    if not seat.chat.can_connect():
        return render_unavailable(seat)
    return render_chat(seat)


def render_unavailable(seat):
    db.session.commit()  # the audit entry of the opening
    return render_template("chat/unavailable.html", seat=seat, booking=seat.chat.booking)


@bp.route("/konseling/<int:booking_id>/kirim", methods=["POST"])
@roles_required(Role.STUDENT, Role.COUNSELOR)
def send(booking_id):
    seat = get_booking_seat_or_404(booking_id)
    if not seat.chat.can_connect():
        abort(409)
    return send_message(seat)


@bp.route("/konseling/<int:booking_id>/selesai", methods=["POST"])
@roles_required(Role.COUNSELOR)
def end(booking_id):
    seat = get_booking_seat_or_404(booking_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if seat.chat.booking.status != BookingStatus.CONFIRMED or seat.chat.closed_reason() == "ended":
        flash(_("Sesi ini sudah selesai atau belum dikonfirmasi."), "error")
        return redirect(url_for(".show", booking_id=booking_id), 303)
    messaging.end_session(seat.chat)
    db.session.commit()
    # Only now is the room told: nobody hears of an end that could still be lost.
    messaging.broadcast(seat.chat, "ended", {})
    if signals.answer(signals.session_evaluation, seat.chat.booking) is None:
        flash(_("Sesi diakhiri. Belum ada angket “Evaluasi sesi konseling” yang dibuka untuk "
                "kelas siswa ini, jadi sesi ini tidak dievaluasi. Buka angket itu di menu "
                "Asesmen supaya siswa dapat mengevaluasi sesi berikutnya dari berandanya."),
              "info")
    else:
        flash(_("Sesi diakhiri. Siswa sekarang melihat tautan evaluasi sesi di berandanya."),
              "success")
    return redirect(url_for(".show", booking_id=booking_id), 303)


@bp.route("/konseling/<int:booking_id>/video")
@roles_required(Role.STUDENT, Role.COUNSELOR)
def video(booking_id):
    seat = get_booking_seat_or_404(booking_id)
    rooms.audit_read(seat)
    if not seat.chat.can_connect():
        return render_unavailable(seat)
    call = None
    if seat.chat.closed_reason() is None and current_app.config["JITSI_DOMAIN"]:
        # The page's policy then lets the Jitsi server in (security.content_security_policy).
        g.video_call = True
        room_name = video_calls.video_room(seat.chat)
        name = video_calls.video_name(seat)
        call = {"domain": current_app.config["JITSI_DOMAIN"], "room": room_name, "name": name,
                "jwt": video_calls.jitsi_token(room_name, name, seat.side == Side.COUNSELOR) or "",
                "embed": video_calls.embeds_video(),
                "probe_seconds": rules.config("JITSI_PROBE_SECONDS"),
                "subject": get_settings().name}
    return render_chat(seat, template="chat/video.html", call=call)


# The problem-box thread, live.

@bp.route("/konseling/kotak")
def thread():
    seat, response = reporter_seat_or_redirect()
    return response or render_chat(seat)


@bp.route("/konseling/kotak/kirim", methods=["POST"])
def thread_send():
    seat, response = reporter_seat_or_redirect()
    return response or send_message(seat)


@bp.route("/bk/konseling/kotak/<int:report_id>")
@roles_required(Role.COUNSELOR)
def staff_thread(report_id):
    seat = get_thread_seat_or_404(report_id)
    rooms.audit_read(seat)
    return render_chat(seat)


@bp.route("/bk/konseling/kotak/<int:report_id>/kirim", methods=["POST"])
@roles_required(Role.COUNSELOR)
def staff_thread_send(report_id):
    return send_message(get_thread_seat_or_404(report_id))


@bp.route("/konseling/aktif", methods=["POST"])
def keepalive():
    """chat.js calls this while the person types or taps: a live chat is activity, so the
    login (and an opened problem-box thread) must not time out under it."""
    opened_thread()
    return "", 204
