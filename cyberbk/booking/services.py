"""Rules of the booking feature: slots, bookings, cases, referrals and parent requests."""

import re
from dataclasses import dataclass
from datetime import datetime
from datetime import time
from datetime import timedelta
from datetime import timezone
from itertools import groupby
from urllib.parse import quote

import sqlalchemy as sa
from flask import current_app
from flask_babel import format_datetime
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from ..accounts.models import Role
from ..accounts.models import SchoolClass
from ..accounts.models import StudentProfile
from ..accounts.models import User
from ..common import signals
from ..common.schooltime import day_bounds
from ..common.schooltime import local_today
from ..common.schooltime import to_local
from ..common.schooltime import to_utc
from ..common.schooltime import utcnow
from ..extensions import db
from .models import ACTIVE_STATUSES
from .models import AvailabilityException
from .models import Booking
from .models import BookingStatus
from .models import CaseStatus
from .models import CounselingCase
from .models import CounselorSchedule
from .models import ExceptionKind
from .models import Intake
from .models import ParentRequest
from .models import Referral
from .models import ReferralStatus
from .models import SessionRecord
from .models import Source
from .models import WeeklyHours

#: Settings a school may override in instance/config.py.
DEFAULTS = {
    # A student may cancel or move a booking until this many hours before it starts.
    "BOOKING_CHANGE_HOURS": 3,
    # Nobody can book a slot that starts sooner than this: the counselor must see it first.
    "BOOKING_MIN_NOTICE_MINUTES": 60,
    "BOOKING_DAYS_AHEAD": 14,
    # Keeps one student from holding many slots that classmates need.
    "BOOKING_MAX_OPEN_PER_STUDENT": 3,
    # Per device (ratelimit.py): parents of one school may share an address.
    "PARENT_REQUEST_LIMIT": "3 per hour",
    "PARENT_REQUESTS_PER_NUMBER_PER_DAY": 2,
}

#: Bump when the consent text in templates/booking/_consent.html changes, so every
#: booking keeps the version the student actually agreed to.
CONSENT_VERSION = "2026-1"
DEFAULT_SLOT_MINUTES = 30


class SlotTaken(Exception):
    """The slot went to someone else first (or is no longer offered)."""


class NotAllowed(Exception):
    """A rule forbids the change; str(error) is a message for the person."""


def config(name):
    return current_app.config.get(name, DEFAULTS[name])


# Availability and slots.

@dataclass(frozen=True, order=True)
class Slot:
    starts_at: datetime
    counselor_id: int
    ends_at: datetime


def slot_minutes(counselor_id):
    minutes = db.session.scalar(sa.select(CounselorSchedule.slot_minutes)
                                .where(CounselorSchedule.counselor_id == counselor_id))
    return minutes or DEFAULT_SLOT_MINUTES


def set_slot_minutes(counselor, minutes):
    schedule = db.session.get(CounselorSchedule, counselor.id)
    if schedule is None:
        schedule = CounselorSchedule(counselor_id=counselor.id)
        db.session.add(schedule)
    schedule.slot_minutes = minutes


def weekly_hours(counselor):
    return db.session.scalars(
        sa.select(WeeklyHours).where(WeeklyHours.counselor_id == counselor.id)
        .order_by(WeeklyHours.weekday, WeeklyHours.start_time)).all()


def add_weekly_hours(counselor, weekday, start, end):
    if start >= end:
        raise NotAllowed(_("Jam selesai harus sesudah jam mulai."))
    overlapping = db.session.scalar(
        sa.select(WeeklyHours.id).where(WeeklyHours.counselor_id == counselor.id,
                                        WeeklyHours.weekday == weekday,
                                        WeeklyHours.start_time < end,
                                        WeeklyHours.end_time > start).limit(1))
    if overlapping:
        raise NotAllowed(_("Jam ini bertumpuk dengan jam yang sudah ada di hari itu."))
    db.session.add(WeeklyHours(counselor_id=counselor.id, weekday=weekday, start_time=start,
                               end_time=end))


