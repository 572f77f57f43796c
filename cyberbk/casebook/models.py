"""Case records a Guru BK keeps beside the session records (issue 21 §1): the case book,
anecdotal records, case conferences, home visits and referrals out (alih tangan kasus).

Who may open what is decided here, one function a resource, on top of
`booking.models.may_open` (the case's content belongs to the counselor it is assigned to
now, and a handover moves it whole):

- `CaseEntry.open_to`, `HomeVisit.open_to`, `OutwardReferral.open_to`, `Conference.open_to`:
  the case's counselor, nobody else (a conference's whole record too).
- `Conference.summary_open_to(user)`: the part of a conference marked shareable (its
  summary, agreements, follow-up and the case book's shareable entries) opens also to an
  account the counselor named a participant, once that person has accepted the
  confidentiality statement (`ConferenceParticipant.accepted_at`).
- `Anecdote.readable_by(user)`: its author (a homeroom teacher reads only their own), and
  the counselor of any case of the student.

Pages, the student record and the data export all ask these, never a check of their own.
"""

import enum
from datetime import date
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l
from sqlalchemy.ext.hybrid import hybrid_method

from ..accounts.models import Role
from ..accounts.models import User
from ..booking.models import CounselingCase
from ..booking.models import case_counselor_of
from ..booking.models import may_open
from ..common.schooltime import utcnow
from ..extensions import db
from ..extensions import enum_column
from ..programme.models import ProgrammeRow


class CaseOwned:
    """A record that goes with its case: the case's counselor opens it (may_open)."""

    @hybrid_method
    def open_to(self, counselor_id):
        return may_open(counselor_id, self.case.counselor_id)

    @open_to.inplace.expression
    @classmethod
    def _open_to_expression(cls, counselor_id):
        return may_open(counselor_id, case_counselor_of(cls.case_id))


def case_column():
    return so.mapped_column(sa.ForeignKey("counseling_cases.id", ondelete="CASCADE"), index=True)


class DeliversRow:
    """A record that counts as the delivery of a Program Tahunan row, once it happened
    (signals.services_held); the row is shown to the case's counselor only."""

    programme_row_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("programme_rows.id", ondelete="SET NULL"), index=True)

    @so.declared_attr
    def programme_row(cls) -> so.Mapped[ProgrammeRow | None]:
        return so.relationship(ProgrammeRow)


class CaseEntry(CaseOwned, db.Model):
    """Buku kasus: one dated entry of the case's course."""

    __tablename__ = "case_book_entries"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    case_id: so.Mapped[int] = case_column()
    author_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))
    written_on: so.Mapped[date]
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    #: Shareable: what a homeroom teacher or the principal may read in a case
    #: conference's summary; otherwise the counselor's alone.
    shareable: so.Mapped[bool] = so.mapped_column(default=False)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    case: so.Mapped[CounselingCase] = so.relationship()
    author: so.Mapped[User | None] = so.relationship()


class Anecdote(db.Model):
    """Catatan anekdot: what was seen, where and when, kept apart from what it may mean.

    Written by a counselor, or by a homeroom teacher about a student of their class; it
    belongs to the student, not to a case, since the teacher does not know of cases."""

    __tablename__ = "anecdotes"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    student_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    author_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    observed_on: so.Mapped[date]
    setting: so.Mapped[str] = so.mapped_column(sa.String(200))
    observation: so.Mapped[str] = so.mapped_column(sa.Text)
    interpretation: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    student: so.Mapped[User] = so.relationship(foreign_keys=[student_id])
    author: so.Mapped[User | None] = so.relationship(foreign_keys=[author_id])

    def readable_by(self, user):
        """Its author; and the counselor of one of the student's cases (may_open)."""
        if user.id == self.author_id:
            return True
        if user.acting_role != Role.COUNSELOR:
            return False
        return db.session.scalar(sa.select(sa.exists().where(
            CounselingCase.student_id == self.student_id, CounselingCase.open_to(user.id))))

    @classmethod
    def readable_condition(cls, user):
        """SQL twin of readable_by, for lists and the export."""
        condition = cls.author_id == user.id
        if user.acting_role == Role.COUNSELOR:
            condition = condition | sa.exists().where(
                CounselingCase.student_id == cls.student_id, CounselingCase.open_to(user.id))
        return condition


class Conference(CaseOwned, DeliversRow, db.Model):
    """Konferensi kasus: a closed meeting the counselor leads."""

    __tablename__ = "case_conferences"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    case_id: so.Mapped[int] = case_column()
    held_on: so.Mapped[date]
    place: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    #: People without an account (the principal, a parent), by name and role.
    other_participants: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    #: What was shared in the meeting: the counselor's alone.
    discussion: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    #: The summary participants may read (shareable).
    summary: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    agreements: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    case: so.Mapped[CounselingCase] = so.relationship()
    participants: so.Mapped[list["ConferenceParticipant"]] = so.relationship(
        back_populates="conference", cascade="all, delete-orphan")
    follow_ups: so.Mapped[list["ConferenceFollowUp"]] = so.relationship(
        back_populates="conference", cascade="all, delete-orphan",
        order_by="ConferenceFollowUp.due_on")

    def participant(self, user):
        return next((p for p in self.participants if p.user_id == user.id), None)

    def summary_open_to(self, user):
        """The shareable summary: the case's counselor, or a named participant who has
        accepted the confidentiality statement."""
        if user.acting_role == Role.COUNSELOR and self.open_to(user.id):
            return True
        taking_part = self.participant(user)
        return taking_part is not None and taking_part.accepted_at is not None


