"""Results of administrations, counted with GROUP BY in the database.

Only submitted responses count. Python only arranges the aggregated rows for the pages.
"""

from dataclasses import dataclass
from dataclasses import field
from functools import cached_property
from operator import add
from operator import itemgetter
from operator import mul

import sqlalchemy as sa
import sqlalchemy.orm as so
from babel.numbers import get_decimal_symbol
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..accounts.models import Role
from ..accounts.models import SchoolClass
from ..accounts.models import StudentProfile
from ..accounts.models import User
from ..common import signals
from ..common.schooltime import utcnow
from ..extensions import db
from .models import Administration
from .models import Answer
from .models import Instrument
from .models import InstrumentItem
from .models import InstrumentSection
from .models import ItemType
from .models import Participation
from .models import Response
from .models import class_condition
from .services import YES
from .services import audience_condition
from .services import open_administrations
from .services import open_for_student


@dataclass(frozen=True)
class Filters:
    class_id: int | None = None
    gender: str | None = None


ALL = Filters()
GENDER_LABELS = {"L": _l("Laki-laki"), "P": _l("Perempuan"), None: _l("Tidak diisi")}
SCORED_TYPES = (ItemType.YES_NO, ItemType.LIKERT4, ItemType.LIKERT5)


def _where(administration, filters):
    conditions = [Response.administration_id == administration.id,
                  Response.submitted_at.is_not(None)]
    if filters.class_id is not None:
        conditions.append(Response.class_id == filters.class_id)
    if filters.gender:
        conditions.append(Response.gender == filters.gender)
    return conditions


def with_items(instrument):
    """The instrument, its sections and their items loaded in three queries rather than one
    per section."""
    return db.session.scalars(
        sa.select(Instrument).where(Instrument.id == instrument.id)
        .options(so.selectinload(Instrument.sections).selectinload(InstrumentSection.items))
    ).one()


#: The column of a (class id, gender, ...) row that holds its group in a breakdown.
GROUP_COLUMNS = {"class": 0, "gender": 1}


def _group_of(by):
    """The group of a (class id, gender, ...) row: None, its class or its gender."""
    return (lambda row: None) if by is None else itemgetter(GROUP_COLUMNS[by])


def respondents(administration, filters=ALL, by=None, counts=None):
    """{group key: number of submitted responses}; the key is None without `by`."""
    counts = counts or tally(administration, filters)
    group, totals = _group_of(by), {}
    for row in counts.respondents:
        key = group(row)
        totals[key] = totals.get(key, 0) + row[2]
    return totals


@dataclass
class Stat:
    """The answers to one scored item (or the scored items of an area) from one group."""

    answers: int = 0
    #: Sum of the chosen option indexes (0-based), for the mean scale point.
    choices: int = 0
    yes: int = 0

    def mean(self):
        """Mean scale point (1..k) of Likert answers, or None without answers."""
        return self.choices / self.answers + 1 if self.answers else None

    def yes_share(self):
        """Percentage of "Ya" among yes/no answers, or None without answers."""
        return 100.0 * self.yes / self.answers if self.answers else None

    def value(self, item_type):
        return self.yes_share() if item_type == ItemType.YES_NO else self.mean()


def _summed(rows):
    """{key: Stat} from (key, answers, sum of options, "Ya" answers) rows, summed per key."""
    sums = {}
    for key, answers, choices, yes in rows:
        total = sums.get(key)
        if total is None:
            sums[key] = [answers, choices, yes]
        else:
            total[0] += answers
            total[1] += choices
            total[2] += yes
    return {key: Stat(*total) for key, total in sums.items()}


#: The columns of the statement that counts the answers off the scales; each of its parts
#: fills some of them.
OTHER_COLUMNS = {"class_id": sa.Integer, "gender": sa.String, "code": sa.String,
                 "item_id": sa.Integer, "choice": sa.Integer, "answers": sa.Integer,
                 "respondents": sa.Integer}


def _part(name, **columns):
    """One SELECT of a UNION ALL over OTHER_COLUMNS: `columns` and typed NULLs elsewhere."""
    return sa.select(sa.literal(name).label("part"), *(
        columns.get(column, sa.cast(sa.null(), kind)).label(column)
        for column, kind in OTHER_COLUMNS.items()))