def upcoming_exceptions(counselor, now=None):
    return db.session.scalars(
        sa.select(AvailabilityException)
        .where(AvailabilityException.counselor_id == counselor.id,
               AvailabilityException.ends_at > (now or utcnow()))
        .order_by(AvailabilityException.starts_at)).all()


def add_closed_period(counselor, first_day, last_day, from_time=None, until_time=None,
                      note=""):
    """Holiday or leave, in local time: from first_day (at from_time, else its start)
    until last_day (at until_time, else its end)."""
    starts_at = to_utc(datetime.combine(first_day, from_time or time()))
    ends_at = (to_utc(datetime.combine(last_day, until_time)) if until_time
               else day_bounds(last_day)[1])
    if ends_at <= starts_at:
        raise NotAllowed(_("Akhir libur atau izin harus sesudah awalnya."))
    return _add_exception(counselor, ExceptionKind.CLOSED, starts_at, ends_at, note)


def add_extra_slot(counselor, day, start, note=""):
    starts_at = to_utc(datetime.combine(day, start))
    ends_at = starts_at + timedelta(minutes=slot_minutes(counselor.id))
    return _add_exception(counselor, ExceptionKind.EXTRA, starts_at, ends_at, note)


def _add_exception(counselor, kind, starts_at, ends_at, note):
    entry = AvailabilityException(counselor_id=counselor.id, kind=kind, starts_at=starts_at,
                                  ends_at=ends_at, note=note)
    db.session.add(entry)
    return entry


def _pieces(starts_at, ends_at, minutes):
    step = timedelta(minutes=minutes)
    while starts_at + step <= ends_at:
        yield starts_at, starts_at + step
        starts_at += step


def _weekly_candidates(rows, first_day, days, minutes):
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        for row in rows:
            if row.weekday != day.weekday():
                continue
            # Step in wall-clock time, so a zone's clock change moves the UTC times
            # instead of shifting every later slot off the counselor's hours.
            wall = datetime.combine(day, row.start_time)
            last = datetime.combine(day, row.end_time)
            for start, end in _pieces(wall, last, minutes):
                yield to_utc(start), to_utc(end)


def free_slots(counselor_ids, first_day, days=7, now=None):
    """Bookable slots of the given counselors over `days` local days from `first_day`.

    Weekly hours make the slots, extra slots add to them, holidays and leave take them
    away, and so do active bookings and anything that starts too soon.
    """
    counselor_ids = list(counselor_ids)
    if not counselor_ids:
        return []
    window_start, window_end = day_bounds(first_day, days)
    earliest = max(window_start, (now or utcnow())
                   + timedelta(minutes=config("BOOKING_MIN_NOTICE_MINUTES")))
    lengths = dict(db.session.execute(
        sa.select(CounselorSchedule.counselor_id, CounselorSchedule.slot_minutes)
        .where(CounselorSchedule.counselor_id.in_(counselor_ids))).all())
    hours = db.session.scalars(sa.select(WeeklyHours)
                               .where(WeeklyHours.counselor_id.in_(counselor_ids))).all()
    exceptions = db.session.scalars(
        sa.select(AvailabilityException)
        .where(AvailabilityException.counselor_id.in_(counselor_ids),
               AvailabilityException.starts_at < window_end,
               AvailabilityException.ends_at > window_start)).all()
    busy = db.session.execute(
        sa.select(Booking.counselor_id, Booking.starts_at, Booking.ends_at)
        .where(Booking.counselor_id.in_(counselor_ids), Booking.status.in_(ACTIVE_STATUSES),
               Booking.starts_at < window_end, Booking.ends_at > window_start)).all()

    slots = set()
    for counselor_id in counselor_ids:
        minutes = lengths.get(counselor_id, DEFAULT_SLOT_MINUTES)
        own = [row for row in hours if row.counselor_id == counselor_id]
        candidates = set(_weekly_candidates(own, first_day, days, minutes))
        closed = []
        for entry in exceptions:
            if entry.counselor_id != counselor_id:
                continue
            if entry.kind == ExceptionKind.EXTRA:
                # An extra slot made before the slot length grew still counts whole.
                candidates.update(list(_pieces(entry.starts_at, entry.ends_at, minutes))
                                  or [(entry.starts_at, entry.ends_at)])
            else:
                closed.append((entry.starts_at, entry.ends_at))
        closed += [(start, end) for cid, start, end in busy if cid == counselor_id]
        for start, end in candidates:
            if start < earliest or start >= window_end:
                continue
            if any(start < block_end and block_start < end for block_start, block_end in closed):
                continue
            slots.add(Slot(start, counselor_id, end))
    return sorted(slots)