class ConferenceParticipant(db.Model):
    """An account invited to a conference; `accepted_at` records that they accepted the
    confidentiality statement before the summary opened to them."""

    __tablename__ = "case_conference_participants"

    conference_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("case_conferences.id", ondelete="CASCADE"), primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    accepted_at: so.Mapped[datetime | None]

    conference: so.Mapped[Conference] = so.relationship(back_populates="participants")
    user: so.Mapped[User] = so.relationship()


class ConferenceFollowUp(db.Model):
    """One agreed step: what, who answers for it, by when."""

    __tablename__ = "case_conference_follow_ups"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    conference_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("case_conferences.id", ondelete="CASCADE"), index=True)
    action: so.Mapped[str] = so.mapped_column(sa.String(300))
    owner: so.Mapped[str] = so.mapped_column(sa.String(120))
    due_on: so.Mapped[date | None]

    conference: so.Mapped[Conference] = so.relationship(back_populates="follow_ups")


class VisitStatus(str, enum.Enum):
    PLANNED = "planned"
    DONE = "done"


class HomeVisit(CaseOwned, DeliversRow, db.Model):
    """Kunjungan rumah: planned (date, purpose, who goes), then recorded; its berita acara
    is printed for the family and the school to sign."""

    __tablename__ = "home_visits"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    case_id: so.Mapped[int] = case_column()
    planned_on: so.Mapped[date]
    purpose: so.Mapped[str] = so.mapped_column(sa.Text)
    visitors: so.Mapped[str] = so.mapped_column(sa.String(300))
    address: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    status: so.Mapped[VisitStatus] = so.mapped_column(enum_column(VisitStatus),
                                                      default=VisitStatus.PLANNED)
    visited_on: so.Mapped[date | None]
    met_with: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    findings: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    agreements: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    case: so.Mapped[CounselingCase] = so.relationship()


class Receiver(str, enum.Enum):
    PSYCHOLOGIST = "psychologist"
    PUSKESMAS = "puskesmas"
    PPA = "ppa"
    OTHER = "other"


class ConsentBy(str, enum.Enum):
    STUDENT = "student"
    PARENT = "parent"
    BOTH = "both"


class OutwardStatus(str, enum.Enum):
    DRAFT = "draft"
    SENT = "sent"
    ANSWERED = "answered"
    CLOSED = "closed"


class OutwardReferral(CaseOwned, DeliversRow, db.Model):
    """Alih tangan kasus to a professional outside the school, with its letter. What the
    letter shares needs the student's or the parent's consent, recorded first."""

    __tablename__ = "outward_referrals"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    case_id: so.Mapped[int] = case_column()
    receiver: so.Mapped[Receiver] = so.mapped_column(enum_column(Receiver))
    #: The person or institution the letter is addressed to.
    addressee: so.Mapped[str] = so.mapped_column(sa.String(200))
    reason: so.Mapped[str] = so.mapped_column(sa.Text)
    #: What the letter tells the receiver, within the consent.
    shared: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    consent_by: so.Mapped[ConsentBy | None] = so.mapped_column(enum_column(ConsentBy))
    consent_on: so.Mapped[date | None]
    consent_note: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    status: so.Mapped[OutwardStatus] = so.mapped_column(enum_column(OutwardStatus),
                                                        default=OutwardStatus.DRAFT)
    sent_on: so.Mapped[date | None]
    reply: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    reply_on: so.Mapped[date | None]
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    case: so.Mapped[CounselingCase] = so.relationship()

    @property
    def consented(self):
        return self.consent_by is not None and self.consent_on is not None


LABELS = {
    VisitStatus.PLANNED: _l("Direncanakan"),
    VisitStatus.DONE: _l("Sudah dilaksanakan"),
    Receiver.PSYCHOLOGIST: _l("Psikolog"),
    Receiver.PUSKESMAS: _l("Puskesmas"),
    Receiver.PPA: _l("P2TP2A / UPTD PPA"),
    Receiver.OTHER: _l("Tenaga profesional lain"),
    ConsentBy.STUDENT: _l("Siswa"),
    ConsentBy.PARENT: _l("Orang tua/wali"),
    ConsentBy.BOTH: _l("Siswa dan orang tua/wali"),
    OutwardStatus.DRAFT: _l("Disiapkan"),
    OutwardStatus.SENT: _l("Surat dikirim"),
    OutwardStatus.ANSWERED: _l("Sudah dibalas"),
    OutwardStatus.CLOSED: _l("Selesai"),
}


def label(value):
    return LABELS.get(value, value)
