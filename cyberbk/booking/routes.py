from datetime import datetime
from datetime import timedelta

from flask import Response
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from .. import ratelimit
from ..accounts.decorators import roles_required
from ..accounts.models import Role
from ..accounts.models import User
from ..audit.services import record
from ..common import numbers
from ..common.forms import EmptyForm
from ..common.fragments import wants_fragment
from ..common.schooltime import local_today
from ..common.schooltime import to_local
from ..common.schooltime import to_utc
from ..common.schooltime import utcnow
from ..common.vocabulary import Mode
from ..common.vocabulary import ServiceField
from ..extensions import db
from ..school.services import crisis_contacts
from . import bp
from . import services
from .forms import ChoiceForm
from .forms import ClosedDaysForm
from .forms import CloseCaseForm
from .forms import ConfirmForm
from .forms import ConsentForm
from .forms import CounselorMoveForm
from .forms import DeclineForm
from .forms import ExtraSlotForm
from .forms import HandoverForm
from .forms import IntakeForm
from .forms import MoveForm
from .forms import ParentRequestForm
from .forms import ReferralForm
from .forms import ScheduleReferralForm
from .forms import SessionRecordForm
from .forms import SlotLengthForm
from .forms import WeeklyHoursForm
from .forms import WEEKDAYS
from .models import AvailabilityException
from .models import Booking
from .models import CounselingCase
from .models import HelpBefore
from .models import Outcome
from .models import ParentRequest
from .models import Referral
from .models import Reminder
from .models import WeeklyHours
from .models import label


@bp.app_template_global("booking_label")
def booking_label(value):
    """Indonesian label of a booking enum value (mode, status, field...), for templates."""
    return label(value)


# Who may see what. Other people's records answer 404, so their existence does not leak.

def get_own_booking_or_404(booking_id):
    booking = db.session.get(Booking, booking_id)
    if booking is None or booking.student_id != current_user.id:
        abort(404)
    return booking


def get_counselor_booking_or_404(booking_id, acting=False):
    """A booking in the counselor's agenda, or in a case assigned to them (read only)."""
    booking = db.session.get(Booking, booking_id)
    if booking is None:
        abort(404)
    own = booking.counselor_id == current_user.id
    via_case = booking.case is not None and booking.case.counselor_id == current_user.id
    if not own and not (via_case and not acting):
        abort(404)
    return booking


def get_case_or_404(case_id):
    case = db.session.get(CounselingCase, case_id)
    if case is None or case.counselor_id != current_user.id:
        abort(404)
    return case


def get_referral_or_404(referral_id):
    """Unclaimed referrals are open to every counselor; a claimed one to its counselor."""
    referral = db.session.get(Referral, referral_id)
    if referral is None or referral.counselor_id not in (None, current_user.id):
        abort(404)
    return referral


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
}


@bp.errorhandler(services.NotAllowed)
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


def slot_context(counselor_id, endpoint, **url_args):
    """Free slots of one week for the slot picker, with links to the other weeks."""
    days_ahead = services.config("BOOKING_DAYS_AHEAD")
    week, last = week_offset(days_ahead)
    first_day = local_today() + timedelta(days=7 * week)
    groups = services.slot_choices(counselor_id, first_day, min(7, days_ahead - 7 * week))
    links = []
    if week > 0:
        links.append((_("‹ Minggu sebelumnya"), url_for(endpoint, minggu=week - 1, **url_args)))
    if week < last:
        links.append((_("Minggu berikutnya ›"), url_for(endpoint, minggu=week + 1, **url_args)))
    return {"groups": groups, "week_links": links}


def slot_taken_message():
    return _("Yah, waktu itu baru saja diambil orang lain. Pilih waktu lain, ya.")


# Public entry and the student's booking flow.

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
    offering = {c.id: c for c in services.bookable_counselors()}
    chosen = form.slot.slot[0] if form.slot.slot else request.args.get("guru", "any")
    if str(chosen).isdigit() and int(chosen) in offering:
        return int(chosen), offering
    return None, offering


