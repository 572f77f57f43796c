"""POST /kotak with a durable commit, beside bare Flask, under a given worker model.

Every request is a new anonymous report stored with synchronous=FULL: the figure
is what the school's one server can take when a class writes at once.
"""

import re
import sqlite3
import urllib.parse
from pathlib import Path

from . import load

POST_LUA = """
wrk.method = "POST"
wrk.body = "{body}"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "{cookie}"
"""


def no_rate_limit(instance):
    """One wrk address stands for a whole school here; the per-client limit would answer 429."""
    config = Path(instance) / "config.py"
    config.write_text(config.read_text() if config.exists() else "")
    with config.open("a") as out:
        out.write("\nRATELIMIT_ENABLED = False\n")


def form_session(base):
    """A session cookie and its CSRF token, fetched once like a phone does."""
    import http.cookiejar
    import urllib.request

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/kotak").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    return "; ".join(f"{c.name}={c.value}" for c in jar), token


def post_lua(base):
    cookie, token = form_session(base)
    body = urllib.parse.urlencode({
        "csrf_token": token, "field": "sosial",
        "body": "Aku sering diejek teman sekelas waktu istirahat dan aku jadi malas sekolah.",
    })
    return POST_LUA.format(body=body, cookie=cookie)


def stored_reports(instance):
    with sqlite3.connect(Path(instance) / "cyberbk.sqlite") as connection:
        return connection.execute("SELECT COUNT(*) FROM problem_reports").fetchone()[0]


def measure_post(table, base, bare_url, instance, label, counts=True):
    """In turns with the bare reference (load.beside_bare); the p99 is the worst turn's."""
    lua = post_lua(base)
    before = stored_reports(instance)
    reference, result, turns = load.beside_bare(bare_url,
                                                lambda: load.wrk(base + "/kotak", lua=lua))
    stored = stored_reports(instance) - before
    errors = sum(turn["errors"] for turn in turns)
    answered = sum(turn["requests"] for turn in turns) - errors
    p99 = max(turn["p99"] for turn in turns)
    ratio = result["rps"] / reference["rps"]
    table.add(f"POST /kotak durable, {label}",
              f"{result['rps']:.0f} req/s = {ratio:.0%} of bare ({reference['rps']:.0f} req/s), "
              f"worst p99 {p99:.0f} ms",
              "≥ 20 % of bare, p99 ≤ 100 ms", ratio >= 0.2 and p99 <= 100, counts=counts)
    table.add(f"POST /kotak reports answered vs stored, {label}",
              f"{answered} answered 303, {stored} stored, {errors} refused",
              "every answered report stored", errors == 0 and stored >= answered)