def find_free_slot(counselor_id, starts_at, now=None):
    """The free slot of this counselor starting exactly at `starts_at`, or None."""
    day = to_local(starts_at).date()
    for slot in free_slots([counselor_id], day, 1, now=now):
        if slot.starts_at == starts_at:
            return slot
    return None


def bookable_counselors():
    """Active counselors who offer times (weekly hours or an extra slot ahead)."""
    offering = sa.union(
        sa.select(WeeklyHours.counselor_id),
        sa.select(AvailabilityException.counselor_id)
        .where(AvailabilityException.kind == ExceptionKind.EXTRA,
               AvailabilityException.ends_at > utcnow()))
    return db.session.scalars(
        sa.select(User).where(User.role == Role.COUNSELOR, User.is_active_account.is_(True),
                              User.id.in_(offering))
        .order_by(User.full_name)).all()


def other_counselors(counselor):
    return db.session.scalars(
        sa.select(User).where(User.role == Role.COUNSELOR, User.is_active_account.is_(True),
                              User.id != counselor.id).order_by(User.full_name)).all()


def slot_key(counselor_id, starts_at):
    """How a slot travels through a form: '<counselor id or any>@<UTC time>'."""
    return f"{counselor_id or 'any'}@{starts_at:%Y%m%dT%H%M}"


def parse_slot_key(value):
    """(counselor id or None for any, UTC start) or None for a malformed value."""
    who, _sep, when = (value or "").partition("@")
    try:
        starts_at = datetime.strptime(when, "%Y%m%dT%H%M")
    except ValueError:
        return None
    if who == "any":
        return None, starts_at
    if who.isdigit():
        return int(who), starts_at
    return None


def slot_choices(counselor_id, first_day, days, now=None):
    """Free slots grouped by local day: [(date, [(key, local start, local end)])].

    With counselor_id None ("any counselor") a time shows once if anyone is free then.
    """
    ids = [counselor_id] if counselor_id else [c.id for c in bookable_counselors()]
    seen = {}
    for slot in free_slots(ids, first_day, days, now=now):
        key = slot_key(counselor_id, slot.starts_at)
        seen.setdefault(key, (key, to_local(slot.starts_at), to_local(slot.ends_at)))
    entries = sorted(seen.values(), key=lambda entry: entry[1])
    return [(day, list(items)) for day, items in groupby(entries, key=lambda e: e[1].date())]


def counselors_free_at(starts_at, now=None):
    """Counselors with a free slot at that time, the least busy first."""
    ids = [c.id for c in bookable_counselors()]
    free = {s.counselor_id for s in free_slots(ids, to_local(starts_at).date(), 1, now=now)
            if s.starts_at == starts_at}
    if not free:
        return []
    load = dict(db.session.execute(
        sa.select(Booking.counselor_id, sa.func.count(Booking.id))
        .where(Booking.counselor_id.in_(free), Booking.status.in_(ACTIVE_STATUSES),
               Booking.starts_at >= utcnow())
        .group_by(Booking.counselor_id)).all())
    return sorted(free, key=lambda cid: (load.get(cid, 0), cid))


# Bookings.

def open_bookings_count(student):
    return db.session.scalar(
        sa.select(sa.func.count(Booking.id))
        .where(Booking.student_id == student.id,
               Booking.status.in_((BookingStatus.PENDING, BookingStatus.CONFIRMED)),
               Booking.starts_at >= utcnow()))


