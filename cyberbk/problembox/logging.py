"""Request logs that cannot link a problem-box request to the person who sent it.

An access-log line "203.0.113.7 ... POST /kotak ... Android 10" at 14:23:05 next
to a report would undo the anonymity the report itself keeps. Blanking the
address is not enough: a log is read in order, and "203.0.113.7 GET /siswa"
followed a second later by "- POST /kotak" names the sender just as well. So:

- requests of the problem box itself (/kotak..., and its script) are not
  logged at all;
- requests every page makes (static files, the school logo) are logged without
  the client: no address, user name, referrer or user agent, no request header
  or environ value a custom log format could print, and the time rounded down
  to the hour. Otherwise a client fetching app.css with no page request logged
  beside it would give a /kotak visit away.

The app installs the filter on the gunicorn access logger and on the Werkzeug
development server's logger when it starts (`install`), so it applies whatever
access-log format the server is given.
"""

import logging
import re
import time
from collections.abc import MutableMapping

LOGGERS = ("gunicorn.access", "werkzeug")
#: Gunicorn's atoms that identify the client; "{name}i" (request headers) and
#: "{name}e" (environ) atoms are dropped as well, and gunicorn then prints "-".
CLIENT_ATOMS = ("h", "u", "f", "a")
_REQUEST_LINE = re.compile(r"^(?:\x1b\[[0-9;]*m)*[A-Z]+ (/[^ ?#]*)")
_WERKZEUG_PREFIX = re.compile(r"^.*? - - \[[^\]]*\]")


def is_problembox_request(path):
    return path in ("/kotak", "/static/js/problembox.js") or path.startswith("/kotak/")


def is_shared_asset(path):
    """Fetched by every page, the problem box's included."""
    return path == "/logo" or path.startswith("/static/")


class ProblemboxAccessFilter(logging.Filter):
    """Drops access-log records of the problem box and scrubs those of shared assets."""

    def filter(self, record):
        path = self._path(record)
        if path is None:
            return True
        if is_problembox_request(path):
            return False
        if is_shared_asset(path):
            self._scrub(record)
        return True

    @staticmethod
    def _path(record):
        args = record.args
        if isinstance(args, MutableMapping):  # gunicorn: a dict of atoms
            return args.get("U") or ""
        if isinstance(args, tuple) and args and isinstance(args[0], str):  # werkzeug
            match = _REQUEST_LINE.match(args[0])
            return match.group(1) if match else None
        return None

    @staticmethod
    def _scrub(record):
        atoms = record.args
        if isinstance(atoms, MutableMapping):
            # The atoms object is built afresh for every log call, so it is ours to change.
            for key in [k for k in atoms if k.startswith("{") and k[-2:] in ("}i", "}e")]:
                del atoms[key]
            for key in CLIENT_ATOMS:
                atoms[key] = "-"
            atoms["t"] = time.strftime("[%d/%b/%Y:%H:00:00 %z]")
        else:
            record.msg = _WERKZEUG_PREFIX.sub("- - - [-]", str(record.msg), count=1)
        record.created -= record.created % 3600
        record.msecs = 0.0


def install():
    """Attach the filter to the request loggers once, however often the app is created."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, ProblemboxAccessFilter) for f in logger.filters):
            logger.addFilter(ProblemboxAccessFilter())
