"""Measure every budget in one run and print one table; exit 1 when a budget fails.

    make bench          (or: .venv/bin/python -m bench)

Ratios (throughput beside bare Flask) are measured in the same run on the same
server configuration, because these machines are shared and absolute numbers drift.
"""

import datetime
import platform
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from . import chat
from . import durable
from . import load
from . import pages
from . import results
from .servers import CHOSEN_WORKER
from .servers import ROOT
from .servers import gunicorn
from .servers import login_cookie
from .servers import prepare_instance

STUDENT_PAGES = [  # path, needs a logged-in student
    ("/", False), ("/kotak", False), ("/kotak/cek", False), ("/jadwal", True),
    ("/asesmen/{slug}", True), ("/panduan", False), ("/login", False),
]
PAGE_KB, PAGE_REQUESTS, REPEAT_KB = 30, 6, 10


class Table:
    def __init__(self):
        self.rows = []

    def add(self, figure, value, budget, ok, counts=True):
        """`counts=False`: a comparison (the worker model not chosen), shown, never failing."""
        status = "n/a" if ok is None else ("PASS" if ok else "FAIL")
        if not counts and ok is not None:
            status = f"({status.lower()})"
        self.rows.append((figure, value, budget, status))
        print(f"  {status:4}  {figure}: {value}  (budget {budget})", flush=True)

    @property
    def failed(self):
        return any(row[3] == "FAIL" for row in self.rows)

    def markdown(self):
        lines = ["| figure | measured | budget | result |", "| --- | --- | --- | --- |"]
        lines += [f"| {f} | {v} | {b} | {s} |" for f, v, b, s in self.rows]
        return "\n".join(lines)


def open_questionnaire_slug(base):
    """The slug of an open questionnaire from the demo school, when assessments exist."""
    import urllib.request

    try:
        with urllib.request.urlopen(base + "/asesmen/", timeout=5) as response:
            match = re.search(r'href="/asesmen/([a-z0-9-]+)"', response.read().decode())
            return match.group(1) if match else None
    except OSError:
        return None


def measure_pages(table, base):
    from playwright.sync_api import sync_playwright

    slug = open_questionnaire_slug(base)
    with sync_playwright() as playwright:
        browser = pages.launch(playwright)
        for template, needs_login in STUDENT_PAGES:
            path = template.format(slug=slug or "belum-ada")
            phone = pages.Phone(browser, base)
            if needs_login:
                phone.login("siswa.7a.02")
            kb, requests, status = phone.visit(path)
            if status == 404:
                table.add(f"first visit {template}", "route not built yet", f"≤ {PAGE_KB} KB", None)
                phone.close()
                continue
            table.add(f"first visit {path}", f"{kb:.1f} KB, {requests} requests",
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


def measure_throughput(table, base, bare, worker, instance):
    """GET and POST beside bare Flask, both served by the same worker model, each taken in
    turns with the bare reference (load.beside_bare)."""
    counts = worker == CHOSEN_WORKER
    reference, floor, _turns = load.beside_bare(bare + "/", lambda: load.wrk(base + "/healthz"))
    table.add(f"bare Flask hello, {worker} (reference, median of {load.TURNS} turns)",
              f"{reference['rps']:.0f} req/s, p99 {reference['p99']:.0f} ms", "—", None)
    table.add(f"GET /healthz, {worker}: the app's lightest route (one SELECT), for scale",
              f"{floor['rps']:.0f} req/s = {floor['rps'] / reference['rps']:.0%} of bare", "—", None)
    targets = [("GET /kotak", base + "/kotak", ()),
               ("GET student home", base + "/siswa", (f"Cookie: {login_cookie(base)}",))]
    for label, url, headers in targets:
        reference, result, turns = load.beside_bare(
            bare + "/", lambda: load.wrk(url, headers + ("Accept-Encoding: gzip",)))
        ratio = result["rps"] / reference["rps"]
        errors = sum(turn["errors"] for turn in turns)
        table.add(f"throughput {label}, {worker}",
                  f"{result['rps']:.0f} req/s = {ratio:.0%} of bare ({reference['rps']:.0f} req/s)"
                  f", p99 {result['p99']:.0f} ms" + (f", {errors} errors" if errors else ""),
                  "≥ 50 % of bare", ratio >= 0.5 and not errors, counts=counts)
    durable.measure_post(table, base, bare + "/", instance, worker, counts=counts)


# Production's worker model first, then the one it was chosen over.
WORKERS = (CHOSEN_WORKER, "gthread")


def main():
    table = Table()
    work = Path(tempfile.mkdtemp(prefix="cyberbk-bench-"))
    print(f"bench: instance in {work}", flush=True)
    env = prepare_instance(work / "instance")
    durable.no_rate_limit(work / "instance")
    with gunicorn("wsgi:app", env, work / "app.log") as (base, _app):
        measure_pages(table, base)
    for worker in WORKERS:
        with gunicorn("wsgi:app", env, work / f"app-{worker}.log", worker=worker) as (base, _), \
                gunicorn("bench.bare_app:app", env, work / f"bare-{worker}.log",
                         worker=worker) as (bare, _bare):
            measure_throughput(table, base, bare, worker, work / "instance")
    chat.measure(table, env, work)
    chat.measure_socket_cap(table, env, work)
    # Last: it adds a thousand students and their answers to the instance.
    results.measure(table, env, work)
    machine = f"{platform.node()} · {platform.processor() or platform.machine()} · " \
              f"{subprocess.run(['nproc'], capture_output=True, text=True).stdout.strip()} cores"
    written = ROOT / "bench" / "RESULTS.md"
    written.write_text(f"# Benchmark results\n\n{datetime.date.today().isoformat()} on {machine}, "
                       "gunicorn with one worker per server (gevent unless the row names "
                       "gthread), SQLite, demo school.\n\n"
                       f"{table.markdown()}\n")
    print(f"\nwritten to {written.relative_to(ROOT)}")
    return 1 if table.failed else 0


if __name__ == "__main__":
    sys.exit(main())
