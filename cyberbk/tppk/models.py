"""The TPPK lane (Permendikbudristek 46/2023): violence reports the school's TPPK (tim
pencegahan dan penanganan kekerasan) handles, apart from the counseling thread.

A report reaches the lane in two ways: a counselor routes a problem-box story or a case,
sharing a summary they write (and the student's words only when they choose to), or a
student reports to the TPPK directly (/kotak/kekerasan), named or anonymous. The members
read what reached the lane, never the counseling behind it (`may_open`).

An anonymous report keeps what the problem box keeps of one: no account, no exact time
(the hour), and nothing a member writes on it is timed closer (common/database.py
checkpoints the log after it, `is_anonymous`).
"""

import enum
from datetime import date
from datetime import datetime
from datetime import timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..accounts.models import Role
from ..accounts.models import User
from ..common import schooltime
from ..extensions import db
from ..extensions import enum_column

#: The examination takes at most this many days from the report (Permendikbudristek 46/2023).
EXAMINATION_DAYS = 30


class Source(str, enum.Enum):
    #: A counselor routed a problem-box story.
    STORY = "story"
    #: A counselor routed a counseling case.
    CASE = "case"
    #: A student reported to the TPPK directly.
    STUDENT = "student"


class Step(str, enum.Enum):
    """The handling the regulation asks of the TPPK, in its order."""
    EXAMINATION = "examination"
    PARENTS = "parents"
    RECOMMENDATION = "recommendation"
    SUPPORT = "support"
    REFERRAL = "referral"


class TppkMember(db.Model):
    """A counselor who is also a TPPK member (the operator lists them; an account with the
    role `tppk` is a member by its role)."""

    __tablename__ = "tppk_members"

    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)

    user: so.Mapped[User] = so.relationship()


class TppkCase(db.Model):
    __tablename__ = "tppk_cases"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    source: so.Mapped[Source] = so.mapped_column(enum_column(Source))
    #: When the TPPK received it; for an anonymous report only the hour.
    received_at: so.Mapped[datetime] = so.mapped_column(index=True)
    #: The story or case it was routed from (None for a student's own report). The members
    #: never open those: the ids only let the counselor's page say it was routed.
    problem_report_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("problem_reports.id", ondelete="SET NULL"), index=True)
    counseling_case_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("counseling_cases.id", ondelete="SET NULL"), index=True)
    #: The student it is about, when known by name (a named story, a case, a named
    #: report); None for an anonymous one.
    student_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    #: The counselor who routed it (None for a student's own report).
    routed_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))
    #: What the counselor chose to share, in their words ("" for a student's own report).
    summary: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    #: The student's own words: their report, or a story only when the counselor ticked it.
    student_words: so.Mapped[str | None] = so.mapped_column(sa.Text)
    #: The counselor confirmed the student was told before it was routed.
    student_told: so.Mapped[bool] = so.mapped_column(default=False)
    #: HMAC of a student's form filling-in (as the problem box's), so a report sent twice
    #: is stored once. Names nothing but that filling-in.
    submission_digest: so.Mapped[str | None] = so.mapped_column(sa.String(64), unique=True)
    closed_at: so.Mapped[datetime | None]

    student: so.Mapped[User | None] = so.relationship(foreign_keys=[student_id])
    routed_by: so.Mapped[User | None] = so.relationship(foreign_keys=[routed_by_id])
    steps: so.Mapped[list["TppkStep"]] = so.relationship(
        back_populates="case", order_by="TppkStep.id", cascade="all, delete-orphan",
        passive_deletes=True)
    notes: so.Mapped[list["TppkNote"]] = so.relationship(
        back_populates="case", order_by="TppkNote.id", cascade="all, delete-orphan",
        passive_deletes=True)

    __table_args__ = (
        # A student's own report carries no counselor's summary; a routed one always does.
        # (Not routed_by_id: the account may go, SET NULL, and the case must stay.)
        sa.CheckConstraint("(source = 'student') = (summary = '')",
                           name="tppk_routed_or_reported"),
    )

    @property
    def is_anonymous(self):
        """A student's own report without their name, or an anonymous story routed here
        (common/database.py): only hours are kept of what is done on it, as the problem
        box keeps of the story's thread."""
        return self.source != Source.CASE and self.student_id is None

    @property
    def received_on(self):
        return schooltime.local_today(self.received_at)

    @property
    def deadline(self):
        """The last day of the examination."""
        return self.received_on + timedelta(days=EXAMINATION_DAYS)

    def step_done(self, step):
        return next((s for s in self.steps if s.step == step), None)

    @property
    def examined(self):
        return self.step_done(Step.EXAMINATION)

    def days_left(self, today=None):
        """Days until the deadline (negative: overdue), at school today (the tests set the
        clock through schooltime.utcnow)."""
        return (self.deadline - (today or schooltime.local_today())).days

    def overdue(self, today=None):
        return self.examined is None and self.days_left(today) < 0

    def __repr__(self):
        return f"<TppkCase {self.id} {self.source.value}>"


class TppkStep(db.Model):
    """One step of the handling done: which, on which day, by whom, and a short note."""

    __tablename__ = "tppk_steps"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    case_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("tppk_cases.id", ondelete="CASCADE"), index=True)
    step: so.Mapped[Step] = so.mapped_column(enum_column(Step))
    done_on: so.Mapped[date]
    by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    note: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    recorded_at: so.Mapped[datetime]

    case: so.Mapped[TppkCase] = so.relationship(back_populates="steps")
    by: so.Mapped[User | None] = so.relationship()

    @property
    def is_anonymous(self):
        return self.case is not None and self.case.is_anonymous


class TppkNote(db.Model):
    """A member's note on a TPPK case."""

    __tablename__ = "tppk_notes"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    case_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("tppk_cases.id", ondelete="CASCADE"), index=True)
    author_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    created_at: so.Mapped[datetime]

    case: so.Mapped[TppkCase] = so.relationship(back_populates="notes")
    author: so.Mapped[User | None] = so.relationship()

    @property
    def is_anonymous(self):
        return self.case is not None and self.case.is_anonymous


def is_member(user):
    """Whether `user` acts as a TPPK member now: an account of the role `tppk`, or a
    counselor the operator listed as a member."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    role = user.acting_role
    if role == Role.TPPK:
        return True
    return role == Role.COUNSELOR and db.session.get(TppkMember, user.id) is not None


def may_open(user, case):
    """May `user` open this TPPK case (its page, its print, its steps and notes)?

    The one answer, asked by every page of the lane: the TPPK's members, and nobody else.
    What reached the lane is all they read: the counselor's summary and what was chosen to
    be shared, never the problem-box thread or the case file it came from (those stay
    with the counselors, booking.models.may_open). A counselor who is no member, a
    homeroom teacher, a student and the operator open no TPPK case, not even one they
    routed or reported."""
    return case is not None and is_member(user)
