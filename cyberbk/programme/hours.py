"""The monthly hours sheet (perhitungan jam kegiatan pelayanan BK): each kind of service per
week of the month, its frequency and JP ekuivalen, and the weekly average against the 24 JP
of a Guru BK's workload.

Weeks I–III are days 1–7, 8–14 and 15–21; week IV runs from the 22nd to the month's end,
as the paper sheet has four weeks. Classical guidance counts the JP logged with it; every
other service EQUIVALENT_JP. The programme counts its own log; session records, case
conferences, home visits and referrals come from the feature that keeps them
(signals.services_held).
"""

from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from ..common import signals
from ..extensions import db
from .models import EQUIVALENT_JP
from .models import Activity
from .models import KIND_LABELS
from .models import ActivityKind

WEEKLY_JP = 24
WEEKS = 4


def next_month(first):
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def weeks_of(first):
    """[(first day, end day)] of weeks I–IV of the month starting on `first`, half-open."""
    edges = [first + timedelta(days=7 * n) for n in range(WEEKS)] + [next_month(first)]
    return list(zip(edges[:-1], edges[1:]))


@dataclass
class Line:
    kind: ActivityKind
    #: Per week: (frequency, JP).
    weeks: list = field(default_factory=lambda: [[0, 0] for _week in range(WEEKS)])

    @property
    def label(self):
        return KIND_LABELS[self.kind]

    @property
    def frequency(self):
        return sum(week[0] for week in self.weeks)

    @property
    def jp(self):
        return sum(week[1] for week in self.weeks)


@dataclass
class Sheet:
    first: date
    weeks: list
    lines: list

    def week_jp(self, index):
        return sum(line.weeks[index][1] for line in self.lines)

    @property
    def total_jp(self):
        return sum(line.jp for line in self.lines)

    @property
    def total_frequency(self):
        return sum(line.frequency for line in self.lines)

    @property
    def weekly_average(self):
        return self.total_jp / WEEKS

    @property
    def meets_workload(self):
        return self.weekly_average >= WEEKLY_JP


def week_case(column, edges):
    """SQL: the week (0..WEEKS-1) a value of `column` falls in, by the weeks' ends."""
    return sa.case(*((column < end, index) for index, (_start, end) in enumerate(edges[:-1])),
                   else_=len(edges) - 1)


def logged_here(counselor, weeks):
    """[(kind, week, frequency, JP)] of the counselor's own log in the month."""
    inner = (sa.select(sa.type_coerce(Activity.kind, sa.String).label("kind"),
                       week_case(Activity.held_on, weeks).label("week"),
                       Activity.jp.label("jp"))
             .where(Activity.counselor_id == counselor.id, Activity.held_on >= weeks[0][0],
                    Activity.held_on < weeks[-1][1]).subquery())
    # Grouped over a subquery: PostgreSQL takes the CASE twice, with its own parameters each
    # time, as two different expressions.
    return db.session.execute(
        sa.select(inner.c.kind, inner.c.week, sa.func.count(), sa.func.sum(inner.c.jp))
        .group_by(inner.c.kind, inner.c.week)).all()


def sheet(counselor, first):
    weeks = weeks_of(first)
    lines = {kind: Line(kind) for kind in ActivityKind}
    for kind, week, times, jp in logged_here(counselor, weeks):
        line = lines[ActivityKind(kind)].weeks[int(week)]
        line[0] += times
        line[1] += int(jp or 0)
    for service in signals.collect(signals.services_held, current_app._get_current_object(),
                                   first=weeks[0][0], end=weeks[-1][1],
                                   counselor_id=counselor.id, linked_only=False):
        week = next(index for index, (_start, end) in enumerate(weeks)
                    if service.held_on < end)
        line = lines[ActivityKind(service.kind)].weeks[week]
        line[0] += 1
        line[1] += EQUIVALENT_JP
    return Sheet(first=first, weeks=weeks, lines=list(lines.values()))
