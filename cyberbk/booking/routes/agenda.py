"""The counselor's agenda and bookings: confirm, decline, move."""

from datetime import timedelta

from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...accounts.decorators import roles_required
from ...accounts.models import Role
from ...audit.services import record
from ...common import listing
from ...common.fragments import wants_fragment
from ...common.schooltime import local_today
from ...extensions import db
from .. import bp
from ..forms import ConfirmForm
from ..forms import CounselorMoveForm
from ..forms import DeclineForm
from ..models import BookingStatus
from ..services import bookings
from ..services import overview
from ..services import phone
from ..services import reminders
from ..services import rules
from ..services import slots
from .shared import get_counselor_booking_or_404
from .shared import ics_response
from .shared import slot_context
from .shared import slot_taken_message
from .shared import week_offset


@bp.route("/bk/jadwal")
@roles_required(Role.COUNSELOR)
def agenda():
    week, last = week_offset(7 * 8)
    first_day = local_today() + timedelta(days=7 * week)
    return render_template("booking/counselor/agenda.html",
                           pending=overview.pending_for_counselor(current_user),
                           days=overview.agenda(current_user, first_day, 7),
                           today=local_today(), week=week, last_week=last,
                           has_hours=bool(slots.weekly_hours(current_user)))


#: The element the list of every booking swaps (search, status, order, pages).
BOOKINGS_LIST = "jadwal-daftar"


@bp.route("/bk/jadwal/semua")
@roles_required(Role.COUNSELOR)
def bookings_list():
    """Every booking the counselor may open, past and coming: the agenda shows a week."""
    statuses = {status.value: status for status in BookingStatus}
    # An unknown status is a link gone stale: the whole list, not an error.
    status = statuses.get(request.args.get("status", ""))
    rows = overview.bookings_page(current_user, listing.wanted(overview.BOOKING_SORTS, "-waktu"),
                                  status)
    template = "booking/counselor/_bookings_list.html" if wants_fragment(BOOKINGS_LIST) \
        else "booking/counselor/bookings.html"
    return render_template(template, listing=rows, target=BOOKINGS_LIST, status=status,
                           statuses=list(BookingStatus))


@bp.route("/bk/jadwal/<int:booking_id>")
@roles_required(Role.COUNSELOR)
def staff_detail(booking_id):
    booking = get_counselor_booking_or_404(booking_id)
    record(current_user, "read", "booking", booking.id,
           summary="Membuka data awal dan rincian jadwal konseling")
    db.session.commit()
    return render_staff_detail(booking)


def render_staff_detail(booking, status=200, confirm_form=None, decline_form=None):
    answered, windows = phone.answer_of(booking.student)
    return render_template(
        "booking/counselor/booking.html", booking=booking,
        acting=booking.counselor_id == current_user.id,
        confirm_form=confirm_form or ConfirmForm(formdata=None),
        decline_form=decline_form or DeclineForm(formdata=None),
        whatsapp_link=reminders.whatsapp_reminder_link(booking),
        windows=windows, answered=answered), status


@bp.route("/bk/jadwal/<int:booking_id>/konfirmasi", methods=["POST"])
@roles_required(Role.COUNSELOR)
def confirm(booking_id):
    booking = get_counselor_booking_or_404(booking_id, acting=True)
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_staff_detail(booking, 400, confirm_form=form)
    bookings.confirm(booking, (form.message.data or "").strip())
    db.session.commit()
    flash(_("Jadwal dikonfirmasi. Siswa melihatnya di halaman jadwalnya."), "success")
    return redirect(url_for("booking.staff_detail", booking_id=booking.id), 303)


@bp.route("/bk/jadwal/<int:booking_id>/tolak", methods=["POST"])
@roles_required(Role.COUNSELOR)
def decline(booking_id):
    booking = get_counselor_booking_or_404(booking_id, acting=True)
    form = DeclineForm()
    if not form.validate_on_submit():
        return render_staff_detail(booking, 400, decline_form=form)
    bookings.decline(booking, form.message.data.strip())
    db.session.commit()
    flash(_("Jadwal ditolak. Siswa melihat alasannya."), "success")
    return redirect(url_for("booking.agenda"), 303)


@bp.route("/bk/jadwal/<int:booking_id>/pindah", methods=["GET", "POST"])
@roles_required(Role.COUNSELOR)
def staff_reschedule(booking_id):
    booking = get_counselor_booking_or_404(booking_id, acting=True)
    form = CounselorMoveForm()
    status = 200
    if form.validate_on_submit():
        try:
            bookings.move_by_counselor(booking, form.slot.slot[1], form.message.data.strip())
        except rules.SlotTaken:
            flash(slot_taken_message(), "error")
            status = 409
        else:
            db.session.commit()
            flash(_("Jadwal dipindah. Siswa melihat waktu baru dan alasannya."), "success")
            return redirect(url_for("booking.staff_detail", booking_id=booking.id), 303)
    elif form.errors:
        status = 400
    context = slot_context(booking.counselor_id, "booking.staff_reschedule",
                           booking_id=booking.id)
    if wants_fragment("slots"):
        return render_template("booking/_slots.html", form=form, **context)
    return render_template("booking/counselor/reschedule.html", booking=booking, form=form,
                           **context), status


@bp.route("/bk/jadwal/<int:booking_id>/kalender.ics")
@roles_required(Role.COUNSELOR)
def staff_ics(booking_id):
    booking = get_counselor_booking_or_404(booking_id)
    return ics_response(booking, url_for("booking.staff_detail", booking_id=booking.id,
                                         _external=True))
