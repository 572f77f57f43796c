"""TPPK rules: routing a story or a case to the lane, a student's own report, the steps,
notes and the list. Services never commit; the route does, once."""

import hashlib
import hmac
from datetime import timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app
from flask_babel import gettext as _

from ..accounts.models import Role
from ..accounts.models import User
from ..common import schooltime
from ..common import signals
from ..common.cells import to_csv
from ..common.links import path_for
from ..common.vocabulary import ExportFile
from ..extensions import db
from .models import EXAMINATION_DAYS
from .models import Source
from .models import Step
from .models import TppkCase
from .models import TppkMember
from .models import TppkNote
from .models import TppkStep
from .models import is_member
from .models import may_open


def this_hour():
    """Now, to the hour: all that is kept of when an anonymous reporter wrote."""
    return schooltime.utcnow().replace(minute=0, second=0, microsecond=0)


def case_time(case):
    """When someone acts on `case`: now, but only the hour on an anonymous report (as the
    problem box does: an exact time beside its hour would date the reporter's writing)."""
    return this_hour() if case.is_anonymous else schooltime.utcnow()


def routed_from(kind, record_id):
    """The TPPK case a story ("kotak") or a case ("kasus") was routed to, or None."""
    column = TppkCase.problem_report_id if kind == "kotak" else TppkCase.counseling_case_id
    return db.session.scalar(sa.select(TppkCase).where(column == record_id)
                             .order_by(TppkCase.id).limit(1))


def route_story(report, counselor, summary, share_words):
    """A counselor routes problem-box story `report` (problembox.models.ProblemReport):
    the summary they wrote, the story's words only when `share_words`."""
    case = TppkCase(source=Source.STORY, problem_report_id=report.id,
                    student_id=report.author_id, routed_by_id=counselor.id, summary=summary,
                    student_words=report.body if share_words else None, student_told=True)
    case.received_at = case_time(case)
    db.session.add(case)
    db.session.flush()
    return case


def route_case(counseling_case, counselor, summary):
    """A counselor routes their counseling case: the summary only (the case file stays)."""
    case = TppkCase(source=Source.CASE, received_at=schooltime.utcnow(),
                    counseling_case_id=counseling_case.id,
                    student_id=counseling_case.student_id, routed_by_id=counselor.id,
                    summary=summary, student_told=True)
    db.session.add(case)
    db.session.flush()
    return case


def submission_digest(submission):
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, b"tppk-submission:" + submission.encode(), hashlib.sha256).hexdigest()


def report_violence(body, author=None, submission=None):
    """A student's own report to the TPPK; `author` only when a signed-in student chose to
    give their name. None when this filling-in of the form was stored already.

    The counselors are told that a report waits, nothing of it (counselor_alert), as the
    problem box tells them of a story."""
    digest = submission_digest(submission) if submission else None
    if digest is not None and db.session.scalar(sa.select(TppkCase.id).where(
            TppkCase.submission_digest == digest)) is not None:
        return None
    case = TppkCase(source=Source.STUDENT, student_id=author.id if author else None,
                    student_words=body, submission_digest=digest)
    case.received_at = case_time(case)
    db.session.add(case)
    db.session.flush()
    signals.counselor_alert.send(
        current_app._get_current_object(), kind="tppk", ref=f"tppk:{case.id}",
        link=path_for("tppk.case_page", case_id=case.id), list_link=path_for("tppk.index"),
        anonymous=case.is_anonymous)
    return case


def record_step(case, step, done_on, member, note=""):
    entry = TppkStep(case=case, step=step, done_on=done_on, by_id=member.id, note=note,
                     recorded_at=case_time(case))
    db.session.add(entry)
    return entry


def add_note(case, member, body):
    note = TppkNote(case=case, author_id=member.id, body=body, created_at=case_time(case))
    db.session.add(note)
    return note


def set_closed(case, closed):
    case.closed_at = case_time(case) if closed else None


def cases():
    """Every case of the lane, open ones first, then the oldest report first (its clock
    runs out first)."""
    return db.session.scalars(
        sa.select(TppkCase).options(so.selectinload(TppkCase.steps))
        .order_by(TppkCase.closed_at.is_not(None), TppkCase.received_at, TppkCase.id)).all()


