"""Problem-box rules: follow-up codes, submitting and replying, triage, counts, retention."""

import hashlib
import hmac
import secrets
import time
from datetime import timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app
from flask import has_app_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..accounts.models import Role
from ..accounts.models import User
from ..common import database
from ..common import listing
from ..common import signals
from ..common.links import path_for
from ..common.schooltime import utcnow
from ..common.vocabulary import TimelineEntry
from ..common.vocabulary import UrgentItem
from ..extensions import db
from . import risk
from .models import ProblemMessage
from .models import ProblemNote
from .models import ProblemReport
from .models import ReplyTemplate
from .models import ReportStatus
from .models import RiskFlag
from .models import RiskTerm

# No 0/O, 1/I/L: a code copied by hand from a screenshot must survive.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_GROUPS = 4
CODE_GROUP_LENGTH = 4
CODE_LENGTH = CODE_GROUPS * CODE_GROUP_LENGTH  # 16 symbols of 31: 79 random bits
CODE_PREFIX = "BK"

# Built-in first answers, one tap each; counselors add their own (ReplyTemplate).
BUILTIN_TEMPLATES = (
    (_l("Terima kasih sudah bercerita"),
     _l("Terima kasih sudah mau bercerita. Itu langkah yang berani. Ibu/Bapak sudah membaca "
        "ceritamu dan ingin membantu. Boleh ceritakan sedikit lagi: sejak kapan ini terjadi, "
        "dan apa yang paling membuatmu berat?")),
    (_l("Ajak ketemu di ruang BK"),
     _l("Terima kasih sudah bercerita. Kalau kamu mau, kita bisa ngobrol langsung di ruang BK "
        "saat istirahat atau pulang sekolah. Kamu tidak perlu menyebut nama di sini; datang "
        "saja dan bilang kamu dari kotak masalah.")),
    (_l("Tawarkan chat atau video"),
     _l("Terima kasih sudah bercerita. Kalau lebih nyaman, kita bisa ngobrol lewat chat atau "
        "video tanpa kamu harus menyebut nama. Tekan tombol \"Minta sesi chat atau video\" di "
        "halaman ini dan tulis kapan kamu bisa pegang HP.")),
    (_l("Kamu aman?"),
     _l("Ibu/Bapak khawatir setelah membaca ceritamu. Apakah kamu aman sekarang? Kalau kamu "
        "merasa tidak aman atau ingin menyakiti diri, hubungi kontak darurat yang ada di "
        "halaman ini sekarang juga, atau datang ke ruang BK. Kamu tidak sendirian.")),
    (_l("Masalah belajar"),
     _l("Terima kasih sudah bercerita soal belajarmu. Banyak teman seusiamu mengalami hal yang "
        "sama, dan ini bisa diatasi pelan-pelan. Pelajaran apa yang paling berat, dan "
        "bagaimana cara belajarmu sekarang?")),
)


RISK_TERMS_KEY = "problembox.risk_terms"
RISK_TERMS_MAX_AGE = 30

def generate_code():
    """A new follow-up code such as BK-4F7Q-9XPA-M2KD-7RTW."""
    # One draw for the whole code, its digits in base len(CODE_ALPHABET): as uniform as a
    # draw per symbol, without a system call for each.
    number = secrets.randbelow(len(CODE_ALPHABET) ** CODE_LENGTH)
    symbols = ""
    for _position in range(CODE_LENGTH):
        number, digit = divmod(number, len(CODE_ALPHABET))
        symbols += CODE_ALPHABET[digit]
    groups = [symbols[i:i + CODE_GROUP_LENGTH] for i in range(0, CODE_LENGTH, CODE_GROUP_LENGTH)]
    return "-".join([CODE_PREFIX, *groups])


def normalise_code(text):
    """The code's symbols from what a student typed (any case, dashes, spaces), or None."""
    symbols = "".join(ch for ch in (text or "").upper() if ch.isalnum())
    if len(symbols) == CODE_LENGTH + len(CODE_PREFIX) and symbols.startswith(CODE_PREFIX):
        symbols = symbols[len(CODE_PREFIX):]
    if len(symbols) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in symbols):
        return None
    return symbols


