"""Chat fan-out: 1,000 Socket.IO clients (500 student–counselor pairs) on one gevent worker.

Each client sends a message every 2 s (500 msg/s in all); the app stores every message
durably before it acknowledges and delivers it. A bare python-socketio relay
(bench/bare_relay.py) takes the same load in the same run, one after the other on the
server core. Latency is from the sender's emit to the peer's receipt, on one clock.

    .venv/bin/python -m bench.chat        (BENCH_CHAT_SECONDS=10 for a short run)
    .venv/bin/python -m bench.chat visitor   (only: a new visitor beside 1,000 open sockets)

The load generator is a subprocess of asyncio clients pinned to the load core; it
reports its own CPU use, so that a saturated generator is not taken for a slow server.
"""

import asyncio
import json
import os
import random
import subprocess
import sys
import tempfile
import socket
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from .accounts import bench_app
from .accounts import session_cookie
from .servers import CHOSEN_WORKER
from .servers import LOAD_CPU
from .servers import ROOT
from .servers import SERVER_CPU
from .servers import THREADS
from .servers import cpu_seconds
from .servers import gunicorn
from .servers import loadgen_env
from .servers import worker_pid
from .web import GeneratorCpu
from .web import percentile

PAIRS = int(os.environ.get("BENCH_CHAT_PAIRS", "500"))
SECONDS = float(os.environ.get("BENCH_CHAT_SECONDS", "60"))
#: Load generator processes, each with its share of the pairs, all on the load core.
PROCESSES = int(os.environ.get("BENCH_CHAT_PROCESSES", "1"))
INTERVAL = 2.0
#: After the last send, how long a message may still arrive before it counts as lost.
DRAIN_SECONDS = 10.0
CONNECTS_AT_ONCE = 25
CHATS_PER_COUNSELOR = 20
P95_MS, P99_MS, RSS_MB = 100, 300, 200
#: New visitors to /kotak while every chat's sockets are open, and the time each may take.
VISITORS, VISITOR_SECONDS = 10, 1.0
NAMESPACE = "/chat"


# Seeding: runs inside the app (a subprocess with the bench instance's environment).

def seed_pairs(app, pairs):
    """Students, counselors and a confirmed chat booking per pair, with a session cookie
    for each side as a login would give (bench.accounts): [{key, student, counselor}]."""
    from datetime import timedelta

    from cyberbk.accounts import services as accounts
    from cyberbk.accounts.models import Role
    from cyberbk.accounts.models import utcnow
    from cyberbk.booking.models import Booking
    from cyberbk.booking.models import BookingStatus
    from cyberbk.booking.models import Mode
    from cyberbk.booking.services.casework import open_case
    from cyberbk.booking.services.rules import CONSENT_VERSION
    from cyberbk.extensions import db

    start = utcnow().replace(second=0, microsecond=0)
    rows = []
    school_class = accounts.get_or_create_class("9Z", 9)
    counselors = []
    for number in range(pairs):
        if number % CHATS_PER_COUNSELOR == 0:
            counselors.append(accounts.create_user(
                f"guru.bench.{len(counselors)}", f"Guru Bench {len(counselors)}",
                Role.COUNSELOR, "cyberbk-demo", must_change_password=False))
            counselors[-1].counselor_confirmed_at = start  # bench counselors open their chats
        counselor = counselors[-1]
        student = accounts.create_user(f"siswa.bench.{number}", f"Siswa Bench {number}",
                                       Role.STUDENT, "cyberbk-demo",
                                       must_change_password=False, school_class=school_class)
        starts_at = start + timedelta(minutes=30 * (number % CHATS_PER_COUNSELOR))
        booking = Booking(student=student, counselor=counselor, starts_at=starts_at,
                          ends_at=starts_at + timedelta(minutes=30), mode=Mode.CHAT,
                          status=BookingStatus.CONFIRMED, consent_version=CONSENT_VERSION,
                          consented_at=utcnow(), case=open_case(student, counselor))
        db.session.add(booking)
        rows.append((booking, student, counselor))
    db.session.commit()
    return [{"key": f"b{booking.id}", "student": session_cookie(app, student),
             "counselor": session_cookie(app, counselor)}
            for booking, student, counselor in rows]


def seed(pairs, out):
    app = bench_app()
    with app.app_context():
        Path(out).write_text(json.dumps(seed_pairs(app, pairs)))