def render_choose(form, status=200):
    counselor_id, offering = selected_counselor(form)
    guru = counselor_id or "any"
    context = dict(form=form, counselors=offering.values(), counselor_id=counselor_id,
                   open_count=services.open_bookings_count(current_user),
                   max_open=services.config("BOOKING_MAX_OPEN_PER_STUDENT"),
                   **slot_context(counselor_id, "booking.index", guru=guru))
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
        if services.open_bookings_count(current_user) >= \
                services.config("BOOKING_MAX_OPEN_PER_STUDENT"):
            flash(_("Kamu sudah punya beberapa jadwal yang belum berlangsung. Batalkan salah "
                    "satu dulu kalau mau memilih waktu lain."), "error")
            return render_choose(form, 400)
        counselor_id, starts_at = form.slot.slot
        if not slot_still_free(counselor_id, starts_at):
            flash(slot_taken_message(), "error")
            return render_choose(form, 409)
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
        booking = services.book_for_student(
            current_user, counselor_id, starts_at, Mode(form.mode.data),
            ServiceField(form.field.data), phone_times=(form.phone_times.data or "").strip(),
            consented=form.consented,
            intake={"description": form.description.data.strip(),
                    "help_before": HelpBefore(form.help_before.data),
                    "feels_unsafe": form.feels_unsafe.data == "yes",
                    "reminder": Reminder(form.reminder.data)})
    except services.SlotTaken:
        flash(slot_taken_message(), "error")
        return render_choose(ChoiceForm(formdata=None, mode=form.mode.data, field=form.field.data,
                                        slot=form.slot.data, phone_times=form.phone_times.data),
                             409)
    db.session.commit()
    return redirect(url_for("booking.detail", booking_id=booking.id, baru=1), 303)


def slot_still_free(counselor_id, starts_at):
    if counselor_id is None:
        return bool(services.counselors_free_at(starts_at))
    return services.find_free_slot(counselor_id, starts_at) is not None


def render_intake(form, status=200):
    counselor_id, starts_at = form.slot.slot
    counselor, ends_at = None, None
    if counselor_id:
        # "Any counselor" has no known length yet: the page then shows the start only.
        counselor = db.session.get(User, counselor_id)
        ends_at = starts_at + timedelta(minutes=services.slot_minutes(counselor_id))
    return render_template("booking/intake.html", form=form, counselor=counselor,
                           starts_at=starts_at, ends_at=ends_at,
                           contacts=crisis_contacts()), status


@bp.route("/jadwal/saya")
@roles_required(Role.STUDENT)
def mine():
    return render_template("booking/mine.html",
                           bookings=services.student_bookings(current_user),
                           records=services.records_for_student(current_user))


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
    services.cancel_by_student(booking)
    db.session.commit()
    flash(_("Jadwal dibatalkan. Kamu bisa memilih waktu lain kapan saja."), "success")
    return redirect(url_for("booking.detail", booking_id=booking.id), 303)


def detail_page(booking, fresh=False):
    return render_template("booking/detail.html", booking=booking, fresh=fresh,
                           can_change=services.can_change(booking),
                           change_hours=services.config("BOOKING_CHANGE_HOURS"),
                           action_form=EmptyForm(), consent_form=ConsentForm(),
                           contacts=crisis_contacts() if booking.urgent else [])


@bp.route("/jadwal/<int:booking_id>/pindah", methods=["GET", "POST"])
@roles_required(Role.STUDENT)
def reschedule(booking_id):
    booking = get_own_booking_or_404(booking_id)
    if not services.can_change(booking):
        flash(_("Jadwal ini sudah tidak bisa dipindah. Kalau ada halangan, kabari Guru BK "
                "langsung, ya."), "error")
        return detail_page(booking), 400
    form = MoveForm()
    status = 200
    if form.validate_on_submit():
        try:
            services.move_by_student(booking, form.slot.slot[1])
        except services.SlotTaken:
            flash(slot_taken_message(), "error")
            status = 409
        else:
            db.session.commit()
            flash(_("Permintaan pindah jadwal terkirim. Tunggu konfirmasi Guru BK, ya."),
                  "success")
            return redirect(url_for("booking.detail", booking_id=booking.id), 303)
    elif form.errors:
        status = 400
    context = slot_context(booking.counselor_id, "booking.reschedule", booking_id=booking.id)
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
    services.give_consent(booking)
    db.session.commit()
    flash(_("Terima kasih. Sampai bertemu di sesi nanti."), "success")
    return redirect(url_for("booking.detail", booking_id=booking.id), 303)


