"""Hours between two timestamps as SQL, for SQLite and PostgreSQL alike."""

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement


class hours_between(FunctionElement):  # noqa: N801 (used like a SQL function)
    """hours_between(later, earlier): (later - earlier) in hours, as a float."""

    type = sa.Float()
    inherit_cache = True
    name = "hours_between"


@compiles(hours_between, "sqlite")
def _sqlite(element, compiler, **kw):
    later, earlier = list(element.clauses)
    return (f"((julianday({compiler.process(later, **kw)}) - "
            f"julianday({compiler.process(earlier, **kw)})) * 24.0)")


@compiles(hours_between)
def _default(element, compiler, **kw):
    later, earlier = list(element.clauses)
    return (f"(EXTRACT(EPOCH FROM ({compiler.process(later, **kw)} - "
            f"{compiler.process(earlier, **kw)})) / 3600.0)")
