"""Booking and counseling cases: availability, intake and consent, referrals, parent
requests and session records."""

from flask import Blueprint

# Routes live under /jadwal (students, parents), /bk/jadwal and /bk/kasus (counselors)
# and /wali/rujukan (homeroom teachers), so the blueprint has no single prefix.
bp = Blueprint("booking", __name__)


@bp.record_once
def apply_defaults(state):
    from .services.rules import DEFAULTS

    for name, value in DEFAULTS.items():
        state.app.config.setdefault(name, value)


from . import routes  # noqa: E402,F401
from .services import workload  # noqa: E402,F401
