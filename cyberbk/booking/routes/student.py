"""The public entry and the student's booking flow: choose a slot, data awal and consent,
then the student's own bookings."""

from datetime import timedelta

from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...accounts.decorators import roles_required
from ...accounts.models import Role
from ...accounts.models import User
from ...common.forms import EmptyForm
from ...common.fragments import wants_fragment
from ...common.vocabulary import Mode
from ...common.vocabulary import ServiceField
from ...extensions import db
from ...school.services import crisis_contacts
from .. import bp
from ..forms import ChoiceForm
from ..forms import ConsentForm
from ..forms import IntakeForm
from ..forms import MoveForm
from ..forms import PhoneWindowsForm
from ..models import HelpBefore
from ..models import Reminder
from ..services import bookings
from ..services import casework
from ..services import phone
from ..services import rules
from ..services import slots
from .shared import get_own_booking_or_404
from .shared import ics_response
from .shared import slot_context
from .shared import slot_refusal
from .shared import slot_taken_message


@bp.route("/jadwal")
def index():
    """The shared link: visitors see how to book, each role goes where it books."""
    role = current_user.role if current_user.is_authenticated else None
    if role == Role.COUNSELOR:
        return redirect(url_for("booking.agenda"))
    if role == Role.HOMEROOM:
        return redirect(url_for("booking.homeroom_referrals"))
    if role != Role.STUDENT:
        return render_template("booking/public.html")
    return render_choose(ChoiceForm(formdata=None))


def selected_counselor(form):
    """The counselor of the chosen slot, else the ?guru= filter; None means any."""
    offering = {c.id: c for c in slots.bookable_counselors()}
    chosen = form.slot.slot[0] if form.slot.slot else request.args.get("guru", "any")
    if str(chosen).isdigit() and int(chosen) in offering:
        return int(chosen), offering
    return None, offering


def render_choose(form, status=200):
    counselor_id, offering = selected_counselor(form)
    guru = counselor_id or "any"
    context = dict(form=form, counselors=offering.values(), counselor_id=counselor_id,
                   open_count=bookings.open_bookings_count(current_user),
                   max_open=rules.config("BOOKING_MAX_OPEN_PER_STUDENT"),
                   **slot_context(counselor_id, "booking.index",
                                  windows=phone.windows_of(current_user), guru=guru))
    if wants_fragment("slots"):
        return render_template("booking/_slots.html", **context)
    return render_template("booking/choose.html", **context), status


@bp.route("/jadwal/isi", methods=["POST"])
@roles_required(Role.STUDENT)
def intake():
    """Step 2 (data awal and consent) after a slot was chosen, then the booking itself."""
    if request.form.get("step") != "data-awal":
        form = ChoiceForm()
        if not form.validate_on_submit():
            return render_choose(form, 400)
        if bookings.open_bookings_count(current_user) >= \
                rules.config("BOOKING_MAX_OPEN_PER_STUDENT"):
            flash(_("Kamu sudah punya beberapa jadwal yang belum berlangsung. Batalkan salah "
                    "satu dulu kalau mau memilih waktu lain."), "error")
            return render_choose(form, 400)
        counselor_id, starts_at = form.slot.slot
        refusal = slot_refusal(counselor_id, starts_at, Mode(form.mode.data))
        if refusal:
            message, status = refusal
            flash(message, "error")
            return render_choose(form, status)
        intake_form = IntakeForm(formdata=None, step="data-awal", mode=form.mode.data,
                                 field=form.field.data, slot=form.slot.data,
                                 phone_times=form.phone_times.data)
        return render_intake(intake_form)

    form = IntakeForm()
    if not form.validate_on_submit():
        if form.slot.slot is None:
            # No known slot to show step 2 for: back to step 1, which says why.
            choice = ChoiceForm()
            choice.validate()
            return render_choose(choice, 400)
        return render_intake(form, 400)
    counselor_id, starts_at = form.slot.slot
    try:
        booking = bookings.book_for_student(
            current_user, counselor_id, starts_at, Mode(form.mode.data),
            ServiceField(form.field.data), phone_times=(form.phone_times.data or "").strip(),
            consented=form.consented,
            intake={"description": form.description.data.strip(),
                    "help_before": HelpBefore(form.help_before.data),
                    "feels_unsafe": form.feels_unsafe.data == "yes",
                    "reminder": Reminder(form.reminder.data)})
    except rules.SlotTaken:
        flash(slot_taken_message(), "error")
        return render_choose(ChoiceForm(formdata=None, mode=form.mode.data, field=form.field.data,
                                        slot=form.slot.data, phone_times=form.phone_times.data),
                             409)
    db.session.commit()
    return redirect(url_for("booking.detail", booking_id=booking.id, baru=1), 303)


