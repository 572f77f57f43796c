"""Counselor availability, bookings with intake and consent, cases, session records,
referrals from homeroom teachers and requests from parents.

Every datetime column is naive UTC; the school's zone is applied only for display
and when turning a counselor's weekly hours into slots.
"""

import enum
import functools
import operator
from datetime import datetime
from datetime import time

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp
from sqlalchemy.ext.hybrid import hybrid_method

from ..accounts.models import User
from ..common.schooltime import utcnow
from ..common.vocabulary import FIELD_LABELS
from ..common.vocabulary import MODE_LABELS
from ..common.vocabulary import ONLINE_MODES
from ..common.vocabulary import Mode
from ..common.vocabulary import ServiceField
from ..extensions import db
from ..extensions import enum_column
from ..programme.models import ProgrammeRow


def may_open(counselor_id, *holders):
    """May counselor `counselor_id` open a counseling record held by `holders`?

    The one answer to that question: the pages (404 otherwise), the data export (a record
    is exported only if this is true), the chat's pages and Socket.IO events, and the
    student search all ask it, through the `open_to` of each record below, or (where
    only the ids are at hand, as in the chat's batched writes) by calling it directly.

    The rule (asas kerahasiaan: case content belongs to the assigned counselor(s)):
    - A case (its file, closing note and session records, private notes too) opens to
      the counselor it is assigned to now. A handover moves it whole: the new counselor
      opens it, the previous one no longer does.
    - A booking (its details, the intake or data awal, and its chat) opens to the
      counselor it was booked with, whatever became of it, since the student wrote the
      intake to them and they read it to confirm or decline; and to the counselor of the
      case it belongs to, so that a handover shares the earlier sessions with the new
      counselor (to read: changing a booking stays with the one it was booked with).
      The previous counselor thus keeps the bookings they held, with intake and chat,
      but not the case file or its session records.
    - A referral's reason opens to every counselor while nobody has taken it (the
      queue), then to the referral's counselor (who scheduled it, or took its case over).
    - Nothing opens anything else. A booking, pending, declined or confirmed, does not
      open the case it joins or the student's other bookings, and a referral opens no
      case: a student asking another counselor for a slot, or that counselor scheduling
      an unclaimed referral, shows them that booking (and the case a confirmation opens
      with them), never a case another counselor holds.

    `holders` are values (from a loaded row: the answer is a bool) or columns (in a
    query: the answer is a WHERE condition); `==` and `|` mean the same in both, so the
    rows the pages load and the queries of exports and lists cannot disagree.
    """
    return functools.reduce(operator.or_, (holder == counselor_id for holder in holders))


def case_counselor_of(case_id):
    """SQL: the counselor now assigned to the case `case_id` (a column), or NULL."""
    # Never correlated with a counseling_cases of the enclosing query (one joining the
    # cases would otherwise leave this subquery with no table).
    return (sa.select(CounselingCase.counselor_id).where(CounselingCase.id == case_id)
            .correlate_except(CounselingCase).scalar_subquery())