# The load generator: one process of asyncio clients.

class Tally:
    def __init__(self):
        self.sent = {}  # ref -> monotonic time of the emit
        self.acked = set()
        self.refused = 0
        self.received = {}  # ref -> how many times a peer got it
        self.latencies = []
        self.unknown = 0


async def run_clients(base, chats, seconds, start_signal, interval=INTERVAL):
    import socketio

    tally = Tally()
    clients = []

    def on_message(data):
        ref = data.get("ref") if isinstance(data, dict) else None
        now = time.monotonic()
        if ref not in tally.sent:
            tally.unknown += 1
            return
        count = tally.received.get(ref, 0) + 1
        tally.received[ref] = count
        if count == 1:
            tally.latencies.append((now - tally.sent[ref]) * 1000)

    def on_ack(ref):
        def acknowledged(reply=None):
            if isinstance(reply, dict) and reply.get("ok"):
                tally.acked.add(ref)
            else:
                tally.refused += 1

        return acknowledged

    async def connect(name, key, cookie, gate):
        async with gate:
            client = socketio.AsyncClient(reconnection=False)
            client.on("new_message", on_message, namespace=NAMESPACE)
            await client.connect(base, namespaces=[NAMESPACE], auth={"chat": key},
                                 transports=["websocket"], headers={"Cookie": cookie},
                                 wait_timeout=30)
            clients.append((name, client))

    gate = asyncio.Semaphore(CONNECTS_AT_ONCE)
    await asyncio.gather(*(connect(f"{chat['key']}{side[0]}", chat["key"], chat[side], gate)
                           for chat in chats for side in ("student", "counselor")))
    await start_signal()

    async def talk(name, client):
        # A fixed rhythm from a random phase: no client waits for its acknowledgements.
        began = time.monotonic() + random.uniform(0, interval)
        number = 0
        while number * interval < seconds:
            await asyncio.sleep(max(0.0, began + number * interval - time.monotonic()))
            ref = f"{name}-{number}"
            tally.sent[ref] = time.monotonic()
            try:
                await client.emit("send", {"body": f"Halo, ini pesan {ref}.", "ref": ref},
                                  namespace=NAMESPACE, callback=on_ack(ref))
            except socketio.exceptions.BadNamespaceError:
                # The server dropped this client: the message counts as sent, never acknowledged.
                tally.refused += 1
            number += 1

    cpu = GeneratorCpu()
    await asyncio.gather(*(talk(name, client) for name, client in clients))
    cpu_share = cpu.share()
    deadline = time.monotonic() + DRAIN_SECONDS
    while time.monotonic() < deadline and (len(tally.received) < len(tally.sent)
                                           or len(tally.acked) + tally.refused < len(tally.sent)):
        await asyncio.sleep(0.1)
    try:
        # A client whose server went away (a killed worker) may never finish saying goodbye.
        await asyncio.wait_for(asyncio.gather(*(client.disconnect() for _name, client in clients)),
                               DRAIN_SECONDS)
    except asyncio.TimeoutError:
        pass
    return {"sent": len(tally.sent), "acked": len(tally.acked), "refused": tally.refused,
            "lost": len(tally.acked - tally.received.keys()),
            "duplicates": sum(count - 1 for count in tally.received.values()),
            "unknown": tally.unknown, "latencies": tally.latencies, "cpu": cpu_share}


def generate(base, chats_path, seconds, out):
    """Connect, say "ready" on stdout, start sending on a line from stdin, write the tally."""
    chats = json.loads(Path(chats_path).read_text())

    async def start_signal():
        print("ready", flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)

    result = asyncio.run(run_clients(base, chats, seconds, start_signal))
    Path(out).write_text(json.dumps(result))


# The measurement, from the bench's process.

class RssWatch:
    """The worker's resident memory, sampled until stopped; `peak` in MB."""

    def __init__(self, pid):
        self.pid = pid
        self.peak = 0.0
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.watch, daemon=True)
        self.thread.start()

    def sample(self):
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                self.peak = max(self.peak, int(line.split()[1]) / 1024)

    def watch(self):
        while not self.stopped.wait(0.25):
            self.sample()

    def stop(self):
        self.stopped.set()
        self.thread.join()
        self.sample()
        return self.peak


