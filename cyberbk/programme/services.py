"""The Program Tahunan and its Program Semester: rows, the components' shares of JP
against the POP BK ranges (in SQL), what each row has delivered, and an RPL's starting
values from a row (answered to outreach through signals.programme_row_plan)."""

from collections import Counter
from dataclasses import dataclass
from dataclasses import field
from datetime import date

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..common import signals
from ..common.schooltime import local_today
from ..common.schooltime import school_year_of
from ..common.vocabulary import FIELD_LABELS
from ..extensions import db
from ..outreach.models import ServiceComponent
from ..outreach.models import ServicePlan
from .models import EQUIVALENT_JP
from .models import Activity
from .models import ProgrammeRow
from .models import Semester

COMPONENTS = (ServiceComponent.BASIC, ServiceComponent.PLANNING, ServiceComponent.RESPONSIVE,
              ServiceComponent.SYSTEM)
COMPONENT_LABELS = {
    ServiceComponent.BASIC: _l("Layanan dasar"),
    ServiceComponent.PLANNING: _l("Peminatan dan perencanaan individual"),
    ServiceComponent.RESPONSIVE: _l("Layanan responsif"),
    ServiceComponent.SYSTEM: _l("Dukungan sistem"),
}
#: POP BK 2016's share of the year for each component at SMP, in percent (low, high).
RANGES = {
    ServiceComponent.BASIC: (35, 45),
    ServiceComponent.PLANNING: (15, 25),
    ServiceComponent.RESPONSIVE: (25, 35),
    ServiceComponent.SYSTEM: (10, 15),
}
SEMESTER_LABELS = {Semester.ODD: _l("Ganjil"), Semester.EVEN: _l("Genap")}
SEMESTER_MONTHS = {Semester.ODD: (7, 8, 9, 10, 11, 12), Semester.EVEN: (1, 2, 3, 4, 5, 6)}


def current_year():
    return school_year_of(local_today())


def year_label(year):
    return f"{year}/{year + 1}"


def month_date(year, semester, month):
    """The first day of `month` of the semester of the school year `year`."""
    return date(year if semester == Semester.ODD else year + 1, month, 1)


@dataclass
class Share:
    component: ServiceComponent
    jp: int
    percent: float
    low: int
    high: int
    inside: bool

    @property
    def label(self):
        return COMPONENT_LABELS[self.component]


def shares(year):
    """[Share] of the four components, in order: each one's JP and its percentage of the
    year's JP, and whether that is inside its POP BK range, computed by the database."""
    stored = sa.type_coerce(ProgrammeRow.component, sa.String)
    jp = sa.func.sum(ProgrammeRow.jp)
    percent = jp * 100.0 / sa.func.nullif(sa.func.sum(jp).over(), 0)
    low = sa.case(*((stored == c.value, RANGES[c][0]) for c in COMPONENTS))
    high = sa.case(*((stored == c.value, RANGES[c][1]) for c in COMPONENTS))
    inner = (sa.select(stored.label("component"), jp.label("jp"), percent.label("percent"),
                       low.label("low"), high.label("high"))
             .where(ProgrammeRow.school_year == year).group_by(stored).subquery())
    rows = {component: (total, share, inside) for component, total, share, inside in
            db.session.execute(sa.select(
                inner.c.component, inner.c.jp, inner.c.percent,
                sa.and_(inner.c.percent >= inner.c.low, inner.c.percent <= inner.c.high)))}
    result = []
    for component in COMPONENTS:
        total, share, inside = rows.get(component.value, (0, None, False))
        result.append(Share(component, int(total or 0), float(share or 0), *RANGES[component],
                            bool(inside)))
    return result


def rows_of(year):
    return db.session.scalars(
        sa.select(ProgrammeRow).where(ProgrammeRow.school_year == year)
        .order_by(ProgrammeRow.semester, sa.func.coalesce(ProgrammeRow.month, 13),
                  ProgrammeRow.id)).all()


def by_component(rows):
    return [(component, [row for row in rows if row.component == component])
            for component in COMPONENTS]


@dataclass
class Delivered:
    """What a row has delivered: how many times, its JP, and the days it was held."""

    times: int = 0
    jp: int = 0
    days: list = field(default_factory=list)

    @property
    def per_day(self):
        """[(day, times held that day)], in order."""
        return sorted(Counter(self.days).items())


def year_bounds(year):
    return date(year, 7, 1), date(year + 1, 7, 1)


