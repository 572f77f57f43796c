"""Every request gets its turn under gevent, and long work runs beside the loop (below).

Measured with wrk on one gevent worker: even a bare Flask "hello" showed a p99 of
0.6–1.5 s while its median was under 1 ms, and the mean broke Little's law — a few
connections were served over and over while the rest waited. A greenlet that has
sent its response reads the connection's next keep-alive request; when that request
is already in the socket buffer it never yields, so connections the hub has seen to
be ready wait until the busy ones happen to find an empty buffer. Yielding once at
the start of each request puts it at the back of the queue: in the same run the p99
fell to ~20 ms, like the threaded worker's, with no loss of throughput.
"""

import contextvars
import os
import threading
from functools import lru_cache

#: nice(1)'s weakest: the scheduler gives such a thread a core only when nothing else wants it.
LOWEST_PRIORITY = 19


@lru_cache(maxsize=1)
def gevent_active():
    try:
        from gevent import monkey
    except ImportError:
        return False
    return monkey.is_module_patched("socket")


def take_turns():
    """Let the other greenlets run before going on (a loop of work in a greenlet)."""
    if gevent_active():
        from gevent import sleep

        sleep(0)


class FairTurns:
    """WSGI middleware: yield to the gevent hub before handling each request."""

    def __init__(self, wsgi_app):
        from gevent import sleep

        self.wsgi_app = wsgi_app
        self.sleep = sleep

    def __call__(self, environ, start_response):
        self.sleep(0)
        return self.wsgi_app(environ, start_response)


def init_app(app):
    if gevent_active():
        app.wsgi_app = FairTurns(app.wsgi_app)


# Work that would hold the loop: a password hash (scrypt, ~0.1 s of a core), a backup's
# compression and encryption, a spreadsheet's parsing. Under gevent it runs in a native
# thread while the caller's greenlet waits and every other greenlet goes on: scrypt, zlib,
# SQLite and AES release the GIL, and pure Python in a thread still hands the GIL back to
# the loop every few milliseconds (sys.getswitchinterval). Outside gevent (tests, the CLI)
# it simply runs. The caller's context variables come along (Flask's app and request
# context, Babel's locale, for messages), read-only: the work must not touch db.session,
# whose connection belongs to the greenlet.

def off_loop(function, *args, pool=None):
    """`function(*args)` in a native thread of `pool` (gevent's own pool of the hub when
    None), waited for cooperatively; its result, or the exception it raised."""
    if not gevent_active():
        return function(*args)
    if pool is None:
        from gevent import get_hub

        pool = get_hub().threadpool
    return pool.apply(contextvars.copy_context().run, (function, *args))


class NativeThreads:
    """A pool of its own for one kind of work: `threads` bound how much of it runs at once
    (memory: a scrypt hash takes 32 MB), and with `low_priority` its threads run at the
    lowest CPU priority (nice 19), so that long batch work (an import's 3,000 hashes) takes
    only the time the serving loop leaves, also when both share one core."""

    def __init__(self, threads, low_priority=False):
        self.threads = threads
        self.low_priority = low_priority
        self.pool = None

    def run(self, function, *args):
        if not gevent_active():
            return function(*args)
        if self.pool is None:
            # Made on first use, in the serving process and its hub: never before a fork.
            from gevent.threadpool import ThreadPool

            self.pool = ThreadPool(self.threads)
        if self.low_priority:
            return off_loop(self.lowered, function, *args, pool=self.pool)
        return off_loop(function, *args, pool=self.pool)

    @staticmethod
    def lowered(function, *args):
        # Per thread on Linux; a thread cannot raise its priority again, so the pool's
        # threads do nothing else. Where there is no such call the work runs all the same.
        if hasattr(os, "setpriority"):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), LOWEST_PRIORITY)
        return function(*args)
