"""The problem box (kotak masalah): anonymous reports with a two-way thread opened by a
follow-up code, and the counselors' triage inbox."""

from flask import Blueprint

from .cli import purge_reports_command

# cli_group=None: `flask --app wsgi purge-reports`, not `flask problembox purge-reports`.
bp = Blueprint("problembox", __name__, cli_group=None)
bp.cli.add_command(purge_reports_command)

DEFAULTS = {
    # Per device (ratelimit.py): a phone sending thirty stories in a minute is slowed
    # down, ten classmates on one Wi-Fi each send theirs.
    "PROBLEMBOX_REPORT_LIMIT": "10 per 10 minutes; 30 per hour",
    "PROBLEMBOX_REPLY_LIMIT": "30 per 15 minutes",
    "PROBLEMBOX_WRONG_CODE_LIMIT": "10 per 15 minutes",
    # Wrong follow-up codes from everyone together: guessing with many phones or
    # addresses stays as slow as with one (a code is one of 31^16).
    "PROBLEMBOX_WRONG_CODE_CEILING": "300 per hour",
    # A list of terms replacing the built-in concepts of risk.CONCEPTS.
    "PROBLEMBOX_RISK_TERMS": None,
    "PROBLEMBOX_RETENTION_DAYS": 365,
    # An opened thread closes itself on a shared phone after this long unused.
    "PROBLEMBOX_THREAD_IDLE_MINUTES": 15,
}


@bp.record_once
def setup(state):
    for name, value in DEFAULTS.items():
        state.app.config.setdefault(name, value)


from . import inbox  # noqa: E402,F401
from . import routes  # noqa: E402,F401
