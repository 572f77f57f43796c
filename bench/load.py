"""Throughput with wrk, pinned to the other core than the server."""

import re
import subprocess
import tempfile
from pathlib import Path

from .servers import LOAD_CPU

DURATION = "8s"
CONNECTIONS = "16"
#: Turns of the bare reference and the route measured, one after the other: both see the
#: same drift of a shared machine, and a median of three shrugs off one noisy turn.
TURNS = 3


def wrk(url, headers=(), lua=None):
    """Requests per second and latency percentiles (ms) of one wrk run."""
    command = ["taskset", "-c", LOAD_CPU, "wrk", "-t1", f"-c{CONNECTIONS}", f"-d{DURATION}",
               "--latency"]
    for header in headers:
        command += ["-H", header]
    script = None
    if lua:
        script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
        script.write(lua)
        script.close()
        command += ["-s", script.name]
    output = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    if script:
        Path(script.name).unlink()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    percentiles = {}
    for label, value, unit in re.findall(r"^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s)\s*$", output, re.M):
        percentiles[label] = float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    total = int(re.search(r"(\d+) requests in", output).group(1))
    return {"rps": rps, "requests": total, "p50": percentiles.get("50"), "p99": percentiles.get("99"),
            "errors": int(non_2xx.group(1)) if non_2xx else 0, "raw": output}


def beside_bare(bare_url, run):
    """Median turns of the bare reference and of `run()`, taken in turns: (reference,
    result, every result) where reference and result are the turns with the median rps."""
    references, results = [], []
    for _ in range(TURNS):
        references.append(wrk(bare_url))
        results.append(run())
    return median(references), median(results), results


def median(results):
    return sorted(results, key=lambda result: result["rps"])[len(results) // 2]
