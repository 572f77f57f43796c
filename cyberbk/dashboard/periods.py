"""School periods in the school's time zone: months, semesters (ganjil July–December,
genap January–June) and school years (July–June).

A period is a half-open range of local days [first, end); its UTC bounds are what the
database, which holds naive UTC, is queried with.
"""

import re
from dataclasses import dataclass
from datetime import date
from datetime import timedelta

from flask_babel import format_date
from flask_babel import gettext as _

from ..common.schooltime import day_bounds
from ..common.schooltime import local_today

MONTH_KEY = re.compile(r"^(\d{4})-(\d{2})$")
SEMESTER_KEY = re.compile(r"^(\d{4})-(ganjil|genap)$")
YEAR_KEY = re.compile(r"^(\d{4})$")
# Far enough for any school's records; keeps date() away from its limits.
YEARS = range(2000, 2100)


@dataclass(frozen=True)
class Period:
    kind: str  # "month", "semester" or "year"
    first: date
    end: date
    key: str

    @property
    def utc_bounds(self):
        return day_bounds(self.first, (self.end - self.first).days)

    @property
    def label(self):
        if self.kind == "month":
            return format_date(self.first, "MMMM y")
        if self.kind == "year":
            return _("Tahun pelajaran %(year)s", year=school_year_label(self.first))
        name = _("Semester ganjil") if self.first.month == 7 else _("Semester genap")
        return f"{name} {school_year_label(self.first)}"

    def months(self):
        """The months of the period, in order."""
        months, day = [], self.first
        while day < self.end:
            months.append(month(day))
            day = next_month(day)
        return months


def next_month(day):
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def school_year_label(day):
    start = day.year if day.month >= 7 else day.year - 1
    return f"{start}/{start + 1}"


def month(day):
    first = day.replace(day=1)
    return Period("month", first, next_month(first), f"{first:%Y-%m}")


def semester(day):
    if day.month >= 7:
        return Period("semester", date(day.year, 7, 1), date(day.year + 1, 1, 1),
                      f"{day.year}-ganjil")
    return Period("semester", date(day.year, 1, 1), date(day.year, 7, 1),
                  f"{day.year - 1}-genap")


def school_year(day):
    start = day.year if day.month >= 7 else day.year - 1
    return Period("year", date(start, 7, 1), date(start + 1, 7, 1), str(start))


def current_month():
    return month(local_today())


def current_semester():
    return semester(local_today())


def current_school_year():
    return school_year(local_today())


def parse_month(key):
    match = MONTH_KEY.match(key or "")
    if not match or int(match[1]) not in YEARS or not 1 <= int(match[2]) <= 12:
        return None
    return month(date(int(match[1]), int(match[2]), 1))


def parse_semester(key):
    """'2025-ganjil' is July–December 2025, '2025-genap' January–June 2026."""
    match = SEMESTER_KEY.match(key or "")
    if not match or int(match[1]) not in YEARS:
        return None
    year = int(match[1])
    return semester(date(year, 7, 1) if match[2] == "ganjil" else date(year + 1, 1, 1))


def parse_year(key):
    match = YEAR_KEY.match(key or "")
    if not match or int(match[1]) not in YEARS:
        return None
    return school_year(date(int(match[1]), 7, 1))


def semester_choices(before=3, after=1):
    """The current semester with `before` earlier and `after` later ones, newest first."""
    current = current_semester()
    earlier, later = [], []
    for _step in range(before):
        earlier.append(semester((earlier[-1] if earlier else current).first - timedelta(days=1)))
    for _step in range(after):
        later.append(semester((later[-1] if later else current).end))
    return [*reversed(later), current, *earlier]


def year_choices(before=2):
    """This school year and the `before` earlier ones, newest first."""
    years = [current_school_year()]
    while len(years) <= before:
        years.append(school_year(years[-1].first - timedelta(days=1)))
    return years


def month_choices(count=12):
    """This month and the `count - 1` before it, newest first."""
    months = [month(local_today())]
    while len(months) < count:
        months.append(month(months[-1].first - timedelta(days=1)))
    return months


def including(choices, period):
    """The choices, with `period` added in front when it is of their kind but not among
    them, so that a picker always shows the period on the page."""
    if choices and period.kind == choices[0].kind and period not in choices:
        return [period, *choices]
    return choices