def book(counselor_id, starts_at, mode, *, student, intake=None, now=None, **fields):
    """Claim a slot and return the new booking (written, for the caller to commit).

    counselor_id None means any free counselor. The unique index on (counselor, start)
    settles a race: the loser's insert fails and they get SlotTaken.
    `intake` is a dict of Intake columns; `fields` are further Booking columns.
    """
    if counselor_id:
        offering = {c.id for c in bookable_counselors()}
        candidates = [counselor_id] if counselor_id in offering else []
    else:
        candidates = counselors_free_at(starts_at, now=now)
    for candidate in candidates:
        slot = find_free_slot(candidate, starts_at, now=now)
        if slot is None:
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
    raise SlotTaken()


def book_for_student(student, counselor_id, starts_at, mode, field, *, phone_times, intake,
                     consented, now=None):
    """A student's own booking with intake (data awal) and consent (kesediaan konseli)."""
    if not consented:
        raise NotAllowed(_("Kamu perlu menyetujui kesediaan konseli dulu."))
    if open_bookings_count(student) >= config("BOOKING_MAX_OPEN_PER_STUDENT"):
        raise NotAllowed(_("Kamu sudah punya beberapa jadwal yang belum berlangsung. Batalkan "
                           "salah satu dulu kalau mau memilih waktu lain."))
    school_class = student.school_class
    return book(counselor_id, starts_at, mode, student=student, now=now, field=field,
                phone_times=phone_times, urgent=intake["feels_unsafe"], source=Source.STUDENT,
                consent_version=CONSENT_VERSION, consented_at=utcnow(),
                intake=dict(intake, student_name=student.full_name,
                            class_name=school_class.name if school_class else ""))


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
    slot = find_free_slot(booking.counselor_id, starts_at, now=now)
    if slot is None:
        raise SlotTaken()
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


def records_for_student(student):
    """Session records of the student's cases (the template leaves out private notes)."""
    return db.session.scalars(
        sa.select(SessionRecord).join(CounselingCase)
        .where(CounselingCase.student_id == student.id)
        .order_by(SessionRecord.held_at.desc())).all()


def agenda(counselor, first_day, days):
    """The counselor's waiting, confirmed and held sessions, grouped by local day."""
    start, end = day_bounds(first_day, days)
    bookings = db.session.scalars(
        sa.select(Booking)
        .where(Booking.counselor_id == counselor.id, Booking.status.in_(ACTIVE_STATUSES),
               Booking.starts_at >= start, Booking.starts_at < end)
        .order_by(Booking.starts_at)).all()
    return [(day, list(items))
            for day, items in groupby(bookings, key=lambda b: to_local(b.starts_at).date())]


def pending_for_counselor(counselor):
    return db.session.scalars(
        sa.select(Booking)
        .where(Booking.counselor_id == counselor.id, Booking.status == BookingStatus.PENDING,
               Booking.ends_at > utcnow())
        .order_by(Booking.urgent.desc(), Booking.starts_at)).all()


def counselor_overview(counselor):
    """What the counselor's home shows: today's sessions and what waits for them."""
    today_start, today_end = day_bounds(local_today())
    today = db.session.scalars(
        sa.select(Booking)
        .where(Booking.counselor_id == counselor.id,
               Booking.status.in_((BookingStatus.PENDING, BookingStatus.CONFIRMED)),
               Booking.starts_at >= today_start, Booking.starts_at < today_end)
        .order_by(Booking.starts_at)).all()
    pending = db.session.scalar(
        sa.select(sa.func.count(Booking.id))
        .where(Booking.counselor_id == counselor.id, Booking.status == BookingStatus.PENDING,
               Booking.ends_at > utcnow()))
    urgent = db.session.scalar(
        sa.select(sa.func.count(Booking.id))
        .where(Booking.counselor_id == counselor.id, Booking.status == BookingStatus.PENDING,
               Booking.urgent.is_(True), Booking.ends_at > utcnow()))
    referrals = db.session.scalar(sa.select(sa.func.count(Referral.id))
                                  .where(Referral.status == ReferralStatus.RECEIVED))
    parents = db.session.scalar(sa.select(sa.func.count(ParentRequest.id))
                                .where(ParentRequest.handled_at.is_(None)))
    return {"today": today, "pending": pending, "urgent": urgent, "referrals": referrals,
            "parent_requests": parents}


