"""Counselors' availability: slot length, weekly hours, holidays and extra slots."""

from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...accounts.decorators import roles_required
from ...accounts.models import Role
from ...common.forms import EmptyForm
from ...extensions import db
from .. import bp
from ..forms import ClosedDaysForm
from ..forms import ExtraSlotForm
from ..forms import SlotLengthForm
from ..forms import WeeklyHoursForm
from ..forms import WEEKDAYS
from ..models import AvailabilityException
from ..models import WeeklyHours
from ..services import slots


@bp.route("/bk/jadwal/jam")
@roles_required(Role.COUNSELOR)
def hours():
    return render_hours()


def render_hours(status=200, **forms):
    forms.setdefault("length_form", SlotLengthForm(
        prefix="lama", formdata=None, minutes=slots.slot_minutes(current_user.id)))
    forms.setdefault("hours_form", WeeklyHoursForm(prefix="jam", formdata=None))
    forms.setdefault("closed_form", ClosedDaysForm(prefix="libur", formdata=None))
    forms.setdefault("extra_form", ExtraSlotForm(prefix="ekstra", formdata=None))
    return render_template("booking/counselor/hours.html",
                           weekly=slots.weekly_hours(current_user),
                           exceptions=slots.upcoming_exceptions(current_user),
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
    slots.set_slot_minutes(current_user, form.minutes.data)
    db.session.commit()
    return saved_hours(_("Lama sesi disimpan."))


@bp.route("/bk/jadwal/jam/tambah", methods=["POST"])
@roles_required(Role.COUNSELOR)
def add_hours():
    form = WeeklyHoursForm(prefix="jam")
    if not form.validate_on_submit():
        return render_hours(400, hours_form=form)
    slots.add_weekly_hours(current_user, form.weekday.data, form.start.data, form.end.data,
                           form.chat_only.data)
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
    slots.add_closed_period(current_user, form.first_day.data,
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
    slots.add_extra_slot(current_user, form.day.data, form.start.data,
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