def ics_response(booking, link):
    body = services.ics_calendar(booking, link, request.host.split(":")[0])
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": 'attachment; filename="jadwal.ics"'})


@bp.route("/jadwal/<int:booking_id>/kalender.ics")
@roles_required(Role.STUDENT)
def ics(booking_id):
    booking = get_own_booking_or_404(booking_id)
    return ics_response(booking, url_for("booking.detail", booking_id=booking.id, _external=True))


# Parents, without an account.

def parent_form():
    form = ParentRequestForm()
    form.class_name.choices = [SelectChoice("", _("Pilih kelas"))] + [
        SelectChoice(name) for name in services.class_names()]
    return form


def refuse_parent_request(form):
    flash(_("Permintaan dari nomor atau perangkat ini sudah cukup banyak. Guru BK akan "
            "menghubungi Bapak/Ibu. Coba lagi besok kalau belum ada kabar."), "error")
    return render_template("booking/parent.html", form=form), 429


def too_many_parent_requests(request_limit):
    return ratelimit.refused(refuse_parent_request(parent_form()), request_limit)


@bp.route("/jadwal/orang-tua", methods=["GET", "POST"])
# Counted when a request is stored.
@ratelimit.guard_posts("PARENT_REQUEST_LIMIT", too_many_parent_requests,
                       deduct_when=lambda response: response.status_code == 303)
def parent_request():
    form = parent_form()
    if form.validate_on_submit():
        if not services.parent_request_allowed(form.whatsapp.normalised):
            return refuse_parent_request(form)
        services.add_parent_request(
            parent_name=form.parent_name.data.strip(), child_name=form.child_name.data.strip(),
            class_name=form.class_name.data, whatsapp=form.whatsapp.normalised,
            preferred_times=form.preferred_times.data.strip(), topic=form.topic.data.strip())
        db.session.commit()
        return redirect(url_for("booking.parent_sent"), 303)
    return render_template("booking/parent.html", form=form), 400 if form.errors else 200


@bp.route("/jadwal/orang-tua/terkirim")
def parent_sent():
    return render_template("booking/parent_sent.html")


# Counselors: availability.

@bp.route("/bk/jadwal/jam")
@roles_required(Role.COUNSELOR)
def hours():
    return render_hours()


def render_hours(status=200, **forms):
    forms.setdefault("length_form", SlotLengthForm(
        prefix="lama", formdata=None, minutes=services.slot_minutes(current_user.id)))
    forms.setdefault("hours_form", WeeklyHoursForm(prefix="jam", formdata=None))
    forms.setdefault("closed_form", ClosedDaysForm(prefix="libur", formdata=None))
    forms.setdefault("extra_form", ExtraSlotForm(prefix="ekstra", formdata=None))
    return render_template("booking/counselor/hours.html",
                           weekly=services.weekly_hours(current_user),
                           exceptions=services.upcoming_exceptions(current_user),
                           weekdays=WEEKDAYS, delete_form=EmptyForm(), **forms), status


def saved_hours(message):
    flash(message, "success")
    return redirect(url_for("booking.hours"), 303)


@bp.route("/bk/jadwal/jam/lama", methods=["POST"])
@roles_required(Role.COUNSELOR)
def set_slot_length():
    form = SlotLengthForm(prefix="lama")
    if not form.validate_on_submit():
        return render_hours(400, length_form=form)
    services.set_slot_minutes(current_user, form.minutes.data)
    db.session.commit()
    return saved_hours(_("Lama sesi disimpan."))


