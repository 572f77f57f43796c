"""Admission: how many requests one worker serves at once, and what the rest get.

A gevent worker accepts every connection it is offered (up to gunicorn's
worker_connections, thousands, for the chat sockets) and starts each request at once. Past
what one core can serve, every request then slows down together: at ten times a school's
peak the bench saw homes answered after 30 s, the database pool's timeouts and 500s on the
counselor's pages. Here a request waits for one of a few slots instead; when too many
already wait, it is answered at once with a short "busy, try again" page (503 and
Retry-After) that costs nothing to send. A page that is sent (a story, a questionnaire's
answers, a login) may wait in a longer queue than a page being opened: what a student
typed is worth more than a page they can reload. The page says that what they sent was not
stored, so nothing looks acknowledged that was not.

Chat sockets (their own cap, `CHAT_SOCKETS_PER_WORKER`) and static files are not counted.
"""

import collections
import logging
import threading
import time

from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import escape

log = logging.getLogger("cyberbk.admission")

EXEMPT_PREFIXES = ("/socket.io/", "/static/")
SENDING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
RETRY_SECONDS = 5
#: Seconds between two log lines about busy answers; those in between are counted.
LOG_SECONDS = 60

# Built once at start, without templates or the database: sending it must cost nothing.
# The app's language first, one line in English for English readers (the busy page cannot
# read the language cookie's choice without the work it is there to avoid).
PAGE = """<!doctype html>
<html lang="id"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
{refresh}<title>{title}</title>
<style>body{{font:1.125rem/1.5 system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}}</style>
</head><body><main><h1>{title}</h1>
<p>{what}</p>
<p lang="en">{english}</p>
</main></body></html>
"""


def busy_texts():
    """(title, what was opened, what was sent) in the current language."""
    return (_("Sedang ramai"),
            _("Banyak orang membuka halaman ini bersamaan. Halaman ini dicoba lagi otomatis "
              "dalam %(seconds)d detik.", seconds=RETRY_SECONDS),
            _("Yang kamu kirim belum tersimpan karena banyak orang mengirim bersamaan. "
              "Kembali ke halaman sebelumnya (isianmu biasanya masih ada) dan kirim lagi "
              "dalam %(seconds)d detik.", seconds=RETRY_SECONDS))


def busy_pages(app):
    """{sending: the page's HTML with {url} left to fill} in the app's default language,
    with the English line below it."""
    with app.app_context():
        with force_locale(app.config["BABEL_DEFAULT_LOCALE"]):
            title, opening, sent = busy_texts()
        with force_locale("en"):
            _title, opening_en, sent_en = busy_texts()
    pages = {}
    for sending, what, english in ((False, opening, opening_en), (True, sent, sent_en)):
        # No reload after a sent form: it would send the form again unseen.
        refresh = ("" if sending else
                   f'<meta http-equiv="refresh" content="{RETRY_SECONDS};url={{url}}">\n')
        pages[sending] = PAGE.format(refresh=refresh, title=escape(title), what=escape(what),
                                     english=escape(english))
    return pages


class Slots:
    """A few slots, and a line in which a freed slot goes to the request that waited
    longest. A semaphore is not enough: a request just arriving took a freed slot before
    the woken waiter ran, so at a steady load the same waiters lost again and again until
    their time ran out (the bench: one page in twenty "busy" at 16 connections, p99 at the
    wait's limit)."""

    def __init__(self, count):
        # Under gevent's monkey-patching (gunicorn's gevent worker patches before it loads
        # the app) these are gevent's cooperative lock and events.
        self.free = count
        self.lock = threading.Lock()
        self.line = collections.deque()

    @property
    def waiting(self):
        return len(self.line)

    def enter(self, longest_line, seconds):
        """True when the request has a slot: at once when one is free and nobody waits,
        else after waiting its turn in a line shorter than `longest_line`, at most
        `seconds`. False: the line is full or the time ran out."""
        with self.lock:
            if self.free and not self.line:
                self.free -= 1
                return True
            if len(self.line) >= longest_line:
                return False
            turn = threading.Event()
            self.line.append(turn)
        if turn.wait(seconds):
            return True
        with self.lock:
            if turn.is_set():  # handed a slot just as its time ran out
                return True
            self.line.remove(turn)
            return False

    def leave(self):
        with self.lock:
            if self.line:
                self.line.popleft().set()  # the slot passes on without being free
            else:
                self.free += 1


class Admission:
    """WSGI middleware: at most `slots` requests inside the app at once. A request beyond
    that waits in line while fewer than `queue` wait (`sending_queue` for a sent form), at
    most `wait` seconds (`sending_wait`); otherwise it gets the busy page."""

    def __init__(self, app, slots, queue, sending_queue, wait, sending_wait, pages):
        self.app = app
        self.pages = pages
        self.slots = Slots(slots)
        self.queue = queue
        self.sending_queue = sending_queue
        self.wait = wait
        self.sending_wait = sending_wait
        self.turned_away = 0
        self.quiet_until = 0.0

    @property
    def waiting(self):
        return self.slots.waiting

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO", "").startswith(EXEMPT_PREFIXES):
            return self.app(environ, start_response)
        sending = environ.get("REQUEST_METHOD") in SENDING
        if not self.slots.enter(self.sending_queue if sending else self.queue,
                                self.sending_wait if sending else self.wait):
            return self.busy(environ, start_response, sending)
        # Every response is computed when the app returns (none is streamed): the slot is
        # given back then, so a phone on a slow network does not hold it while it reads.
        try:
            return self.app(environ, start_response)
        finally:
            self.slots.leave()

    def busy(self, environ, start_response, sending):
        self.note_turned_away()
        url = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
        if environ.get("QUERY_STRING"):
            url += "?" + environ["QUERY_STRING"]
        body = self.pages[sending].replace("{url}", str(escape(url))).encode()
        start_response("503 Service Unavailable", [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Length", str(len(body))),
            ("Retry-After", str(RETRY_SECONDS)),
            ("Cache-Control", "no-store"),
        ])
        return [body]

    def note_turned_away(self):
        self.turned_away += 1
        now = time.monotonic()
        if now >= self.quiet_until:
            log.warning("busy: %d requests answered 503 since the last such line "
                        "(%d waiting)", self.turned_away, self.waiting)
            self.turned_away = 0
            self.quiet_until = now + LOG_SECONDS


def init_app(app):
    """Wrap the app when ADMISSION_SLOTS is set (0 turns admission off)."""
    slots = app.config["ADMISSION_SLOTS"]
    if slots:
        app.wsgi_app = Admission(app.wsgi_app, slots, app.config["ADMISSION_QUEUE"],
                                 app.config["ADMISSION_SENDING_QUEUE"],
                                 app.config["ADMISSION_WAIT_SECONDS"],
                                 app.config["ADMISSION_SENDING_WAIT_SECONDS"], busy_pages(app))