class BookingStatus(str, enum.Enum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    DONE = "done"


#: Statuses that hold the slot; the others free it for someone else.
ACTIVE_STATUSES = (BookingStatus.PENDING, BookingStatus.CONFIRMED, BookingStatus.DONE)
_ACTIVE_SQL = "status IN ('pending', 'confirmed', 'done')"


class Source(str, enum.Enum):
    STUDENT = "student"
    REFERRAL = "referral"
    #: The student chose a time after a counselor's invitation (panggilan konseling).
    INVITATION = "invitation"


class HelpBefore(str, enum.Enum):
    NO = "no"
    SCHOOL = "school"
    OTHER = "other"


class Reminder(str, enum.Enum):
    NONE = "none"
    CALENDAR = "calendar"
    WHATSAPP = "whatsapp"


class ExceptionKind(str, enum.Enum):
    CLOSED = "closed"
    EXTRA = "extra"


class InvitationStatus(str, enum.Enum):
    # Values apart from the other statuses': LABELS is keyed by value ("open" is a case's).
    WAITING = "waiting"
    ACCEPTED = "accepted"
    REFUSED = "refused"


class PhoneWindow(str, enum.Enum):
    """When a student usually holds a shared phone ("jam pegang HP")."""

    WEEKDAY_AFTERNOON = "weekday_afternoon"
    WEEKDAY_EVENING = "weekday_evening"
    SATURDAY_MORNING = "saturday_morning"
    SATURDAY_AFTERNOON = "saturday_afternoon"
    SUNDAY = "sunday"


#: Each window as (weekdays as date.weekday(), from, until), in the school's zone.
PHONE_WINDOW_HOURS = {
    PhoneWindow.WEEKDAY_AFTERNOON: (range(5), time(14), time(18)),
    PhoneWindow.WEEKDAY_EVENING: (range(5), time(19), time(22)),
    PhoneWindow.SATURDAY_MORNING: ((5,), time(7), time(12)),
    PhoneWindow.SATURDAY_AFTERNOON: ((5,), time(12), time(18)),
    PhoneWindow.SUNDAY: ((6,), time(7), time(21)),
}


class CaseStatus(str, enum.Enum):
    OPEN = "open"
    CLOSED = "closed"


class Outcome(str, enum.Enum):
    """The four post-counseling outcomes (pasca-konseling) of online counseling."""

    EFFECTIVE_LIFE = "effective_life"
    FACE_TO_FACE = "face_to_face"
    ONLINE_AGAIN = "online_again"
    REFERRAL = "referral"


class ReferralStatus(str, enum.Enum):
    RECEIVED = "received"
    SCHEDULED = "scheduled"
    DONE = "done"


#: Each enum member's label. A str enum member hashes and compares as its value, so a dict
#: keyed by members alone gave two enums sharing a value one label: a holiday
#: (ExceptionKind.CLOSED) read "Ditutup" as a closed case, a held session took a finished
#: referral's. Keyed by (enum, member) instead; see label().
LABEL_PAIRS = [
    *MODE_LABELS.items(),
    *FIELD_LABELS.items(),
    (BookingStatus.PENDING, _l("Menunggu konfirmasi Guru BK")),
    (BookingStatus.CONFIRMED, _l("Sudah dikonfirmasi")),
    (BookingStatus.DECLINED, _l("Tidak bisa dilayani")),
    (BookingStatus.CANCELLED, _l("Dibatalkan")),
    # "Selesai" reads differently in English for each thing that ends (a session is
    # held, a story closed): one context each, so that each gets its own translation.
    (BookingStatus.DONE, _lp("booking status", "Selesai")),
    (HelpBefore.NO, _l("Belum pernah")),
    (HelpBefore.SCHOOL, _l("Pernah, di sekolah")),
    (HelpBefore.OTHER, _l("Pernah, di luar sekolah")),
    (Reminder.NONE, _l("Tidak usah diingatkan")),
    (Reminder.CALENDAR, _l("Lewat kalender HP (berkas .ics)")),
    (Reminder.WHATSAPP, _l("Lewat WhatsApp dari Guru BK")),
    (ExceptionKind.CLOSED, _l("Libur atau izin")),
    (ExceptionKind.EXTRA, _l("Slot tambahan")),
    (CaseStatus.OPEN, _l("Berjalan")),
    (CaseStatus.CLOSED, _lp("case status", "Ditutup")),
    (Outcome.EFFECTIVE_LIFE, _l("Kembali ke kehidupan sehari-hari yang efektif")),
    (Outcome.FACE_TO_FACE, _l("Dilanjutkan dengan konseling tatap muka")),
    (Outcome.ONLINE_AGAIN, _l("Dilanjutkan dengan sesi daring berikutnya")),
    (Outcome.REFERRAL, _l("Alih tangan kasus ke pihak lain")),
    (ReferralStatus.RECEIVED, _l("Diterima BK")),
    (ReferralStatus.SCHEDULED, _l("Sudah dijadwalkan")),
    (ReferralStatus.DONE, _lp("referral status", "Selesai")),
    (InvitationStatus.WAITING, _l("Menunggu jawaban siswa")),
    (InvitationStatus.ACCEPTED, _l("Siswa memilih waktu")),
    (InvitationStatus.REFUSED, _l("Siswa belum bersedia")),
    (PhoneWindow.WEEKDAY_AFTERNOON, _l("Senin–Jumat, siang sampai sore sepulang sekolah")),
    (PhoneWindow.WEEKDAY_EVENING, _l("Senin–Jumat, malam setelah jam 19.00")),
    (PhoneWindow.SATURDAY_MORNING, _l("Sabtu pagi")),
    (PhoneWindow.SATURDAY_AFTERNOON, _l("Sabtu siang sampai sore")),
    (PhoneWindow.SUNDAY, _l("Minggu")),
]
LABELS = {(type(member), member): text for member, text in LABEL_PAIRS}
#: A plain value (a form's data, no enum at hand): the first label given to that value.
LABELS_BY_VALUE = {member.value: text for member, text in reversed(LABEL_PAIRS)}


def label(value):
    if isinstance(value, enum.Enum):
        return LABELS.get((type(value), value), value)
    return LABELS_BY_VALUE.get(value, value)


class CounselorSchedule(db.Model):
    """A counselor's slot length; one row per counselor who offers times."""

    __tablename__ = "counselor_schedules"

    counselor_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    slot_minutes: so.Mapped[int] = so.mapped_column(default=30)

    __table_args__ = (
        sa.CheckConstraint("slot_minutes BETWEEN 10 AND 240", name="slot_minutes_range"),
    )


class WeeklyHours(db.Model):
    """Recurring hours such as Monday 08:00–14:00, in the school's zone."""

    __tablename__ = "counselor_weekly_hours"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    counselor_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: 0 = Monday ... 6 = Sunday, as date.weekday().
    weekday: so.Mapped[int]
    start_time: so.Mapped[time]
    end_time: so.Mapped[time]
    #: Chat only, no video or meeting (evenings at home: no camera at night).
    chat_only: so.Mapped[bool] = so.mapped_column(default=False)

    __table_args__ = (
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
        sa.CheckConstraint("start_time < end_time", name="start_before_end"),
    )


class AvailabilityException(db.Model):
    """A holiday or leave (no slots in the interval) or a single extra slot."""

    __tablename__ = "counselor_availability_exceptions"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    counselor_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: so.Mapped[ExceptionKind] = so.mapped_column(enum_column(ExceptionKind))
    starts_at: so.Mapped[datetime]
    ends_at: so.Mapped[datetime]
    note: so.Mapped[str] = so.mapped_column(sa.String(120), default="")

    __table_args__ = (
        sa.CheckConstraint("starts_at < ends_at", name="start_before_end"),
    )


class CounselingCase(db.Model):
    """A student's case file with one counselor (kept after a handover to another)."""

    __tablename__ = "counseling_cases"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    student_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    counselor_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    #: Who had the case before the last handover.
    previous_counselor_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))
    status: so.Mapped[CaseStatus] = so.mapped_column(enum_column(CaseStatus), default=CaseStatus.OPEN)
    opened_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    closed_at: so.Mapped[datetime | None]
    outcome: so.Mapped[Outcome | None] = so.mapped_column(enum_column(Outcome, 24))
    closing_note: so.Mapped[str] = so.mapped_column(sa.Text, default="")

    student: so.Mapped[User] = so.relationship(foreign_keys=[student_id])
    counselor: so.Mapped[User] = so.relationship(foreign_keys=[counselor_id])
    previous_counselor: so.Mapped[User | None] = so.relationship(
        foreign_keys=[previous_counselor_id])
    bookings: so.Mapped[list["Booking"]] = so.relationship(
        back_populates="case", order_by="Booking.starts_at")
    records: so.Mapped[list["SessionRecord"]] = so.relationship(
        back_populates="case", order_by="SessionRecord.held_at", cascade="all, delete-orphan")
    referrals: so.Mapped[list["Referral"]] = so.relationship(
        back_populates="case", order_by="Referral.created_at")

    @property
    def is_open(self):
        return self.status == CaseStatus.OPEN

    @hybrid_method
    def open_to(self, counselor_id):
        """May this counselor open the case file and its session records (may_open)."""
        return may_open(counselor_id, self.counselor_id)


