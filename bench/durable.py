"""Durable POST /kotak from distinct devices.

Each device is a new phone: it opens the form (a new server-side session holding its CSRF
token) and sends one report, stored with synchronous=FULL before the answer shows its
follow-up code. DEVICES_AT_ONCE phones at a time, one after the other, as fast as the
server answers (closed loop): the rate is what the school's one server can take when
classes write at once, the p99 is the POST's at that rate. Afterwards the database must
hold at least every acknowledged report.

    .venv/bin/python -m bench.durable      (a fresh demo instance, then this figure alone)
"""

import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

from .load import TURNS
from .servers import loadgen
from .servers import no_rate_limits
from .servers import prepare_instance
from .servers import stored_reports
from .web import GeneratorCpu
from .web import Timings
from .web import client
from .web import connector
from .web import send_report
from .web import summary

DEVICES_AT_ONCE = 16
SECONDS = 10
REPORTS_PER_SECOND, P99_MS = 35, 250


async def devices(base, seconds, at_once):
    timings = Timings()
    connections = connector()
    acknowledged = 0
    started = time.monotonic()
    cpu = GeneratorCpu()

    async def phone_after_phone():
        nonlocal acknowledged
        while time.monotonic() - started < seconds:
            async with client(connections) as browser:
                sent = await send_report(browser, base, timings, "device")
            acknowledged += sent

    await asyncio.gather(*(phone_after_phone() for _ in range(at_once)))
    elapsed = time.monotonic() - started
    await connections.close()
    return {"acknowledged": acknowledged, "seconds": elapsed, "generator_cpu": cpu.share(),
            "timings": timings.data()}


def generate(base, seconds, at_once):
    print(json.dumps(asyncio.run(devices(base, float(seconds), int(at_once)))))


def measure_post(table, base, instance, env):
    """TURNS runs; the median by rate, its POST p99; the stored count over all of them."""
    before = stored_reports(instance)
    turns = []
    for _turn in range(TURNS):
        output = loadgen("durable", base, SECONDS, DEVICES_AT_ONCE, env=env)
        turn = json.loads(output.strip().splitlines()[-1])
        turn["rate"] = turn["acknowledged"] / turn["seconds"]
        turns.append(turn)
    stored = stored_reports(instance) - before
    turn = sorted(turns, key=lambda turn: turn["rate"])[len(turns) // 2]
    post = summary(turn["timings"], "device: POST /kotak")
    form = summary(turn["timings"], "device: GET /kotak")
    rates = "/".join(f"{turn['rate']:.0f}" for turn in turns)
    table.add(f"POST /kotak durable, distinct devices ({DEVICES_AT_ONCE} at a time, each GET "
              f"/kotak then POST; median of {TURNS} turns of {SECONDS} s)",
              f"{turn['rate']:.0f} reports/s ({rates}), POST p99 {post['p99']:.0f} ms, "
              f"the device's GET p99 {form['p99']:.0f} ms; load generator "
              f"{turn['generator_cpu']:.0%} of its core",
              f"≥ {REPORTS_PER_SECOND} reports/s, p99 ≤ {P99_MS} ms",
              turn["rate"] >= REPORTS_PER_SECOND and post["p99"] <= P99_MS)
    acknowledged = sum(turn["acknowledged"] for turn in turns)
    errors = sum(summary(turn["timings"], "device")["errors"] for turn in turns)
    table.add("POST /kotak reports acknowledged vs stored",
              f"{acknowledged} acknowledged (follow-up code shown), {stored} stored, "
              f"{errors} errors", "every acknowledged report stored", stored >= acknowledged)


def main():
    from .__main__ import Table
    from .servers import gunicorn

    work = Path(tempfile.mkdtemp(prefix="cyberbk-bench-durable-"))
    env = prepare_instance(work / "instance")
    no_rate_limits(work / "instance")
    table = Table()
    with gunicorn("wsgi:app", env, work / "app.log") as (base, _master):
        measure_post(table, base, work / "instance", env)
    return 1 if table.failed else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["generate"]:
        generate(*sys.argv[2:])
    else:
        sys.exit(main())
