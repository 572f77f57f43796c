"""Small groups: what a reader other than the counselor may see of a group of respondents.

A homeroom teacher knows every student of the class, so a figure from one or two of them
is their answer. Anything shown outside the counseling room (the homeroom teacher's page
and its print) comes from groups of at least MIN_GROUP_SIZE respondents, and every cell of
a breakdown too. An anonymous questionnaire has no respondent's own counselor either: the
counselor's pages and exports of it show a class or a gender only as such groups. The sizes are counted
with GROUP BY ... HAVING in the database; no response is fetched to decide.
"""

from dataclasses import replace

import sqlalchemy as sa
from flask import current_app

from ...extensions import db
from ..models import Response
from .counts import ALL
from .counts import _where


def min_group():
    return current_app.config["MIN_GROUP_SIZE"]


def respondents_if_enough(administration, filters):
    """The number of submitted responses under `filters`, or None when fewer than the
    minimum (the count never leaves the database then)."""
    return db.session.scalar(
        sa.select(sa.func.count(Response.id))
        .where(*_where(administration, filters))
        .having(sa.func.count(Response.id) >= min_group()))


def every_cell_large_enough(administration, filters, by):
    """True when each group of the breakdown `by` ("gender", "class" or "class_gender")
    under `filters`
    has the minimum. All or none: with one cell held back, it would be the total less
    the cells shown."""
    columns = {"gender": (Response.gender,), "class": (Response.class_id,),
               "class_gender": (Response.class_id, Response.gender)}[by]
    small = (sa.select(*columns).where(*_where(administration, filters)).group_by(*columns)
             .having(sa.func.count(Response.id) < min_group()))
    return not db.session.scalar(sa.select(sa.exists(small)))


def split_shown(administration, by_class=False, by_gender=False):
    """Whether the counselor may see an anonymous questionnaire's results split by class,
    gender or both (a filter or a table): only when all its respondents, and every group
    of the split, have the minimum. All or none: beside the whole, one group held back is
    the whole less the groups shown, and a filter is a group of the split. The results of
    a named questionnaire are the counselor's in full."""
    if not administration.anonymous:
        return True
    if respondents_if_enough(administration, ALL) is None:
        return False
    by = {(True, True): "class_gender", (True, False): "class",
          (False, True): "gender"}.get((by_class, by_gender))
    return by is None or every_cell_large_enough(administration, ALL, by)


def masked_bars(bars):
    """Bars of a few answers (1 to minimum - 1) lose their count and length: "fewer than
    the minimum" is all a reader learns. None answered (0) stays, it names nobody."""
    limit = min_group()
    return [replace(bar, count=None, percent=0.0) if 0 < bar.count < limit else bar
            for bar in bars]


def mask_report(report):
    """The report of a large-enough group, with its small cells held back: bars of a few
    answers, items answered by fewer than the minimum, areas ticked by a few."""
    limit = min_group()
    for part in report["sections"]:
        for entry in part["items"]:
            if entry["answered"] < limit:
                entry.update(mean=None, bars=[], hidden=True)
            else:
                entry["bars"] = masked_bars(entry["bars"])
                # The mean of a few answers beside the rest gives the held-back ones back
                # (five answers, mean 3,4: four "4" and one "1").
                if any(bar.count is None for bar in entry["bars"]):
                    entry["mean"] = None
    report["problems"] = masked_bars(report["problems"])
    report["heaviest"] = masked_bars(report["heaviest"])
    for area in report["areas"]:
        area.hidden = 0 < area.with_any < limit
    report["masked_below"] = limit
    return report


def mask_breakdown(breakdown, masked_report):
    """A breakdown of large-enough groups without the items whose mean the report holds
    back: a group's mean would give the few answers back as well."""
    held_back = {entry["item"].id for part in masked_report["sections"]
                 for entry in part["items"] if entry["mean"] is None}
    breakdown["items"] = [row for row in breakdown["items"] if row[0].id not in held_back]
    return breakdown