def fan_out(base, master, chats_path, env, work, label):
    """Run the generators against one server; the merged tally, the worker's peak RSS and
    CPU share during the sending."""
    chats = json.loads(Path(chats_path).read_text())
    shares = [chats[index::PROCESSES] for index in range(PROCESSES)]
    generators = []
    generator_env = loadgen_env(env)
    for index, share in enumerate(shares):
        part = work / f"{label}-chats-{index}.json"
        part.write_text(json.dumps(share))
        out = work / f"{label}-tally-{index}.json"
        command = ["taskset", "-c", LOAD_CPU, sys.executable, "-m", "bench.chat", "generate",
                   base, str(part), str(SECONDS), str(out)]
        process = subprocess.Popen(command, cwd=ROOT, env=generator_env, stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, text=True)
        generators.append((process, out))
    for process, _out in generators:
        if process.stdout.readline().strip() != "ready":
            raise RuntimeError(f"{label}: a load generator could not connect its clients")
    worker = worker_pid(master)
    rss = RssWatch(worker)
    cpu_before, wall = cpu_seconds(worker), time.monotonic()
    for process, _out in generators:
        process.stdin.write("go\n")
        process.stdin.flush()
    time.sleep(SECONDS)
    server_cpu = (cpu_seconds(worker) - cpu_before) / (time.monotonic() - wall)
    tallies = []
    for process, out in generators:
        process.wait(timeout=SECONDS + DRAIN_SECONDS + 120)
        tallies.append(json.loads(out.read_text()))
    merged = {name: sum(t[name] for t in tallies)
              for name in ("sent", "acked", "refused", "lost", "duplicates", "unknown")}
    merged["latencies"] = [value for t in tallies for value in t["latencies"]]
    merged["generator_cpu"] = sum(t["cpu"] for t in tallies)
    merged["server_cpu"] = server_cpu
    merged["rss"] = rss.stop()
    return merged


def report(table, label, result, budgets):
    """Rows for one server; `budgets`: whether the budgets apply (the bare relay is a reference)."""
    latencies = result["latencies"]
    p50, p95, p99 = (percentile(latencies, share) for share in (0.5, 0.95, 0.99))
    table.add(f"chat fan-out {label}: delivery latency",
              f"p50 {p50:.0f} ms, p95 {p95:.0f} ms, p99 {p99:.0f} ms, "
              f"max {max(latencies, default=0):.0f} ms "
              f"({result['sent']} sent, {result['sent'] / SECONDS:.0f} msg/s)",
              f"p95 ≤ {P95_MS} ms, p99 ≤ {P99_MS} ms",
              p95 <= P95_MS and p99 <= P99_MS if budgets else None)
    faults = result["lost"] + result["duplicates"] + result["sent"] - result["acked"]
    table.add(f"chat fan-out {label}: lost / duplicated / unacknowledged",
              f"{result['lost']} / {result['duplicates']} / {result['sent'] - result['acked']}"
              f" of {result['sent']}", "0 / 0 / 0", faults == 0 if budgets else None)
    per_message = result["server_cpu"] * SECONDS / max(result["sent"], 1) * 1000
    table.add(f"chat fan-out {label}: worker RSS (peak), worker CPU",
              f"{result['rss']:.0f} MB, {result['server_cpu']:.0%} of core {SERVER_CPU} "
              f"({per_message:.2f} ms per message)",
              f"≤ {RSS_MB} MB", result["rss"] <= RSS_MB if budgets else None)
    table.add(f"chat fan-out {label}: load generator CPU",
              f"{result['generator_cpu']:.0%} of core {LOAD_CPU} ({PROCESSES} process"
              f"{'es' if PROCESSES > 1 else ''})", "< 90 % (not the bottleneck)",
              result["generator_cpu"] < 0.9 if budgets else None)


def measure(table, env, work):
    chats = seeded_pairs(env, work)
    with gunicorn("wsgi:app", env, work / "chat-app.log") as (base, master):
        app = fan_out(base, master, chats, env, work, "app")
    with gunicorn("bench.bare_relay:app", env, work / "chat-bare.log") as (base, master):
        bare = fan_out(base, master, chats, env, work, "bare")
    report(table, f"app ({2 * PAIRS} clients, stored)", app, budgets=True)
    report(table, "bare relay (reference)", bare, budgets=False)


