"""Retention: how long closed problem reports, chat content, closed case files and the TPPK
lane's handled violence reports are kept, and the purge that applies it (flask --app wsgi
purge)."""

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
from ..tppk.models import TppkCase
from .models import RetentionSettings

DEFAULT_CHAT_DAYS = 365
# A student stays three years in an SMP: a case file outlives their time at school.
DEFAULT_CASE_DAYS = 3 * 365
# A violence report the TPPK handled (Permendikbudristek 46/2023) is kept as long as a case
# file: through the student's years at the school, so the team sees what happened before
# when violence comes back, while the Dinas keeps the printed report. Never less than a
# school year (MIN_TPPK_DAYS): a report closed in July is still there for the next one.
DEFAULT_TPPK_DAYS = 3 * 365
MIN_TPPK_DAYS = 365


def current_settings():
    """The saved settings, or unsaved defaults before the counselors first save theirs."""
    settings = db.session.scalar(sa.select(RetentionSettings).limit(1))
    if settings is None:
        settings = RetentionSettings(
            closed_reports_days=current_app.config["PROBLEMBOX_RETENTION_DAYS"],
            chat_days=DEFAULT_CHAT_DAYS, closed_cases_days=DEFAULT_CASE_DAYS,
            closed_tppk_days=DEFAULT_TPPK_DAYS)
    return settings


#: save_settings leaves the TPPK lane's setting as it is.
UNCHANGED = object()


def save_settings(user, closed_reports_days, chat_days, closed_cases_days,
                  closed_tppk_days=UNCHANGED):
    """Save the settings with their audit entry, in the caller's transaction. The TPPK
    lane's only when given (only a TPPK member changes it: the page)."""
    settings = current_settings()
    if settings.id is None:
        db.session.add(settings)
    settings.closed_reports_days = closed_reports_days
    settings.chat_days = chat_days
    settings.closed_cases_days = closed_cases_days
    if closed_tppk_days is not UNCHANGED:
        settings.closed_tppk_days = closed_tppk_days
    settings.updated_by_id = user.id
    record(user, "settings", "retention",
           summary=f"Retensi: laporan {closed_reports_days}, chat {chat_days}, "
                   f"kasus {closed_cases_days}, TPPK {settings.closed_tppk_days} hari")


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


def purge_closed_tppk(days, now=None):
    """TPPK cases whose handling was marked done more than `days` days ago, with their
    steps and notes (ON DELETE CASCADE). A case still handled stays, however old."""
    cutoff = (now or utcnow()) - timedelta(days=days)
    return db.session.execute(
        sa.delete(TppkCase).where(TppkCase.closed_at.is_not(None), TppkCase.closed_at < cutoff)
        .execution_options(synchronize_session=False)).rowcount


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


def _tppk(days, now):
    removed = purge_closed_tppk(days, now)
    return (f"{removed} TPPK case(s) with their steps and notes",
            f"{removed} laporan TPPK yang selesai ditangani")


#: (what, setting, audit target type, purge function returning (for the operator, for the log))
RULES = (
    ("closed problem reports", "closed_reports_days", "problem_report", _reports),
    ("chat content", "chat_days", "chat", _chat),
    ("closed case files", "closed_cases_days", "case", _cases),
    ("handled TPPK reports", "closed_tppk_days", "tppk_case", _tppk),
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
    content, closed case files and handled TPPK reports."""
    lines = purge()
    db.session.commit()
    for line in lines:
        if line.days is None:
            click.echo(f"{line.what}: no retention set, everything kept")
        else:
            click.echo(f"{line.what} (older than {line.days} days): {line.removed} removed")
