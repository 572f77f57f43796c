"""Retention: how long closed problem reports, chat content and closed case files are
kept, and the purge that applies it (flask --app wsgi purge)."""

from dataclasses import dataclass
from datetime import timedelta

import click
import sqlalchemy as sa
from flask import current_app

from ..audit.services import record
from ..booking.models import Booking
from ..booking.models import CaseStatus
from ..booking.models import CounselingCase
from ..booking.models import Referral
from ..booking.models import SessionRecord
from ..chat.models import ChatMessage
from ..chat.models import ChatRoom
from ..common.schooltime import utcnow
from ..extensions import db
from ..problembox.models import ProblemReport
from .models import RetentionSettings

DEFAULT_CHAT_DAYS = 365
# A student stays three years in an SMP: a case file outlives their time at school.
DEFAULT_CASE_DAYS = 3 * 365


def current_settings():
    """The saved settings, or unsaved defaults before the counselors first save theirs."""
    settings = db.session.scalar(sa.select(RetentionSettings).limit(1))
    if settings is None:
        settings = RetentionSettings(
            closed_reports_days=current_app.config["PROBLEMBOX_RETENTION_DAYS"],
            chat_days=DEFAULT_CHAT_DAYS, closed_cases_days=DEFAULT_CASE_DAYS)
    return settings


def save_settings(user, closed_reports_days, chat_days, closed_cases_days):
    """Save the settings with their audit entry, in the caller's transaction."""
    settings = current_settings()
    if settings.id is None:
        db.session.add(settings)
    settings.closed_reports_days = closed_reports_days
    settings.chat_days = chat_days
    settings.closed_cases_days = closed_cases_days
    settings.updated_by_id = user.id
    record(user, "settings", "retention",
           summary=f"Retensi: laporan {closed_reports_days}, chat {chat_days}, "
                   f"kasus {closed_cases_days} hari")


def purge_chat_messages(days, now=None):
    """Messages of booking chats whose session ended more than `days` days ago."""
    cutoff = (now or utcnow()) - timedelta(days=days)
    ended = (sa.select(ChatRoom.id).join(Booking, Booking.id == ChatRoom.booking_id)
             .where(sa.func.coalesce(ChatRoom.ended_at, Booking.ends_at) < cutoff))
    return db.session.execute(sa.delete(ChatMessage).where(ChatMessage.room_id.in_(ended))
                              .execution_options(synchronize_session=False)).rowcount


def purge_closed_reports(days, now=None):
    """Problem-box reports closed more than `days` days ago; their threads and notes go
    with them."""
    cutoff = (now or utcnow()) - timedelta(days=days)
    return db.session.execute(sa.delete(ProblemReport)
                              .where(ProblemReport.closed_before(cutoff))).rowcount


def purge_closed_cases(days, now=None):
    """Case files closed more than `days` days ago, with everything that belongs to them:
    session records, bookings (with their intake and chat), referral reasons and the case
    records of casebook (ON DELETE CASCADE: case book, conferences, visits, letters); and
    bookings that never joined a case (declined, cancelled) that long after they ended.

    Returns (cases, session records, bookings outside a case) removed.
    """
    cutoff = (now or utcnow()) - timedelta(days=days)
    due = sa.select(CounselingCase.id).where(CounselingCase.status == CaseStatus.CLOSED,
                                             CounselingCase.closed_at < cutoff)
    records = db.session.scalar(sa.select(sa.func.count(SessionRecord.id))
                                .where(SessionRecord.case_id.in_(due)))
    for model in (Referral, Booking):
        db.session.execute(sa.delete(model).where(model.case_id.in_(due))
                           .execution_options(synchronize_session=False))
    cases = db.session.execute(sa.delete(CounselingCase).where(CounselingCase.id.in_(due))
                               .execution_options(synchronize_session=False)).rowcount
    loose = db.session.execute(
        sa.delete(Booking).where(Booking.case_id.is_(None), Booking.ends_at < cutoff)
        .execution_options(synchronize_session=False)).rowcount
    return cases, records, loose


def _reports(days, now):
    removed = purge_closed_reports(days, now)
    return f"{removed} report(s) with their threads and notes", f"{removed} laporan tertutup"


def _chat(days, now):
    removed = purge_chat_messages(days, now)
    return f"{removed} chat message(s)", f"{removed} pesan chat"


def _cases(days, now):
    cases, records, loose = purge_closed_cases(days, now)
    return (f"{cases} case file(s) with {records} session record(s), and {loose} booking(s) "
            "outside a case",
            f"{cases} berkas kasus tertutup dengan {records} catatan sesi, dan {loose} jadwal "
            "di luar kasus")


#: (what, setting, audit target type, purge function returning (for the operator, for the log))
RULES = (
    ("closed problem reports", "closed_reports_days", "problem_report", _reports),
    ("chat content", "chat_days", "chat", _chat),
    ("closed case files", "closed_cases_days", "case", _cases),
)


@dataclass
class PurgeLine:
    what: str
    #: None: no retention set, everything kept.
    days: int | None
    removed: str = ""


def purge(now=None):
    """Apply every retention setting, with an audit entry each, in the caller's transaction;
    one line per kind of content, for the operator."""
    settings = current_settings()
    lines = []
    for what, setting, target_type, apply in RULES:
        days = getattr(settings, setting)
        if days is None:
            lines.append(PurgeLine(what, None))
            continue
        removed, summary = apply(days, now)
        record(None, "purge", target_type, summary=f"{summary} lebih dari {days} hari dihapus")
        lines.append(PurgeLine(what, days, removed))
    return lines


@click.command("purge")
def purge_command():
    """Remove what the retention settings say is due: closed problem reports, chat
    content and closed case files."""
    lines = purge()
    db.session.commit()
    for line in lines:
        if line.days is None:
            click.echo(f"{line.what}: no retention set, everything kept")
        else:
            click.echo(f"{line.what} (older than {line.days} days): {line.removed} removed")