class Referral(db.Model):
    """Alih tangan kasus: a homeroom teacher refers a student of their class to BK.

    The referring teacher sees the status only; the reason is for counselors.
    """

    __tablename__ = "referrals"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    student_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    referrer_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    counselor_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    case_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("counseling_cases.id", ondelete="SET NULL"), index=True)
    reason: so.Mapped[str] = so.mapped_column(sa.Text)
    status: so.Mapped[ReferralStatus] = so.mapped_column(
        enum_column(ReferralStatus), default=ReferralStatus.RECEIVED, index=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)

    student: so.Mapped[User] = so.relationship(foreign_keys=[student_id])
    referrer: so.Mapped[User | None] = so.relationship(foreign_keys=[referrer_id])
    counselor: so.Mapped[User | None] = so.relationship(foreign_keys=[counselor_id])
    case: so.Mapped[CounselingCase | None] = so.relationship(back_populates="referrals")

    @hybrid_method
    def open_to(self, counselor_id):
        """May this counselor read the referral's reason (may_open)."""
        return self.counselor_id is None or may_open(counselor_id, self.counselor_id)

    @open_to.inplace.expression
    @classmethod
    def _open_to_expression(cls, counselor_id):
        return sa.or_(cls.counselor_id.is_(None), may_open(counselor_id, cls.counselor_id))


