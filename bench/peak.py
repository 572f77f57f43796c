"""The school's peak, everything at once for one minute on the one gevent worker:

- 1,000 students open their home (/siswa), each signed in with a session of their own;
- a class of 32 sends the problem box within 10 s, each from a new device (the form, a
  few seconds of typing, the report; acknowledged = the answer shows a follow-up code);
- a class of 32 answers a 100-item questionnaire (11 sections, one every 4 s, then the
  summary and the submit), all within the minute;
- 50 live chats carry one message per 10 s each (Socket.IO, stored before delivery);
- the counselor pages the problem box inbox, opens the newest report and the
  questionnaire's results, a page every 2 s;

then the same at ten times every rate (the same 1,000 students open their home ten
times each, 320 devices, 320 questionnaires, 500 chats, a counselor page every 0.2 s).
Arrivals follow a clock (open loop): a slow answer does not hold back the next student.

    .venv/bin/python -m bench.peak      (a fresh demo instance, then these figures alone)

Students and the counselor are signed in by the seeding (bench.accounts), not by 1,000
password checks; the chats are bench.chat's pairs and clients.
"""

import asyncio
import json
import random
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse
from datetime import timedelta
from pathlib import Path

from . import chat
from .accounts import bench_app
from .accounts import session_cookie
from .results import CLASSES
from .results import instrument_data
from .servers import LOAD_CPU
from .servers import ROOT
from .servers import SERVER_CPU
from .servers import cpu_seconds
from .servers import gunicorn
from .servers import load_average
from .servers import loadgen
from .servers import no_rate_limits
from .servers import prepare_instance
from .servers import stored_reports
from .servers import worker_pid
from .web import GeneratorCpu
from .web import Timings
from .web import answer_form
from .web import client
from .web import connector
from .web import figures
from .web import request
from .web import send_report
from .web import summary

SECONDS = 60
FACTORS = (1, 10)
P95_MS = {1: 200, 10: 500}
STUDENTS = 1000
CLASS_SIZE = 32
CHATS = 50
#: Each side of a chat every 20 s: the chat carries one message per 10 s.
CHAT_INTERVAL = 20.0
#: The class sends its reports within these seconds of the minute.
REPORT_WINDOW = (20.0, 30.0)
TYPING_SECONDS = 5.0
#: Students start the questionnaire within the first seconds, then a section every few.
QUESTIONNAIRE_STARTS = 8.0
SECTION_SECONDS = 4.0
COUNSELOR_SECONDS = 2.0
#: A school's inbox is not empty when the peak comes.
REPORTS_BEFORE = 100
#: The questionnaires the bench gives (add_questionnaires): the 100-item problem checklist
#: to the whole school by name, and the same anonymously (a visitor's link).
QUESTIONNAIRE = "bench-angket"
ANONYMOUS = "bench-anonim"
SCENARIOS = ("home", "problem box", "questionnaire", "chat", "counselor")


# Seeding: runs inside the app (a subprocess with the instance's environment).

def add_questionnaires():
    """Give the bench's 100-item questionnaire to the whole school, by name and anonymously."""
    import sqlalchemy as sa

    from cyberbk.accounts.models import User
    from cyberbk.accounts.models import utcnow
    from cyberbk.assessments import services
    from cyberbk.assessments.models import AudienceScope
    from cyberbk.extensions import db

    app = bench_app()
    with app.app_context():
        counselor = db.session.scalar(sa.select(User).where(User.username == "guru.bk"))
        instrument = services.instrument_from_data(instrument_data(), creator=counselor)
        db.session.add(instrument)
        db.session.commit()
        now = utcnow().replace(microsecond=0)
        for slug, anonymous in ((QUESTIONNAIRE, False), (ANONYMOUS, True)):
            services.create_administration(instrument, counselor, f"Cek masalah ({slug})",
                                           now - timedelta(days=1), now + timedelta(days=7),
                                           AudienceScope.SCHOOL, anonymous=anonymous, slug=slug)
        db.session.commit()


