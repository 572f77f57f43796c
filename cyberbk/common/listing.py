"""Staff lists that grow (accounts, the problem box, cases, ...): fifty rows a page, in the
order of the column the reader picked, narrowed by a search.

Page, order and search ride in the query string (`page`, `sort`, `q`), so a plain GET, a
bookmark, the back button and the URL HTMX pushes all show the same list. The list's
page template renders it through templates/_listing.html.
"""

from math import ceil
from typing import NamedTuple

import sqlalchemy as sa
from flask import request
from flask import url_for

from ..extensions import db
from . import numbers

PER_PAGE = 50
#: Long enough for a full name; a longer search is a paste gone wrong.
SEARCH_MAX = 64
OWN_ARGS = ("page", "sort", "q")


class Wanted(NamedTuple):
    """What the query string asks of a list."""

    page: int
    sort: str
    descending: bool
    search: str
    #: The list's other arguments (its filters), kept by every link of the list.
    filters: dict


def wanted(sorts, default, args=None):
    """Read page, order and search from `args` (the request's). `sorts`: the keys the list
    may be sorted by; `default`: "key", or "-key" for descending. An unknown key or a page
    past the range falls back to the default rather than failing: it is a link gone stale."""
    args = request.args if args is None else args
    page = min(max(args.get("page", 1, type=numbers.database_int), 1), numbers.LAST_PAGE)
    sort = args.get("sort") or default
    if sort.removeprefix("-") not in sorts:
        sort = default
    search = " ".join((args.get("q") or "").split())[:SEARCH_MAX]
    filters = {key: value for key, value in args.items() if key not in OWN_ARGS and value}
    return Wanted(page, sort.removeprefix("-"), sort.startswith("-"), search, filters)


def matching(search, *columns):
    """Rows in which every word of `search` is part of one of `columns`, in any case."""
    return sa.and_(*(
        sa.or_(*(sa.func.lower(column).contains(word.lower(), autoescape=True)
                 for column in columns))
        for word in search.split()))


def paginate(statement, sorts, want, per_page=PER_PAGE):
    """One page of `statement` in the wanted order, as a Listing. `sorts`: key → the
    columns to order by, the last of them unique, so that a row never shows on two pages."""
    total = db.session.scalar(sa.select(sa.func.count()).select_from(
        statement.order_by(None).subquery()))
    order = [column.desc() if want.descending else column.asc() for column in sorts[want.sort]]
    rows = db.session.execute(statement.order_by(None).order_by(*order)
                              .limit(per_page).offset((want.page - 1) * per_page)).all()
    return Listing(rows, total, per_page, want)


class Listing:
    """A page of rows, and the links that turn the page, change the order or clear the search."""

    def __init__(self, rows, total, per_page, want):
        self.rows = rows
        self.total = total
        self.want = want
        self.page = want.page
        self.pages = max(ceil(total / per_page), 1)

    @property
    def search(self):
        return self.want.search

    def url(self, **changes):
        """This list's address with `changes` (None drops an argument)."""
        args = {**self.want.filters, "q": self.want.search or None,
                "sort": ("-" if self.want.descending else "") + self.want.sort,
                "page": self.page, **changes}
        return url_for(request.endpoint, **(request.view_args or {}),
                       **{key: value for key, value in args.items() if value is not None})

    def page_url(self, page):
        return self.url(page=page)

    def sort_url(self, key):
        """The order by `key`; by the same key again, the other way round. From page 1."""
        descending = key == self.want.sort and not self.want.descending
        return self.url(sort=("-" if descending else "") + key, page=None)

    def aria_sort(self, key):
        if key != self.want.sort:
            return None
        return "descending" if self.want.descending else "ascending"