@bp.route("/bk/jadwal/jam/tambah", methods=["POST"])
@roles_required(Role.COUNSELOR)
def add_hours():
    form = WeeklyHoursForm(prefix="jam")
    if not form.validate_on_submit():
        return render_hours(400, hours_form=form)
    services.add_weekly_hours(current_user, form.weekday.data, form.start.data, form.end.data)
    db.session.commit()
    return saved_hours(_("Jam layanan ditambahkan."))


@bp.route("/bk/jadwal/jam/<int:hours_id>/hapus", methods=["POST"])
@roles_required(Role.COUNSELOR)
def delete_hours(hours_id):
    return delete_own_schedule_entry(
        WeeklyHours, hours_id,
        _("Jam layanan dihapus. Jadwal yang sudah dibuat siswa tetap berlaku."))


@bp.route("/bk/jadwal/libur", methods=["POST"])
@roles_required(Role.COUNSELOR)
def add_closed_period():
    form = ClosedDaysForm(prefix="libur")
    if not form.validate_on_submit():
        return render_hours(400, closed_form=form)
    services.add_closed_period(current_user, form.first_day.data,
                               form.last_day.data or form.first_day.data,
                               form.from_time.data, form.until_time.data,
                               (form.note.data or "").strip())
    db.session.commit()
    return saved_hours(_("Tanggal libur disimpan. Jadwal yang sudah ada di tanggal itu "
                         "tidak ikut batal: periksa agenda."))


@bp.route("/bk/jadwal/slot-tambahan", methods=["POST"])
@roles_required(Role.COUNSELOR)
def add_extra_slot():
    form = ExtraSlotForm(prefix="ekstra")
    if not form.validate_on_submit():
        return render_hours(400, extra_form=form)
    services.add_extra_slot(current_user, form.day.data, form.start.data,
                            (form.note.data or "").strip())
    db.session.commit()
    return saved_hours(_("Slot tambahan disimpan."))


@bp.route("/bk/jadwal/pengecualian/<int:exception_id>/hapus", methods=["POST"])
@roles_required(Role.COUNSELOR)
def delete_exception(exception_id):
    return delete_own_schedule_entry(AvailabilityException, exception_id,
                                     _("Pengecualian dihapus."))


def delete_own_schedule_entry(model, entry_id, message):
    """Delete one of the counselor's own weekly hours or exceptions; another's is a 404."""
    entry = db.session.get(model, entry_id)
    if entry is None or entry.counselor_id != current_user.id:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    db.session.delete(entry)
    db.session.commit()
    return saved_hours(message)


# Counselors: agenda and bookings.

@bp.route("/bk/jadwal")
@roles_required(Role.COUNSELOR)
def agenda():
    week, last = week_offset(7 * 8)
    first_day = local_today() + timedelta(days=7 * week)
    return render_template("booking/counselor/agenda.html",
                           pending=services.pending_for_counselor(current_user),
                           days=services.agenda(current_user, first_day, 7),
                           today=local_today(), week=week, last_week=last,
                           has_hours=bool(services.weekly_hours(current_user)))


@bp.route("/bk/jadwal/<int:booking_id>")
@roles_required(Role.COUNSELOR)
def staff_detail(booking_id):
    booking = get_counselor_booking_or_404(booking_id)
    record(current_user, "read", "booking", booking.id,
           summary="Membuka data awal dan rincian jadwal konseling")
    db.session.commit()
    return render_staff_detail(booking)


def render_staff_detail(booking, status=200, confirm_form=None, decline_form=None):
    return render_template(
        "booking/counselor/booking.html", booking=booking,
        acting=booking.counselor_id == current_user.id,
        confirm_form=confirm_form or ConfirmForm(formdata=None),
        decline_form=decline_form or DeclineForm(formdata=None),
        whatsapp_link=services.whatsapp_reminder_link(booking)), status


