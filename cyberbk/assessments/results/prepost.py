"""Pre/post: comparing two administrations of the same instrument."""

from dataclasses import dataclass

from flask_babel import gettext as _

from ..models import ItemType
from .areas import area_meta
from .areas import area_summary
from .counts import ALL
from .counts import choice_counts
from .counts import item_means
from .counts import respondents
from .counts import tally
from .reports import percent
from .smallgroups import split_shown


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
    """Per item and per area changes from one administration of an instrument to another;
    None when an anonymous one has too few respondents in the group (smallgroups)."""
    instrument = before.instrument
    pair = (before, after)
    split = (filters.class_id is not None, bool(filters.gender))
    if not all(split_shown(administration, *split) for administration in pair):
        return None
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