def deliveries(year):
    """{row id: Delivered} of the year's rows: the services logged here linked to them, and
    those other features keep (signals.services_held), held in any year."""
    delivered = {}

    def count(row_id, held_on, jp):
        line = delivered.setdefault(row_id, Delivered())
        line.times += 1
        line.jp += jp
        line.days.append(held_on)

    for row_id, held_on, jp in db.session.execute(
            sa.select(Activity.row_id, Activity.held_on, Activity.jp)
            .join(ProgrammeRow, ProgrammeRow.id == Activity.row_id)
            .where(ProgrammeRow.school_year == year)):
        count(row_id, held_on, jp)
    first, end = year_bounds(year)
    # A row is of its year and validated against the day its service was held: its
    # deliveries fall in the year, except a service whose day was later moved out of it.
    rows = set(db.session.scalars(sa.select(ProgrammeRow.id)
                                  .where(ProgrammeRow.school_year == year)))
    for service in signals.collect(signals.services_held, current_app._get_current_object(),
                                   first=first, end=end, counselor_id=None, linked_only=True):
        if service.row_id in rows:
            count(service.row_id, service.held_on, EQUIVALENT_JP)
    for line in delivered.values():
        line.days.sort()
    return delivered


def plans_of(year):
    """{row id: [RPL]} of the RPLs opened from the year's rows."""
    plans = {}
    for plan in db.session.scalars(
            sa.select(ServicePlan).join(ProgrammeRow,
                                        ProgrammeRow.id == ServicePlan.programme_row_id)
            .where(ProgrammeRow.school_year == year).order_by(ServicePlan.id)):
        plans.setdefault(plan.programme_row_id, []).append(plan)
    return plans


def semester_table(year, semester):
    """[(month date or None, [rows])]: the Program Semester, month by month, then the rows
    for any time in the semester."""
    rows = db.session.scalars(
        sa.select(ProgrammeRow).where(ProgrammeRow.school_year == year,
                                      ProgrammeRow.semester == semester)
        .order_by(ProgrammeRow.month, ProgrammeRow.component, ProgrammeRow.id)).all()
    table = [(month_date(year, semester, m), [r for r in rows if r.month == m])
             for m in SEMESTER_MONTHS[semester]]
    return table + [(None, [r for r in rows if r.month is None])]


def jp_by_month(year, semester):
    """{month: planned JP} of the semester (None: any time in it), summed by the database."""
    return dict(db.session.execute(
        sa.select(ProgrammeRow.month, sa.func.sum(ProgrammeRow.jp))
        .where(ProgrammeRow.school_year == year, ProgrammeRow.semester == semester)
        .group_by(ProgrammeRow.month)).all())


def save_row(row, form):
    for name in ("component", "field", "topic", "need", "target_group", "method", "semester",
                 "month", "jp", "class_id"):
        value = getattr(form, name).data
        if value is None and not ProgrammeRow.__table__.c[name].nullable:
            value = ""
        setattr(row, name, value)
    row.drafted = False


@signals.programme_row_plan.connect
def plan_values(_sender, row_id):
    """An RPL's starting values from a programme row: topic, component, bidang, target and
    objectives from the need it answers."""
    row = db.session.get(ProgrammeRow, row_id)
    if row is None:
        return None
    semester = SEMESTER_LABELS[row.semester]
    goals = [_("1. Siswa memahami pentingnya %(topic)s.", topic=row.topic.lower()),
             _("2. Siswa menyusun satu langkah nyata tentang %(topic)s.",
               topic=row.topic.lower())]
    return {
        "programme_row_id": row.id,
        "title": row.topic if row.school_class is None
        else _("%(topic)s (kelas %(name)s)", topic=row.topic, name=row.school_class.name),
        "class_id": row.class_id,
        "semester": f"{semester} {year_label(row.school_year)}",
        "component": row.component,
        "field": row.field,
        "topic": row.topic,
        "target_group": row.target_group,
        "method": row.method,
        "duration": _("%(jp)d × 40 menit", jp=row.jp) if row.jp else "",
        # The need the row answers is the goal's reason, said with it (not a reading source).
        "general_goal": " ".join(filter(None, (
            _("Siswa mampu mengembangkan diri dalam hal \"%(topic)s\".", topic=row.topic),
            row.need and _("Kebutuhan dari asesmen: %(need)s.", need=row.need)))),
        "specific_goals": "\n".join(goals),
    }


@signals.programme_rows.connect
def row_choices(_sender, year):
    """The year's rows, to choose from when recording a service held in it."""
    return [(row.id, " · ".join(filter(None, (
        row.topic, row.school_class.name if row.school_class else "",
        str(COMPONENT_LABELS[row.component]))))) for row in rows_of(year)]


def field_label(field):
    return FIELD_LABELS.get(field, "–") if field else "–"
