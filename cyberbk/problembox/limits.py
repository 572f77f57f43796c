"""Per-client rate limits for the problem box, held in this process's memory only.

Nothing here is ever written anywhere: not with a report, not to a log. The
client address is kept only as a keyed hash whose key lives and dies with the
process, and every entry expires with its window.
"""

import hashlib
import secrets
import threading
import time
from collections import deque

from flask import current_app
from flask import request

# Past this many tracked clients, expired windows are swept on the next hit.
SWEEP_ABOVE = 10_000


class SlidingWindow:
    """At most `limit` hits per client within `seconds`."""

    def __init__(self, limit, seconds):
        self.limit = limit
        self.seconds = seconds
        self._hits: dict[bytes, deque] = {}
        self._lock = threading.Lock()

    def blocked(self, client):
        with self._lock:
            return len(self._recent(client, time.monotonic())) >= self.limit

    def hit(self, client):
        with self._lock:
            now = time.monotonic()
            self._recent(client, now).append(now)
            if len(self._hits) > SWEEP_ABOVE:
                self._sweep(now)

    def _recent(self, client, now):
        recent = self._hits.setdefault(client, deque())
        while recent and recent[0] <= now - self.seconds:
            recent.popleft()
        return recent

    def _sweep(self, now):
        for client in [c for c, hits in self._hits.items() if not hits or
                       hits[-1] <= now - self.seconds]:
            del self._hits[client]


class ProblemboxLimits:
    """The windows of one app: new reports, replies in a thread, wrong follow-up codes."""

    def __init__(self, config):
        self._key = secrets.token_bytes(32)
        self.report = SlidingWindow(*config["PROBLEMBOX_REPORT_LIMIT"])
        self.reply = SlidingWindow(*config["PROBLEMBOX_REPLY_LIMIT"])
        self.wrong_code = SlidingWindow(*config["PROBLEMBOX_WRONG_CODE_LIMIT"])

    def client(self):
        """The requesting client, as a hash that only this process can make."""
        address = (request.remote_addr or "-").encode()
        return hashlib.blake2b(address, key=self._key, digest_size=16).digest()


def limits():
    """This app's limits (each app, so each test, starts with empty windows)."""
    return current_app.extensions["problembox_limits"]