class Booking(db.Model):
    """One counseling appointment in one counselor's slot.

    A student books it themselves, or a counselor books it for a referred student.
    """

    __tablename__ = "bookings"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    student_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    counselor_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    case_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("counseling_cases.id", ondelete="SET NULL"), index=True)
    referral_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("referrals.id", ondelete="SET NULL"), index=True)
    source: so.Mapped[Source] = so.mapped_column(enum_column(Source), default=Source.STUDENT)
    starts_at: so.Mapped[datetime]
    ends_at: so.Mapped[datetime]
    mode: so.Mapped[Mode] = so.mapped_column(enum_column(Mode))
    field: so.Mapped[ServiceField | None] = so.mapped_column(enum_column(ServiceField))
    status: so.Mapped[BookingStatus] = so.mapped_column(
        enum_column(BookingStatus), default=BookingStatus.PENDING)
    urgent: so.Mapped[bool] = so.mapped_column(default=False)
    #: "When I usually have the phone", in the student's words, for the counselor.
    phone_times: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    #: Version of the consent text the student agreed to; None until they agree.
    consent_version: so.Mapped[str | None] = so.mapped_column(sa.String(16))
    consented_at: so.Mapped[datetime | None]
    #: What the counselor tells the student when confirming, declining or moving it.
    counselor_message: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)

    student: so.Mapped[User] = so.relationship(foreign_keys=[student_id])
    counselor: so.Mapped[User] = so.relationship(foreign_keys=[counselor_id])
    case: so.Mapped[CounselingCase | None] = so.relationship(back_populates="bookings")
    #: On an agenda beside parent meetings (overview.in_order), this entry is a session.
    is_parent_meeting = False
    referral: so.Mapped[Referral | None] = so.relationship()
    intake: so.Mapped["Intake | None"] = so.relationship(
        back_populates="booking", cascade="all, delete-orphan", uselist=False)

    __table_args__ = (
        # The database, not the app, decides who gets a contested slot.
        sa.Index("uq_bookings_counselor_slot", "counselor_id", "starts_at", unique=True,
                 sqlite_where=sa.text(_ACTIVE_SQL), postgresql_where=sa.text(_ACTIVE_SQL)),
        sa.CheckConstraint("starts_at < ends_at", name="start_before_end"),
    )

    @property
    def is_active(self):
        return self.status in ACTIVE_STATUSES

    @property
    def live(self):
        """A chat or video session that is confirmed (or done: its history stays readable)."""
        return self.mode in ONLINE_MODES and self.status in (BookingStatus.CONFIRMED,
                                                             BookingStatus.DONE)

    @property
    def is_open(self):
        """Still ahead of us: waiting or confirmed."""
        return self.status in (BookingStatus.PENDING, BookingStatus.CONFIRMED)

    @hybrid_method
    def open_to(self, counselor_id):
        """May this counselor open the booking, its intake and its chat (may_open)."""
        return may_open(counselor_id, self.counselor_id,
                        self.case.counselor_id if self.case else None)

    @open_to.inplace.expression
    @classmethod
    def _open_to_expression(cls, counselor_id):
        return may_open(counselor_id, cls.counselor_id, case_counselor_of(cls.case_id))