@signals.home_page.connect
def home_part(user):
    """A student's next sessions, a homeroom teacher's latest referrals, a counselor's day."""
    if user.role == Role.STUDENT:
        return {"upcoming": upcoming_for_student(user)}
    if user.role == Role.HOMEROOM:
        return {"referrals": referrals_by(user, limit=5)}
    if user.role == Role.COUNSELOR:
        return {"booking": counselor_overview(user)}
    return {}


# Reminders without content.

def ics_calendar(booking, link, host):
    """An .ics event for the booking: time and a link, never the problem or the mode."""
    # Imported here: loaded at start-up icalendar cost every worker 3 MB.
    from icalendar import Alarm
    from icalendar import Calendar
    from icalendar import Event

    summary = _("Janji temu di sekolah")
    alarm = Alarm.new(description=summary)
    alarm.ACTION = "DISPLAY"
    alarm.TRIGGER = timedelta(minutes=-15)
    event = Event.new(uid=f"booking-{booking.id}@{host}", summary=summary,
                      description=_("Buka aplikasi sekolah untuk detailnya."), url=link,
                      start=booking.starts_at.replace(tzinfo=timezone.utc),
                      end=booking.ends_at.replace(tzinfo=timezone.utc), subcomponents=[alarm])
    # Not Calendar.new(): it gives the calendar a random UID of its own.
    calendar = Calendar()
    calendar.prodid = "-//CyberBK//Jadwal//ID"
    calendar.version = "2.0"
    calendar.calscale = "GREGORIAN"
    calendar.method = "PUBLISH"
    calendar.add_component(event)
    return calendar.to_ical()


def whatsapp_reminder_link(booking):
    """wa.me link with a neutral text; the counselor picks the recipient in WhatsApp."""
    when = format_datetime(booking.starts_at, "EEEE, d MMMM y 'pukul' HH.mm zzz")
    text = _("Halo, ini pengingat janji temu di sekolah pada %(when)s. Buka aplikasi sekolah "
             "untuk detailnya.", when=when)
    return "https://wa.me/?text=" + quote(text)


def whatsapp_contact_link(number):
    return f"https://wa.me/{number}?text=" + quote(
        _("Selamat siang, Bapak/Ibu. Kami dari BK sekolah menanggapi permintaan konsultasi "
          "Bapak/Ibu."))


# Cases and session records.

def open_case(student, counselor):
    """The student's open case with this counselor, opened now if there is none."""
    case = db.session.scalar(
        sa.select(CounselingCase)
        .where(CounselingCase.student_id == student.id,
               CounselingCase.counselor_id == counselor.id,
               CounselingCase.status == CaseStatus.OPEN)
        .order_by(CounselingCase.id.desc()).limit(1))
    if case is None:
        case = CounselingCase(student=student, counselor=counselor)
        db.session.add(case)
    return case


def cases_for_counselor(counselor):
    return db.session.scalars(
        sa.select(CounselingCase).join(CounselingCase.student)
        .where(CounselingCase.counselor_id == counselor.id)
        .order_by(CounselingCase.status.desc(), User.full_name)).all()


def add_record(case, counselor, booking=None, **fields):
    """Save a session record; the booking it belongs to, and its referral, are then done."""
    record = SessionRecord(case=case, counselor_id=counselor.id, booking=booking, **fields)
    db.session.add(record)
    if booking is not None:
        booking.status = BookingStatus.DONE
        if booking.case_id is None:
            booking.case = case
        if booking.referral is not None:
            booking.referral.status = ReferralStatus.DONE
    return record


def close_case(case, outcome, note=""):
    if not case.is_open:
        raise NotAllowed(_("Kasus ini sudah ditutup."))
    case.status = CaseStatus.CLOSED
    case.closed_at = utcnow()
    case.outcome = outcome
    case.closing_note = note
    for referral in case.referrals:
        referral.status = ReferralStatus.DONE


def hand_over(case, to_counselor):
    if not case.is_open:
        raise NotAllowed(_("Kasus yang sudah ditutup tidak bisa dialihkan."))
    if to_counselor.id == case.counselor_id or to_counselor.role != Role.COUNSELOR \
            or not to_counselor.is_active:
        raise NotAllowed(_("Pilih Guru BK lain yang aktif."))
    case.previous_counselor_id = case.counselor_id
    case.counselor = to_counselor
    for referral in case.referrals:
        referral.counselor = to_counselor


