"""Questionnaires (instruments), the times they are given (administrations) and the answers.

Answers are stored one row per chosen option or text, so that every result is a
GROUP BY in the database rather than a loop over responses.
"""

import enum
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..common.schooltime import utcnow
from ..extensions import db
from ..extensions import enum_column



class ItemType(str, enum.Enum):
    YES_NO = "yesno"
    LIKERT4 = "likert4"
    LIKERT5 = "likert5"
    SINGLE = "single"
    MULTIPLE = "multiple"
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    #: Pick the heaviest among the problems ticked in the instrument's checklists.
    HEAVIEST = "heaviest"

    @property
    def is_choice(self):
        return self in (ItemType.YES_NO, ItemType.LIKERT4, ItemType.LIKERT5, ItemType.SINGLE)

    @property
    def is_likert(self):
        return self in (ItemType.LIKERT4, ItemType.LIKERT5)

    @property
    def is_text(self):
        return self in (ItemType.SHORT_TEXT, ItemType.LONG_TEXT)


class AudienceScope(str, enum.Enum):
    SCHOOL = "school"
    GRADES = "grades"
    CLASSES = "classes"


class Instrument(db.Model):
    """A questionnaire: sections of items. Built-in ones come from data files."""

    __tablename__ = "instruments"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: Name of the data file a built-in instrument was loaded from; NULL for the counselor's own.
    builtin_key: so.Mapped[str | None] = so.mapped_column(sa.String(64), unique=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(160))
    description: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    created_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    sections: so.Mapped[list["InstrumentSection"]] = so.relationship(
        back_populates="instrument", cascade="all, delete-orphan",
        order_by="InstrumentSection.position")
    administrations: so.Mapped[list["Administration"]] = so.relationship(
        back_populates="instrument", passive_deletes="all")

    @property
    def items(self):
        return [item for section in self.sections for item in section.items]

    def __repr__(self):
        return f"<Instrument {self.title}>"


class InstrumentSection(db.Model):
    """One screen of the questionnaire. A section with a code is an area (bidang) in results."""

    __tablename__ = "instrument_sections"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    instrument_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("instruments.id", ondelete="CASCADE"), index=True)
    position: so.Mapped[int] = so.mapped_column(default=0)
    #: Area code such as JDK or PDP; results are summed per code.
    code: so.Mapped[str | None] = so.mapped_column(sa.String(8))
    title: so.Mapped[str] = so.mapped_column(sa.String(160))
    intro: so.Mapped[str] = so.mapped_column(sa.Text, default="")

    instrument: so.Mapped[Instrument] = so.relationship(back_populates="sections")
    items: so.Mapped[list["InstrumentItem"]] = so.relationship(
        back_populates="section", cascade="all, delete-orphan",
        order_by="InstrumentItem.position")


class InstrumentItem(db.Model):
    __tablename__ = "instrument_items"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    section_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("instrument_sections.id", ondelete="CASCADE"), index=True)
    position: so.Mapped[int] = so.mapped_column(default=0)
    type: so.Mapped[ItemType] = so.mapped_column(enum_column(ItemType))
    text: so.Mapped[str] = so.mapped_column(sa.Text)
    hint: so.Mapped[str] = so.mapped_column(sa.String(240), default="")
    required: so.Mapped[bool] = so.mapped_column(default=False)
    #: Option labels; an answer's `choice` is an index into this list.
    options: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)

    section: so.Mapped[InstrumentSection] = so.relationship(back_populates="items")


class Administration(db.Model):
    """An instrument given to an audience between two moments, at the link /asesmen/<slug>."""

    __tablename__ = "administrations"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    instrument_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("instruments.id", ondelete="RESTRICT"), index=True)
    slug: so.Mapped[str] = so.mapped_column(sa.String(40), unique=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(160))
    scope: so.Mapped[AudienceScope] = so.mapped_column(enum_column(AudienceScope))
    #: Naive UTC, like every datetime in the database; shown in the school's time zone.
    opens_at: so.Mapped[datetime]
    closes_at: so.Mapped[datetime]
    anonymous: so.Mapped[bool] = so.mapped_column(default=False)
    created_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    instrument: so.Mapped[Instrument] = so.relationship(back_populates="administrations")
    targets: so.Mapped[list["AdministrationTarget"]] = so.relationship(
        back_populates="administration", cascade="all, delete-orphan")

    __table_args__ = (sa.CheckConstraint("closes_at > opens_at", name="dates_in_order"),)

    @property
    def status(self):
        """"upcoming", "open" or "closed", now."""
        now = utcnow()
        if now < self.opens_at:
            return "upcoming"
        return "open" if now < self.closes_at else "closed"

    def __repr__(self):
        return f"<Administration {self.slug}>"


class AdministrationTarget(db.Model):
    """One grade or one class of an administration's audience."""

    __tablename__ = "administration_targets"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    administration_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("administrations.id", ondelete="CASCADE"), index=True)
    grade: so.Mapped[int | None]
    class_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("school_classes.id", ondelete="CASCADE"), index=True)

    administration: so.Mapped[Administration] = so.relationship(back_populates="targets")

    __table_args__ = (
        sa.CheckConstraint("(grade IS NULL) <> (class_id IS NULL)", name="grade_or_class"),
    )


