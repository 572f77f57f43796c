"""Results of administrations, counted with GROUP BY in the database.

Only submitted responses count. Python only arranges the aggregated rows for the pages.
"""

from dataclasses import dataclass
from dataclasses import field
from functools import cached_property

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..accounts.models import SchoolClass
from ..accounts.models import StudentProfile
from ..accounts.models import User
from ..accounts.models import utcnow
from ..extensions import db
from .models import Administration
from .models import Answer
from .models import InstrumentItem
from .models import InstrumentSection
from .models import ItemType
from .models import Participation
from .models import Response
from .services import YES
from .services import audience_condition
from .services import class_condition
from .services import open_administrations


@dataclass(frozen=True)
class Filters:
    class_id: int | None = None
    gender: str | None = None


ALL = Filters()
GENDER_LABELS = {"L": _l("Laki-laki"), "P": _l("Perempuan"), None: _l("Tidak diisi")}
SCORED_TYPES = (ItemType.YES_NO, ItemType.LIKERT4, ItemType.LIKERT5)
LIKERT_TYPES = (ItemType.LIKERT4, ItemType.LIKERT5)


def _where(administration, filters):
    conditions = [Response.administration_id == administration.id,
                  Response.submitted_at.is_not(None)]
    if filters.class_id is not None:
        conditions.append(Response.class_id == filters.class_id)
    if filters.gender:
        conditions.append(Response.gender == filters.gender)
    return conditions


def _key(class_id, gender, by):
    """The group a (class, gender) subtotal belongs to: None, the class or the gender."""
    return {None: None, "class": class_id, "gender": gender}[by]


def respondents(administration, filters=ALL, by=None, counts=None):
    """{group key: number of submitted responses}; the key is None without `by`."""
    counts = counts or tally(administration, filters)
    totals = {}
    for class_id, gender, count in counts.respondents:
        key = _key(class_id, gender, by)
        totals[key] = totals.get(key, 0) + count
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


class Tally:
    """The submitted answers of one administration under one filter, counted by the database
    when a view first asks, each at the grain that view shows: per item and option for the
    bars, per class, gender and item for the per-class and per-gender tables, per class,
    gender and area for the checklist areas. Every total is a sum of these rows: a page
    reads the answers once per grain, never once per item, class or response."""

    def __init__(self, administration, filters=ALL):
        self.administration = administration
        self.filters = filters
        self.items = {item.id: item for item in administration.instrument.items}
        self._stats = {}

    def _answers(self, *columns):
        # Every item of the instrument is counted: filtering the answers by item costs the
        # database more than the few groups of written answers that the callers skip.
        return (sa.select(*columns).select_from(Answer)
                .join(Response, Response.id == Answer.response_id)
                .where(*_where(self.administration, self.filters)))

    @cached_property
    def respondents(self):
        """[(class id, gender, submitted responses)]."""
        return db.session.execute(
            sa.select(Response.class_id, Response.gender, sa.func.count(Response.id))
            .where(*_where(self.administration, self.filters))
            .group_by(Response.class_id, Response.gender)).all()

    @cached_property
    def options(self):
        """{item id: {option: answers}} for every choice and checklist item."""
        counted = {i for i, item in self.items.items()
                   if item.type.is_choice or item.type == ItemType.MULTIPLE}
        options = {}
        for item_id, choice, count in db.session.execute(
                self._answers(Answer.item_id, Answer.choice, sa.func.count())
                .group_by(Answer.item_id, Answer.choice)):
            if item_id in counted:
                options.setdefault(item_id, {})[choice] = count
        return options

    @cached_property
    def _scored(self):
        """[(class id, gender, item id, answers, sum of options, "Ya" answers)]."""
        scored = {i for i, item in self.items.items() if item.type in SCORED_TYPES}
        rows = db.session.execute(
            self._answers(Response.class_id, Response.gender, Answer.item_id, sa.func.count(),
                          sa.func.sum(Answer.choice),
                          sa.func.sum(sa.case((Answer.choice == YES, 1), else_=0)))
            .group_by(Response.class_id, Response.gender, Answer.item_id)).all()
        return [row for row in rows if row[2] in scored]

    def stats(self, by=None):
        """{(item id, group key): Stat} for the scored items (Likert, yes/no)."""
        if by not in self._stats:
            if by is None:
                # The option counts hold the totals already; no second pass over the answers.
                rows = (((item_id, None), sum(options.values()),
                         sum(c * n for c, n in options.items()), options.get(YES, 0))
                        for item_id, options in self.options.items()
                        if self.items[item_id].type in SCORED_TYPES)
            else:
                rows = (((item_id, _key(class_id, gender, by)), answers, choices, yes)
                        for class_id, gender, item_id, answers, choices, yes in self._scored)
            self._stats[by] = _summed(rows)
        return self._stats[by]

    @cached_property
    def areas(self):
        """[(class id, gender, area code, respondents with a tick, ticks)]."""
        checklists = [i for i, item in self.items.items()
                      if item.type == ItemType.MULTIPLE and item.section.code]
        return db.session.execute(
            self._answers(Response.class_id, Response.gender, InstrumentSection.code,
                          sa.func.count(sa.distinct(Answer.response_id)), sa.func.count())
            .join(InstrumentItem, InstrumentItem.id == Answer.item_id)
            .join(InstrumentSection, InstrumentSection.id == InstrumentItem.section_id)
            .where(Answer.item_id.in_(checklists))
            .group_by(Response.class_id, Response.gender, InstrumentSection.code)).all()


