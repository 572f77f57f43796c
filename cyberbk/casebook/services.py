"""Case records: writing them, and the lists each reader may see. Never commits (the
route does, with its audit entry)."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _

from ..accounts.models import Role
from ..accounts.models import User
from ..accounts.services import homeroom_students
from ..booking.models import CounselingCase
from ..common import signals
from ..common.links import path_for
from ..common.schooltime import utcnow
from ..common.vocabulary import HeldService
from ..common.vocabulary import TimelineEntry
from ..extensions import db
from .models import Anecdote
from .models import CaseEntry
from .models import Conference
from .models import ConferenceFollowUp
from .models import ConferenceParticipant
from .models import HomeVisit
from .models import OutwardReferral
from .models import OutwardStatus
from .models import VisitStatus


class NotAllowed(Exception):
    """str(error) is the message for the person."""


def at_noon(day):
    """A date as a naive UTC moment on the timeline (the day itself is what counts)."""
    return datetime.combine(day, datetime.min.time()).replace(hour=5)


# --- buku kasus ----------------------------------------------------------------------

def add_entry(case, author, written_on, body, shareable):
    entry = CaseEntry(case=case, author_id=author.id, written_on=written_on, body=body,
                      shareable=shareable)
    db.session.add(entry)
    db.session.flush()  # its id, for the audit entry and the next page
    return entry


def entries(case, shareable_only=False):
    statement = sa.select(CaseEntry).where(CaseEntry.case_id == case.id)
    if shareable_only:
        statement = statement.where(CaseEntry.shareable.is_(True))
    return db.session.scalars(statement.order_by(CaseEntry.written_on.desc(),
                                                 CaseEntry.id.desc())).all()


# --- catatan anekdot -----------------------------------------------------------------

def add_anecdote(author, student, observed_on, setting, observation, interpretation=""):
    """A homeroom teacher writes only about a student of their class; a counselor about a
    student whose case they hold (the route passes the case's student)."""
    if author.acting_role == Role.HOMEROOM and student.id not in {
            s.id for s in homeroom_students(author)}:
        raise NotAllowed(_("Catatan anekdot hanya untuk siswa kelas perwalian Bapak/Ibu."))
    anecdote = Anecdote(student_id=student.id, author_id=author.id, observed_on=observed_on,
                        setting=setting, observation=observation, interpretation=interpretation)
    db.session.add(anecdote)
    db.session.flush()  # its id, for the audit entry and the next page
    return anecdote


def anecdotes_about(student, reader):
    """The student's anecdotes `reader` may read (Anecdote.readable_by)."""
    return db.session.scalars(
        sa.select(Anecdote).where(Anecdote.student_id == student.id,
                                  Anecdote.readable_condition(reader))
        .order_by(Anecdote.observed_on.desc(), Anecdote.id.desc())).all()


def anecdotes_by(author):
    return db.session.scalars(
        sa.select(Anecdote).where(Anecdote.author_id == author.id)
        .options(so.joinedload(Anecdote.student))
        .order_by(Anecdote.observed_on.desc(), Anecdote.id.desc())).all()


# --- konferensi kasus ----------------------------------------------------------------

def staff_choices(case):
    """Accounts that may be named participants: homeroom teachers and other counselors
    (the principal has no account: named in `other_participants`)."""
    return db.session.scalars(
        sa.select(User).where(User.role.in_((Role.HOMEROOM, Role.COUNSELOR)),
                              User.is_active_account.is_(True), User.id != case.counselor_id)
        .order_by(User.full_name)).all()


def add_conference(case, participant_ids, **fields):
    conference = Conference(case=case, **fields)
    allowed = {user.id for user in staff_choices(case)}
    for user_id in participant_ids:
        if user_id in allowed:
            conference.participants.append(ConferenceParticipant(user_id=user_id))
    db.session.add(conference)
    db.session.flush()  # its id, for the audit entry and the next page
    return conference


def add_follow_up(conference, action, owner, due_on):
    follow_up = ConferenceFollowUp(action=action, owner=owner, due_on=due_on)
    conference.follow_ups.append(follow_up)
    return follow_up


def accept_statement(conference, user):
    taking_part = conference.participant(user)
    if taking_part is None:
        raise NotAllowed(_("Bapak/Ibu tidak tercatat sebagai peserta konferensi ini."))
    if taking_part.accepted_at is None:
        taking_part.accepted_at = utcnow()
    return taking_part


def conferences_with(user):
    """Conferences `user` takes part in (not as the case's counselor)."""
    return db.session.scalars(
        sa.select(Conference).join(ConferenceParticipant)
        .where(ConferenceParticipant.user_id == user.id)
        .options(so.joinedload(Conference.case).joinedload(CounselingCase.student))
        .order_by(Conference.held_on.desc())).all()


# --- kunjungan rumah -----------------------------------------------------------------

def plan_visit(case, **fields):
    visit = HomeVisit(case=case, **fields)
    db.session.add(visit)
    db.session.flush()  # its id, for the audit entry and the next page
    return visit


def record_visit(visit, visited_on, met_with, findings, agreements, programme_row_id=None):
    visit.visited_on = visited_on
    visit.programme_row_id = programme_row_id
    visit.met_with = met_with
    visit.findings = findings
    visit.agreements = agreements
    visit.status = VisitStatus.DONE


# --- alih tangan kasus ---------------------------------------------------------------

def add_referral(case, **fields):
    referral = OutwardReferral(case=case, **fields)
    db.session.add(referral)
    db.session.flush()  # its id, for the audit entry and the next page
    return referral


def update_referral(referral, status, sent_on=None, reply="", reply_on=None):
    if status != OutwardStatus.DRAFT and not referral.consented:
        raise NotAllowed(_("Catat dulu persetujuan siswa atau orang tua/wali sebelum surat "
                           "dikirim."))
    referral.status = status
    referral.sent_on = sent_on or referral.sent_on
    referral.reply = reply
    referral.reply_on = reply_on


# --- one case's records, and the student record --------------------------------------

def case_records(case):
    """Everything of the case book page, for the case's counselor."""
    def rows(model, order):
        return db.session.scalars(sa.select(model).where(model.case_id == case.id)
                                  .order_by(order.desc())).all()
    return {
        "entries": entries(case),
        "conferences": rows(Conference, Conference.held_on),
        "visits": rows(HomeVisit, HomeVisit.planned_on),
        "referrals": rows(OutwardReferral, OutwardReferral.created_at),
    }


def counts_of(student, counselor):
    """How many case records of each kind `counselor` may open, per case of the student."""
    cases = db.session.scalars(
        sa.select(CounselingCase).where(CounselingCase.student_id == student.id,
                                        CounselingCase.open_to(counselor.id))).all()
    result = {}
    for case in cases:
        result[case.id] = {
            name: db.session.scalar(sa.select(sa.func.count()).select_from(model)
                                    .where(model.case_id == case.id))
            for name, model in (("entries", CaseEntry), ("conferences", Conference),
                                ("visits", HomeVisit), ("referrals", OutwardReferral))}
    return result


@signals.student_record.connect
def record_part(student, counselor):
    return {"casebook": {"counts": counts_of(student, counselor),
                         "anecdotes": anecdotes_about(student, counselor)}}


@signals.student_timeline.connect
def timeline_part(student, counselor):
    entries_ = [TimelineEntry(at_noon(a.observed_on), _("Catatan anekdot: %(setting)s",
                                                        setting=a.setting))
                for a in anecdotes_about(student, counselor)]
    cases = sa.select(CounselingCase.id).where(CounselingCase.student_id == student.id)
    for visit in db.session.scalars(sa.select(HomeVisit).where(
            HomeVisit.case_id.in_(cases), HomeVisit.open_to(counselor.id))):
        entries_.append(TimelineEntry(at_noon(visit.visited_on or visit.planned_on),
                                      _("Kunjungan rumah"),
                                      path_for("casebook.visit", visit_id=visit.id)))
    for conference in db.session.scalars(sa.select(Conference).where(
            Conference.case_id.in_(cases), Conference.open_to(counselor.id))):
        entries_.append(TimelineEntry(at_noon(conference.held_on), _("Konferensi kasus"),
                                      path_for("casebook.conference",
                                               conference_id=conference.id)))
    for referral in db.session.scalars(sa.select(OutwardReferral).where(
            OutwardReferral.case_id.in_(cases), OutwardReferral.open_to(counselor.id))):
        entries_.append(TimelineEntry(referral.created_at, _("Alih tangan kasus"),
                                      path_for("casebook.referral", referral_id=referral.id)))
    return entries_


# --- what happened, for the hours sheet and the programme ----------------------------

@signals.services_held.connect
def services_held(_sender, first, end, counselor_id, linked_only):
    """Case conferences on the day held, home visits on the day made, referrals out on the
    day the letter was sent; each by the case's counselor, with the row it delivers."""
    held = []
    for kind, model, day in (("case_conference", Conference, Conference.held_on),
                             ("home_visit", HomeVisit, HomeVisit.visited_on),
                             ("referral", OutwardReferral, OutwardReferral.sent_on)):
        statement = (sa.select(day, CounselingCase.counselor_id, model.programme_row_id)
                     .join(CounselingCase, CounselingCase.id == model.case_id)
                     .where(day >= first, day < end))
        if counselor_id is not None:
            statement = statement.where(CounselingCase.counselor_id == counselor_id)
        if linked_only:
            statement = statement.where(model.programme_row_id.is_not(None))
        held += [HeldService(kind, held_on, who, row_id)
                 for held_on, who, row_id in db.session.execute(statement)]
    return held
