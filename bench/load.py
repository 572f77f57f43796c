"""Throughput with wrk, pinned to the other core than the server."""

import re
import subprocess
import time

from .servers import LOAD_CPU
from .servers import cpu_seconds

DURATION = "8s"
CONNECTIONS = "16"
#: Runs of each budgeted figure: the machine is shared, and a median of three shrugs off
#: one noisy run.
TURNS = 3
#: A pause before each run. When wrk stops, the requests it had in flight are still in the
#: worker's admission line (cyberbk/admission.py) with nobody to answer; a run started at
#: once finds the line full and gets thousands of instant "busy" answers (seen: 146, then
#: 1,337 requests/s of 503s). Longer than a page's wait in line (ADMISSION_WAIT_SECONDS).
DRAIN_SECONDS = 3


def wrk(url, headers=(), worker=None):
    """Requests per second, latency percentiles (ms) and errors (answers other than 2xx or
    3xx, and socket errors) of one wrk run; with the server's `worker` pid, the CPU time
    it spent per request (`cpu_ms`): what a page costs whatever else runs on its core."""
    time.sleep(DRAIN_SECONDS)
    cpu_before = worker and cpu_seconds(worker)
    command = ["taskset", "-c", LOAD_CPU, "wrk", "-t1", f"-c{CONNECTIONS}", f"-d{DURATION}",
               "--latency"]
    for header in headers:
        command += ["-H", header]
    output = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    amount, unit = re.search(r"requests in ([\d.]+)(ms|s|m)", output).groups()
    seconds = float(amount) * {"ms": 0.001, "s": 1, "m": 60}[unit]
    percentiles = {}
    for label, value, unit in re.findall(r"^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s)\s*$", output,
                                         re.M):
        percentiles[label] = float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                        output)
    errors = (int(non_2xx.group(1)) if non_2xx else 0) + \
        (sum(map(int, sockets.groups())) if sockets else 0)
    total = int(re.search(r"(\d+) requests in", output).group(1))
    cpu_ms = worker and (cpu_seconds(worker) - cpu_before) * 1000 / max(total, 1)
    # Answered requests only: a "busy" 503 costs nearly nothing and would count as served.
    rps = (total - errors) / seconds
    return {"rps": rps, "requests": total, "p50": percentiles.get("50"),
            "p99": percentiles.get("99"), "errors": errors, "cpu_ms": cpu_ms, "raw": output}


def turns(run):
    """The median of TURNS results of `run()` (by rps), and all of them."""
    results = [run() for _ in range(TURNS)]
    return median(results), results


def median(results):
    return sorted(results, key=lambda result: result["rps"])[len(results) // 2]