def code_digest(symbols):
    """HMAC-SHA256 of the code's symbols keyed with the app secret: all that is stored."""
    return keyed_digest("problembox-code:", symbols)


def keyed_digest(purpose, text):
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, purpose.encode() + text.encode(), hashlib.sha256).hexdigest()


def this_hour():
    """Now, rounded down to the hour: the only time kept of a student's writing."""
    return utcnow().replace(minute=0, second=0, microsecond=0)


def configured_risk_terms():
    """The school's list from the configuration (replacing the built-in concepts), or the
    built-in concepts' phrases."""
    configured = current_app.config.get("PROBLEMBOX_RISK_TERMS")
    if configured:
        return list(configured)
    return [phrase for concept in risk.CONCEPTS for phrase in concept.phrases]


def added_risk_terms():
    """The terms the counselors added.

    Read on every report, so kept for RISK_TERMS_MAX_AGE seconds; a term added or
    removed in this process applies at once, one added through another worker within
    that time."""
    kept = current_app.extensions.get(RISK_TERMS_KEY)
    if kept is None or kept[0] < time.monotonic():
        added = db.session.scalars(sa.select(RiskTerm.term).order_by(RiskTerm.term)).all()
        kept = (time.monotonic() + RISK_TERMS_MAX_AGE, tuple(added))
        current_app.extensions[RISK_TERMS_KEY] = kept
    return kept[1]


def risk_terms():
    """Every term and phrase the check uses, as the settings page lists them."""
    return [*configured_risk_terms(), *added_risk_terms()]


@sa.event.listens_for(RiskTerm, "after_insert")
@sa.event.listens_for(RiskTerm, "after_update")
@sa.event.listens_for(RiskTerm, "after_delete")
def forget_risk_terms(_mapper, _connection, _term):
    if has_app_context():
        current_app.extensions.pop(RISK_TERMS_KEY, None)


def check_risk(text):
    """The risk.Flags for a student's text; a school's configured list replaces the
    built-in concepts, the counselors' terms come on top."""
    configured = current_app.config.get("PROBLEMBOX_RISK_TERMS")
    if configured:
        return risk.check(text, (*configured, *added_risk_terms()), concepts=())
    return risk.check(text, added_risk_terms())


def flag_risk(report, text):
    """Check `text` (the story or a student's reply) and keep on the report why it is
    urgent: each concept with its matched words, merged with earlier flags. True when
    anything matched."""
    flags = check_risk(text)
    kept = {flag.concept: flag for flag in report.risk_flags}
    for flag in flags:
        old = kept.get(flag.concept)
        words = list(dict.fromkeys([*(old.words.split(", ") if old else ()), *flag.words]))
        joined = ", ".join(words)[:RiskFlag.words.type.length]
        if old is None:
            report.risk_flags.append(RiskFlag(concept=flag.concept, words=joined))
        else:
            old.words = joined
    return bool(flags)


def mark_flag(flag, wrong):
    """A counselor says the flag was wrong (or takes that back)."""
    flag.marked_wrong = wrong


def send_report(body, field=None, author=None, submission=None):
    """Add a new report to the session: (the report, its follow-up code — shown once, never
    stored). The caller commits. None for both when the form's `submission` was stored
    already: the same story sent again.

    `author` is given only when a logged-in student chose to include their name.
    """
    submitted = keyed_digest("problembox-submission:", submission) if submission else None
    if submitted is not None and db.session.scalar(sa.select(ProblemReport.id).where(
            ProblemReport.submission_digest == submitted)) is not None:
        return None, None
    code = generate_code()
    report = ProblemReport(
        code_digest=code_digest(normalise_code(code)), submission_digest=submitted,
        body=body, field=field,
        status=ReportStatus.NEW, is_urgent=False,
        author_id=author.id if author is not None else None, created_at=this_hour(),
    )
    report.is_urgent = flag_risk(report, body)
    db.session.add(report)
    db.session.flush()
    tell_counselors(report, "urgent" if report.is_urgent else "story")
    return report, code


def find_report_by_code(text):
    """The report a follow-up code opens, or None for a wrong or malformed code."""
    symbols = normalise_code(text)
    if symbols is None:
        return None
    return db.session.scalar(
        sa.select(ProblemReport).where(ProblemReport.code_digest == code_digest(symbols))
    )


