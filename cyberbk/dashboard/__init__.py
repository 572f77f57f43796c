"""The counselor's dashboard (today's work, semester targets, reports) and data care:
the audit log, retention, a student's data on request, parents' consent, the
new-year and purge commands (backup and restore are the operator's: admin/cli.py)."""

from flask import Blueprint

bp = Blueprint("dashboard", __name__)

from . import datacare_routes  # noqa: E402,F401
from . import routes  # noqa: E402,F401
