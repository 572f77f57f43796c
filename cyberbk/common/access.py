"""Opening one confidential record on a page. Which person may open it is decided by the
one function of its kind, kept with its models (docs/architecture.md, "Who may open
what"); this only asks it, the same way everywhere."""

from flask import abort

from ..extensions import db


def get_or_404(model, record_id, may_open):
    """The row of `model` with `record_id` when `may_open(row)` says the signed-in person
    may open it; 404 otherwise, so that someone refused learns not even that it exists."""
    row = db.session.get(model, record_id)
    if row is None or not may_open(row):
        abort(404)
    return row