@bp.route("/bk/jadwal/<int:booking_id>/konfirmasi", methods=["POST"])
@roles_required(Role.COUNSELOR)
def confirm(booking_id):
    booking = get_counselor_booking_or_404(booking_id, acting=True)
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_staff_detail(booking, 400, confirm_form=form)
    services.confirm(booking, (form.message.data or "").strip())
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
    services.decline(booking, form.message.data.strip())
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
            services.move_by_counselor(booking, form.slot.slot[1], form.message.data.strip())
        except services.SlotTaken:
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


# Counselors: parent requests.

@bp.route("/bk/jadwal/orang-tua")
@roles_required(Role.COUNSELOR)
def parent_requests():
    requests = services.parent_requests()
    record(current_user, "read", "parent_requests", None,
           summary="Membuka daftar permintaan konsultasi orang tua")
    db.session.commit()
    return render_template("booking/counselor/parents.html", requests=requests,
                           whatsapp=services.whatsapp_contact_link, action_form=EmptyForm())


@bp.route("/bk/jadwal/orang-tua/<int:request_id>/selesai", methods=["POST"])
@roles_required(Role.COUNSELOR)
def handle_parent_request(request_id):
    entry = db.get_or_404(ParentRequest, request_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if entry.handled_at is None:
        services.mark_parent_request_handled(entry, current_user)
        db.session.commit()
    flash(_("Permintaan ditandai sudah ditangani."), "success")
    return redirect(url_for("booking.parent_requests"), 303)


# Counselors: cases and session records.

@bp.route("/bk/kasus")
@roles_required(Role.COUNSELOR)
def cases():
    return render_template("booking/counselor/cases.html",
                           cases=services.cases_for_counselor(current_user))


@bp.route("/bk/kasus/<int:case_id>")
@roles_required(Role.COUNSELOR)
def case_file(case_id):
    case = get_case_or_404(case_id)
    record(current_user, "read", "case", case.id, summary="Membuka berkas kasus siswa")
    db.session.commit()
    return render_case(case)


def counselor_choices():
    return [SelectChoice(c.id, c.full_name) for c in services.other_counselors(current_user)]


def render_case(case, status=200, close_form=None, handover_form=None):
    handover_form = handover_form or HandoverForm(formdata=None)
    handover_form.counselor.choices = counselor_choices()
    return render_template("booking/counselor/case.html", case=case,
                           close_form=close_form or CloseCaseForm(formdata=None),
                           handover_form=handover_form), status


@bp.route("/bk/kasus/<int:case_id>/catatan", methods=["GET", "POST"])
@roles_required(Role.COUNSELOR)
def new_record(case_id):
    case = get_case_or_404(case_id)
    booking = None
    if numbers.is_id(request.args.get("jadwal")):
        booking = db.session.get(Booking, int(request.args["jadwal"]))
        if booking is None or booking.case_id != case.id:
            abort(404)
    if request.method == "GET":
        when = to_local(booking.starts_at if booking else utcnow())
        form = SessionRecordForm(formdata=None, held_on=when.date(),
                                 held_time=when.time().replace(second=0, microsecond=0),
                                 mode=booking.mode.value if booking else Mode.FACE.value,
                                 field=booking.field.value if booking and booking.field
                                 else ServiceField.PERSONAL.value)
        return render_template("booking/counselor/record.html", case=case, booking=booking,
                               form=form)
    form = SessionRecordForm()
    if not form.validate_on_submit():
        return render_template("booking/counselor/record.html", case=case, booking=booking,
                               form=form), 400
    services.add_record(
        case, current_user, booking=booking,
        held_at=to_utc(datetime.combine(form.held_on.data, form.held_time.data)),
        mode=Mode(form.mode.data), field=ServiceField(form.field.data),
        topic=form.topic.data.strip(), summary=form.summary.data.strip(),
        technique=(form.technique.data or "").strip(),
        follow_up=(form.follow_up.data or "").strip(),
        laiseg_understanding=(form.laiseg_understanding.data or "").strip(),
        laiseg_comfort=(form.laiseg_comfort.data or "").strip(),
        laiseg_action=(form.laiseg_action.data or "").strip(),
        private_note=(form.private_note.data or "").strip())
    db.session.commit()
    flash(_("Catatan sesi disimpan."), "success")
    return redirect(url_for("booking.case_file", case_id=case.id), 303)


@bp.route("/bk/kasus/<int:case_id>/tutup", methods=["POST"])
@roles_required(Role.COUNSELOR)
def close_case(case_id):
    case = get_case_or_404(case_id)
    form = CloseCaseForm()
    if not form.validate_on_submit():
        return render_case(case, 400, close_form=form)
    services.close_case(case, Outcome(form.outcome.data), (form.note.data or "").strip())
    db.session.commit()
    flash(_("Kasus ditutup."), "success")
    return redirect(url_for("booking.case_file", case_id=case.id), 303)


@bp.route("/bk/kasus/<int:case_id>/alihkan", methods=["POST"])
@roles_required(Role.COUNSELOR)
def hand_over(case_id):
    case = get_case_or_404(case_id)
    form = HandoverForm()
    form.counselor.choices = counselor_choices()
    if not form.validate_on_submit():
        return render_case(case, 400, handover_form=form)
    target = db.session.get(User, form.counselor.data)
    record(current_user, "handover", "case", case.id,
           summary=f"Kasus dialihkan ke pengguna #{target.id}")
    services.hand_over(case, target)
    db.session.commit()
    flash(_("Kasus dialihkan ke %(name)s.", name=target.full_name), "success")
    return redirect(url_for("booking.cases"), 303)


# Counselors: referrals from homeroom teachers.

@bp.route("/bk/kasus/rujukan")
@roles_required(Role.COUNSELOR)
def referrals():
    return render_template("booking/counselor/referrals.html",
                           referrals=services.referral_queue(current_user))


@bp.route("/bk/kasus/rujukan/<int:referral_id>", methods=["GET", "POST"])
@roles_required(Role.COUNSELOR)
def referral(referral_id):
    referral = get_referral_or_404(referral_id)
    form = ScheduleReferralForm()
    status = 200
    if request.method == "GET":
        record(current_user, "read", "referral", referral.id, summary="Membuka rujukan wali kelas")
        db.session.commit()
    elif form.validate_on_submit():
        try:
            booking = services.schedule_referral(referral, current_user, form.slot.slot[1],
                                                 Mode(form.mode.data))
        except services.SlotTaken:
            flash(slot_taken_message(), "error")
            status = 409
        else:
            db.session.commit()
            flash(_("Siswa diundang. Wali kelas melihat status “Sudah dijadwalkan”."), "success")
            return redirect(url_for("booking.staff_detail", booking_id=booking.id), 303)
    else:
        status = 400
    context = slot_context(current_user.id, "booking.referral", referral_id=referral.id)
    if wants_fragment("slots"):
        return render_template("booking/_slots.html", form=form, **context)
    return render_template("booking/counselor/referral.html", referral=referral, form=form,
                           **context), status


# Homeroom teachers: refer a student, see only the status.

@bp.route("/wali/rujukan", methods=["GET", "POST"])
@roles_required(Role.HOMEROOM)
def homeroom_referrals():
    form = ReferralForm()
    students = services.homeroom_students(current_user)
    form.student.choices = [SelectChoice(s.id, f"{s.full_name} ({s.school_class.name})")
                            for s in students]
    if form.validate_on_submit():
        services.refer(current_user, form.student.data, form.reason.data.strip())
        db.session.commit()
        flash(_("Rujukan terkirim ke Guru BK. Bapak/Ibu akan melihat statusnya di sini."),
              "success")
        return redirect(url_for("booking.homeroom_referrals"), 303)
    return render_template("booking/homeroom/referrals.html", form=form,
                           has_students=bool(students),
                           rows=services.referrals_by(current_user)), 400 if form.errors else 200

