"""Demo data for booking: counselors who can be booked at once, and a session today."""

from datetime import time
from datetime import timedelta

import sqlalchemy as sa

from ..accounts.models import User
from ..common.schooltime import to_local
from ..common.schooltime import to_utc
from ..common.schooltime import utcnow
from ..common.vocabulary import Mode
from ..common.vocabulary import ServiceField
from ..extensions import db
from .models import Booking
from .models import BookingStatus
from .models import CounselorSchedule
from .models import HelpBefore
from .models import Intake
from .models import Reminder
from .models import WeeklyHours
from .services.casework import open_case
from .services.rules import CONSENT_VERSION

DEMO_HOURS = {"guru.bk": (time(8), time(14)), "guru.bk2": (time(9), time(15))}
#: Out of school hours, for students who hold a shared phone only in the evening.
DEMO_EVENING = ("guru.bk", time(19), time(21))
SLOT_MINUTES = 30
#: Minutes the demo chat must still have to run when seeded; with fewer it runs a slot longer.
DEMO_CHAT_MIN_LEFT = 5


def seed():
    """Monday–Friday hours for both demo counselors, chat-only evenings for guru.bk, and a
    confirmed chat today between siswa.7a.01 and guru.bk (the demo's live chat hangs on
    it)."""
    people = {user.username: user for user in db.session.scalars(
        sa.select(User).where(User.username.in_([*DEMO_HOURS, "siswa.7a.01"])))}
    for username, (start, end) in DEMO_HOURS.items():
        counselor = people[username]
        db.session.add(CounselorSchedule(counselor_id=counselor.id, slot_minutes=SLOT_MINUTES))
        for weekday in range(5):
            db.session.add(WeeklyHours(counselor_id=counselor.id, weekday=weekday,
                                       start_time=start, end_time=end))
    username, start, end = DEMO_EVENING
    for weekday in range(5):
        db.session.add(WeeklyHours(counselor_id=people[username].id, weekday=weekday,
                                   start_time=start, end_time=end, chat_only=True))

    # The half hour we are in now, so the demo chat is live whenever the demo is seeded;
    # with the next one too when this one is nearly over (seeded at 16:59 it ended a minute
    # later, and the homes no longer linked it: a test failed at that boundary).
    now = to_local(utcnow()).replace(tzinfo=None)
    starts_at = now.replace(minute=now.minute // SLOT_MINUTES * SLOT_MINUTES, second=0,
                            microsecond=0)
    ends_at = starts_at + timedelta(minutes=SLOT_MINUTES)
    if ends_at - now < timedelta(minutes=DEMO_CHAT_MIN_LEFT):
        ends_at += timedelta(minutes=SLOT_MINUTES)
    starts_at, ends_at = to_utc(starts_at), to_utc(ends_at)
    student, counselor = people["siswa.7a.01"], people["guru.bk"]
    booking = Booking(
        student_id=student.id, counselor_id=counselor.id, starts_at=starts_at,
        ends_at=ends_at, mode=Mode.CHAT,
        field=ServiceField.SOCIAL, status=BookingStatus.CONFIRMED,
        phone_times="Siang setelah pulang sekolah; malam HP dipakai kakak.",
        consent_version=CONSENT_VERSION, consented_at=utcnow(),
        counselor_message="Sampai ketemu di chat, ya.",
        intake=Intake(student_name=student.full_name,
                      class_name=student.school_class.name if student.school_class else "",
                      description="(Contoh) Aku ingin cerita soal teman sekelas yang suka "
                                  "menyindirku di grup.",
                      help_before=HelpBefore.NO, feels_unsafe=False, reminder=Reminder.NONE))
    booking.case = open_case(student, counselor)
    db.session.add(booking)
