"""HTTP load from asyncio clients (aiohttp, in the load generators' own site: servers.LOADGEN_SITE).

Each request is timed on its own, redirects included: a browser's POST and the GET its
303 leads to are two requests a student waits for. A request counts as an error when it
raises, times out or answers another status than the one a working app gives.
"""

import asyncio
import random
import re
import resource
import time
import urllib.parse
from html.parser import HTMLParser

from .servers import csrf_token

#: The follow-up code on the problem box's confirmation (problembox.services).
FOLLOW_UP_CODE = re.compile(r"BK(-[2-9A-HJKMNP-Z]{4}){4}")
STORY = "Aku sering diejek teman sekelas waktu istirahat dan aku jadi malas sekolah."
TIMEOUT_SECONDS = 30
#: gunicorn closes a keep-alive connection idle for 2 s (its --keep-alive). A client that
#: reuses one at that moment sees it closed under its request, where a browser would
#: quietly retry; closing first on the client's side keeps that race out of the figures.
KEEPALIVE_SECONDS = 1.0
#: Share of a checklist's boxes a student ticks.
TICK_CHANCE = 0.1


def percentile(values, share):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


class GeneratorCpu:
    """This process's share of a core since it was made: a saturated load generator must
    not be taken for a slow server."""

    def __init__(self):
        self.usage = resource.getrusage(resource.RUSAGE_SELF)
        self.wall = time.monotonic()

    def share(self):
        usage = resource.getrusage(resource.RUSAGE_SELF)
        busy = (usage.ru_utime - self.usage.ru_utime) + (usage.ru_stime - self.usage.ru_stime)
        return busy / (time.monotonic() - self.wall)


class Timings:
    """Latencies (ms) and errors per scenario."""

    def __init__(self):
        self.latencies = {}
        self.errors = {}

    def add(self, scenario, milliseconds):
        self.latencies.setdefault(scenario, []).append(milliseconds)

    def error(self, scenario, what):
        self.errors.setdefault(scenario, {}).setdefault(what, 0)
        self.errors[scenario][what] += 1

    def data(self):
        """What summary() reads, as JSON carries it out of the load generator."""
        return {"latencies": self.latencies, "errors": self.errors}


def summary(timings, name):
    """Requests, p50/p95/p99 and errors (count and what) of a scenario in Timings.data(): its
    own entries and its parts' (`name: part`)."""
    def ours(key):
        return key == name or key.startswith(name + ": ")

    latencies = [value for key, values in timings["latencies"].items() if ours(key)
                 for value in values]
    errors = {}
    for key, kinds in timings["errors"].items():
        for what, count in kinds.items() if ours(key) else ():
            errors[what] = errors.get(what, 0) + count
    return figures(latencies, errors)


def figures(latencies, errors):
    p50, p95, p99 = (percentile(latencies, share) for share in (0.5, 0.95, 0.99))
    return {"requests": len(latencies), "p50": p50, "p95": p95, "p99": p99,
            "errors": sum(errors.values()), "error_kinds": errors}


def connector():
    """Connections shared by every simulated browser of a load generator."""
    import aiohttp

    return aiohttp.TCPConnector(limit=0, keepalive_timeout=KEEPALIVE_SECONDS)


def client(connector, cookie=None):
    """One browser: its own cookie jar, or a fixed session cookie (a signed-in student)."""
    import aiohttp

    if cookie is None:
        # The bench's server is 127.0.0.1: a jar takes cookies from an IP address only
        # when unsafe.
        return aiohttp.ClientSession(connector=connector, connector_owner=False,
                                     cookie_jar=aiohttp.CookieJar(unsafe=True))
    return aiohttp.ClientSession(connector=connector, connector_owner=False,
                                 cookie_jar=aiohttp.DummyCookieJar(),
                                 headers={"Cookie": cookie})


async def request(browser, timings, scenario, method, url, expect=200, data=None):
    """(response text, its Location) of one timed request, or None after an error."""
    import aiohttp

    started = time.monotonic()
    try:
        async with browser.request(method, url, data=data, allow_redirects=False,
                                   timeout=aiohttp.ClientTimeout(total=TIMEOUT_SECONDS),
                                   headers={"Accept-Encoding": "gzip"}) as response:
            text = await response.text()
    except (aiohttp.ClientError, asyncio.TimeoutError) as error:
        timings.error(scenario, type(error).__name__)
        return None
    timings.add(scenario, (time.monotonic() - started) * 1000)
    if response.status != expect:
        path = urllib.parse.urlsplit(url).path
        timings.error(scenario, f"HTTP {response.status} on {method} {path}")
        return None
    return text, response.headers.get("Location")


async def send_report(browser, base, timings, scenario, typing_seconds=0.0):
    """A new device writes to the problem box: open the form, type, send. True when the
    answer shows a follow-up code (the report is acknowledged)."""
    page = await request(browser, timings, f"{scenario}: GET /kotak", "GET", base + "/kotak")
    if page is None:
        return False
    await asyncio.sleep(typing_seconds)
    sent = await request(browser, timings, f"{scenario}: POST /kotak", "POST", base + "/kotak",
                         data={"csrf_token": csrf_token(page[0]), "field": "social",
                               "body": STORY})
    if sent is None:
        return False
    if not FOLLOW_UP_CODE.search(sent[0]):
        timings.error(f"{scenario}: POST /kotak", "answer without a follow-up code")
        return False
    return True


class AnswerForm(HTMLParser):
    """The fields of the form that posts to `action`, answered as a student would: one
    option of every radio group, a few ticked boxes, required text fields filled."""

    def __init__(self, page, action, rng):
        super().__init__()
        self.action = action
        self.rng = rng
        self.inside = False
        self.fields = []
        self.radios = {}
        self.feed(page)

    def handle_starttag(self, tag, attributes):
        attributes = dict(attributes)
        if tag == "form":
            self.inside = attributes.get("action") == self.action
        elif self.inside and tag in ("input", "textarea") and "name" in attributes:
            self.field(tag, attributes)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False

    def field(self, tag, attributes):
        name, kind = attributes["name"], attributes.get("type", tag)
        if kind == "radio":
            self.radios.setdefault(name, []).append(attributes["value"])
        elif kind == "checkbox":
            if self.rng.random() < TICK_CHANCE:
                self.fields.append((name, attributes["value"]))
        elif kind == "hidden":
            self.fields.append((name, attributes.get("value", "")))
        elif "required" in attributes:
            self.fields.append((name, "Ada, nanti saya ceritakan."))

    def data(self, **extra):
        chosen = [(name, self.rng.choice(values)) for name, values in self.radios.items()]
        return self.fields + chosen + list(extra.items())


def answer_form(page, action, seed, **extra):
    return AnswerForm(page, action, random.Random(seed)).data(**extra)
