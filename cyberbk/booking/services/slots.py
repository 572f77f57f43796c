"""Availability and slots: weekly hours, holidays and extra slots, and the free slots they
leave."""

from dataclasses import dataclass
from datetime import datetime
from datetime import time
from datetime import timedelta
from itertools import groupby
from typing import NamedTuple

import sqlalchemy as sa
from flask_babel import gettext as _

from ...accounts.models import Role
from ...accounts.models import User
from ...common.schooltime import day_bounds
from ...common.schooltime import to_local
from ...common.schooltime import to_utc
from ...common.schooltime import utcnow
from ...common.vocabulary import Mode
from ...extensions import db
from ..models import ACTIVE_STATUSES
from ..models import AvailabilityException
from ..models import Booking
from ..models import CounselorSchedule
from ..models import ExceptionKind
from ..models import PHONE_WINDOW_HOURS
from ..models import ParentRequest
from ..models import WeeklyHours
from .rules import NotAllowed
from .rules import config

DEFAULT_SLOT_MINUTES = 30


@dataclass(frozen=True, order=True)
class Slot:
    starts_at: datetime
    counselor_id: int
    ends_at: datetime
    #: From weekly hours marked chat only: no video or meeting in this slot.
    chat_only: bool = False


class Choice(NamedTuple):
    """A slot as the picker shows it, in local time."""

    key: str
    starts_at: datetime
    ends_at: datetime
    chat_only: bool
    #: Within one of the student's phone windows.
    fits: bool


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


def add_weekly_hours(counselor, weekday, start, end, chat_only=False):
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
                               end_time=end, chat_only=chat_only))


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
                yield to_utc(start), to_utc(end), row.chat_only


def free_slots(counselor_ids, first_day, days=7, now=None):
    """Bookable slots of the given counselors over `days` local days from `first_day`.

    Weekly hours make the slots, extra slots add to them, holidays and leave take them
    away, and so do active bookings, meetings with parents and anything that starts too
    soon.
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
    busy = db.session.execute(sa.union_all(
        sa.select(Booking.counselor_id, Booking.starts_at, Booking.ends_at)
        .where(Booking.counselor_id.in_(counselor_ids), Booking.status.in_(ACTIVE_STATUSES),
               Booking.starts_at < window_end, Booking.ends_at > window_start),
        # A meeting with a parent holds its slot as a booking does.
        sa.select(ParentRequest.counselor_id, ParentRequest.starts_at, ParentRequest.ends_at)
        .where(ParentRequest.counselor_id.in_(counselor_ids),
               ParentRequest.starts_at < window_end, ParentRequest.ends_at > window_start))
    ).all()

    slots = set()
    for counselor_id in counselor_ids:
        minutes = lengths.get(counselor_id, DEFAULT_SLOT_MINUTES)
        own = [row for row in hours if row.counselor_id == counselor_id]
        # {(start, end): chat only}; a time also offered without the limit is not limited.
        candidates = {}
        for start, end, chat_only in _weekly_candidates(own, first_day, days, minutes):
            candidates[start, end] = candidates.get((start, end), True) and chat_only
        closed = []
        for entry in exceptions:
            if entry.counselor_id != counselor_id:
                continue
            if entry.kind == ExceptionKind.EXTRA:
                # An extra slot made before the slot length grew still counts whole.
                for piece in (list(_pieces(entry.starts_at, entry.ends_at, minutes))
                              or [(entry.starts_at, entry.ends_at)]):
                    candidates[piece] = False
            else:
                closed.append((entry.starts_at, entry.ends_at))
        closed += [(start, end) for cid, start, end in busy if cid == counselor_id]
        for (start, end), chat_only in candidates.items():
            if start < earliest or start >= window_end:
                continue
            if any(start < block_end and block_start < end for block_start, block_end in closed):
                continue
            slots.add(Slot(start, counselor_id, end, chat_only))
    return sorted(slots)


def free_at(counselor_id, starts_at, now=None):
    """The free slots starting at `starts_at`: the counselor's, or with None anyone's."""
    ids = [counselor_id] if counselor_id else [c.id for c in bookable_counselors()]
    return [slot for slot in free_slots(ids, to_local(starts_at).date(), 1, now=now)
            if slot.starts_at == starts_at]


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


def mode_allowed(slot, mode):
    return mode == Mode.CHAT or not slot.chat_only


def fits_windows(windows, starts_at, ends_at):
    """Whether a slot (local times) lies wholly within one of the phone windows."""
    for window in windows:
        weekdays, since, until = PHONE_WINDOW_HOURS[window]
        if (starts_at.weekday() in weekdays and since <= starts_at.time()
                and ends_at.date() == starts_at.date() and ends_at.time() <= until):
            return True
    return False


def slot_choices(counselor_id, first_day, days, windows=(), now=None):
    """Free slots as Choices grouped by local day: [(date, [Choice])].

    With counselor_id None ("any counselor") a time shows once if anyone is free then,
    limited to chat only when everyone free then is. `windows`: the student's phone
    windows, which mark the slots that fit them.
    """
    ids = [counselor_id] if counselor_id else [c.id for c in bookable_counselors()]
    seen = {}
    for slot in free_slots(ids, first_day, days, now=now):
        key = slot_key(counselor_id, slot.starts_at)
        start, end = to_local(slot.starts_at), to_local(slot.ends_at)
        chat_only = slot.chat_only and (key not in seen or seen[key].chat_only)
        seen[key] = Choice(key, start, end, chat_only, fits_windows(windows, start, end))
    entries = sorted(seen.values(), key=lambda entry: entry.starts_at)
    return [(day, list(items))
            for day, items in groupby(entries, key=lambda e: e.starts_at.date())]


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