class Tally:
    """The submitted answers of one administration under one filter, counted by the database
    when a view first asks. Every number on a page is a sum of the rows of two passes:

    - the scored items (Likert, yes/no): answers per option, per class and gender if the
      page has per-class or per-gender tables (`groups`), else per item;
    - the other answers (checklists, single choices, texts, "heaviest" picks; about a
      tenth), read once and counted three ways: per option, respondents per item, and per
      class, gender and area for the checklist areas.

    Each pass sorts all the answers it reads, and that is most of what a results page
    costs: so a page reads the answers in two passes, never once per item, class or
    response, nor once per figure."""

    def __init__(self, administration, filters=ALL, groups=False):
        self.administration = administration
        self.filters = filters
        self.groups = groups
        self.items = {item.id: item for item in with_items(administration.instrument).items}
        self._scales = {}
        self._stats = {}

    def _answers(self, *columns):
        return (sa.select(*columns).select_from(Answer)
                .join(Response, Response.id == Answer.response_id)
                .where(*_where(self.administration, self.filters)))

    def _ids(self, *types):
        return [item_id for item_id, item in self.items.items() if item.type in types]

    @cached_property
    def respondents(self):
        """[(class id, gender, submitted responses)]."""
        return db.session.execute(
            sa.select(Response.class_id, Response.gender, sa.func.count(Response.id))
            .where(*_where(self.administration, self.filters))
            .group_by(Response.class_id, Response.gender)).all()

    def _scored(self, grouped):
        """[(class id, gender, item id, answers, sum of options, "Ya" answers, answers per
        option)] of the scored items; class and gender are None unless `grouped`."""
        if grouped not in self._scales:
            scored = set(self._ids(*SCORED_TYPES))
            width = max((len(self.items[item_id].options) for item_id in scored), default=0)
            keys = [Response.class_id, Response.gender] if grouped else []
            # Every item is counted: filtering the answers by item costs the database more
            # than the few groups of other items that are skipped here.
            rows = db.session.execute(
                self._answers(*keys, Answer.item_id,
                              *(sa.func.count().filter(Answer.choice == option)
                                for option in range(width)))
                .group_by(*keys, Answer.item_id)).all() if scored else []
            self._scales[grouped] = [
                (class_id, gender, item_id, sum(counts), sum(map(mul, counts, range(width))),
                 counts[YES], counts)
                for class_id, gender, item_id, *counts in (
                    row if grouped else (None, None, *row) for row in rows)
                if item_id in scored]
        return self._scales[grouped]

    @cached_property
    def _others(self):
        """The answers off the scales, counted in one statement: {"options": {item id:
        {option: answers}} of single choices and checklists, "answered": {item id:
        respondents} of checklists, texts and "heaviest" picks, "areas": [(class id, gender,
        area code, respondents with a tick, ticks)] of the checklists of the areas}."""
        choices = self._ids(ItemType.SINGLE, ItemType.MULTIPLE)
        others = [item_id for item_id, item in self.items.items() if not item.type.is_choice]
        checklists = [item_id for item_id in self._ids(ItemType.MULTIPLE)
                      if self.items[item_id].section.code]
        read = (self._answers(Response.class_id, Response.gender, Answer.response_id,
                              Answer.item_id, Answer.choice)
                .where(Answer.item_id.in_(sorted(set(choices + others)))).cte("other_answers"))
        answer = read.c
        distinct_respondents = sa.func.count(sa.distinct(answer.response_id))
        per_option = (_part("options", item_id=answer.item_id, choice=answer.choice,
                            answers=sa.func.count())
                      .where(answer.item_id.in_(choices))
                      .group_by(answer.item_id, answer.choice))
        per_item = (_part("answered", item_id=answer.item_id, respondents=distinct_respondents)
                    .where(answer.item_id.in_(others)).group_by(answer.item_id))
        per_area = (_part("areas", class_id=answer.class_id, gender=answer.gender,
                          code=InstrumentSection.code, answers=sa.func.count(),
                          respondents=distinct_respondents)
                    .select_from(read)
                    .join(InstrumentItem, InstrumentItem.id == answer.item_id)
                    .join(InstrumentSection, InstrumentSection.id == InstrumentItem.section_id)
                    .where(answer.item_id.in_(checklists))
                    .group_by(answer.class_id, answer.gender, InstrumentSection.code))
        counted = {"options": {}, "answered": {}, "areas": []}
        for part, class_id, gender, code, item_id, choice, answers, respondents in (
                db.session.execute(sa.union_all(per_option, per_item, per_area))):
            if part == "options":
                counted["options"].setdefault(item_id, {})[choice] = answers
            elif part == "answered":
                counted["answered"][item_id] = respondents
            else:
                counted["areas"].append((class_id, gender, code, respondents, answers))
        return counted

    @cached_property
    def options(self):
        """{item id: {option: answers}} for every choice and checklist item."""
        totals = {}
        for _class_id, _gender, item_id, *_sums, counts in self._scored(self.groups):
            total = totals.get(item_id)
            totals[item_id] = counts if total is None else list(map(add, total, counts))
        options = {item_id: {option: n for option, n in enumerate(total) if n}
                   for item_id, total in totals.items()}
        options.update(self._others["options"])
        return options

    @property
    def answered(self):
        """{item id: respondents} for the checklists, texts and "heaviest" picks."""
        return self._others["answered"]

    @property
    def areas(self):
        """[(class id, gender, area code, respondents with a tick, ticks)]."""
        return self._others["areas"]

    def stats(self, by=None):
        """{(item id, group key): Stat} for the scored items (Likert, yes/no)."""
        if by not in self._stats:
            if by is None:
                # The option counts hold the totals already.
                rows = (((item_id, None), sum(options.values()),
                         sum(c * n for c, n in options.items()), options.get(YES, 0))
                        for item_id, options in self.options.items()
                        if self.items[item_id].type in SCORED_TYPES)
            else:
                group = itemgetter(GROUP_COLUMNS[by])
                rows = (((row[2], group(row)), row[3], row[4], row[5])
                        for row in self._scored(True))
            self._stats[by] = _summed(rows)
        return self._stats[by]


