"""What the result pages show: bars per option, breakdowns by class or gender, and a
class's profile."""

from dataclasses import dataclass

import sqlalchemy as sa
from babel.numbers import get_decimal_symbol
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from ...accounts.models import SchoolClass
from ...common import signals
from ...extensions import db
from ..models import Administration
from ..models import ItemType
from ..models import Response
from .areas import area_meta
from .areas import area_summary
from .areas import areas_in_order
from .areas import text_answers
from .areas import top_heaviest
from .areas import top_problems
from .counts import ALL
from .counts import Filters
from .counts import GENDER_LABELS
from .counts import SCORED_TYPES
from .counts import answered_counts
from .counts import choice_counts
from .counts import completion
from .counts import item_means
from .counts import respondents
from .counts import tally
from .smallgroups import split_shown


@dataclass
class Bar:
    label: str
    #: None when held back: fewer answers than a small group (smallgroups.masked_bars).
    count: int | None
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


def results_page(administration, filters=ALL):
    """What the counselor's results page shows under `filters`: the report, and the tables
    per class and per gender where no filter fixes those. Of an anonymous questionnaire,
    only groups of the minimum (smallgroups.split_shown): a part held back is None and
    named in "held_back"."""
    filtered = (filters.class_id is not None, bool(filters.gender))
    per_class = not filtered[0] and split_shown(administration, True, filtered[1])
    per_gender = not filtered[1] and split_shown(administration, filtered[0], True)
    page = {"report": None, "by_class": None, "by_gender": None, "held_back": {
        "class": not (filtered[0] or per_class), "gender": not (filtered[1] or per_gender)}}
    if not split_shown(administration, *filtered):
        page["held_back"] = {"report": True}
        return page
    tallied = tally(administration, filters, groups=per_class or per_gender)
    page["report"] = build_report(administration, filters, tallied=tallied)
    if per_class:
        page["by_class"] = breakdown(administration, "class", filters, tallied)
    if per_gender:
        page["by_gender"] = breakdown(administration, "gender", filters, tallied)
    return page


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


@signals.class_needs.connect
def class_profile(school_class):
    """For a class: the latest administration of each instrument it answered, with the
    areas ranked by how much they stand out, the class's top problems or needs and every
    ticked option ("needs", as Bars with the area code as their note)."""
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
        if not split_shown(administration, by_class=True):
            continue
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
            # Every ticked option, not only the top five: the programme's draft weighs
            # each need against its threshold.
            "needs": [Bar(option_label(items_by_id, item_id, choice), count,
                          percent(count, answered), _area_code_of(items_by_id, item_id))
                      for item_id, choice, count in top_problems(administration, mine, None,
                                                                 tallied)],
        })
    return profiles