def open_websockets(base, count, seconds):
    """How many of `count` WebSocket upgrades to Engine.IO the server answers within
    `seconds`, all held open at once (each open socket is one held connection)."""
    address = urlsplit(base)
    request = (f"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: {address.netloc}\r\n"
               "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
               "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n").encode()
    sockets = []
    for _ in range(count):
        connection = socket.create_connection((address.hostname, address.port))
        connection.sendall(request)
        connection.setblocking(False)
        sockets.append(connection)
    answered, deadline = set(), time.monotonic() + seconds
    while len(answered) < count and time.monotonic() < deadline:
        for connection in sockets:
            if connection not in answered:
                try:
                    if b" 101 " in connection.recv(4096):
                        answered.add(connection)
                except BlockingIOError:
                    pass
        time.sleep(0.05)
    for connection in sockets:
        connection.close()
    return len(answered)


def measure_socket_cap(table, env, work, count=100, seconds=5):
    """The threaded worker holds a thread per open socket: past --threads, new chat
    clients wait without an error. The gevent worker takes them all."""
    for worker in ("gevent", "gthread"):
        with gunicorn("wsgi:app", env, work / f"sockets-{worker}.log", worker=worker) as (base, _):
            opened = open_websockets(base, count, seconds)
        table.add(f"open chat sockets, {worker}" + (f" (--threads {THREADS})"
                                                   if worker == "gthread" else ""),
                  f"{opened} of {count} answered within {seconds} s",
                  "all answered", opened == count, counts=worker == CHOSEN_WORKER)


def seeded_pairs(env, work):
    """The chat pairs' file, seeded into the instance on first use."""
    chats = work / "chat-pairs.json"
    if not chats.exists():
        subprocess.run([sys.executable, "-m", "bench.chat", "seed", str(PAIRS), str(chats)],
                       cwd=ROOT, env=env, check=True)
    return chats


def first_visit_seconds(base, path):
    """A new visitor's GET (no cookie, a connection of its own) until its last byte; an
    error status raises."""
    started = time.monotonic()
    with urllib.request.urlopen(base + path, timeout=30) as response:
        response.read()
    return time.monotonic() - started


def measure_visitor_beside_open_chats(table, env, work, visitors=VISITORS):
    """Every chat's sockets open at once (gunicorn's default of 1,000 connections was
    reached by 1,000 of them, and then a new visitor's page waited for a socket to close):
    new visitors to /kotak, one after the other, each within VISITOR_SECONDS."""
    chats = seeded_pairs(env, work)
    with gunicorn("wsgi:app", env, work / "chat-visitor.log") as (base, _master):
        command = ["taskset", "-c", LOAD_CPU, sys.executable, "-m", "bench.chat", "generate",
                   base, str(chats), "0", str(work / "chat-visitor-tally.json")]
        holder = subprocess.Popen(command, cwd=ROOT, env=loadgen_env(env),
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            if holder.stdout.readline().strip() != "ready":
                raise RuntimeError("the load generator could not open every chat socket")
            seconds = sorted(first_visit_seconds(base, "/kotak") for _ in range(visitors))
        finally:
            # Zero seconds of talk: the sockets close as soon as they hear "go".
            holder.communicate("go\n", timeout=120)
    worst, median = seconds[-1], seconds[len(seconds) // 2]
    table.add(f"new visitor GET /kotak with {2 * PAIRS} chat sockets open",
              f"worst {worst * 1000:.0f} ms, median {median * 1000:.0f} ms ({visitors} "
              f"visitors, one after the other)", f"< {VISITOR_SECONDS:g} s each",
              worst < VISITOR_SECONDS)


def main(arguments):
    if arguments[:1] == ["seed"]:
        return seed(int(arguments[1]), arguments[2])
    if arguments[:1] == ["generate"]:
        return generate(arguments[1], arguments[2], float(arguments[3]), arguments[4])
    from .__main__ import Table
    from .servers import prepare_instance

    work = Path(tempfile.mkdtemp(prefix="cyberbk-bench-chat-"))
    print(f"bench.chat: instance in {work}", flush=True)
    table = Table()
    env = prepare_instance(work / "instance")
    if arguments[:1] == ["visitor"]:
        measure_visitor_beside_open_chats(table, env, work)
    else:
        measure(table, env, work)
    return 1 if table.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
