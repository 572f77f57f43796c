"""The problem box (kotak masalah): anonymous reports with a two-way thread opened by a
follow-up code, and the counselors' triage inbox."""

from flask import Blueprint

from . import logging as request_logging
from .cli import purge_reports_command
from .limits import ProblemboxLimits

# cli_group=None: `flask --app wsgi purge-reports`, not `flask problembox purge-reports`.
bp = Blueprint("problembox", __name__, cli_group=None)
bp.cli.add_command(purge_reports_command)

DEFAULTS = {
    # (hits, seconds) per client. Generous: a school's pupils may share one address.
    "PROBLEMBOX_REPORT_LIMIT": (5, 15 * 60),
    "PROBLEMBOX_REPLY_LIMIT": (30, 15 * 60),
    "PROBLEMBOX_WRONG_CODE_LIMIT": (10, 15 * 60),
    # A list of terms replacing the built-in risk.DEFAULT_RISK_TERMS.
    "PROBLEMBOX_RISK_TERMS": None,
    "PROBLEMBOX_RETENTION_DAYS": 365,
    # An opened thread closes itself on a shared phone after this long unused.
    "PROBLEMBOX_THREAD_IDLE_MINUTES": 15,
}


@bp.record_once
def setup(state):
    for name, value in DEFAULTS.items():
        state.app.config.setdefault(name, value)
    state.app.extensions["problembox_limits"] = ProblemboxLimits(state.app.config)
    request_logging.install()


from . import inbox  # noqa: E402,F401
from . import routes  # noqa: E402,F401
