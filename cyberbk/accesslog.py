"""Request logs that cannot link an anonymous reporter's request to the person who sent it.

An access-log line "203.0.113.7 ... POST /kotak ... Android 10" at 14:23:05 next
to a report would undo the anonymity the report itself keeps. Blanking the
address is not enough: a log is read in order, and "203.0.113.7 GET /siswa"
followed a second later by "- POST /kotak" names the sender just as well. So:

- every request that serves an anonymous reporter (the problem box, its thread
  gone live, the live chat's sockets, the keep-alives and the quick exit a
  reporter's page sends) is not logged at all: `UNLOGGED`;
- requests every page makes (static files, the school logo) are logged without
  the client: no address, user name, referrer or user agent, no request header
  or environ value a custom log format could print, and the time rounded down
  to the hour: `SCRUBBED`. Otherwise a client fetching app.css with no page
  request logged beside it would give a problem-box visit away.

These two lists are the one place that says which paths: the app's filter reads
them, deploy/nginx.conf turns off its access and error logs for exactly these
locations (nginx cannot scrub a line, so it drops the shared assets' lines too),
and tests/test_access_log.py holds both against the URL map and the nginx file.

The app installs the filter on the gunicorn access logger and on the Werkzeug
development server's logger when it starts (`install`), so it applies whatever
access-log format the server is given.
"""

import logging
import re
import time
from collections.abc import MutableMapping
from typing import NamedTuple


class Paths(NamedTuple):
    #: Matched whole, as nginx's `location = /path`.
    exact: tuple[str, ...]
    #: Matched at the start, as nginx's `location /folder/`; each ends with "/".
    prefixes: tuple[str, ...]

    def match(self, path):
        return path in self.exact or path.startswith(self.prefixes)


UNLOGGED = Paths(
    exact=(
        "/kotak",                    # the problem box's form
        "/konseling/kotak",          # its thread, live
        "/konseling/aktif",          # the live chat's keep-alive (the thread's too)
        "/masih-aktif",              # a signed-in student typing a story into the box
        "/keluar-cepat",             # the quick exit from any of these pages
        "/static/js/problembox.js",  # loaded by the problem box's pages alone
    ),
    prefixes=(
        "/kotak/",                   # sent, follow-up code, thread, replies
        "/konseling/kotak/",         # the live thread's sends
        # One Socket.IO path serves every chat: a URL cannot tell a thread's socket from
        # a booking's, so none is logged.
        "/socket.io/",
        # Not anonymous, but a secret in the path: a counselor's calendar feed address,
        # which a log reader could subscribe to.
        "/kalender/",
    ),
)
SCRUBBED = Paths(exact=("/logo",), prefixes=("/static/",))

LOGGERS = ("gunicorn.access", "werkzeug")
#: Gunicorn's atoms that identify the client; "{name}i" (request headers) and
#: "{name}e" (environ) atoms are dropped as well, and gunicorn then prints "-".
CLIENT_ATOMS = ("h", "u", "f", "a")
_REQUEST_LINE = re.compile(r"^(?:\x1b\[[0-9;]*m)*[A-Z]+ (/[^ ?#]*)")
_WERKZEUG_PREFIX = re.compile(r"^.*? - - \[[^\]]*\]")


def is_unlogged(path):
    """Whether a request for `path` serves an anonymous reporter: no line for it."""
    return UNLOGGED.match(path)


def is_shared_asset(path):
    """Fetched by every page, the problem box's included."""
    return not UNLOGGED.match(path) and SCRUBBED.match(path)


def nginx_locations():
    """The nginx locations deploy/nginx.conf must hold with its logs off, as
    ("=", path) and ("", prefix) pairs."""
    return ({("=", path) for paths in (UNLOGGED, SCRUBBED) for path in paths.exact}
            | {("", prefix) for paths in (UNLOGGED, SCRUBBED) for prefix in paths.prefixes})


class AnonymousAccessFilter(logging.Filter):
    """Drops access-log records of anonymous paths and scrubs those of shared assets."""

    def filter(self, record):
        path = self._path(record)
        if path is None:
            return True
        if is_unlogged(path):
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
        if not any(isinstance(f, AnonymousAccessFilter) for f in logger.filters):
            logger.addFilter(AnonymousAccessFilter())
