"""A class list of 3,000 rows imported in the browser while the site is in use (#23 §2).

The operator uploads it as /admin/impor does and follows the job's progress as the page
does (the polled fragment every second); meanwhile new visitors open /kotak at a school's
pace (VISITORS_PER_SECOND, each a new session, on a timetable that does not wait for slow
answers). Every initial password is hashed with production's scrypt: minutes of the server
core, which must not show in the visitors' latency.

    .venv/bin/python -m bench.imports      (a fresh demo instance, then this figure alone)
"""

import asyncio
import json
import re
import sys
import tempfile
import time
from pathlib import Path

from .servers import csrf_token
from .servers import loadgen
from .servers import login_cookie
from .servers import no_rate_limits
from .servers import prepare_instance
from .web import GeneratorCpu
from .web import Timings
from .web import client
from .web import connector
from .web import request
from .web import summary

ROWS = 3000
#: A whole school (1,000 students) opening a link within a minute, and then some.
VISITORS_PER_SECOND = 20
P99_MS = 200
#: A stalled import ends the figure rather than the bench.
GIVE_UP_SECONDS = 1800
JOB = re.compile(r"/admin/impor/(\d+)")


def class_list():
    """3,000 students in 30 classes, with NIS (their usernames), as a school's export."""
    lines = ["nama,kelas,nis,jenis_kelamin"]
    lines += [f"Siswa Bench {n:04d},{7 + n % 3}{'CDEFGHIJKL'[n // 3 % 10]},{880000 + n},"
              f"{'LP'[n % 2]}" for n in range(ROWS)]
    return ("\n".join(lines) + "\n").encode()


async def upload(operator, base, timings):
    """POST the file; the job's id from the page it leads to."""
    import aiohttp

    page = await request(operator, timings, "operator: GET /admin/impor", "GET",
                         base + "/admin/impor")
    form = aiohttp.FormData()
    form.add_field("csrf_token", csrf_token(page[0]))
    form.add_field("file", class_list(), filename="kelas-bench.csv", content_type="text/csv")
    sent = await request(operator, timings, "operator: POST /admin/impor", "POST",
                         base + "/admin/impor", expect=303, data=form)
    return int(JOB.search(sent[1]).group(1))


async def follow(operator, base, job_id, timings):
    """Poll as the page does until the job says it finished (HX-Refresh)."""
    url = f"{base}/admin/impor/{job_id}"
    headers = {"HX-Request": "true", "HX-Target": "import-progress"}
    deadline = time.monotonic() + GIVE_UP_SECONDS
    while time.monotonic() < deadline:
        started = time.monotonic()
        async with operator.get(url, headers=headers, allow_redirects=False) as response:
            await response.read()
            timings.add("operator: poll", (time.monotonic() - started) * 1000)
            if response.headers.get("HX-Refresh") == "true":
                return True
        await asyncio.sleep(1)
    return False


async def visitors(base, timings, stop):
    """New visitors at VISITORS_PER_SECOND, each request sent on time (open loop)."""
    connections = connector()
    running = set()

    async def visit():
        async with client(connections) as browser:
            await request(browser, timings, "visitor: GET /kotak", "GET", base + "/kotak")

    started = time.monotonic()
    sent = 0
    while not stop.is_set():
        due = started + sent / VISITORS_PER_SECOND
        await asyncio.sleep(max(0.0, due - time.monotonic()))
        task = asyncio.create_task(visit())
        running.add(task)
        task.add_done_callback(running.discard)
        sent += 1
    await asyncio.gather(*running)
    await connections.close()


async def run(base, cookie):
    timings = Timings()
    connections = connector()
    cpu = GeneratorCpu()
    stop = asyncio.Event()
    crowd = asyncio.create_task(visitors(base, timings, stop))
    async with client(connections, cookie) as operator:
        started = time.monotonic()
        job_id = await upload(operator, base, timings)
        finished = await follow(operator, base, job_id, timings)
        seconds = time.monotonic() - started
        async with operator.get(f"{base}/admin/impor/{job_id}") as response:
            outcome = await response.text()
    stop.set()
    await crowd
    await connections.close()
    return {"finished": finished, "seconds": seconds, "slips": outcome.count('class="slip"'),
            "generator_cpu": cpu.share(), "timings": timings.data()}


def generate(base, cookie):
    print(json.dumps(asyncio.run(run(base, cookie))))


def measure(table, env, work):
    """One import of ROWS beside the visitors, on its own server (it adds 3,000 accounts)."""
    from .servers import gunicorn

    with gunicorn("wsgi:app", env, work / "imports.log") as (base, _master):
        output = loadgen("imports", base, login_cookie(base, "admin"), env=env)
    result = json.loads(output.strip().splitlines()[-1])
    kotak = summary(result["timings"], "visitor")
    polls = summary(result["timings"], "operator: poll")
    done = result["finished"] and result["slips"] == ROWS
    table.add(f"class list of {ROWS} rows imported at /admin/impor (scrypt, production's), "
              f"while new visitors open /kotak ({VISITORS_PER_SECOND}/s)",
              f"{'finished' if done else 'NOT finished'} in {result['seconds']:.0f} s, "
              f"{result['slips']} slips; /kotak during it: p50 {kotak['p50']:.0f} ms, "
              f"p99 {kotak['p99']:.0f} ms ({kotak['requests']} requests, {kotak['errors']} "
              f"errors); progress polls p99 {polls['p99']:.0f} ms; load generator "
              f"{result['generator_cpu']:.0%} of its core",
              f"import of {ROWS} rows completes; /kotak p99 during it ≤ {P99_MS} ms",
              done and kotak["p99"] <= P99_MS and not kotak["errors"])


def main():
    from .__main__ import Table

    work = Path(tempfile.mkdtemp(prefix="cyberbk-bench-imports-"))
    env = prepare_instance(work / "instance")
    no_rate_limits(work / "instance")
    table = Table()
    measure(table, env, work)
    return 1 if table.failed else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["generate"]:
        generate(*sys.argv[2:])
    else:
        sys.exit(main())