# Referrals.

def homeroom_students(teacher):
    return db.session.scalars(
        sa.select(User).join(StudentProfile).join(SchoolClass)
        .where(SchoolClass.homeroom_teacher_id == teacher.id, User.is_active_account.is_(True))
        .order_by(SchoolClass.name, User.full_name)).all()


def refer(teacher, student_id, reason):
    allowed = {student.id for student in homeroom_students(teacher)}
    if student_id not in allowed:
        raise NotAllowed(_("Hanya siswa kelas perwalian Bapak/Ibu yang bisa dirujuk."))
    referral = Referral(student_id=student_id, referrer_id=teacher.id, reason=reason)
    db.session.add(referral)
    return referral


def referrals_by(teacher, limit=None):
    """Status rows for the referring teacher: student, date and status, no content."""
    return db.session.execute(
        sa.select(User.full_name, SchoolClass.name, Referral.created_at, Referral.status)
        .select_from(Referral).join(User, User.id == Referral.student_id)
        .outerjoin(StudentProfile, StudentProfile.user_id == User.id)
        .outerjoin(SchoolClass, SchoolClass.id == StudentProfile.class_id)
        .where(Referral.referrer_id == teacher.id)
        .order_by(Referral.created_at.desc()).limit(limit)).all()


def referral_queue(counselor):
    """Unclaimed referrals, which any counselor may take, and the counselor's own."""
    return db.session.scalars(
        sa.select(Referral)
        .where(sa.or_(Referral.counselor_id.is_(None), Referral.counselor_id == counselor.id))
        .order_by(
            sa.case((Referral.status == ReferralStatus.RECEIVED, 0),
                    (Referral.status == ReferralStatus.SCHEDULED, 1), else_=2),
            Referral.created_at.desc())).all()


def schedule_referral(referral, counselor, starts_at, mode, now=None):
    """Invite the referred student: a confirmed booking in the counselor's slot."""
    if referral.status == ReferralStatus.DONE:
        raise NotAllowed(_("Rujukan ini sudah selesai."))
    booking = book(counselor.id, starts_at, mode, student=referral.student, now=now,
                   source=Source.REFERRAL, referral_id=referral.id,
                   status=BookingStatus.CONFIRMED)
    case = referral.case if referral.case and referral.case.is_open \
        else open_case(referral.student, counselor)
    booking.case = case
    referral.case = case
    referral.counselor = counselor
    referral.status = ReferralStatus.SCHEDULED
    return booking


# Parent requests.

WHATSAPP_SEPARATORS = re.compile(r"[\s().-]")


def normalise_whatsapp(raw):
    """'0812-3456-7890', '+62 812 3456 7890' -> '6281234567890'; None if not a mobile number."""
    digits = WHATSAPP_SEPARATORS.sub("", raw or "")
    if digits.startswith("+"):
        digits = digits[1:]
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    if not digits.isdigit() or not digits.startswith("628") or not 10 <= len(digits) <= 15:
        return None
    return digits


def parent_request_allowed(whatsapp):
    recent = db.session.scalar(
        sa.select(sa.func.count(ParentRequest.id))
        .where(ParentRequest.whatsapp == whatsapp,
               ParentRequest.created_at > utcnow() - timedelta(days=1)))
    return recent < config("PARENT_REQUESTS_PER_NUMBER_PER_DAY")


def add_parent_request(**fields):
    request = ParentRequest(**fields)
    db.session.add(request)
    return request


def parent_requests():
    return db.session.scalars(
        sa.select(ParentRequest)
        .order_by(ParentRequest.handled_at.is_not(None), ParentRequest.created_at.desc())
        .limit(200)).all()


def mark_parent_request_handled(request, counselor):
    request.handled_at = utcnow()
    request.handled_by_id = counselor.id


def class_names():
    return db.session.scalars(sa.select(SchoolClass.name)
                              .order_by(SchoolClass.grade, SchoolClass.name)).all()
