"""What several booking pages share: who may see which record, refusals, the slot
picker and the calendar file."""

from datetime import timedelta

from flask import Response
from flask import abort
from flask import flash
from flask import redirect
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...accounts.models import Role
from ...accounts.models import User
from ...common import access
from ...common.schooltime import local_today
from ...extensions import db
from .. import bp
from ..models import Booking
from ..models import CounselingCase
from ..models import Referral
from ..models import label
from ..services import bookings
from ..services import reminders
from ..services import rules
from ..services import slots


@bp.app_template_global("booking_label")
def booking_label(value):
    """Indonesian label of a booking enum value (mode, status, field...), for templates."""
    return label(value)


# Who may see what: students their own bookings, counselors what models.may_open lets
# them open. Other people's records answer 404, so their existence does not leak.

def get_own_booking_or_404(booking_id):
    return access.get_or_404(Booking, booking_id,
                             lambda booking: booking.student_id == current_user.id)


def get_counselor_booking_or_404(booking_id, acting=False):
    """A booking the counselor may open; `acting` (to change it): one booked with them,
    since a case handed over shares its bookings to read only."""
    return access.get_or_404(Booking, booking_id, booked_with_me if acting else opens_to_me)


def get_case_or_404(case_id):
    return access.get_or_404(CounselingCase, case_id, opens_to_me)


def get_referral_or_404(referral_id):
    """Unclaimed referrals are open to every counselor; a claimed one to its counselor."""
    return access.get_or_404(Referral, referral_id, opens_to_me)


def opens_to_me(row):
    """A counseling record the signed-in counselor may open (its `open_to`: may_open)."""
    return row.open_to(current_user.id)


def booked_with_me(booking):
    return booking.counselor_id == current_user.id


#: The page a refused change's form is on, where other than the form's own URL.
REFUSED_PAGES = {
    "booking.intake": "booking.index",
    "booking.cancel": "booking.detail",
    "booking.reschedule": "booking.detail",
    "booking.add_hours": "booking.hours",
    "booking.add_closed_period": "booking.hours",
    "booking.confirm": "booking.staff_detail",
    "booking.decline": "booking.staff_detail",
    "booking.staff_reschedule": "booking.staff_detail",
    "booking.close_case": "booking.case_file",
    "booking.hand_over": "booking.case_file",
    "booking.invite": "dashboard.student",
    "booking.decline_invitation": "booking.invitation",
    "booking.phone_windows": "main.student_home",
    "booking.link_parent_student": "booking.parent_requests",
}


@bp.errorhandler(rules.NotAllowed)
def refused(error):
    """A rule forbids the change: none of it is kept, and the person is back on the form's
    page, which shows how things stand now, with the reason."""
    db.session.rollback()
    flash(str(error), "error")
    page = REFUSED_PAGES.get(request.endpoint, request.endpoint)
    return redirect(url_for(page, **request.view_args), 303)


def week_offset(days_ahead):
    last = max(0, (days_ahead - 1) // 7)
    week = request.args.get("minggu", "0")
    return min(int(week), last) if week.isdigit() else 0, last


def slot_context(counselor_id, endpoint, windows=(), **url_args):
    """Free slots of one week for the slot picker, with links to the other weeks. With the
    student's phone `windows`, the slots within them come first (`fitting`), apart."""
    days_ahead = rules.config("BOOKING_DAYS_AHEAD")
    week, last = week_offset(days_ahead)
    first_day = local_today() + timedelta(days=7 * week)
    groups = slots.slot_choices(counselor_id, first_day, min(7, days_ahead - 7 * week),
                                windows=windows)
    fitting = [(day, fits) for day, items in groups
               if (fits := [choice for choice in items if choice.fits])]
    groups = [(day, others) for day, items in groups
              if (others := [choice for choice in items if not choice.fits])]
    links = []
    if week > 0:
        links.append((_("‹ Minggu sebelumnya"), url_for(endpoint, minggu=week - 1, **url_args)))
    if week < last:
        links.append((_("Minggu berikutnya ›"), url_for(endpoint, minggu=week + 1, **url_args)))
    return {"groups": groups, "fitting": fitting, "windows": windows, "week_links": links}


def slot_taken_message():
    return _("Yah, waktu itu baru saja diambil orang lain. Pilih waktu lain, ya.")


def slot_refusal(counselor_id, starts_at, mode):
    """(message, status) when the slot cannot be had in this mode now, else None: checked
    before the student goes on, so that a refusal keeps what they filled in."""
    free = slots.free_at(counselor_id, starts_at)
    if not free:
        return slot_taken_message(), 409
    if not any(slots.mode_allowed(slot, mode) for slot in free):
        return bookings.chat_only_message(), 400
    return None


def get_student_or_404(student_id):
    student = db.session.get(User, student_id)
    if student is None or student.role != Role.STUDENT:
        abort(404)
    return student


def ics_response(booking, link):
    body = reminders.ics_calendar(booking, link, request.host.split(":")[0])
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": 'attachment; filename="jadwal.ics"'})
