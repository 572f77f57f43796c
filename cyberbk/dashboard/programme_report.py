"""The parts of the laporan pelaksanaan program that come from the BK programme: what was
planned for the period (the Program Tahunan's rows) against what was delivered (the
logged services linked to them), per component; every service held, when and for whom;
and what the laisegs gave. Counted with GROUP BY in the database.

A row is planned for a month when it names that month, for a semester when it is in it,
for a year when it is of it. A service counts as delivered in the period it was held in,
whatever month its row named. Services come from the programme's log and from the
features that keep the others (session records, case records: signals.services_held), as
on the hours sheet.
"""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from ..accounts.models import SchoolClass
from ..common import signals
from ..common.schooltime import school_year_of
from ..extensions import db
from ..outreach.models import ServiceComponent
from ..outreach.models import ServicePlan
from ..programme.models import EQUIVALENT_JP
from ..programme.models import Activity
from ..programme.models import ActivityKind
from ..programme.models import ProgrammeRow
from ..programme.models import Semester
from .models import ReportNote

COMPONENTS = (ServiceComponent.BASIC, ServiceComponent.PLANNING, ServiceComponent.RESPONSIVE,
              ServiceComponent.SYSTEM)
COMPONENT_LABELS = {
    ServiceComponent.BASIC: _l("Layanan dasar"),
    ServiceComponent.PLANNING: _l("Peminatan dan perencanaan individual"),
    ServiceComponent.RESPONSIVE: _l("Layanan responsif"),
    ServiceComponent.SYSTEM: _l("Dukungan sistem"),
    None: _l("Di luar program"),
}
NOTE_LABELS = {"analysis": _l("Analisis hasil"), "follow_up": _l("Tindak lanjut"),
               "supporting": _l("Faktor pendukung"), "hindering": _l("Faktor penghambat")}
NOTE_FIELDS = tuple(NOTE_LABELS)


@dataclass
class ComponentLine:
    component: ServiceComponent | None
    planned_rows: int = 0
    planned_jp: int = 0
    delivered: int = 0
    delivered_jp: int = 0

    @property
    def label(self):
        return COMPONENT_LABELS[self.component]

    @property
    def percent(self):
        """Delivered JP as a share of the planned JP, or None with nothing planned."""
        return 100.0 * self.delivered_jp / self.planned_jp if self.planned_jp else None


@dataclass
class Service:
    held_on: date
    kind: ActivityKind
    jp: int
    component: ServiceComponent | None
    topic: str
    target: str
    laiseg: object = None


@dataclass
class ProgrammePart:
    lines: list  # [ComponentLine]: the four components, then what no row planned
    services: list  # [Service], in the order held
    #: Laiseg means over the services whose laiseg is shown, weighted by respondents.
    laiseg_means: tuple | None
    laiseg_shown: int
    laiseg_given: int

    @property
    def total(self):
        return ComponentLine(None, sum(x.planned_rows for x in self.lines),
                             sum(x.planned_jp for x in self.lines),
                             sum(x.delivered for x in self.lines),
                             sum(x.delivered_jp for x in self.lines))


def planned_condition(period):
    """SQL condition on ProgrammeRow: planned for the period."""
    year = school_year_of(period.first)
    if period.kind == "month":
        return sa.and_(ProgrammeRow.school_year == year,
                       ProgrammeRow.month == period.first.month)
    if period.kind == "semester":
        semester = Semester.ODD if period.first.month == 7 else Semester.EVEN
        return sa.and_(ProgrammeRow.school_year == year, ProgrammeRow.semester == semester)
    return ProgrammeRow.school_year == year


def programme_part(period):
    stored = sa.type_coerce(ProgrammeRow.component, sa.String)
    lines = {c: ComponentLine(c) for c in COMPONENTS}
    lines[None] = ComponentLine(None)
    for component, rows, jp in db.session.execute(
            sa.select(stored, sa.func.count(ProgrammeRow.id), sa.func.sum(ProgrammeRow.jp))
            .where(planned_condition(period)).group_by(stored)):
        line = lines[ServiceComponent(component)]
        line.planned_rows, line.planned_jp = rows, int(jp or 0)
    for component, times, jp in db.session.execute(
            sa.select(stored, sa.func.count(Activity.id), sa.func.sum(Activity.jp))
            .select_from(Activity).outerjoin(ProgrammeRow, ProgrammeRow.id == Activity.row_id)
            .where(Activity.held_on >= period.first, Activity.held_on < period.end)
            .group_by(stored)):
        line = lines[ServiceComponent(component) if component else None]
        line.delivered, line.delivered_jp = times, int(jp or 0)
    elsewhere = signals.collect(signals.services_held, current_app._get_current_object(),
                                first=period.first, end=period.end, counselor_id=None,
                                linked_only=False)
    rows = {row.id: row for row in db.session.scalars(sa.select(ProgrammeRow).where(
        ProgrammeRow.id.in_({s.row_id for s in elsewhere if s.row_id})))}
    for service in elsewhere:
        row = rows.get(service.row_id)
        line = lines[row.component if row else None]
        line.delivered += 1
        line.delivered_jp += EQUIVALENT_JP
    held = db.session.execute(
        sa.select(Activity, ProgrammeRow, ServicePlan, SchoolClass)
        .outerjoin(ProgrammeRow, ProgrammeRow.id == Activity.row_id)
        .outerjoin(ServicePlan, ServicePlan.id == Activity.plan_id)
        .outerjoin(SchoolClass, SchoolClass.id == Activity.class_id)
        .where(Activity.held_on >= period.first, Activity.held_on < period.end)
        .order_by(Activity.held_on, Activity.id)).all()
    laiseg_ids = [activity.laiseg_id for activity, *_rest in held if activity.laiseg_id]
    results = signals.answer(signals.laiseg_results, current_app._get_current_object(),
                             administration_ids=laiseg_ids)
    services = []
    for activity, row, plan, school_class in held:
        topic = plan.title if plan else row.topic if row else activity.note
        target = (row.target_group if row and row.target_group
                  else school_class.name if school_class else "")
        services.append(Service(activity.held_on, activity.kind, activity.jp,
                                row.component if row else None, topic or "", target,
                                results.get(activity.laiseg_id)))
    for service in elsewhere:
        row = rows.get(service.row_id)
        services.append(Service(service.held_on, ActivityKind(service.kind), EQUIVALENT_JP,
                                row.component if row else None, row.topic if row else "",
                                row.target_group if row else ""))
    services.sort(key=lambda service: service.held_on)
    shown = [s.laiseg for s in services if s.laiseg is not None and s.laiseg.shown]
    means = None
    if shown:
        weight = sum(r.submitted for r in shown)
        means = tuple(sum(r.means[n] * r.submitted for r in shown) / weight for n in range(3))
    return ProgrammePart(lines=[lines[c] for c in (*COMPONENTS, None)], services=services,
                         laiseg_means=means, laiseg_shown=len(shown),
                         laiseg_given=len(laiseg_ids))


def note_of(period):
    return db.session.scalar(sa.select(ReportNote).where(ReportNote.period_key == period.key))


def save_note(period, values, author):
    """The counselors' words for the period (the caller commits, with its audit entry)."""
    note = note_of(period)
    if note is None:
        note = ReportNote(period_key=period.key)
        db.session.add(note)
    for name in NOTE_FIELDS:
        setattr(note, name, values.get(name) or "")
    note.updated_by_id = author.id
    return note
