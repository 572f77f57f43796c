"""Semester targets: what the counselors aim for, and how far the school has come.

Every measure is one SQL statement over the semester's UTC bounds.
"""

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..accounts.models import Role
from ..accounts.models import User
from ..assessments.models import Administration
from ..assessments.models import Answer
from ..assessments.models import Instrument
from ..assessments.models import InstrumentItem
from ..assessments.models import ItemType
from ..assessments.models import Participation
from ..assessments.models import Response
from ..booking.models import SessionRecord
from ..common.schooltime import local_today
from ..common.schooltime import utcnow
from ..extensions import db
from ..outreach.models import ServiceComponent
from ..outreach.models import ServicePlan
from ..problembox.models import ProblemMessage
from ..problembox.models import ProblemReport
from .models import SemesterTarget
from .sqltime import hours_between

CHECKLIST_INSTRUMENT = "daftar-cek-masalah"
EVALUATION_INSTRUMENT = "evaluasi-sesi"
RESPONSE_HOURS = 24


@dataclass(frozen=True)
class Measure:
    #: None while there is nothing to measure (no students, no reports due, no evaluations).
    value: float | None
    #: The numbers behind a share, e.g. (12, 30); None for counts and averages.
    parts: tuple | None = None


def individual_sessions(period):
    """Session records (catatan konseling) held in the semester."""
    start, end = period.utc_bounds
    return Measure(db.session.scalar(
        sa.select(sa.func.count(SessionRecord.id))
        .where(SessionRecord.held_at >= start, SessionRecord.held_at < end)))


def checklist_share(period):
    """Active students who answered a problem checklist given during the semester."""
    start, end = period.utc_bounds
    active = sa.and_(User.role == Role.STUDENT, User.is_active_account.is_(True))
    students = db.session.scalar(sa.select(sa.func.count(User.id)).where(active))
    assessed = db.session.scalar(
        sa.select(sa.func.count(sa.distinct(Participation.user_id)))
        .join(User, User.id == Participation.user_id)
        .join(Administration, Administration.id == Participation.administration_id)
        .join(Instrument, Instrument.id == Administration.instrument_id)
        .where(active, Instrument.builtin_key == CHECKLIST_INSTRUMENT,
               Administration.opens_at < end, Administration.closes_at > start))
    return _share(assessed, students)


def classroom_guidance(period):
    """Classroom guidance (layanan dasar RPLs) held in the semester, up to today."""
    last = min(period.end - timedelta(days=1), local_today())
    return Measure(db.session.scalar(
        sa.select(sa.func.count(ServicePlan.id))
        .where(ServicePlan.component == ServiceComponent.BASIC,
               ServicePlan.held_on >= period.first, ServicePlan.held_on <= last)))


def response_within_24h(period, now=None):
    """Problem reports of the semester whose first answer came within 24 hours.

    A report still inside its first 24 hours without an answer is not yet due and
    does not count either way.
    """
    start, end = period.utc_bounds
    first_answer = (sa.select(ProblemMessage.report_id,
                              sa.func.min(ProblemMessage.created_at).label("at"))
                    .where(ProblemMessage.from_counselor.is_(True))
                    .group_by(ProblemMessage.report_id).subquery())
    in_time = sa.and_(first_answer.c.at.is_not(None),
                      hours_between(first_answer.c.at, ProblemReport.created_at)
                      <= RESPONSE_HOURS)
    due = sa.or_(first_answer.c.at.is_not(None),
                 ProblemReport.created_at <= (now or utcnow()) - timedelta(hours=RESPONSE_HOURS))
    answered, reports = db.session.execute(
        sa.select(sa.func.count(ProblemReport.id).filter(in_time),
                  sa.func.count(ProblemReport.id))
        .outerjoin(first_answer, first_answer.c.report_id == ProblemReport.id)
        .where(ProblemReport.created_at >= start, ProblemReport.created_at < end, due)).one()
    return _share(answered, reports)


def evaluation_score(period):
    """Mean of the session evaluation's 1–4 scale answers submitted in the semester."""
    start, end = period.utc_bounds
    mean = db.session.scalar(
        sa.select(sa.func.avg(Answer.choice + 1))
        .join(Response, Response.id == Answer.response_id)
        .join(Administration, Administration.id == Response.administration_id)
        .join(Instrument, Instrument.id == Administration.instrument_id)
        .join(InstrumentItem, InstrumentItem.id == Answer.item_id)
        .where(Instrument.builtin_key == EVALUATION_INSTRUMENT,
               InstrumentItem.type == ItemType.LIKERT4, Answer.choice.is_not(None),
               Response.submitted_at >= start, Response.submitted_at < end))
    return Measure(None if mean is None else float(mean))


def _share(part, whole):
    return Measure(100.0 * part / whole if whole else None, (part, whole))


@dataclass(frozen=True)
class Metric:
    key: str
    label: object
    hint: object
    #: "count", "percent" or "score" (1–4): how the value and the target are shown.
    unit: str
    measure: object
    maximum: float | None = None


METRICS = (
    Metric("individual_sessions", _l("Sesi konseling individu"),
           _l("Catatan sesi yang ditulis Guru BK selama semester."), "count",
           individual_sessions),
    Metric("checklist_share", _l("Siswa yang sudah mengisi daftar cek masalah"),
           _l("Persen siswa aktif yang mengisi daftar cek masalah yang dibuka semester ini."),
           "percent", checklist_share, 100),
    Metric("classroom_guidance", _l("Bimbingan klasikal terlaksana"),
           _l("RPL layanan dasar dengan tanggal pelaksanaan di semester ini, sampai hari ini."),
           "count", classroom_guidance),
    Metric("response_24h", _l("Laporan kotak masalah dijawab dalam 24 jam"),
           _l("Persen laporan baru yang mendapat balasan pertama dalam 24 jam."),
           "percent", response_within_24h, 100),
    Metric("evaluation_score", _l("Rata-rata nilai evaluasi sesi"),
           _l("Skala 1–4 dari angket evaluasi sesi yang diisi siswa semester ini."),
           "score", evaluation_score, 4),
)


@dataclass(frozen=True)
class Progress:
    metric: Metric
    measure: Measure
    target: float | None

    @property
    def percent(self):
        """How much of the target is reached, 0–100 (the bar), or None without a target."""
        if self.target is None:
            return None
        if self.measure.value is None:
            return 0.0
        # A target of 0 (refused by the form now, saved by earlier versions) is met.
        if self.target <= 0:
            return 100.0
        return min(100.0, 100.0 * self.measure.value / self.target)

    @property
    def reached(self):
        return self.target is not None and self.measure.value is not None \
            and self.measure.value >= self.target


def targets_for(period):
    """{metric key: target value} set for the semester."""
    return dict(db.session.execute(
        sa.select(SemesterTarget.metric, SemesterTarget.value)
        .where(SemesterTarget.semester_start == period.first)).all())


def progress(period):
    targets = targets_for(period)
    return [Progress(metric, metric.measure(period), targets.get(metric.key))
            for metric in METRICS]


def save_targets(period, values, user):
    """Set (or with None, remove) the semester's targets: {metric key: value or None}."""
    existing = {target.metric: target for target in db.session.scalars(
        sa.select(SemesterTarget).where(SemesterTarget.semester_start == period.first))}
    for key, value in values.items():
        target = existing.get(key)
        if value is None:
            if target is not None:
                db.session.delete(target)
        elif target is None:
            db.session.add(SemesterTarget(semester_start=period.first, metric=key, value=value,
                                          set_by_id=user.id))
        else:
            target.value = value
            target.set_by_id = user.id