class Intake(db.Model):
    """Data awal konseli, given by the student with the booking."""

    __tablename__ = "booking_intakes"

    booking_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("bookings.id", ondelete="CASCADE"), primary_key=True)
    #: Name and class as they were when the student booked.
    student_name: so.Mapped[str] = so.mapped_column(sa.String(120))
    class_name: so.Mapped[str] = so.mapped_column(sa.String(16), default="")
    description: so.Mapped[str] = so.mapped_column(sa.Text)
    help_before: so.Mapped[HelpBefore] = so.mapped_column(enum_column(HelpBefore))
    feels_unsafe: so.Mapped[bool] = so.mapped_column(default=False)
    reminder: so.Mapped[Reminder] = so.mapped_column(enum_column(Reminder), default=Reminder.NONE)

    booking: so.Mapped[Booking] = so.relationship(back_populates="intake")


class SessionRecord(db.Model):
    """Catatan konseling: what happened in one session, with the laiseg (UCA) result."""

    __tablename__ = "session_records"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    case_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("counseling_cases.id", ondelete="CASCADE"), index=True)
    booking_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("bookings.id", ondelete="SET NULL"), index=True)
    counselor_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))
    held_at: so.Mapped[datetime]
    mode: so.Mapped[Mode] = so.mapped_column(enum_column(Mode))
    field: so.Mapped[ServiceField] = so.mapped_column(enum_column(ServiceField))
    topic: so.Mapped[str] = so.mapped_column(sa.String(200))
    summary: so.Mapped[str] = so.mapped_column(sa.Text)
    technique: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    follow_up: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    #: Laiseg: new understanding, feeling (comfort) and planned action of the student.
    laiseg_understanding: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    laiseg_comfort: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    laiseg_action: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    #: For counselors only; never shown to the student.
    private_note: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    #: The Program Tahunan row the session delivers (signals.services_held), if any.
    programme_row_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("programme_rows.id", ondelete="SET NULL"), index=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    case: so.Mapped[CounselingCase] = so.relationship(back_populates="records")
    programme_row: so.Mapped[ProgrammeRow | None] = so.relationship()
    booking: so.Mapped[Booking | None] = so.relationship()
    counselor: so.Mapped[User | None] = so.relationship()

    @hybrid_method
    def open_to(self, counselor_id):
        """May this counselor read the record: it goes with its case (may_open), not with
        who wrote it."""
        return self.case.open_to(counselor_id)

    @open_to.inplace.expression
    @classmethod
    def _open_to_expression(cls, counselor_id):
        return may_open(counselor_id, case_counselor_of(cls.case_id))


