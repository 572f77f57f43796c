"""What the counselor's agenda, each role's home page and a student's record show of
booking."""

from datetime import timedelta
from itertools import groupby

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _

from ...accounts.models import Role
from ...accounts.models import SchoolClass
from ...accounts.models import StudentProfile
from ...accounts.models import User
from ...common import listing
from ...common import signals
from ...common.links import path_for
from ...common.schooltime import day_bounds
from ...common.schooltime import local_today
from ...common.schooltime import to_local
from ...common.schooltime import utcnow
from ...common.vocabulary import TimelineEntry
from ...extensions import db
from ..models import ACTIVE_STATUSES
from ..models import Booking
from ..models import BookingStatus
from ..models import CounselingCase
from ..models import ParentRequest
from ..models import PhoneWindow
from ..models import Referral
from ..models import ReferralStatus
from ..models import label
from .bookings import upcoming_for_student
from .invitations import sent_to
from .invitations import waiting_for as invitations_waiting_for
from .phone import answer_of
from .referring import referrals_by


def agenda(counselor, first_day, days):
    """The counselor's waiting, confirmed and held sessions and meetings with parents,
    grouped by local day."""
    start, end = day_bounds(first_day, days)
    bookings = db.session.scalars(
        sa.select(Booking)
        .where(Booking.counselor_id == counselor.id, Booking.status.in_(ACTIVE_STATUSES),
               Booking.starts_at >= start, Booking.starts_at < end)
        .order_by(Booking.starts_at)).all()
    entries = in_order(bookings, parent_meetings(counselor, start, end))
    return [(day, list(items))
            for day, items in groupby(entries, key=lambda b: to_local(b.starts_at).date())]


def parent_meetings(counselor, start, end):
    """The counselor's meetings with parents starting in [start, end): a meeting holds
    its slot whether or not its request was marked handled since (slots.py)."""
    return db.session.scalars(
        sa.select(ParentRequest)
        .where(ParentRequest.counselor_id == counselor.id,
               ParentRequest.starts_at >= start, ParentRequest.starts_at < end)
        .order_by(ParentRequest.starts_at)).all()


def in_order(bookings, meetings):
    """Sessions and parent meetings in one line of time (templates tell them apart by
    `is_parent_meeting`)."""
    return sorted([*bookings, *meetings], key=lambda entry: entry.starts_at)


#: The orders of the counselor's list of every booking (common/listing.py).
BOOKING_SORTS = {
    "waktu": (Booking.starts_at, Booking.id),
    "siswa": (User.full_name, Booking.starts_at, Booking.id),
    "kelas": (SchoolClass.name, User.full_name, Booking.id),
    "status": (Booking.status, Booking.starts_at, Booking.id),
}


def bookings_page(counselor, want, status=None):
    """One page of (booking, student, class name) rows the counselor may open (may_open),
    past and coming, found by the student's name or class. The student comes in the same
    row, so that `booking.student` is not one more query per row."""
    statement = (sa.select(Booking, User, SchoolClass.name)
                 .join(User, User.id == Booking.student_id)
                 .outerjoin(StudentProfile, StudentProfile.user_id == User.id)
                 .outerjoin(SchoolClass, SchoolClass.id == StudentProfile.class_id)
                 .where(Booking.open_to(counselor.id)))
    if status is not None:
        statement = statement.where(Booking.status == status)
    if want.search:
        statement = statement.where(listing.matching(want.search, User.full_name,
                                                     SchoolClass.name))
    return listing.paginate(statement, BOOKING_SORTS, want)


def pending_for_counselor(counselor):
    return db.session.scalars(
        sa.select(Booking)
        .where(Booking.counselor_id == counselor.id, Booking.status == BookingStatus.PENDING,
               Booking.ends_at > utcnow())
        .order_by(Booking.urgent.desc(), Booking.starts_at)).all()


#: How many waiting requests and referrals the counselor's day lists; the rest are a click away.
DAY_LIST = 5


def counselor_overview(counselor):
    """What the counselor's day shows: today's and tomorrow's sessions, and what waits."""
    today = local_today()
    start, end = day_bounds(today, 2)
    sessions = in_order(db.session.scalars(
        sa.select(Booking)
        .where(Booking.counselor_id == counselor.id,
               Booking.status.in_((BookingStatus.PENDING, BookingStatus.CONFIRMED)),
               Booking.starts_at >= start, Booking.starts_at < end)
        .order_by(Booking.starts_at)).all(), parent_meetings(counselor, start, end))
    requests = pending_for_counselor(counselor)[:DAY_LIST]
    waiting_referrals = db.session.scalars(
        sa.select(Referral).where(Referral.status == ReferralStatus.RECEIVED)
        .order_by(Referral.created_at).limit(DAY_LIST)).all()
    urgent = db.session.scalar(
        sa.select(sa.func.count(Booking.id))
        .where(Booking.counselor_id == counselor.id, Booking.status == BookingStatus.PENDING,
               Booking.urgent.is_(True), Booking.ends_at > utcnow()))
    waiting = counts_waiting_for(counselor)
    return {"today": [b for b in sessions if to_local(b.starts_at).date() == today],
            "tomorrow": [b for b in sessions if to_local(b.starts_at).date() != today],
            "requests": requests, "waiting_referrals": waiting_referrals,
            "pending": waiting["booking_requests"], "urgent": urgent,
            "referrals": waiting["referrals"], "parent_requests": waiting["parent_requests"]}


