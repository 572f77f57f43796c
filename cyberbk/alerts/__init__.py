"""Alerts for counselors: Web Push and email when something waits, never to a student.

Features say what waits (common.signals.counselor_alert); this feature queues it in the
same transaction (services), and a worker in each serving process sends it (delivery,
worker). Counselors choose their channels on /bk/notifikasi.
"""

from flask import Blueprint

from ..common.scheduling import gevent_active
from ..extensions import mail

bp = Blueprint("alerts", __name__, cli_group="alerts")

DEFAULTS = {
    # The worker of each serving process (gevent only: tests and the CLI run a round
    # themselves, `flask alerts deliver`).
    "ALERTS_WORKER": True,
    # An alert another process queued, a retry or an escalation is at most this late.
    "ALERT_POLL_SECONDS": 15,
    # A counselor's default for new stories and replies told together.
    "ALERT_DIGEST_MINUTES": 60,
    # A student's chat message unread this long: the counselor is not in the room.
    "ALERT_CHAT_UNREAD_MINUTES": 2,
    # One chat alerts its counselor at most this often.
    "ALERT_CHAT_REPEAT_MINUTES": 60,
    # Tries before an alert is given up (waits of 1, 2, 4 … 60 minutes: about 8 hours).
    "ALERT_MAX_ATTEMPTS": 12,
    # Seconds a mail server or a push service may take to answer.
    "ALERT_SEND_TIMEOUT": 10,
    "MAIL_TIMEOUT": 10,
    # An urgent story nobody opened this long is told to every counselor again and to
    # the school's escalation contact.
    "URGENT_ESCALATION_MINUTES": 30,
    # Where links in alerts point (the school's public address); None: as last reached.
    "PUBLIC_URL": None,
    "MAIL_DEFAULT_SENDER": "CyberBK <cyberbk@localhost>",
}


@bp.record_once
def setup(state):
    app = state.app
    for name, value in DEFAULTS.items():
        app.config.setdefault(name, value)
    mail.init_app(app)
    if app.config["ALERTS_WORKER"] and gevent_active():
        from . import worker

        worker.start(app)


from . import cli  # noqa: E402,F401
from . import routes  # noqa: E402,F401