class Response(db.Model):
    """One respondent's answers to one administration: a draft until submitted.

    Anonymous responses keep their user only while they are drafts (so a student can
    resume after logging in again); submitting drops the user, and the fact of having
    answered goes to Participation, which has no link to the content.
    """

    __tablename__ = "assessment_responses"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    administration_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("administrations.id", ondelete="CASCADE"), index=True)
    user_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: SHA-256 of the token in the session of a visitor answering an anonymous
    #: administration without logging in; NULL once submitted.
    draft_key: so.Mapped[str | None] = so.mapped_column(sa.String(64), unique=True)
    is_anonymous: so.Mapped[bool] = so.mapped_column(default=False)
    class_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("school_classes.id", ondelete="SET NULL"), index=True)
    gender: so.Mapped[str | None] = so.mapped_column(sa.String(1))
    #: The session evaluation (named) this response answers; NULL for every other
    #: response, an anonymous evaluation's too (it would name the student).
    invitation_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("evaluation_invitations.id", ondelete="CASCADE"), unique=True)
    #: The section (1-based) to resume at.
    current_section: so.Mapped[int] = so.mapped_column(default=1)
    saved_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    submitted_at: so.Mapped[datetime | None]

    administration: so.Mapped[Administration] = so.relationship()
    answers: so.Mapped[list["Answer"]] = so.relationship(
        back_populates="response", cascade="all, delete-orphan", passive_deletes=True)

    __table_args__ = (
        # One response per student, except to an evaluation of counseling: one per
        # session, each held by its invitation.
        sa.Index("uq_assessment_responses_administration_id", "administration_id", "user_id",
                 unique=True, sqlite_where=sa.text("invitation_id IS NULL"),
                 postgresql_where=sa.text("invitation_id IS NULL")),
        sa.CheckConstraint("NOT (is_anonymous AND submitted_at IS NOT NULL "
                           "AND user_id IS NOT NULL)", name="anonymous_has_no_user"),
        sa.CheckConstraint("submitted_at IS NULL OR draft_key IS NULL",
                           name="submitted_has_no_draft_key"),
    )

    @property
    def is_submitted(self):
        return self.submitted_at is not None


class Answer(db.Model):
    """One chosen option (choice) or one text; a checklist item has a row per ticked option."""

    __tablename__ = "assessment_answers"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    response_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("assessment_responses.id", ondelete="CASCADE"), index=True)
    item_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("instrument_items.id", ondelete="CASCADE"))
    choice: so.Mapped[int | None]
    text: so.Mapped[str | None] = so.mapped_column(sa.Text)
    #: For a "heaviest" pick: the checklist item whose option `choice` was picked.
    source_item_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("instrument_items.id", ondelete="CASCADE"), index=True)

    response: so.Mapped[Response] = so.relationship(back_populates="answers")

    __table_args__ = (
        sa.Index("ix_assessment_answers_item_id_choice", "item_id", "choice"),
        sa.CheckConstraint("choice IS NOT NULL OR text IS NOT NULL", name="has_value"),
    )


class Participation(db.Model):
    """That a student has answered an administration, and nothing about what.

    For anonymous administrations this is the only link between a student and the
    administration; it keeps one response per student and feeds completion lists. It has
    no time, and on SQLite no rowid: rows sit in (administration, user) order, so the
    order they were written in cannot be laid beside the responses' ids to pair them.
    """

    __tablename__ = "assessment_participations"
    __table_args__ = {"sqlite_with_rowid": False}

    administration_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("administrations.id", ondelete="CASCADE"), primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)


class EvaluationInvitation(db.Model):
    """A student asked to evaluate one counseling session of theirs that ended: the only
    way to a questionnaire about counseling. It stays on the student's home until answered
    or expired. `answered` is the whole record of an anonymous evaluation's answer (its
    response carries no link back); a named one's response points here."""

    __tablename__ = "evaluation_invitations"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    student_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: The session it is about; its deletion (retention) takes the invitation with it.
    booking_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("bookings.id", ondelete="CASCADE"), unique=True)
    administration_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("administrations.id", ondelete="CASCADE"), index=True)
    expires_at: so.Mapped[datetime]
    answered: so.Mapped[bool] = so.mapped_column(default=False)

    administration: so.Mapped[Administration] = so.relationship()

    @property
    def is_pending(self):
        return not self.answered and utcnow() < self.expires_at


#: Built-in instruments about counseling itself (the session evaluation, the laiseg of a
#: classical or group service): no homeroom teacher or share kit sees them.
COUNSELING_INSTRUMENTS = ("evaluasi-sesi", "laiseg")
#: Of those, the ones only a student invited to evaluate their ended session answers. A
#: laiseg is answered by the group that was there, through its own link.
BY_INVITATION = ("evaluasi-sesi",)
LAISEG = "laiseg"


def about_counseling():
    """SQL condition on Administration: its instrument is about counseling itself."""
    return sa.exists().where(Instrument.id == Administration.instrument_id,
                             Instrument.builtin_key.in_(COUNSELING_INSTRUMENTS))


def by_invitation():
    """SQL condition on Administration: only an invited student answers it."""
    return sa.exists().where(Instrument.id == Administration.instrument_id,
                             Instrument.builtin_key.in_(BY_INVITATION))


def is_about_counseling(administration):
    return administration.instrument.builtin_key in COUNSELING_INSTRUMENTS


def is_by_invitation(administration):
    return administration.instrument.builtin_key in BY_INVITATION


# With the models, not the services: other features (outreach's share kit) build their
# queries on it.
def class_condition(school_class):
    """SQL condition on Administration: students of this class are in its audience."""
    if school_class is None:
        return Administration.scope == AudienceScope.SCHOOL
    return sa.or_(
        Administration.scope == AudienceScope.SCHOOL,
        sa.exists().where(AdministrationTarget.administration_id == Administration.id,
                          sa.or_(AdministrationTarget.class_id == school_class.id,
                                 AdministrationTarget.grade == school_class.grade)))