def tally(administration, filters=ALL, groups=False):
    return Tally(administration, filters, groups)


def choice_counts(administration, filters=ALL, counts=None):
    """{item id: {option: number of answers}} for every choice and checklist item."""
    return (counts or tally(administration, filters)).options


def answered_counts(administration, filters=ALL, counts=None):
    """{item id: number of responses that answered it}."""
    counts = counts or tally(administration, filters)
    answered = {item_id: sum(options.values()) for item_id, options in counts.options.items()
                if counts.items[item_id].type.is_choice}
    answered.update(counts.answered)
    return answered


def item_means(administration, filters=ALL, by=None, counts=None):
    """{(item id, group key): mean}: Likert mean score, or percentage of "Ya"."""
    counts = counts or tally(administration, filters)
    return {key: stat.value(counts.items[key[0]].type)
            for key, stat in counts.stats(by).items()}


@dataclass
class AreaRow:
    """One area (a coded section) of one group of respondents."""

    code: str
    title: str
    respondents: int = 0
    #: Checklist: respondents who ticked at least one problem in the area, and all ticks.
    with_any: int = 0
    ticks: int = 0
    #: Checklist options in the area (for the share of all possible ticks).
    options: int = 0
    likert_mean: float | None = None
    likert_max: int | None = None
    yes_share: float | None = None

    @property
    def is_checklist(self):
        return self.options > 0

    @property
    def share(self):
        """Percentage of respondents with at least one tick in the area."""
        return 100.0 * self.with_any / self.respondents if self.respondents else 0.0

    @property
    def average(self):
        """Average number of ticks per respondent."""
        return self.ticks / self.respondents if self.respondents else 0.0

    @property
    def percent(self):
        """Ticks as a percentage of every possible tick (AUM's P%)."""
        possible = self.options * self.respondents
        return 100.0 * self.ticks / possible if possible else 0.0

    @property
    def headline(self):
        """The one number that says how much this area stands out, 0..100."""
        if self.is_checklist:
            return self.share
        if self.likert_mean is not None:
            return 100.0 * self.likert_mean / self.likert_max
        return self.yes_share or 0.0