class Invitation(db.Model):
    """Panggilan konseling: a counselor invites a student to a session.

    The student sees it on their home only (never in a notification), picks a time from
    the counselor's availability and gives consent, or says no: counseling stays opt-in.
    """

    __tablename__ = "counseling_invitations"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    student_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    counselor_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: What the student reads, in neutral words: it shows on a phone that may be shared.
    message: so.Mapped[str] = so.mapped_column(sa.String(300))
    status: so.Mapped[InvitationStatus] = so.mapped_column(
        enum_column(InvitationStatus), default=InvitationStatus.WAITING)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    expires_at: so.Mapped[datetime]
    #: The session the student chose.
    booking_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("bookings.id", ondelete="SET NULL"))

    student: so.Mapped[User] = so.relationship(foreign_keys=[student_id])
    counselor: so.Mapped[User] = so.relationship(foreign_keys=[counselor_id])
    booking: so.Mapped[Booking | None] = so.relationship()

    def waiting(self, now=None):
        """Open and not expired: the student can still answer it."""
        return self.status == InvitationStatus.WAITING and self.expires_at > (now or utcnow())

    @hybrid_method
    def open_to(self, counselor_id):
        """An invitation is the inviting counselor's (may_open)."""
        return may_open(counselor_id, self.counselor_id)


class PhoneHabit(db.Model):
    """When a student usually holds the phone, given once on their home ("jam pegang HP")."""

    __tablename__ = "student_phone_windows"

    student_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    #: PhoneWindow values, comma-separated ("" when the student said none fits).
    windows: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def chosen(self):
        known = {window.value for window in PhoneWindow}
        return [PhoneWindow(value) for value in self.windows.split(",") if value in known]


class ParentRequest(db.Model):
    """A parent's consultation request, sent without an account."""

    __tablename__ = "parent_requests"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    parent_name: so.Mapped[str] = so.mapped_column(sa.String(120))
    child_name: so.Mapped[str] = so.mapped_column(sa.String(120))
    class_name: so.Mapped[str] = so.mapped_column(sa.String(16))
    #: Digits only, with the country code (62...).
    whatsapp: so.Mapped[str] = so.mapped_column(sa.String(20), index=True)
    preferred_times: so.Mapped[str] = so.mapped_column(sa.String(200))
    topic: so.Mapped[str] = so.mapped_column(sa.Text)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, index=True)
    handled_at: so.Mapped[datetime | None]
    handled_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))

    #: The student the parent named, once a counselor confirmed the match (never
    #: matched for the parent, who is told nothing about the school's students).
    student_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    #: The meeting, in one of this counselor's slots, which it holds as a booking does.
    counselor_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))
    starts_at: so.Mapped[datetime | None]
    ends_at: so.Mapped[datetime | None]
    mode: so.Mapped[Mode | None] = so.mapped_column(enum_column(Mode))

    handled_by: so.Mapped[User | None] = so.relationship(foreign_keys=[handled_by_id])
    student: so.Mapped[User | None] = so.relationship(foreign_keys=[student_id])
    counselor: so.Mapped[User | None] = so.relationship(foreign_keys=[counselor_id])

    #: On an agenda beside bookings (overview.in_order), this entry is a parent meeting.
    is_parent_meeting = True

    __table_args__ = (
        # Two parents cannot be given one slot, as two students cannot (bookings).
        sa.Index("uq_parent_requests_counselor_slot", "counselor_id", "starts_at", unique=True),
    )


class CalendarFeed(db.Model):
    """A counselor's private agenda address for a phone calendar (…/kalender/<token>.ics).

    Only the token's SHA-256 is kept: the address is shown once, and a copy of the
    database does not give it away. Making a new one replaces the row, so the old
    address stops working; deleting the row revokes it."""

    __tablename__ = "calendar_feeds"

    counselor_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    token_digest: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    counselor: so.Mapped[User] = so.relationship()