def add_student_reply(report, body):
    """The student answers in the thread: a closed report opens again, risk terms flag it."""
    message = ProblemMessage(report=report, from_counselor=False, body=body,
                             created_at=this_hour())
    db.session.add(message)
    report.has_new_reply = True
    if report.status == ReportStatus.CLOSED:
        _set_status(report, ReportStatus.IN_PROGRESS)
    urgent = flag_risk(report, body)
    if urgent:
        report.is_urgent = True
    tell_counselors(report, "urgent" if urgent else "reply")
    return urgent


def tell_counselors(report, kind):
    """Queue the counselors' alerts (kind only, never the words); an urgent one also
    starts the wait the counselors' home shows and the escalation times."""
    if kind == "urgent" and report.urgent_since is None:
        report.urgent_since = this_hour()
    signals.counselor_alert.send(
        current_app._get_current_object(), kind=kind, ref=f"kotak:{report.id}",
        link=path_for("problembox.report", report_id=report.id),
        list_link=path_for("problembox.inbox"), anonymous=report.is_anonymous)


@signals.urgent_waiting.connect
def urgent_unopened(_app):
    """Urgent reports no counselor has opened since they became urgent, oldest first."""
    reports = db.session.execute(
        sa.select(ProblemReport.id, ProblemReport.urgent_since)
        .where(ProblemReport.urgent_since.is_not(None))
        .order_by(ProblemReport.urgent_since, ProblemReport.id)).all()
    return [UrgentItem(ref=f"kotak:{report_id}", title=_("Kotak masalah #%(id)d", id=report_id),
                       link=path_for("problembox.report", report_id=report_id), since=since,
                       hour_only=True)
            for report_id, since in reports]


def request_session(report, mode, times):
    report.session_mode = mode
    report.session_times = times
    report.session_request_open = True
    report.has_new_reply = True


def report_time(report):
    """When a counselor acts on `report`: now, but only the hour on an anonymous report,
    whose answers, notes and closing would otherwise time its reporter's live chat."""
    return this_hour() if report.is_anonymous else utcnow()


def add_counselor_reply(report, counselor, body):
    db.session.add(ProblemMessage(report=report, from_counselor=True, counselor_id=counselor.id,
                                  body=body, created_at=report_time(report)))
    if report.status == ReportStatus.NEW:
        _set_status(report, ReportStatus.IN_PROGRESS)


@signals.thread_message.connect
def add_live_message(report, counselor, body):
    """A message from the thread's live chat, under the same rules as a reply written here."""
    if counselor is None:
        add_student_reply(report, body)
    else:
        add_counselor_reply(report, counselor, body)


def add_note(report, author, body):
    db.session.add(ProblemNote(report=report, author_id=author.id, body=body,
                               created_at=report_time(report)))


def set_triage(report, status, urgent):
    _set_status(report, status)
    report.is_urgent = urgent
    if not urgent:
        report.urgent_since = None


def close_session_request(report):
    report.session_request_open = False


@signals.thread_seen.connect
def mark_seen(report):
    """A counselor opened the report: its new replies are no longer new, nor is it an
    urgent item waiting to be opened."""
    report.has_new_reply = False
    report.urgent_since = None


def _set_status(report, status):
    if status != report.status:
        report.closed_at = report_time(report) if status == ReportStatus.CLOSED else None
    report.status = status


def replies_count():
    return (sa.select(sa.func.count(ProblemMessage.id))
            .where(ProblemMessage.report_id == ProblemReport.id)
            .correlate(ProblemReport).scalar_subquery())


#: The inbox's orders (common/listing.py); descending, "mendesak" is urgent first, newest first.
INBOX_SORTS = {
    "mendesak": (ProblemReport.is_urgent, ProblemReport.created_at, ProblemReport.id),
    "masuk": (ProblemReport.created_at, ProblemReport.id),
    "status": (ProblemReport.status, ProblemReport.created_at, ProblemReport.id),
    "balasan": (replies_count(), ProblemReport.id),
}


