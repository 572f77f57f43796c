"""The queue's worker: a background task in each serving process (gunicorn's gevent worker).

It sleeps until an alert is committed in this process (services wakes it) or for
ALERT_POLL_SECONDS, so an alert queued by another process, a retry or an escalation
that falls due is at most that late. Tests and the CLI run delivery.run_once instead.
"""

import logging
import threading

from ..extensions import socketio

log = logging.getLogger("cyberbk.alerts")
#: Under gevent, threading is patched: the event wakes a greenlet, not a thread.
_wakeup = threading.Event()
_started = []


def wake():
    _wakeup.set()


def start(app):
    """Start the worker once per process."""
    if not _started:
        _started.append(socketio.start_background_task(run, app))


def run(app):
    from .delivery import run_once

    while True:
        _wakeup.clear()
        with app.app_context():
            try:
                run_once()
            except Exception:  # noqa: BLE001  (the next round tries again; nothing is lost)
                log.exception("alerts: a round of the worker failed")
        _wakeup.wait(app.config["ALERT_POLL_SECONDS"])