#: How long a referral BK answered (scheduled or finished) counts as news for its teacher.
ANSWERED_NEWS_DAYS = 7


@signals.waiting_counts.connect
def waiting_part(user):
    if user.acting_role == Role.COUNSELOR:
        return counts_waiting_for(user)
    if user.acting_role == Role.HOMEROOM:
        return {"referrals_answered": referrals_answered(user)}
    return {}


def referrals_answered(teacher):
    """The teacher's referrals BK scheduled or finished in the last week: what they wait
    to hear (the status only, as on their referrals page)."""
    return db.session.scalar(
        sa.select(sa.func.count(Referral.id))
        .where(Referral.referrer_id == teacher.id,
               Referral.status != ReferralStatus.RECEIVED,
               Referral.updated_at >= utcnow() - timedelta(days=ANSWERED_NEWS_DAYS)))


def counts_waiting_for(user):
    """Requests waiting for the counselor's answer, and the school's unanswered referrals
    and parents' requests, in one statement."""
    requests, referrals, parents = db.session.execute(sa.select(
        sa.select(sa.func.count(Booking.id))
        .where(Booking.counselor_id == user.id, Booking.status == BookingStatus.PENDING,
               Booking.ends_at > utcnow()).scalar_subquery(),
        sa.select(sa.func.count(Referral.id))
        .where(Referral.status == ReferralStatus.RECEIVED).scalar_subquery(),
        sa.select(sa.func.count(ParentRequest.id))
        .where(ParentRequest.handled_at.is_(None)).scalar_subquery(),
    )).one()
    return {"booking_requests": requests, "referrals": referrals, "parent_requests": parents}


@signals.home_page.connect
def home_part(user):
    """A student's next sessions, a homeroom teacher's latest referrals, a counselor's day."""
    if user.role == Role.STUDENT:
        # An invitation waits here, never in a notification: nothing goes to the phone.
        answered, windows = answer_of(user)
        return {"upcoming": upcoming_for_student(user),
                "invitations": invitations_waiting_for(user),
                "phone_windows": windows, "phone_answered": answered,
                "phone_choices": [(window.value, label(window)) for window in PhoneWindow]}
    if user.role == Role.HOMEROOM:
        return {"referrals": referrals_by(user, limit=5)}
    if user.role == Role.COUNSELOR:
        return {"booking": counselor_overview(user)}
    return {}


def student_cases(student, counselor):
    """The student's cases `counselor` may open (may_open), with their session records."""
    return db.session.scalars(
        sa.select(CounselingCase)
        .where(CounselingCase.student_id == student.id, CounselingCase.open_to(counselor.id))
        .options(so.selectinload(CounselingCase.records))
        .order_by(CounselingCase.opened_at.desc())).all()


def student_bookings(student, counselor):
    return db.session.scalars(
        sa.select(Booking)
        .where(Booking.student_id == student.id, Booking.open_to(counselor.id))
        .order_by(Booking.starts_at.desc())).all()


def student_referrals(student, counselor):
    return db.session.scalars(
        sa.select(Referral)
        .where(Referral.student_id == student.id, Referral.open_to(counselor.id))
        .order_by(Referral.created_at.desc())).all()


@signals.student_record.connect
def record_part(student, counselor):
    """Cases, sessions, referrals and invitations as `counselor` may open them, and when
    the student holds the phone (not confidential: the counselor needs it to invite)."""
    answered, windows = answer_of(student)
    return {"booking": {
        "cases": student_cases(student, counselor),
        "bookings": student_bookings(student, counselor),
        "referrals": student_referrals(student, counselor),
        "invitations": sent_to(student, counselor),
        "windows": windows, "windows_answered": answered,
    }}


@signals.student_timeline.connect
def timeline_part(student, counselor):
    entries = []
    for booking in student_bookings(student, counselor):
        entries.append(TimelineEntry(
            booking.starts_at, _("Sesi %(mode)s: %(status)s", mode=label(booking.mode),
                                 status=label(booking.status)),
            path_for("booking.staff_detail", booking_id=booking.id)))
    for case in student_cases(student, counselor):
        link = path_for("booking.case_file", case_id=case.id)
        entries.append(TimelineEntry(case.opened_at, _("Kasus dibuka"), link))
        if case.closed_at:
            entries.append(TimelineEntry(case.closed_at, _("Kasus ditutup"), link))
        entries += [TimelineEntry(record.held_at, _("Catatan sesi: %(topic)s", topic=record.topic),
                                  link) for record in case.records]
    entries += [TimelineEntry(referral.created_at, _("Dirujuk wali kelas"),
                              path_for("booking.referral", referral_id=referral.id))
                for referral in student_referrals(student, counselor)]
    entries += [TimelineEntry(invitation.created_at,
                              _("Panggilan konseling: %(status)s", status=label(invitation.status)))
                for invitation in sent_to(student, counselor)]
    return entries
