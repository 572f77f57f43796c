"""Areas (bidang): an instrument's sections with a code, summed and ranked."""

from dataclasses import dataclass

import sqlalchemy as sa

from ...extensions import db
from ..models import Answer
from ..models import ItemType
from ..models import Response
from .counts import ALL
from .counts import _group_of
from .counts import _summed
from .counts import _where
from .counts import choice_counts
from .counts import respondents
from .counts import tally


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
    #: Ticked by a few (fewer than a small group): shown as "fewer than" only.
    hidden: bool = False

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
