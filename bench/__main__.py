"""Measure every budget in one run and print one table; exit 1 when a budget fails.

    make bench          (or: .venv/bin/python -m bench)
    BENCH_SKIP=imports,results make bench      (leave out parts: pages, throughput,
                                                peak, chat, results, imports)

The budgets are absolute (the school's real peak with a tenfold margin). These machines
are shared, so every row carries the one-minute load average at the time it was measured:
a figure that misses on a busy machine is to be measured again before anything changes.
"""

import datetime
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from . import chat
from . import durable
from . import imports
from . import load
from . import pages
from . import peak
from . import results
from .servers import ROOT
from .servers import gunicorn
from .servers import load_average
from .servers import login_cookie
from .servers import no_rate_limits
from .servers import prepare_instance
from .servers import visitor_cookie
from .servers import worker_pid

STUDENT_PAGES = [  # path, needs a logged-in student
    ("/", False), ("/kotak", False), ("/kotak/cek", False), ("/jadwal", True),
    ("/asesmen/{slug}", True), ("/panduan", False), ("/login", False),
]
PAGE_KB, PAGE_REQUESTS, REPEAT_KB = 30, 6, 10
#: Ten times a whole school (1,000 students) opening one link within a minute.
PAGE_RPS, PAGE_P99_MS = 170, 250
#: A hundred times LimeSurvey's measured 2 requests/s on one core.
QUESTIONNAIRE_RPS = 200
#: The demo student whose pages are measured.
STUDENT = "siswa.7a.02"


class Table:
    def __init__(self):
        self.rows = []

    def add(self, figure, value, budget, ok, counts=True):
        """`counts=False`: a comparison (the worker model not chosen), shown, never failing."""
        status = "n/a" if ok is None else ("PASS" if ok else "FAIL")
        if not counts and ok is not None:
            status = f"({status.lower()})"
        load = f"{load_average():.1f}"
        self.rows.append((figure, value, budget, status, load))
        print(f"  {status:4}  {figure}: {value}  (budget {budget}; load {load})", flush=True)

    @property
    def failed(self):
        return any(row[3] == "FAIL" for row in self.rows)

    def markdown(self):
        lines = ["| figure | measured | budget | result | load |",
                 "| --- | --- | --- | --- | --- |"]
        lines += ["| " + " | ".join(row) + " |" for row in self.rows]
        return "\n".join(lines)


def open_questionnaire_slug(base):
    """The slug of the demo school's first open questionnaire (not one the bench added)."""
    return re.search(r'href="/asesmen/(?!bench-)([a-z0-9-]+)"',
                     visitor_page(base, "/asesmen/")).group(1)


def visitor_page(base, path):
    import urllib.request

    with urllib.request.urlopen(base + path, timeout=5) as response:
        return response.read().decode()


def measure_pages(table, base):
    from playwright.sync_api import sync_playwright

    slug = open_questionnaire_slug(base)
    with sync_playwright() as playwright:
        browser = pages.launch(playwright)
        for template, needs_login in STUDENT_PAGES:
            path = template.format(slug=slug)
            phone = pages.Phone(browser, base)
            if needs_login:
                phone.login(STUDENT)
            kb, requests, status = phone.visit(path)
            if status == 404:
                table.add(f"first visit {template}", "route not built yet", f"≤ {PAGE_KB} KB", None)
                phone.close()
                continue
            table.add(f"first visit {path}", f"{kb:.2f} KB, {requests} requests",
                      f"≤ {PAGE_KB} KB, ≤ {PAGE_REQUESTS} requests",
                      kb <= PAGE_KB and requests <= PAGE_REQUESTS)
            repeat_kb, _, _ = phone.visit(path)
            table.add(f"repeat visit {path}", f"{repeat_kb:.1f} KB", f"≤ {REPEAT_KB} KB",
                      repeat_kb <= REPEAT_KB)
            phone.close()
        phone = pages.Phone(browser, base)
        phone.slow_down()
        if phone.page.request.get(base + "/kotak").status == 200:
            seconds = phone.seconds_until_usable("/kotak", "textarea")
            table.add("/kotak form usable, 400 kbps / 400 ms RTT / 4x CPU", f"{seconds:.2f} s",
                      "≤ 2.5 s", seconds <= 2.5)
        else:
            table.add("/kotak form usable on a slow link", "route not built yet", "≤ 2.5 s", None)
        phone.close()
        browser.close()


def throughput(table, worker, figure, url, headers=(), rps=PAGE_RPS, p99=PAGE_P99_MS):
    """One wrk figure, median of load.TURNS runs; `rps=None`: shown without a budget. The
    worker's CPU time per request says what the figure would be on a core of its own."""
    result, runs = load.turns(lambda: load.wrk(url, headers + ("Accept-Encoding: gzip",),
                                               worker))
    errors = sum(run["errors"] for run in runs)
    value = (f"{result['rps']:.0f} req/s, p99 {result['p99']:.0f} ms (runs: "
             + "/".join(f"{run['rps']:.0f}" for run in runs) + " req/s); worker CPU "
             f"{result['cpu_ms']:.1f} ms per request" + (f", {errors} errors" if errors else ""))
    if rps is None:
        table.add(figure, value, "—", None)
        return
    budget = f"≥ {rps} req/s" + (f", p99 ≤ {p99} ms" if p99 else "")
    table.add(figure, value, budget,
              result["rps"] >= rps and (not p99 or result["p99"] <= p99) and not errors)


