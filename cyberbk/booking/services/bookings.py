"""Bookings: a student's own, moving and cancelling them, and the counselor's answer."""

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from ...common import signals
from ...common.links import path_for
from ...common.schooltime import utcnow
from ...extensions import db
from ..models import Booking
from ..models import BookingStatus
from ..models import Intake
from ..models import Source
from . import slots
from .casework import open_case
from .rules import CONSENT_VERSION
from .rules import NotAllowed
from .rules import SlotTaken
from .rules import config


def open_bookings_count(student):
    return db.session.scalar(
        sa.select(sa.func.count(Booking.id))
        .where(Booking.student_id == student.id,
               Booking.status.in_((BookingStatus.PENDING, BookingStatus.CONFIRMED)),
               Booking.starts_at >= utcnow()))


def book(counselor_id, starts_at, mode, *, student, intake=None, now=None, **fields):
    """Claim a slot and return the new booking (written, for the caller to commit).

    counselor_id None means any free counselor. The unique index on (counselor, start)
    settles a race: the loser's insert fails and they get SlotTaken. A slot offered for
    chat only takes no other mode (NotAllowed when that is all there is then).
    `intake` is a dict of Intake columns; `fields` are further Booking columns.
    """
    if counselor_id:
        offering = {c.id for c in slots.bookable_counselors()}
        candidates = [counselor_id] if counselor_id in offering else []
    else:
        candidates = slots.counselors_free_at(starts_at, now=now)
    chat_only = False
    for candidate in candidates:
        slot = slots.find_free_slot(candidate, starts_at, now=now)
        if slot is None:
            continue
        if not slots.mode_allowed(slot, mode):
            chat_only = True
            continue
        booking = Booking(student_id=student.id, counselor_id=candidate,
                          starts_at=slot.starts_at, ends_at=slot.ends_at, mode=mode, **fields)
        if intake is not None:
            booking.intake = Intake(**intake)
        try:
            # In a savepoint: losing the race undoes this insert alone, not what the
            # caller's transaction already holds.
            with db.session.begin_nested():
                db.session.add(booking)
        except IntegrityError:
            continue
        return booking
    if chat_only:
        raise NotAllowed(chat_only_message())
    raise SlotTaken()


def chat_only_message():
    return _("Waktu itu hanya untuk chat, tanpa video atau tatap muka. Pilih chat, atau "
             "pilih waktu lain.")


def book_for_student(student, counselor_id, starts_at, mode, field, *, phone_times, intake,
                     consented, now=None):
    """A student's own booking with intake (data awal) and consent (kesediaan konseli)."""
    if not consented:
        raise NotAllowed(_("Kamu perlu memberi persetujuanmu dulu."))
    if open_bookings_count(student) >= config("BOOKING_MAX_OPEN_PER_STUDENT"):
        raise NotAllowed(_("Kamu sudah punya beberapa jadwal yang belum berlangsung. Batalkan "
                           "salah satu dulu kalau mau memilih waktu lain."))
    school_class = student.school_class
    booking = book(counselor_id, starts_at, mode, student=student, now=now, field=field,
                   phone_times=phone_times, urgent=intake["feels_unsafe"], source=Source.STUDENT,
                   consent_version=CONSENT_VERSION, consented_at=utcnow(),
                   intake=dict(intake, student_name=student.full_name,
                               class_name=school_class.name if school_class else ""))
    signals.counselor_alert.send(
        current_app._get_current_object(), kind="booking", ref=f"jadwal:{booking.id}",
        link=path_for("booking.staff_detail", booking_id=booking.id),
        counselor_ids=[booking.counselor_id])
    return booking


def can_change(booking, now=None):
    """Whether the student may still cancel or move it."""
    limit = timedelta(hours=config("BOOKING_CHANGE_HOURS"))
    return booking.is_open and booking.starts_at - (now or utcnow()) >= limit


def _check_change_window(booking, now):
    if not booking.is_open:
        raise NotAllowed(_("Jadwal ini sudah tidak bisa diubah."))
    if not can_change(booking, now):
        raise NotAllowed(_("Jadwal hanya bisa dibatalkan atau dipindah paling lambat %(hours)s jam "
                           "sebelum mulai. Kalau ada halangan, kabari Guru BK langsung, ya.",
                           hours=config("BOOKING_CHANGE_HOURS")))


def cancel_by_student(booking, now=None):
    _check_change_window(booking, now)
    booking.status = BookingStatus.CANCELLED


def move(booking, starts_at, now=None, **changes):
    """Put the booking in another free slot of the same counselor, with `changes`."""
    slot = slots.find_free_slot(booking.counselor_id, starts_at, now=now)
    if slot is None:
        raise SlotTaken()
    if not slots.mode_allowed(slot, booking.mode):
        raise NotAllowed(chat_only_message())
    try:
        # In a savepoint, like a new booking's insert (see book()).
        with db.session.begin_nested():
            booking.starts_at, booking.ends_at = slot.starts_at, slot.ends_at
            for name, value in changes.items():
                setattr(booking, name, value)
    except IntegrityError:
        raise SlotTaken() from None


def move_by_student(booking, starts_at, now=None):
    """A student's request to move: the counselor confirms the new time again."""
    _check_change_window(booking, now)
    move(booking, starts_at, now=now, status=BookingStatus.PENDING, counselor_message="")


def move_by_counselor(booking, starts_at, message, now=None):
    if not booking.is_open:
        raise NotAllowed(_("Jadwal ini sudah tidak bisa dipindah."))
    move(booking, starts_at, now=now, status=BookingStatus.CONFIRMED, counselor_message=message)


def give_consent(booking):
    booking.consent_version = CONSENT_VERSION
    booking.consented_at = utcnow()


def confirm(booking, message=""):
    if booking.status != BookingStatus.PENDING:
        raise NotAllowed(_("Hanya jadwal yang menunggu konfirmasi yang bisa dikonfirmasi."))
    booking.status = BookingStatus.CONFIRMED
    booking.counselor_message = message
    if booking.case_id is None:
        booking.case = open_case(booking.student, booking.counselor)


def decline(booking, message):
    if not booking.is_open:
        raise NotAllowed(_("Jadwal ini sudah tidak bisa ditolak."))
    booking.status = BookingStatus.DECLINED
    booking.counselor_message = message


def student_bookings(student):
    return db.session.scalars(sa.select(Booking).where(Booking.student_id == student.id)
                              .order_by(Booking.starts_at.desc())).all()


def upcoming_for_student(student, limit=3):
    return db.session.scalars(
        sa.select(Booking)
        .where(Booking.student_id == student.id,
               Booking.status.in_((BookingStatus.PENDING, BookingStatus.CONFIRMED)),
               Booking.ends_at > utcnow())
        .order_by(Booking.starts_at).limit(limit)).all()