def seed(out):
    """Students with their sessions, the counselor's session, reports already in the inbox,
    the chat pairs of the largest run; the plan the load generator follows."""
    import sqlalchemy as sa

    from cyberbk.accounts import services as accounts
    from cyberbk.accounts.models import Role
    from cyberbk.accounts.models import User
    from cyberbk.assessments.models import Administration
    from cyberbk.common.vocabulary import ServiceField
    from cyberbk.extensions import db
    from cyberbk.problembox import services as problembox
    from cyberbk.common.listing import PER_PAGE

    app = bench_app()
    with app.app_context():
        classes = [accounts.get_or_create_class(name, int(name[0])) for name in CLASSES]
        students = [accounts.create_user(f"puncak.{n:04d}", f"Siswa Puncak {n:04d}",
                                         Role.STUDENT, "cyberbk-demo",
                                         must_change_password=False,
                                         school_class=classes[n % len(classes)])
                    for n in range(STUDENTS)]
        for number in range(REPORTS_BEFORE):
            problembox.send_report(f"Cerita ke-{number} yang sudah ada sebelum jam sibuk.",
                                   list(ServiceField)[number % len(ServiceField)])
        db.session.commit()
        counselor = db.session.scalar(sa.select(User).where(User.username == "guru.bk"))
        plan = {
            "students": [session_cookie(app, student) for student in students],
            "counselor": session_cookie(app, counselor),
            "inbox_pages": -(-REPORTS_BEFORE // PER_PAGE),
            "results": db.session.scalar(sa.select(Administration.id)
                                         .where(Administration.slug == QUESTIONNAIRE)),
            "chats": chat.seed_pairs(app, CHATS * max(FACTORS)),
        }
    Path(out).write_text(json.dumps(plan))


# The load generator: one process of asyncio clients on the load core.

class Minute:
    """The run's clock: `at(offset)` sleeps until that many seconds after the start."""

    def __init__(self):
        self.start = time.monotonic()

    async def at(self, offset):
        await asyncio.sleep(max(0.0, self.start + offset - time.monotonic()))


async def home(base, connections, timings, minute, cookie, offset):
    await minute.at(offset)
    async with client(connections, cookie) as browser:
        await request(browser, timings, "home", "GET", base + "/siswa")


async def device(base, connections, timings, minute, offset):
    """A new phone that sends the problem box at `offset` (it opened the form earlier)."""
    await minute.at(offset - TYPING_SECONDS)
    async with client(connections) as browser:
        return await send_report(browser, base, timings, "problem box", TYPING_SECONDS)


async def questionnaire(base, connections, timings, minute, cookie, offset, seed_number):
    """Open the questionnaire, answer every section, look at the summary, submit."""
    await minute.at(offset)
    root = f"/asesmen/{QUESTIONNAIRE}"
    name = "questionnaire"

    def url(location):
        return urllib.parse.urljoin(base + root, location)

    async with client(connections, cookie) as browser:
        if await request(browser, timings, name, "GET", url(root)) is None:
            return False
        path = f"{root}/bagian/1"
        while "/bagian/" in path:
            page = await request(browser, timings, name, "GET", url(path))
            if page is None:
                return False
            await asyncio.sleep(SECTION_SECONDS)
            sent = await request(browser, timings, name, "POST", url(path), expect=303,
                                 data=answer_form(page[0], path, seed_number, arah="lanjut"))
            if sent is None:
                return False
            path = urllib.parse.urlsplit(url(sent[1])).path
        page = await request(browser, timings, name, "GET", url(path))
        if page is None:
            return False
        submit = f"{root}/kirim"
        sent = await request(browser, timings, name, "POST", url(submit), expect=303,
                             data=answer_form(page[0], submit, seed_number))
        return sent is not None and await request(browser, timings, name, "GET",
                                                  url(sent[1])) is not None


async def counselor(base, connections, timings, minute, plan, factor, seconds):
    """In turn: an inbox page, the newest report on the last page seen, the results."""
    newest = None
    results = f"/bk/asesmen/{plan['results']}/hasil"
    async with client(connections, plan["counselor"]) as browser:
        for number in range(int(seconds / COUNSELOR_SECONDS * factor)):
            await minute.at(number * COUNSELOR_SECONDS / factor)
            turn = number % 3
            path = {0: f"/bk/kotak?page={number // 3 % plan['inbox_pages'] + 1}",
                    1: newest or results}.get(turn, results)
            page = await request(browser, timings, "counselor", "GET", base + path)
            if page is not None and turn == 0:
                found = re.search(r'href="(/bk/kotak/\d+)"', page[0])
                newest = found.group(1) if found else newest


async def run(base, plan, factor, seconds):
    timings = Timings()
    rng = random.Random(factor)
    connections = connector()
    connected = asyncio.Event()
    go = asyncio.Event()

    async def start_signal():
        connected.set()
        await go.wait()

    chats = asyncio.create_task(chat.run_clients(base, plan["chats"][:CHATS * factor], seconds,
                                                 start_signal, interval=CHAT_INTERVAL))
    # The chats' clients connect before the minute starts; a failed connect ends the run.
    await asyncio.wait([chats, asyncio.create_task(connected.wait())],
                       return_when=asyncio.FIRST_COMPLETED)
    if chats.done():
        chats.result()
    go.set()
    minute, cpu = Minute(), GeneratorCpu()
    students = plan["students"]
    # Other students in each run: a submitted questionnaire is not answered twice.
    first = 0 if factor == 1 else CLASS_SIZE
    answering = students[first:first + CLASS_SIZE * factor]
    reports = [device(base, connections, timings, minute, rng.uniform(*REPORT_WINDOW))
               for _ in range(CLASS_SIZE * factor)]
    flows = [questionnaire(base, connections, timings, minute, cookie,
                           rng.uniform(0, QUESTIONNAIRE_STARTS), number)
             for number, cookie in enumerate(answering)]
    others = [home(base, connections, timings, minute, students[number % len(students)],
                   rng.uniform(0, seconds)) for number in range(STUDENTS * factor)]
    others.append(counselor(base, connections, timings, minute, plan, factor, seconds))
    acknowledged, submitted, _others = await asyncio.gather(
        asyncio.gather(*reports), asyncio.gather(*flows), asyncio.gather(*others))
    generator_cpu = cpu.share()
    tally = await chats
    await connections.close()
    return {"timings": timings.data(), "acknowledged": sum(acknowledged),
            "devices": len(reports), "submitted": sum(submitted), "answering": len(flows),
            "homes": STUDENTS * factor, "chat": tally, "generator_cpu": generator_cpu}


def generate(base, plan_path, factor, seconds):
    plan = json.loads(Path(plan_path).read_text())
    result = asyncio.run(run(base, plan, int(factor), float(seconds)))
    print(json.dumps(result))


# The measurement, from the bench's process.

def report(table, factor, result, stored):
    budget_ms = P95_MS[factor]
    budget = f"p95 ≤ {budget_ms} ms" + (", no error" if factor == 1 else "")
    timings = result["timings"]
    tally = result["chat"]
    chat_errors = tally["refused"] + tally["lost"] + tally["sent"] - tally["acked"]
    per_scenario = {name: summary(timings, name) for name in SCENARIOS}
    per_scenario["chat"] = figures(tally["latencies"], {"lost or unacknowledged": chat_errors}
                                   if chat_errors else {})
    every = [value for values in timings["latencies"].values() for value in values]
    overall = figures(every + tally["latencies"],
                      {name: scenario["errors"] for name, scenario in per_scenario.items()
                       if scenario["errors"]})
    what = {
        "home": f"{result['homes']} GET /siswa in {SECONDS} s",
        "problem box": f"{result['devices']} new devices (GET + POST /kotak) in 10 s; "
                       f"{result['acknowledged']} acknowledged, {stored} stored",
        "questionnaire": f"{result['answering']} students × 100 items (11 sections, summary, "
                         f"submit): {result['submitted']} submitted",
        "chat": f"{CHATS * factor} chats, 1 message / 10 s each: {tally['sent']} sent, "
                "delivery latency",
        "counselor": "inbox pages, newest report, questionnaire results",
    }

    def within(scenario):
        return scenario["p95"] <= budget_ms and (factor > 1 or not scenario["errors"])

    for name in SCENARIOS:
        ok = within(per_scenario[name])
        if name == "problem box":
            ok = ok and stored >= result["acknowledged"]
        table.add(f"peak {factor}×: {name} ({what[name]})", measured(per_scenario[name]),
                  budget, ok)
    server = (f"worker {result['server_cpu']:.0%} of core {SERVER_CPU}"
              if result["server_cpu"] is not None else "worker restarted")
    table.add(f"peak {factor}×: overall ({overall['requests']} requests and messages; {server}"
              f", load generator {result['generator_cpu']:.0%} of core {LOAD_CPU})",
              measured(overall), budget, within(overall) and result["generator_cpu"] < 0.9)


def measured(scenario):
    errors = ", ".join(f"{count} {what}" for what, count in scenario["error_kinds"].items())
    return (f"p50 {scenario['p50']:.0f} ms, p95 {scenario['p95']:.0f} ms, p99 "
            f"{scenario['p99']:.0f} ms ({scenario['requests']}); "
            + (f"errors: {errors}" if errors else "no error"))


def measure(table, env, work):
    """Seed the instance named by `env`, then one minute at each factor on one server."""
    instance = Path(env["CYBERBK_INSTANCE_PATH"])
    plan = work / "peak-plan.json"
    subprocess.run([sys.executable, "-m", "bench.peak", "seed", str(plan)], cwd=ROOT, env=env,
                   check=True)
    with gunicorn("wsgi:app", env, work / "peak.log") as (base, master):
        for factor in FACTORS:
            print(f"  peak {factor}× ({SECONDS} s, load average {load_average():.1f})",
                  flush=True)
            before, worker = stored_reports(instance), worker_pid(master)
            cpu_before, wall = cpu_seconds(worker), time.monotonic()
            output = loadgen("peak", base, plan, factor, SECONDS, env=env)
            if worker_pid(master) != worker:
                table.add(f"peak {factor}×: the worker", "killed and restarted by gunicorn "
                          "during the run (WORKER TIMEOUT, see peak.log)", "stays up", False)
                worker = None
            result = json.loads(output.strip().splitlines()[-1])
            result["server_cpu"] = worker and (cpu_seconds(worker) - cpu_before) / (
                time.monotonic() - wall)
            report(table, factor, result, stored_reports(instance) - before)


def main(arguments):
    if arguments[:1] == ["add-questionnaires"]:
        return add_questionnaires()
    if arguments[:1] == ["seed"]:
        return seed(arguments[1])
    if arguments[:1] == ["generate"]:
        return generate(*arguments[1:])
    from .__main__ import Table

    work = Path(tempfile.mkdtemp(prefix="cyberbk-bench-peak-"))
    print(f"bench.peak: instance in {work}", flush=True)
    env = prepare_instance(work / "instance")
    no_rate_limits(work / "instance")
    subprocess.run([sys.executable, "-m", "bench.peak", "add-questionnaires"], cwd=ROOT,
                   env=env, check=True)
    table = Table()
    measure(table, env, work)
    return 1 if table.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