def area_meta(instrument):
    """{code: AreaRow template} from the instrument: title, checklist options, Likert size."""
    meta = {}
    for section in instrument.sections:
        if not section.code:
            continue
        row = meta.setdefault(section.code, AreaRow(code=section.code, title=section.title))
        for item in section.items:
            if item.type == ItemType.MULTIPLE:
                row.options += len(item.options)
            elif item.type.is_likert:
                row.likert_max = max(row.likert_max or 0, len(item.options))
    return meta


def area_summary(administration, filters=ALL, by=None, counts=None):
    """{(area code, group key): AreaRow} for the coded sections of the instrument."""
    counts = counts or tally(administration, filters)
    meta = area_meta(administration.instrument)
    totals = respondents(administration, filters, by, counts)
    rows = {(code, key): AreaRow(code=code, title=template.title, options=template.options,
                                 likert_max=template.likert_max, respondents=total)
            for key, total in totals.items() for code, template in meta.items()}
    group = _group_of(by)
    for area in counts.areas:
        row = rows[(area[2], group(area))]
        row.with_any += area[3]
        row.ticks += area[4]
    areas = {item_id: (item.section.code, item.type == ItemType.YES_NO)
             for item_id, item in counts.items.items() if item.section.code}
    scored = _summed(((areas[item_id][0], key, areas[item_id][1]),
                      stat.answers, stat.choices, stat.yes)
                     for (item_id, key), stat in counts.stats(by).items() if item_id in areas)
    for (code, key, is_yes_no), stat in scored.items():
        if is_yes_no:
            rows[(code, key)].yes_share = stat.yes_share()
        else:
            rows[(code, key)].likert_mean = stat.mean()
    return rows


def areas_in_order(administration, filters=ALL, counts=None):
    summary = area_summary(administration, filters, counts=counts)
    return [summary[(code, None)] for code in area_meta(administration.instrument)
            if (code, None) in summary]


def top_problems(administration, filters=ALL, limit=10, counts=None):
    """[(item id, option, count)]: the checklist options ticked most often."""
    counts = counts or tally(administration, filters)
    ticked = [(item_id, choice, n) for item_id, options in
              choice_counts(administration, filters, counts).items()
              if counts.items[item_id].type == ItemType.MULTIPLE
              for choice, n in options.items()]
    return sorted(ticked, key=lambda row: (-row[2], row[0], row[1]))[:limit]


def top_heaviest(administration, filters=ALL, limit=10):
    """[(checklist item id, option, count)]: the problems picked as the heaviest."""
    heaviest = [item.id for item in administration.instrument.items
                if item.type == ItemType.HEAVIEST]
    return db.session.execute(
        sa.select(Answer.source_item_id, Answer.choice, sa.func.count(Answer.id).label("n"))
        .join(Response, Response.id == Answer.response_id)
        .where(*_where(administration, filters), Answer.item_id.in_(heaviest))
        .group_by(Answer.source_item_id, Answer.choice)
        .order_by(sa.desc("n"), Answer.source_item_id, Answer.choice).limit(limit)).all()


def text_answers(administration, filters=ALL, limit=200):
    """{item id: [text, ...]}: written answers without names, newest first."""
    written = [item.id for item in administration.instrument.items if item.type.is_text]
    texts = {}
    for item_id, text in db.session.execute(
            sa.select(Answer.item_id, Answer.text)
            .join(Response, Response.id == Answer.response_id)
            .where(*_where(administration, filters), Answer.item_id.in_(written))
            .order_by(Answer.item_id, Response.submitted_at.desc(), Answer.id.desc())):
        bucket = texts.setdefault(item_id, [])
        if len(bucket) < limit:
            bucket.append(text)
    return texts


@dataclass
class ClassCompletion:
    school_class: SchoolClass
    students: int
    answered: int
    #: Submitted responses from this class, also those given without logging in.
    responses: int = 0
    missing: list = field(default_factory=list)

    @property
    def percent(self):
        return 100.0 * self.answered / self.students if self.students else 0.0


