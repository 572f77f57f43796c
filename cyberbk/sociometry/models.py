"""Sociometry (sosiometri): a class names the classmates they would work with, and the
counselor reads the class's relations from it (issue 21 §2).

Who may open what is decided by `may_open`, kept here with the models so that every page,
export and home part asks the same question.
"""

import enum
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..accounts.models import Role
from ..accounts.models import SchoolClass
from ..accounts.models import User
from ..common.schooltime import utcnow
from ..extensions import db

#: The most classmates a question may ask for: past five the answers stop meaning
#: "the ones I would choose" and the sociogram becomes a tangle.
MAX_CHOICES = 5


class Part(str, enum.Enum):
    """What of a sociometry someone wants to open."""

    #: Who chose whom: the sociogram, the index table, the export, and running it.
    CHOICES = "choices"
    #: The counselor's summary, once shared with the class's homeroom teacher.
    SUMMARY = "summary"
    #: The answer form of a student of the class, while it is open.
    ANSWER = "answer"


class Sociometry(db.Model):
    __tablename__ = "sociometries"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    class_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("school_classes.id", ondelete="CASCADE"), index=True)
    counselor_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))
    question: so.Mapped[str] = so.mapped_column(sa.String(200))
    #: How many classmates a student picks for the question.
    choice_count: so.Mapped[int] = so.mapped_column(default=3)
    #: The rejection question, or None when it is not asked (the default).
    negative_question: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    is_open: so.Mapped[bool] = so.mapped_column(default=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    #: What the counselor writes for the homeroom teacher: no names of who chose whom.
    summary: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    #: When the counselor shared the summary with the homeroom teacher (None: not shared).
    summary_shared_at: so.Mapped[datetime | None]

    school_class: so.Mapped[SchoolClass] = so.relationship()
    counselor: so.Mapped[User | None] = so.relationship()
    answers: so.Mapped[list["SociometryAnswer"]] = so.relationship(
        back_populates="sociometry", cascade="all, delete-orphan", passive_deletes=True)

    __table_args__ = (
        sa.CheckConstraint(f"choice_count BETWEEN 1 AND {MAX_CHOICES}",
                           name="choice_count_range"),)


class SociometryAnswer(db.Model):
    """One student's answer: given once, then kept as sent."""

    __tablename__ = "sociometry_answers"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    sociometry_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("sociometries.id", ondelete="CASCADE"))
    student_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    submitted_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    sociometry: so.Mapped[Sociometry] = so.relationship(back_populates="answers")
    student: so.Mapped[User] = so.relationship()
    choices: so.Mapped[list["SociometryChoice"]] = so.relationship(
        back_populates="answer", cascade="all, delete-orphan", passive_deletes=True,
        order_by="SociometryChoice.id")

    __table_args__ = (sa.UniqueConstraint("sociometry_id", "student_id"),)


class SociometryChoice(db.Model):
    """A classmate named in an answer: chosen, or (negative) rejected."""

    __tablename__ = "sociometry_choices"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    answer_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("sociometry_answers.id", ondelete="CASCADE"), index=True)
    chosen_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    negative: so.Mapped[bool] = so.mapped_column(default=False)

    answer: so.Mapped[SociometryAnswer] = so.relationship(back_populates="choices")
    chosen: so.Mapped[User] = so.relationship()

    __table_args__ = (sa.UniqueConstraint("answer_id", "chosen_id", "negative"),)


def may_open(user, sociometry, part):
    """Whether `user` may open `part` (Part) of `sociometry`: the one decision, used by every
    page, export and home part.

    - Who chose whom (Part.CHOICES): counselors only. A class's sociometry is a class-level
      instrument every counselor of the school runs, like a questionnaire; each reading is
      audited by the caller.
    - The summary (Part.SUMMARY): counselors, and the class's homeroom teacher once the
      counselor has shared it. A homeroom teacher never sees individual choices.
    - The answer form (Part.ANSWER): a student of the class, while it is open.
    """
    if user is None or not user.is_authenticated:
        return False
    role = user.acting_role
    if role == Role.COUNSELOR:
        return part in (Part.CHOICES, Part.SUMMARY)
    if part == Part.SUMMARY:
        return (role == Role.HOMEROOM and sociometry.summary_shared_at is not None
                and bool(sociometry.summary.strip())
                and sociometry.school_class.homeroom_teacher_id == user.id)
    if part == Part.ANSWER:
        return (role == Role.STUDENT and sociometry.is_open
                and user.student_profile is not None
                and user.student_profile.class_id == sociometry.class_id)
    return False
