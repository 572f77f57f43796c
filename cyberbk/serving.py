"""What a server process does once, when it starts serving (deploy/gunicorn.conf.py)."""

import logging
import socket

from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from .common import signals

log = logging.getLogger("cyberbk")


def server_name(addresses):
    """The same name at every start of one server: this machine and where it listens
    (several processes on one machine each listen on a port of their own, README)."""
    return " ".join([socket.gethostname(), *sorted(addresses)])[:255]


def identity(app):
    """This process's server name; outside gunicorn (tests, `python wsgi.py`) the machine's."""
    return app.config.get("SERVER_IDENTITY") or socket.gethostname()


def started(app, addresses):
    """`app` serves now at `addresses`: features clear what a previous run of this same
    server left (signals.serving_started). The bench's bare references are no CyberBK app."""
    if not isinstance(app, Flask) or "sqlalchemy" not in app.extensions:
        return
    app.config["SERVER_IDENTITY"] = server_name(addresses)
    with app.app_context():
        try:
            signals.serving_started.send(app, server=identity(app))
        except SQLAlchemyError as error:
            # Leftovers are clutter, not harm: a database down at this moment must not keep
            # the server from starting.
            log.warning("start-up clean-up skipped, the database refused: %s", error)