def completion(administration, class_ids=None):
    """Per audience class: students, who answered, and the names of those who have not."""
    answered_join = sa.and_(Participation.user_id == User.id,
                            Participation.administration_id == administration.id)
    base = (sa.select().select_from(SchoolClass)
            .join(StudentProfile, StudentProfile.class_id == SchoolClass.id)
            .join(User, sa.and_(User.id == StudentProfile.user_id,
                                User.is_active_account.is_(True)))
            .outerjoin(Participation, answered_join)
            .where(audience_condition(administration)))
    if class_ids is not None:
        base = base.where(SchoolClass.id.in_(class_ids))
    rows = db.session.execute(
        base.add_columns(SchoolClass, sa.func.count(User.id), sa.func.count(Participation.user_id))
        .group_by(SchoolClass.id).order_by(SchoolClass.grade, SchoolClass.name)).all()
    result = {c.id: ClassCompletion(c, students, answered) for c, students, answered in rows}
    for class_id, name in db.session.execute(
            base.add_columns(SchoolClass.id, User.full_name)
            .where(Participation.user_id.is_(None)).order_by(User.full_name)):
        result[class_id].missing.append(name)
    for class_id, count in db.session.execute(
            sa.select(Response.class_id, sa.func.count(Response.id))
            .where(*_where(administration, ALL), Response.class_id.in_(list(result)))
            .group_by(Response.class_id)):
        result[class_id].responses = count
    return list(result.values())


# --- pages -------------------------------------------------------------------

@dataclass
class Bar:
    label: str
    count: int
    #: Bar length, 0..100.
    percent: float
    note: str = ""


def percent(part, whole):
    return 100.0 * part / whole if whole else 0.0


def option_label(items_by_id, item_id, choice):
    item = items_by_id.get(item_id)
    if item is None or choice is None or choice >= len(item.options):
        return "?"
    return item.options[choice]


def _area_code_of(items_by_id, item_id):
    item = items_by_id.get(item_id)
    return item.section.code or "" if item else ""


def build_report(administration, filters=ALL, include_text=True, tallied=None):
    """Everything the results page shows for one administration and one filter."""
    instrument = administration.instrument
    items_by_id = {item.id: item for item in instrument.items}
    tallied = tallied or tally(administration, filters)
    total = respondents(administration, filters, counts=tallied).get(None, 0)
    counts = choice_counts(administration, filters, tallied)
    answered = answered_counts(administration, filters, tallied)
    means = item_means(administration, filters, counts=tallied)
    texts = text_answers(administration, filters) if include_text else {}
    heaviest = [Bar(option_label(items_by_id, item_id, choice), count, percent(count, total),
                    _area_code_of(items_by_id, item_id))
                for item_id, choice, count in top_heaviest(administration, filters)]
    sections = []
    for number, section in enumerate(instrument.sections, 1):
        entries = []
        for item in section.items:
            entry = {"item": item, "answered": answered.get(item.id, 0),
                     "mean": means.get((item.id, None)), "bars": [], "texts": []}
            if item.type == ItemType.MULTIPLE or item.type.is_choice:
                base = total if item.type == ItemType.MULTIPLE else entry["answered"]
                item_counts = counts.get(item.id, {})
                entry["bars"] = [Bar(label, item_counts.get(choice, 0),
                                     percent(item_counts.get(choice, 0), base))
                                 for choice, label in enumerate(item.options)]
            elif item.type == ItemType.HEAVIEST:
                entry["bars"] = heaviest
            else:
                entry["texts"] = texts.get(item.id, [])
            entries.append(entry)
        sections.append({"number": number, "section": section, "items": entries})
    problems = [Bar(option_label(items_by_id, item_id, choice), count, percent(count, total),
                    _area_code_of(items_by_id, item_id))
                for item_id, choice, count in top_problems(administration, filters,
                                                           counts=tallied)]
    return {"respondents": total, "sections": sections, "problems": problems,
            "areas": areas_in_order(administration, filters, tallied), "heaviest": heaviest}


def group_labels(by, keys):
    if by == "gender":
        return {key: str(GENDER_LABELS.get(key, key)) for key in keys}
    names = dict(db.session.execute(sa.select(SchoolClass.id, SchoolClass.name)
                                    .where(SchoolClass.id.in_([k for k in keys if k]))).all())
    return {key: names.get(key, str(_l("Tanpa kelas"))) for key in keys}