def render_intake(form, status=200):
    counselor_id, starts_at = form.slot.slot
    counselor, ends_at = None, None
    if counselor_id:
        # "Any counselor" has no known length yet: the page then shows the start only.
        counselor = db.session.get(User, counselor_id)
        ends_at = starts_at + timedelta(minutes=slots.slot_minutes(counselor_id))
    return render_template("booking/intake.html", form=form, counselor=counselor,
                           starts_at=starts_at, ends_at=ends_at,
                           contacts=crisis_contacts()), status


@bp.route("/jadwal/saya")
@roles_required(Role.STUDENT)
def mine():
    return render_template("booking/mine.html",
                           bookings=bookings.student_bookings(current_user),
                           records=casework.records_for_student(current_user))


@bp.route("/jadwal/<int:booking_id>")
@roles_required(Role.STUDENT)
def detail(booking_id):
    booking = get_own_booking_or_404(booking_id)
    return detail_page(booking, fresh="baru" in request.args)


@bp.route("/jadwal/<int:booking_id>/batal", methods=["POST"])
@roles_required(Role.STUDENT)
def cancel(booking_id):
    booking = get_own_booking_or_404(booking_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    bookings.cancel_by_student(booking)
    db.session.commit()
    flash(_("Jadwal dibatalkan. Kamu bisa memilih waktu lain kapan saja."), "success")
    return redirect(url_for("booking.detail", booking_id=booking.id), 303)


def detail_page(booking, fresh=False):
    return render_template("booking/detail.html", booking=booking, fresh=fresh,
                           can_change=bookings.can_change(booking),
                           change_hours=rules.config("BOOKING_CHANGE_HOURS"),
                           action_form=EmptyForm(), consent_form=ConsentForm(),
                           contacts=crisis_contacts() if booking.urgent else [])


@bp.route("/jadwal/<int:booking_id>/pindah", methods=["GET", "POST"])
@roles_required(Role.STUDENT)
def reschedule(booking_id):
    booking = get_own_booking_or_404(booking_id)
    if not bookings.can_change(booking):
        flash(_("Jadwal ini sudah tidak bisa dipindah. Kalau ada halangan, kabari Guru BK "
                "langsung, ya."), "error")
        return detail_page(booking), 400
    form = MoveForm()
    status = 200
    if form.validate_on_submit():
        try:
            bookings.move_by_student(booking, form.slot.slot[1])
        except rules.SlotTaken:
            flash(slot_taken_message(), "error")
            status = 409
        else:
            db.session.commit()
            flash(_("Permintaan pindah jadwal terkirim. Tunggu konfirmasi Guru BK, ya."),
                  "success")
            return redirect(url_for("booking.detail", booking_id=booking.id), 303)
    elif form.errors:
        status = 400
    context = slot_context(booking.counselor_id, "booking.reschedule",
                           windows=phone.windows_of(current_user), booking_id=booking.id)
    if wants_fragment("slots"):
        return render_template("booking/_slots.html", form=form, **context)
    return render_template("booking/reschedule.html", booking=booking, form=form,
                           **context), status


@bp.route("/jadwal/<int:booking_id>/kesediaan", methods=["POST"])
@roles_required(Role.STUDENT)
def consent(booking_id):
    """Consent for a session the counselor invited the student to (after a referral)."""
    booking = get_own_booking_or_404(booking_id)
    form = ConsentForm()
    if not form.validate_on_submit():
        flash(_("Centang ketiga pernyataan kalau kamu setuju."), "error")
        return detail_page(booking), 400
    bookings.give_consent(booking)
    db.session.commit()
    flash(_("Terima kasih. Sampai bertemu di sesi nanti."), "success")
    return redirect(url_for("booking.detail", booking_id=booking.id), 303)


@bp.route("/jadwal/<int:booking_id>/kalender.ics")
@roles_required(Role.STUDENT)
def ics(booking_id):
    booking = get_own_booking_or_404(booking_id)
    return ics_response(booking, url_for("booking.detail", booking_id=booking.id, _external=True))


@bp.route("/jadwal/jam-hp", methods=["POST"])
@roles_required(Role.STUDENT)
def phone_windows():
    """Jam pegang HP, from the student's home: the times to offer first when booking."""
    form = PhoneWindowsForm()
    if not form.validate_on_submit():
        abort(400)
    phone.set_windows(current_user, form.windows.data or [])
    db.session.commit()
    flash(_("Tersimpan. Waktu ngobrol yang pas dengan jam kamu pegang HP akan muncul paling "
            "atas."), "success")
    return redirect(url_for("main.student_home"), 303)
