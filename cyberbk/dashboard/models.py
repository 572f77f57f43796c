"""Semester targets, retention settings and the register of parents' consent letters."""

from datetime import date
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..accounts.models import User
from ..common.schooltime import utcnow
from ..extensions import db


class SemesterTarget(db.Model):
    """One target the counselors set for one semester, e.g. 40 individual sessions."""

    __tablename__ = "semester_targets"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: First day of the semester: 1 July (ganjil) or 1 January (genap).
    semester_start: so.Mapped[date]
    #: A key of dashboard.targets.METRICS.
    metric: so.Mapped[str] = so.mapped_column(sa.String(32))
    value: so.Mapped[float] = so.mapped_column(sa.Float)
    set_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (
        sa.UniqueConstraint("semester_start", "metric",
                            name="uq_semester_targets_semester_start_metric"),
        sa.CheckConstraint("value >= 0", name="value_not_negative"),
    )


class RetentionSettings(db.Model):
    """One row: after how many days `flask purge` removes each kind of content (NULL: never)."""

    __tablename__ = "retention_settings"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    closed_reports_days: so.Mapped[int | None]
    chat_days: so.Mapped[int | None]
    closed_cases_days: so.Mapped[int | None]
    #: The TPPK lane's handled violence reports (retention.DEFAULT_TPPK_DAYS).
    closed_tppk_days: so.Mapped[int | None]
    updated_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)


class ParentConsent(db.Model):
    """That a parent's signed consent letter for one student reached the school."""

    __tablename__ = "parent_consents"

    student_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    received_on: so.Mapped[date]
    #: The operator (or counselor) who recorded it.
    recorded_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    student: so.Mapped[User] = so.relationship(foreign_keys=[student_id])
    recorded_by: so.Mapped[User | None] = so.relationship(foreign_keys=[recorded_by_id])


class ReportNote(db.Model):
    """What the counselors write into the laporan pelaksanaan program of one period: the
    analysis, the follow-up, and the supporting and hindering factors. The figures come
    from the data each time; only these words are kept."""

    __tablename__ = "report_notes"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: The period's key: "2026-11" (a month), "2026-ganjil" (a semester), "2026" (a year).
    period_key: so.Mapped[str] = so.mapped_column(sa.String(16), unique=True)
    analysis: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    follow_up: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    supporting: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    hindering: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    updated_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)

    updated_by: so.Mapped[User | None] = so.relationship()
