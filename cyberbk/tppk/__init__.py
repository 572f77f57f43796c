"""The TPPK lane (Permendikbudristek 46/2023): violence reports routed by counselors or
sent by students, handled by the school's TPPK apart from the counseling thread."""

from flask import Blueprint

bp = Blueprint("tppk", __name__)

DEFAULTS = {
    # Per device, as the problem box's stories (ratelimit.py).
    "TPPK_REPORT_LIMIT": "10 per 10 minutes; 30 per hour",
}


@bp.record_once
def setup(state):
    for name, value in DEFAULTS.items():
        state.app.config.setdefault(name, value)


from . import routes  # noqa: E402,F401
from . import services  # noqa: E402,F401
