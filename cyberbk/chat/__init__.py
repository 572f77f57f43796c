"""Live counseling: a booking's chat over Socket.IO (that loses nothing), video through
an embedded Jitsi, and the problem box's anonymous thread gone live."""

from flask import Blueprint

bp = Blueprint("chat", __name__)


@bp.record_once
def setup(state):
    from .services.rules import DEFAULTS
    from .writer import MessageWriter

    for name, value in DEFAULTS.items():
        state.app.config.setdefault(name, value)
    state.app.extensions["chat_writer"] = MessageWriter()


from . import events  # noqa: E402,F401
from . import routes  # noqa: E402,F401
# The homes' and the day summary's receivers (signals.home_page, signals.day_summary).
from .services import overview  # noqa: E402,F401
