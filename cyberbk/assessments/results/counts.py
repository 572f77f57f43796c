"""Counting the submitted responses: per item, option and group, and per class.

Only submitted responses count, counted with GROUP BY in the database.
"""

from dataclasses import dataclass
from dataclasses import field
from functools import cached_property
from operator import add
from operator import itemgetter
from operator import mul

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from ...accounts.models import SchoolClass
from ...accounts.models import StudentProfile
from ...accounts.models import User
from ...extensions import db
from ..models import Answer
from ..models import Instrument
from ..models import InstrumentItem
from ..models import InstrumentSection
from ..models import ItemType
from ..models import Participation
from ..models import Response
from ..services import YES
from ..services import audience_condition


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
    # Who has not answered an anonymous questionnaire is never listed, to anyone: beside
    # the class's few answers, the names of the rest say who the answers are from.
    for class_id, name in () if administration.anonymous else db.session.execute(
            base.add_columns(SchoolClass.id, User.full_name)
            .where(Participation.user_id.is_(None)).order_by(User.full_name)):
        result[class_id].missing.append(name)
    for class_id, count in db.session.execute(
            sa.select(Response.class_id, sa.func.count(Response.id))
            .where(*_where(administration, ALL), Response.class_id.in_(list(result)))
            .group_by(Response.class_id)):
        result[class_id].responses = count
    return list(result.values())