def tally(administration, filters=ALL):
    return Tally(administration, filters)


def choice_counts(administration, filters=ALL, counts=None):
    """{item id: {option: number of answers}} for every choice and checklist item."""
    return (counts or tally(administration, filters)).options


def answered_counts(administration, filters=ALL, counts=None):
    """{item id: number of responses that answered it}."""
    counts = counts or tally(administration, filters)
    answered = {item_id: sum(options.values()) for item_id, options in counts.options.items()
                if counts.items[item_id].type.is_choice}
    others = [i for i, item in counts.items.items() if not item.type.is_choice]
    answered.update(db.session.execute(
        sa.select(Answer.item_id, sa.func.count(sa.distinct(Answer.response_id)))
        .join(Response, Response.id == Answer.response_id)
        .where(*_where(administration, filters), Answer.item_id.in_(others))
        .group_by(Answer.item_id)).all())
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
    for class_id, gender, code, with_any, ticks in counts.areas:
        row = rows[(code, _key(class_id, gender, by))]
        row.with_any += with_any
        row.ticks += ticks
    codes = {item_id: item.section.code for item_id, item in counts.items.items()}
    scored = _summed(((codes[item_id], key, counts.items[item_id].type == ItemType.YES_NO),
                      stat.answers, stat.choices, stat.yes)
                     for (item_id, key), stat in counts.stats(by).items() if codes[item_id])
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


def breakdown(administration, by, filters=ALL, tallied=None):
    """Areas and scored items per class or per gender: one column per group."""
    tallied = tallied or tally(administration, filters)
    counts = respondents(administration, filters, by, tallied)
    labels = group_labels(by, counts)
    groups = sorted(counts, key=lambda key: (key is None, labels[key]))
    summary = area_summary(administration, filters, by, tallied)
    means = item_means(administration, filters, by, tallied)
    areas = [(meta, [summary.get((code, key)) for key in groups])
             for code, meta in area_meta(administration.instrument).items()]
    scored = [item for item in administration.instrument.items if item.type in SCORED_TYPES]
    return {"groups": [(key, labels[key], counts[key]) for key in groups], "areas": areas,
            "items": [(item, [means.get((item.id, key)) for key in groups]) for item in scored]}


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