def cell_text(value, likert, point):
    """A per-group item cell as the tables show it: a Likert mean with one decimal (with the
    reader's decimal `point`), or the percentage of "Ya"."""
    if value is None:
        return "–"
    return f"{value:.1f}".replace(".", point) if likert else f"{value:.0f}%"


def breakdown(administration, by, filters=ALL, tallied=None):
    """Areas and scored items per class or per gender: one column per group. The item cells
    come as text as well: the per-class table has one per item and class, too many for a
    filter each."""
    tallied = tallied or tally(administration, filters)
    counts = respondents(administration, filters, by, tallied)
    labels = group_labels(by, counts)
    groups = sorted(counts, key=lambda key: (key is None, labels[key]))
    summary = area_summary(administration, filters, by, tallied)
    means = item_means(administration, filters, by, tallied)
    areas = [(meta, [summary.get((code, key)) for key in groups])
             for code, meta in area_meta(administration.instrument).items()]
    point = get_decimal_symbol(get_locale())
    items = []
    for item in administration.instrument.items:
        if item.type in SCORED_TYPES:
            values = [means.get((item.id, key)) for key in groups]
            likert = item.type.is_likert
            items.append((item, values, [cell_text(value, likert, point) for value in values]))
    return {"groups": [(key, labels[key], counts[key]) for key in groups], "areas": areas,
            "items": items}


# --- pre/post ------------------------------------------------------------------

@dataclass
class Change:
    label: str
    before: float | None
    after: float | None
    #: "mean" (1..scale), "percent" (0..100) or "count" (average ticks).
    kind: str = "percent"
    scale: float = 100.0
    group: str = ""

    @property
    def delta(self):
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    def width(self, value):
        return 0.0 if value is None else max(0.0, min(100.0, 100.0 * value / self.scale))


def comparable(first, second):
    return first.instrument_id == second.instrument_id and first.id != second.id


def latest_pair(administrations):
    """(earlier, later): the two latest administrations of the same instrument, or None.
    `administrations` is ordered newest first."""
    seen = {}
    for administration in administrations:
        if administration.instrument_id in seen:
            return administration, seen[administration.instrument_id]
        seen[administration.instrument_id] = administration
    return None


def compare(before, after, filters=ALL):
    """Per item and per area changes from one administration of an instrument to another."""
    instrument = before.instrument
    pair = (before, after)
    tallies = [tally(a, filters) for a in pair]
    totals = [respondents(a, filters, counts=t).get(None, 0)
              for a, t in zip(pair, tallies, strict=True)]
    counts = [choice_counts(a, filters, t) for a, t in zip(pair, tallies, strict=True)]
    means = [item_means(a, filters, counts=t) for a, t in zip(pair, tallies, strict=True)]
    items = []
    for item in instrument.items:
        if item.type.is_likert or item.type == ItemType.YES_NO:
            label = item.text if item.type.is_likert else _("%(text)s (persentase Ya)",
                                                              text=item.text)
            items.append(Change(label, means[0].get((item.id, None)),
                                means[1].get((item.id, None)),
                                "mean" if item.type.is_likert else "percent",
                                len(item.options) if item.type.is_likert else 100.0))
        elif item.type in (ItemType.SINGLE, ItemType.MULTIPLE):
            for choice, option in enumerate(item.options):
                values = []
                for n in (0, 1):
                    options = counts[n].get(item.id, {})
                    base = totals[n] if item.type == ItemType.MULTIPLE else sum(options.values())
                    values.append(percent(options.get(choice, 0), base) if base else None)
                items.append(Change(option, values[0], values[1], group=item.text))
    areas = []
    summaries = [area_summary(a, filters, counts=t) for a, t in zip(pair, tallies, strict=True)]
    for code, meta in area_meta(instrument).items():
        first, second = (s.get((code, None)) for s in summaries)
        title = f"{code} · {meta.title}"
        if meta.is_checklist:
            areas.append(Change(title, _v(first, "share"), _v(second, "share"), group="share"))
            areas.append(Change(title, _v(first, "average"), _v(second, "average"), "count",
                                max(meta.options, 1), group="average"))
        if meta.likert_max:
            areas.append(Change(title, _v(first, "likert_mean"), _v(second, "likert_mean"),
                                "mean", meta.likert_max, group="mean"))
    return {"respondents": totals, "items": items, "areas": areas}