def inbox_query(status=None, field=None, urgent=None, new_reply=False, search=""):
    """Reports for the inbox, urgent first, then newest; each with its number of replies.
    `search`: words of the story or of its named author's name."""
    query = (sa.select(ProblemReport, replies_count().label("replies"))
             .options(so.selectinload(ProblemReport.author)))
    if status is not None:
        query = query.where(ProblemReport.status == status)
    if field is not None:
        query = query.where(ProblemReport.field == field)
    if urgent is not None:
        query = query.where(ProblemReport.is_urgent.is_(urgent))
    if new_reply:
        query = query.where(ProblemReport.has_new_reply.is_(True))
    if search:
        query = (query.outerjoin(User, User.id == ProblemReport.author_id)
                 .where(listing.matching(search, ProblemReport.body, User.full_name)))
    return query.order_by(*(column.desc() for column in INBOX_SORTS["mendesak"]))


def inbox_page(want, **filters):
    """One page of the inbox as (report, replies) rows (common/listing.Listing)."""
    return listing.paginate(inbox_query(search=want.search, **filters), INBOX_SORTS, want)


def inbox_counts():
    """New reports, urgent open reports and reports with new replies, in one query."""
    open_report = ProblemReport.status != ReportStatus.CLOSED
    row = db.session.execute(sa.select(
        sa.func.count(ProblemReport.id).filter(ProblemReport.status == ReportStatus.NEW),
        sa.func.count(ProblemReport.id).filter(ProblemReport.is_urgent.is_(True), open_report),
        sa.func.count(ProblemReport.id).filter(ProblemReport.has_new_reply.is_(True)),
        sa.func.count(ProblemReport.id).filter(ProblemReport.session_request_open.is_(True)),
    )).one()
    return {"new": row[0], "urgent": row[1], "replies": row[2], "session_requests": row[3]}


#: How many new stories and replies the counselor's day lists; the inbox has them all.
DAY_LIST = 5


@signals.home_page.connect
def home_part(user):
    """The counselor's home counts what waits in the box, and lists the newest of it."""
    if user.role != Role.COUNSELOR:
        return {}
    waiting = (inbox_query().where(sa.or_(ProblemReport.status == ReportStatus.NEW,
                                          ProblemReport.has_new_reply.is_(True)))
               .limit(DAY_LIST))
    return {"problembox": {**inbox_counts(),
                           "latest": [report for report, _replies in db.session.execute(waiting)]}}


@signals.waiting_counts.connect
def waiting_part(user):
    if user.acting_role != Role.COUNSELOR:
        return {}
    counts = inbox_counts()
    return {"urgent_reports": counts["urgent"], "new_reports": counts["new"],
            "new_replies": counts["replies"]}


def named_reports(student):
    """Stories the student chose to send with their name, newest first. An anonymous story
    has no author, so nothing here can ever list it."""
    return db.session.scalars(
        sa.select(ProblemReport).where(ProblemReport.author_id == student.id)
        .order_by(ProblemReport.created_at.desc(), ProblemReport.id.desc())).all()


@signals.student_record.connect
def record_part(student, counselor):
    """Named stories, which every counselor reads in the inbox anyway."""
    return {"stories": named_reports(student)}


@signals.student_timeline.connect
def timeline_part(student, counselor):
    return [TimelineEntry(report.created_at, _("Cerita di kotak masalah, dengan nama"),
                          path_for("problembox.report", report_id=report.id), hour_only=True)
            for report in named_reports(student)]


@signals.day_summary.connect
def day_part(_counselor):
    counts = inbox_counts()
    return {"urgent_reports": counts["urgent"], "new_reports": counts["new"]}


def reply_templates():
    """(key, title, body) of every template: the built-in ones, then the counselors' own."""
    builtin = [(f"b{number}", str(title), str(body))
               for number, (title, body) in enumerate(BUILTIN_TEMPLATES, start=1)]
    saved = db.session.scalars(sa.select(ReplyTemplate).order_by(ReplyTemplate.title)).all()
    return builtin + [(f"t{t.id}", t.title, t.body) for t in saved]


def purge_closed(days):
    """Delete reports closed more than `days` days ago (threads and notes go with them)."""
    cutoff = utcnow() - timedelta(days=days)
    result = db.session.execute(sa.delete(ProblemReport).where(ProblemReport.closed_before(cutoff)))
    if result.rowcount:
        # A bulk delete the flush does not see: the log's old frames of these stories go too.
        database.mark_anonymous_write()
    return result.rowcount