def measure_throughput(table, base, worker, bare):
    """wrk on the server's pages. A page with a form holds a CSRF token, kept in the
    visitor's server-side session: a new visitor's first page is a session INSERT and a
    durable commit. A whole school opening a link is a thousand new visitors, so the budget
    stands on that figure; the returning visitor (the same cookie again) is shown beside it."""
    scale = load.wrk(bare + "/")
    table.add("bare Flask hello, same server settings (for scale)",
              f"{scale['rps']:.0f} req/s, p99 {scale['p99']:.0f} ms", "—", None)
    scale = load.wrk(base + "/healthz", worker=worker)
    table.add("GET /healthz, the app's lightest route (one SELECT; for scale)",
              f"{scale['rps']:.0f} req/s, p99 {scale['p99']:.0f} ms; worker CPU "
              f"{scale['cpu_ms']:.2f} ms per request", "—", None)
    student = (f"Cookie: {login_cookie(base, STUDENT)}",)
    slug = open_questionnaire_slug(base)
    anonymous = f"/asesmen/{peak.ANONYMOUS}"
    throughput(table, worker, "GET /kotak, a new visitor each request (new session)",
               base + "/kotak")
    throughput(table, worker, "GET /kotak, returning visitor (same cookie)", base + "/kotak",
               (f"Cookie: {visitor_cookie(base, '/kotak')}",), rps=None)
    throughput(table, worker, f"GET /siswa, a student's home ({STUDENT} signed in)",
               base + "/siswa", student)
    redirect = load.wrk(f"{base}/asesmen/{slug}")
    table.add(f"GET /asesmen/{slug} logged out",
              f"the demo's questionnaires are not anonymous: a visitor is sent to /login "
              f"({redirect['rps']:.0f} req/s of redirects); measured on the bench's anonymous "
              "one below", "—", None)
    throughput(table, worker, f"GET {anonymous} logged out (anonymous, the bench's), a new "
               "visitor each request (new session)", base + anonymous)
    throughput(table, worker, f"GET {anonymous} logged out, returning visitor (same cookie)",
               base + anonymous, (f"Cookie: {visitor_cookie(base, anonymous)}",), rps=None)
    throughput(table, worker, f"GET /asesmen/{slug} logged in ({STUDENT})",
               f"{base}/asesmen/{slug}", student)
    throughput(table, worker, f"questionnaire page: GET /asesmen/{peak.QUESTIONNAIRE}/bagian/1 "
               f"(a section of the 100-item checklist, {STUDENT} signed in)",
               f"{base}/asesmen/{peak.QUESTIONNAIRE}/bagian/1", student,
               rps=QUESTIONNAIRE_RPS, p99=None)


def wanted(part):
    return part not in os.environ.get("BENCH_SKIP", "").split(",")


def main():
    table = Table()
    work = Path(tempfile.mkdtemp(prefix="cyberbk-bench-"))
    print(f"bench: instance in {work}", flush=True)
    started, load_before = datetime.datetime.now(), load_average()
    instance = work / "instance"
    env = prepare_instance(instance)
    no_rate_limits(instance)
    subprocess.run([sys.executable, "-m", "bench.peak", "add-questionnaires"], cwd=ROOT, env=env,
                   check=True)
    # The peak gets the school as it is now: the throughput runs below add tens of
    # thousands of sessions and reports, which no school's inbox holds.
    shutil.copytree(instance, work / "peak-instance")
    if wanted("pages"):
        with gunicorn("wsgi:app", env, work / "app.log") as (base, _app):
            measure_pages(table, base)
    if wanted("throughput"):
        with gunicorn("wsgi:app", env, work / "throughput.log") as (base, master), \
                gunicorn("bench.bare_app:app", env, work / "bare.log") as (bare, _bare):
            measure_throughput(table, base, worker_pid(master), bare)
            durable.measure_post(table, base, instance, env)
    if wanted("peak"):
        peak.measure(table, {**env, "CYBERBK_INSTANCE_PATH": str(work / "peak-instance")}, work)
    if wanted("chat"):
        chat.measure(table, env, work)
        chat.measure_visitor_beside_open_chats(table, env, work)
        chat.measure_socket_cap(table, env, work)
    if wanted("results"):
        # It adds a thousand students and their answers to the instance, in classes of its own.
        results.measure(table, env, work)
    if wanted("imports"):
        # Last: its 3,000 students would take the class names results makes.
        imports.measure(table, env, work)
    machine = f"{platform.node()} · {platform.processor() or platform.machine()} · " \
              f"{subprocess.run(['nproc'], capture_output=True, text=True).stdout.strip()} cores"
    written = ROOT / "bench" / "RESULTS.md"
    written.write_text(
        f"# Benchmark results\n\n{started:%Y-%m-%d %H:%M}–{datetime.datetime.now():%H:%M} on "
        f"{machine}, load average {load_before:.1f} at the start and {load_average():.1f} at "
        "the end (the `load` column: at each row). gunicorn with one gevent worker pinned to "
        "core 0 (gthread only where a row names it), load generators on core 1, SQLite with "
        "synchronous=FULL, demo school.\n\n"
        + (f"Left out of this run (BENCH_SKIP): {os.environ['BENCH_SKIP']}.\n\n"
           if os.environ.get("BENCH_SKIP") else "")
        + f"{table.markdown()}\n")
    print(f"\nwritten to {written.relative_to(ROOT)}")
    return 1 if table.failed else 0


if __name__ == "__main__":
    sys.exit(main())