def _v(row, name):
    return getattr(row, name) if row is not None and row.respondents else None


# --- class profile ---------------------------------------------------------------

@signals.class_needs.connect
def class_profile(school_class):
    """For a class: the latest administration of each instrument it answered, with the
    areas ranked by how much they stand out and the class's top problems or needs."""
    rows = db.session.execute(
        sa.select(Administration, sa.func.count(Response.id))
        .join(Response, sa.and_(Response.administration_id == Administration.id,
                                Response.class_id == school_class.id,
                                Response.submitted_at.is_not(None)))
        .group_by(Administration.id)
        .order_by(Administration.closes_at.desc(), Administration.id.desc())).all()
    seen, profiles = set(), []
    for administration, answered in rows:
        if administration.instrument_id in seen:
            continue
        seen.add(administration.instrument_id)
        mine = Filters(class_id=school_class.id)
        tallied = tally(administration, mine)
        class_areas = areas_in_order(administration, mine, tallied)
        school_areas = {row.code: row for row in areas_in_order(administration)}
        ranked = sorted(class_areas, key=lambda row: row.headline,
                        reverse=any(row.is_checklist for row in class_areas))
        items_by_id = {item.id: item for item in administration.instrument.items}
        profiles.append({
            "administration": administration,
            "respondents": answered,
            "completion": next(iter(completion(administration, [school_class.id])), None),
            "areas": [(row, school_areas.get(row.code)) for row in ranked],
            "standout": [row.code for row in ranked[:3]],
            "problems": [Bar(option_label(items_by_id, item_id, choice), count,
                             percent(count, answered), _area_code_of(items_by_id, item_id))
                         for item_id, choice, count in top_problems(administration, mine, 5,
                                                                    tallied)],
        })
    return profiles


# --- overviews ----------------------------------------------------------------------

def administrations_with_counts():
    """[(administration, submitted responses)], newest first."""
    return db.session.execute(
        sa.select(Administration, sa.func.count(Response.id))
        .outerjoin(Response, sa.and_(Response.administration_id == Administration.id,
                                     Response.submitted_at.is_not(None)))
        .group_by(Administration.id)
        .order_by(Administration.opens_at.desc(), Administration.id.desc())).all()


@signals.home_page.connect
def home_part(user):
    """Questionnaires to answer, to follow for one's classes, or to watch fill up."""
    if user.role == Role.STUDENT:
        return {"questionnaires": open_for_student(user)}
    if user.role == Role.HOMEROOM:
        return {"questionnaires": homeroom_overview(user, open_only=True)}
    if user.role == Role.COUNSELOR:
        return {"questionnaires": open_with_completion()}
    return {}


@signals.day_summary.connect
def day_part(_counselor):
    return {"questionnaires": [(administration, answered, students, percent(answered, students))
                               for administration, answered, students in open_with_completion()]}


def open_with_completion():
    """[(administration, answered, students)] for the administrations open now."""
    overview = []
    for administration in open_administrations():
        rows = completion(administration)
        overview.append((administration, sum(r.answered for r in rows),
                         sum(r.students for r in rows)))
    return overview


def homeroom_overview(teacher, open_only=False):
    """[(class, [(administration, ClassCompletion)])] for the teacher's own classes."""
    classes = db.session.scalars(sa.select(SchoolClass)
                                 .where(SchoolClass.homeroom_teacher_id == teacher.id)
                                 .order_by(SchoolClass.grade, SchoolClass.name)).all()
    overview = []
    for school_class in classes:
        statement = sa.select(Administration).where(class_condition(school_class))
        if open_only:
            now = utcnow()
            statement = statement.where(Administration.opens_at <= now,
                                        Administration.closes_at > now)
        entries = []
        for administration in db.session.scalars(
                statement.order_by(Administration.opens_at.desc())):
            row = next(iter(completion(administration, [school_class.id])), None)
            entries.append((administration, row or ClassCompletion(school_class, 0, 0)))
        overview.append((school_class, entries))
    return overview
