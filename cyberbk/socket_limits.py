"""The size limit of Socket.IO traffic, a guard in front of Engine.IO's long-polling POSTs,
and one short log line for frames that are not Socket.IO.

Engine.IO refuses a long-polling POST larger than its buffer, but then closes the
session and waits until a poll has taken the close packet. A client that never polls
(one sending oversized POSTs on purpose) leaves each such request waiting for ever,
holding its worker greenlet and its connection: a few hundred of them and the server
runs out of file descriptors. Refused here, before Engine.IO sees it, the request is
answered at once.
"""

import logging
import time
from pathlib import Path

from werkzeug.exceptions import RequestEntityTooLarge

#: What a chat message needs (2,000 characters, up to 4 bytes each in UTF-8, in JSON),
#: with room to spare; far below Engine.IO's default of 1 MB.
BUFFER_BYTES = 64 * 1024
SOCKETIO_PATH = "/socket.io/"
#: Seconds between two log lines about malformed frames; those in between are counted.
MALFORMED_LOG_SECONDS = 60
LIBRARY_LOGGERS = ("engineio.server", "socketio.server")
APP_FOLDER = str(Path(__file__).resolve().parent)


class PollingSizeLimit:
    """WSGI middleware in front of Socket.IO's: a 413 for a Socket.IO POST that declares
    more than `limit` bytes. Any other path goes straight to the app behind Socket.IO's
    middleware, which would only hand it on after copying the environ and building a
    class for it (a few percent of a form POST's time)."""

    def __init__(self, socketio_middleware, limit=BUFFER_BYTES):
        self.wsgi_app = socketio_middleware
        self.app = socketio_middleware.wsgi_app
        self.limit = limit

    def __call__(self, environ, start_response):
        if not environ.get("PATH_INFO", "").startswith(SOCKETIO_PATH):
            return self.app(environ, start_response)
        if (environ.get("REQUEST_METHOD") == "POST"
                and self.too_long(environ.get("CONTENT_LENGTH") or "0")):
            return RequestEntityTooLarge()(environ, start_response)
        return self.wsgi_app(environ, start_response)

    def too_long(self, length):
        return not length.isdigit() or int(length) > self.limit


class MalformedFrames(logging.Filter):
    """Engine.IO logs each frame it cannot decode with a full traceback, so an anonymous
    client sending junk in a loop could fill the disk with log. An error whose traceback
    never entered the app's own code is such a frame: it becomes one short line, at most
    one every MALFORMED_LOG_SECONDS, counting those left out. An error raised in the app's
    handlers keeps its traceback. The frame's text is not logged: it may be a message."""

    def __init__(self):
        super().__init__()
        self.quiet_until = 0.0
        self.left_out = 0

    def filter(self, record):
        if not record.exc_info or entered_app(record.exc_info[2]):
            return True
        now = time.monotonic()
        if now < self.quiet_until:
            self.left_out += 1
            return False
        record.msg = "malformed Socket.IO frame ignored (%s); %d more since the last such line"
        record.args = (type(record.exc_info[1]).__name__, self.left_out)
        record.exc_info = record.exc_text = None
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        self.quiet_until = now + MALFORMED_LOG_SECONDS
        self.left_out = 0
        return True


def entered_app(trace):
    while trace is not None:
        if trace.tb_frame.f_code.co_filename.startswith(APP_FOLDER):
            return True
        trace = trace.tb_next
    return False


def quiet_malformed_frames():
    """One MalformedFrames on each Socket.IO logger, replacing an earlier app's."""
    for name in LIBRARY_LOGGERS:
        logger = logging.getLogger(name)
        for earlier in [f for f in logger.filters if isinstance(f, MalformedFrames)]:
            logger.removeFilter(earlier)
        logger.addFilter(MalformedFrames())