@signals.waiting_counts.connect
def waiting_part(user):
    """For a member's menu: reports whose examination is still to do, and how many of
    those are past the 30 days (one query). Nothing for anyone else: not even a count."""
    if not is_member(user):
        return {}
    start_of_deadline_day, _end = schooltime.day_bounds(
        schooltime.local_today() - timedelta(days=EXAMINATION_DAYS))
    waiting, overdue = db.session.execute(
        sa.select(sa.func.count(TppkCase.id),
                  sa.func.count(TppkCase.id).filter(
                      TppkCase.received_at < start_of_deadline_day))
        .where(TppkCase.closed_at.is_(None),
               ~sa.exists().where(TppkStep.case_id == TppkCase.id,
                                  TppkStep.step == Step.EXAMINATION))).one()
    return {"tppk_waiting": waiting, "tppk_overdue": overdue}


def members():
    """(accounts of the role `tppk`, counselors listed as members), by name."""
    by_role = db.session.scalars(sa.select(User).where(User.role == Role.TPPK)
                                 .order_by(User.full_name)).all()
    counselors = db.session.scalars(
        sa.select(User).join(TppkMember, TppkMember.user_id == User.id)
        .order_by(User.full_name)).all()
    return by_role, counselors


def counselors_not_members():
    return db.session.scalars(
        sa.select(User).where(User.role == Role.COUNSELOR, User.is_active_account.is_(True),
                              ~sa.exists().where(TppkMember.user_id == User.id))
        .order_by(User.full_name)).all()


def add_member(user):
    db.session.add(TppkMember(user_id=user.id))


def remove_member(user_id):
    member = db.session.get(TppkMember, user_id)
    if member is not None:
        db.session.delete(member)
    return member


@signals.tppk_lane.connect
def lane_part(_app, kind, record_id):
    """For the counselor's story or case page: whether it went to the TPPK lane (the date
    only: the counselor does not open the lane's case unless they are a member)."""
    return {"tppk_routed": routed_from(kind, record_id),
            "tppk_route_link": path_for("tppk.route_story" if kind == "kotak"
                                        else "tppk.route_case", record_id=record_id)}


# A student's data on request (dashboard.student_data): export and erasure.

def about(student):
    """The lane's cases about `student` by name: routed from their story or case, or their
    own report with their name. An anonymous report is about nobody the app knows."""
    return sa.select(TppkCase.id).where(TppkCase.student_id == student.id)


@signals.student_export.connect
def export_part(student, counselor):
    """For a counselor who is a TPPK member (may_open, as on the lane's pages), the cases
    about the student: where they came from, what reached the lane, the steps done. The
    members' notes are the team's working notes and stay out, as a counselor's private
    notes do."""
    cases = [case for case in db.session.scalars(
        sa.select(TppkCase).where(TppkCase.id.in_(about(student)))
        .options(so.selectinload(TppkCase.steps)).order_by(TppkCase.received_at, TppkCase.id))
        if may_open(counselor, case)]
    if not cases:
        return []
    rows = [(case.id, case.source.value, case.received_on.isoformat(),
             schooltime.local_today(case.closed_at).isoformat() if case.closed_at else "",
             case.summary, case.student_words or "",
             "; ".join(f"{step.step.value} {step.done_on.isoformat()}"
                       + (f": {step.note}" if step.note else "") for step in case.steps))
            for case in cases]
    return [ExportFile(
        "tppk.csv",
        _("laporan kekerasan tentang siswa yang ditangani TPPK: ringkasan yang diteruskan, "
          "kata-kata siswa, dan langkah penanganan (hanya untuk Guru BK anggota TPPK; catatan "
          "kerja TPPK tidak termasuk)."),
        to_csv(["laporan", "asal", "diterima", "selesai", "ringkasan_guru_bk", "kata_siswa",
                "langkah"], rows))]


@signals.student_erased.connect
def erase_part(student):
    """The lane's part of a student's erasure: of every case about them the texts go (the
    summary, their words, the steps' remarks, the members' notes); where it came from, its
    dates, the steps done and its status stay, so the lane's counts hold. An anonymous
    report names nobody and is left as it is."""
    cases = about(student)
    statements = [
        sa.delete(TppkNote).where(TppkNote.case_id.in_(cases)),
        sa.update(TppkStep).where(TppkStep.case_id.in_(cases)).values(note=""),
        # A routed case keeps a summary (tppk_routed_or_reported): a dash.
        sa.update(TppkCase).where(TppkCase.student_id == student.id)
        .values(summary=sa.case((TppkCase.source == Source.STUDENT, ""), else_="-"),
                student_words=None),
    ]
    for statement in statements:
        db.session.execute(statement.execution_options(synchronize_session=False))
