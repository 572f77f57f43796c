"""The BK programme (Program Tahunan, its rows by semester and month) and the log of the
counselor's services that no other feature keeps (bimbingan klasikal held from an RPL,
group sessions, home visits, case conferences, referrals, consultations).

The log keeps no student's name: the hours sheet and the programme need what happened and
when, never about whom.
"""

import enum
from datetime import date
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from ..accounts.models import SchoolClass
from ..assessments.models import Administration
from ..accounts.models import User
from ..common.schooltime import utcnow
from ..common.vocabulary import ServiceField
from ..extensions import db
from ..extensions import enum_column
from ..outreach.models import ServiceComponent
from ..outreach.models import ServicePlan


class Semester(str, enum.Enum):
    ODD = "ganjil"
    EVEN = "genap"


class ActivityKind(str, enum.Enum):
    """A kind of service on the hours sheet. Every kind but classical guidance counts as
    2 JP ekuivalen; classical guidance counts the JP it took."""

    CLASSICAL = "classical"
    INDIVIDUAL = "individual"
    GROUP_GUIDANCE = "group_guidance"
    GROUP_COUNSELING = "group_counseling"
    HOME_VISIT = "home_visit"
    CASE_CONFERENCE = "case_conference"
    REFERRAL = "referral"
    CONSULTATION = "consultation"


KIND_LABELS = {
    ActivityKind.CLASSICAL: _l("Bimbingan klasikal"),
    ActivityKind.INDIVIDUAL: _l("Konseling perorangan"),
    ActivityKind.GROUP_GUIDANCE: _l("Bimbingan kelompok"),
    ActivityKind.GROUP_COUNSELING: _l("Konseling kelompok"),
    ActivityKind.HOME_VISIT: _l("Kunjungan rumah"),
    ActivityKind.CASE_CONFERENCE: _l("Konferensi kasus"),
    ActivityKind.REFERRAL: _l("Alih tangan kasus"),
    ActivityKind.CONSULTATION: _l("Konsultasi (orang tua, guru)"),
}

#: The services a laiseg follows: those held with a class or a group.
LAISEG_KINDS = (ActivityKind.CLASSICAL, ActivityKind.GROUP_GUIDANCE,
                ActivityKind.GROUP_COUNSELING)

#: JP ekuivalen of one out-of-class service.
EQUIVALENT_JP = 2


class ProgrammeRow(db.Model):
    """One planned service of the Program Tahunan: drafted from a class's needs or written
    by a counselor. Its JP count towards its component's share of the year."""

    __tablename__ = "programme_rows"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: The year the school year starts in (2026 for 2026/2027), as periods.parse_year keys it.
    school_year: so.Mapped[int] = so.mapped_column(index=True)
    component: so.Mapped[ServiceComponent] = so.mapped_column(enum_column(ServiceComponent))
    field: so.Mapped[ServiceField | None] = so.mapped_column(enum_column(ServiceField))
    topic: so.Mapped[str] = so.mapped_column(sa.String(160))
    #: The need it answers, as the draft found it ("62 % siswa kelas 7A: ...").
    need: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    target_group: so.Mapped[str] = so.mapped_column(sa.String(160), default="")
    method: so.Mapped[str] = so.mapped_column(sa.String(160), default="")
    semester: so.Mapped[Semester] = so.mapped_column(enum_column(Semester, 8))
    #: Month of the Program Semester (1–12); None: any time in the semester.
    month: so.Mapped[int | None]
    jp: so.Mapped[int] = so.mapped_column(default=2)
    class_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("school_classes.id", ondelete="SET NULL"), index=True)
    #: Made by the draft (not yet changed by hand): a new draft does not propose it twice.
    drafted: so.Mapped[bool] = so.mapped_column(default=False)
    created_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)

    school_class: so.Mapped[SchoolClass | None] = so.relationship()

    __table_args__ = (
        sa.CheckConstraint("jp >= 0 AND jp <= 1000", name="jp_in_range"),
        sa.CheckConstraint("month IS NULL OR (month >= 1 AND month <= 12)",
                           name="month_in_range"),
    )


class Activity(db.Model):
    """A service the counselor held and logged here: what kind, on which day, its JP, and
    the programme row and RPL it delivers. No student is named."""

    __tablename__ = "programme_activities"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    counselor_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: so.Mapped[ActivityKind] = so.mapped_column(enum_column(ActivityKind, 20))
    #: The school's local date.
    held_on: so.Mapped[date] = so.mapped_column(index=True)
    #: JP of classical guidance; EQUIVALENT_JP for every other kind.
    jp: so.Mapped[int] = so.mapped_column(default=EQUIVALENT_JP)
    row_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("programme_rows.id", ondelete="SET NULL"), index=True)
    plan_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("outreach_plans.id", ondelete="SET NULL"), index=True)
    class_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("school_classes.id", ondelete="SET NULL"), index=True)
    note: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    #: The laiseg its group answered (an anonymous administration of the built-in laiseg).
    laiseg_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("administrations.id", ondelete="SET NULL"), index=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    counselor: so.Mapped[User] = so.relationship()
    laiseg: so.Mapped[Administration | None] = so.relationship()
    row: so.Mapped[ProgrammeRow | None] = so.relationship()
    plan: so.Mapped[ServicePlan | None] = so.relationship()
    school_class: so.Mapped[SchoolClass | None] = so.relationship()

    __table_args__ = (sa.CheckConstraint("jp >= 0 AND jp <= 40", name="jp_in_range"),)

    @property
    def takes_laiseg(self):
        return self.kind in LAISEG_KINDS
