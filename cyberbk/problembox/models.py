"""The problem box (kotak masalah): anonymous reports, their two-way thread, counselor notes.

What is *not* here matters as much: no IP address, no user agent, no exact
time of a student's writing, and the follow-up code only as a keyed hash.
"""

import enum
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..accounts.models import User
from ..common.vocabulary import Mode
from ..common.vocabulary import ServiceField
from ..extensions import db
from ..extensions import enum_column



#: The risk check's concepts (risk.CONCEPTS) that name violence by others: a story flagged
#: with one of them is one a counselor may route to the school's TPPK (Permendikbudristek
#: 46/2023), and its page offers that first.
VIOLENCE_CONCEPTS = frozenset(("threat", "hit", "touched", "sexual"))


class ReportStatus(str, enum.Enum):
    NEW = "new"
    IN_PROGRESS = "in_progress"
    CLOSED = "closed"


class ProblemReport(db.Model):
    __tablename__ = "problem_reports"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: HMAC-SHA256 (keyed with SECRET_KEY) of the follow-up code; a copied
    #: database cannot open a thread.
    code_digest: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    #: HMAC-SHA256 of the form's random submission name (forms.ReportForm.submission), so
    #: that a story sent twice is stored once. Names nothing but that filling-in.
    submission_digest: so.Mapped[str | None] = so.mapped_column(sa.String(64), unique=True,
                                                                index=True)
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    field: so.Mapped[ServiceField | None] = so.mapped_column(enum_column(ServiceField))
    status: so.Mapped[ReportStatus] = so.mapped_column(enum_column(ReportStatus),
                                                       default=ReportStatus.NEW, index=True)
    is_urgent: so.Mapped[bool] = so.mapped_column(default=False, index=True)
    #: Only when a logged-in student chose to give their name; NULL means anonymous.
    author_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    #: Rounded down to the hour, so the time cannot single out the sender.
    created_at: so.Mapped[datetime] = so.mapped_column(index=True)
    closed_at: so.Mapped[datetime | None]
    #: The risk check found the story or a reply urgent and no counselor has opened the
    #: report since: the hour it happened (an anonymous story's time is never closer).
    urgent_since: so.Mapped[datetime | None] = so.mapped_column(index=True)
    #: The student wrote since a counselor last opened the report.
    has_new_reply: so.Mapped[bool] = so.mapped_column(default=False, index=True)
    session_mode: so.Mapped[Mode | None] = so.mapped_column(enum_column(Mode))
    #: When the student can hold the phone, in their own words.
    session_times: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    #: A chat/video request the counselors have not arranged yet.
    session_request_open: so.Mapped[bool] = so.mapped_column(default=False)

    author: so.Mapped[User | None] = so.relationship()
    messages: so.Mapped[list["ProblemMessage"]] = so.relationship(
        back_populates="report", order_by="ProblemMessage.id", cascade="all, delete-orphan",
        passive_deletes=True,
    )
    notes: so.Mapped[list["ProblemNote"]] = so.relationship(
        back_populates="report", order_by="ProblemNote.id", cascade="all, delete-orphan",
        passive_deletes=True,
    )

    @property
    def is_anonymous(self):
        return self.author_id is None

    @property
    def involves_violence(self):
        """The risk check found violence by others, and no counselor marked it wrong."""
        return any(flag.concept in VIOLENCE_CONCEPTS and not flag.marked_wrong
                   for flag in self.risk_flags)

    @property
    def first_line(self):
        """The story's first written line: the inbox's preview of it."""
        return next((line.strip() for line in self.body.splitlines() if line.strip()), "")

    @classmethod
    def closed_before(cls, cutoff):
        """SQL condition: closed before `cutoff` (naive UTC). The retention rule, for the
        problem box's own purge and for the school's retention settings alike."""
        return sa.and_(cls.status == ReportStatus.CLOSED, cls.closed_at < cutoff)

    def __repr__(self):
        return f"<ProblemReport {self.id} {self.status.value}>"


class ProblemMessage(db.Model):
    """A reply in a report's thread, from the student or from a counselor."""

    __tablename__ = "problem_messages"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    report_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("problem_reports.id", ondelete="CASCADE"), index=True
    )
    from_counselor: so.Mapped[bool]
    counselor_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    #: The student's messages are rounded to the hour like the report; on an anonymous
    #: report the counselors' too, or they would time the reporter's live chat.
    created_at: so.Mapped[datetime]

    report: so.Mapped[ProblemReport] = so.relationship(back_populates="messages")
    counselor: so.Mapped[User | None] = so.relationship()

    @property
    def is_anonymous(self):
        """On an anonymous report (common/database.py checkpoints the log after it)."""
        return self.report is not None and self.report.is_anonymous

    __table_args__ = (
        # A student's message never points at an account, even a logged-in one.
        sa.CheckConstraint("from_counselor OR counselor_id IS NULL",
                           name="student_message_without_account"),
    )


class ProblemNote(db.Model):
    """A counselor's internal note on a report; never shown to the student."""

    __tablename__ = "problem_notes"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    report_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("problem_reports.id", ondelete="CASCADE"), index=True
    )
    author_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    created_at: so.Mapped[datetime]

    report: so.Mapped[ProblemReport] = so.relationship(back_populates="notes")
    author: so.Mapped[User | None] = so.relationship()

    @property
    def is_anonymous(self):
        return self.report is not None and self.report.is_anonymous


class ReplyTemplate(db.Model):
    """A first answer the counselors saved, offered as one tap beside the built-in ones."""

    __tablename__ = "problem_reply_templates"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(80))
    body: so.Mapped[str] = so.mapped_column(sa.Text)


class RiskTerm(db.Model):
    """A risk term the counselors added to the built-in list (slang changes fast)."""

    __tablename__ = "problem_risk_terms"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    term: so.Mapped[str] = so.mapped_column(sa.String(80), unique=True)


class RevokedThreadToken(db.Model):
    """A thread cookie's nonce (as a hash) after its thread was closed in that browser, kept
    until the cookie would have expired anyway (problembox/thread.py). Names no report."""

    __tablename__ = "revoked_thread_tokens"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    digest: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    expires_at: so.Mapped[datetime] = so.mapped_column(index=True)


class RiskFlag(db.Model):
    """Why the risk check flagged a report: one concept and the words that matched it.

    The words are the student's own, which the counselor reads in the story anyway;
    nothing else of the text is kept. A counselor may mark the flag as wrong, which
    `make risk-report` reads to show where the lexicon errs."""

    __tablename__ = "problem_risk_flags"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    report_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("problem_reports.id", ondelete="CASCADE"), index=True
    )
    concept: so.Mapped[str] = so.mapped_column(sa.String(40))
    words: so.Mapped[str] = so.mapped_column(sa.String(200))
    marked_wrong: so.Mapped[bool] = so.mapped_column(default=False)

    report: so.Mapped[ProblemReport] = so.relationship(
        backref=so.backref("risk_flags", order_by="RiskFlag.id", cascade="all, delete-orphan",
                           passive_deletes=True))

    __table_args__ = (sa.UniqueConstraint("report_id", "concept"),)
