"""Start the app (and the bare references) the way production serves them, and the load
generators beside it."""

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN_CONFIG = ROOT / "deploy" / "gunicorn.conf.py"
#: The worker model production runs (README, Makefile); the threaded one is measured beside
#: it only where the choice was made (open chat sockets, bench.chat).
CHOSEN_WORKER = "gevent"
SERVER_CPU = "0"
# For the threaded worker: as many threads as wrk has connections, so none waits for a thread.
THREADS = 16
LOAD_CPU = "1"
#: The asyncio load generators' packages (aiohttp, for python-socketio's AsyncClient and
#: for HTTP) live here rather than in the venv: python-socketio imports aiohttp whenever it
#: is installed, and the server would then carry ~14 MB that production never has.
LOADGEN_SITE = ROOT / ".venv" / "bench-loadgen"
LOADGEN_PACKAGES = ["aiohttp==3.14.5"]
CSRF_TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def load_average():
    """The machine's one-minute load average: other programs share these two cores."""
    return os.getloadavg()[0]


def prepare_instance(instance):
    env = {**os.environ, "CYBERBK_INSTANCE_PATH": str(instance)}
    for name in ("DATABASE_URL", "SOCKETIO_MESSAGE_QUEUE"):
        env.pop(name, None)
    for args in (["db", "upgrade"], ["seed-demo"]):
        subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env,
                       check=True, capture_output=True)
    return env


def no_rate_limits(instance):
    """One load generator's address stands for a whole school here, and a device sends more
    than a phone would: the limits would answer 429. Both the problem box's own windows and
    Flask-Limiter's switch (the limiter keyed by device cookie) are turned off; a name the
    app does not know is an unused setting."""
    config = Path(instance) / "config.py"
    with config.open("a") as out:
        out.write("\nRATELIMIT_ENABLED = False\n")
        for name in ("REPORT", "REPLY", "WRONG_CODE"):
            out.write(f"PROBLEMBOX_{name}_LIMIT = (10**9, 60)\n")


def loadgen_env(env):
    """The environment of the load generators: the app's, with aiohttp beside it."""
    if not (LOADGEN_SITE / "aiohttp").is_dir():
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet",
                        "--disable-pip-version-check", "--target", str(LOADGEN_SITE),
                        *LOADGEN_PACKAGES], check=True)
    return {**env, "PYTHONPATH": os.pathsep.join(filter(None, [str(LOADGEN_SITE),
                                                               env.get("PYTHONPATH")]))}


def loadgen(module, *arguments, env):
    """Run `python -m bench.<module> generate ...` on the load core; its stdout."""
    command = ["taskset", "-c", LOAD_CPU, sys.executable, "-m", f"bench.{module}", "generate",
               *map(str, arguments)]
    return subprocess.run(command, cwd=ROOT, env=loadgen_env(env), check=True,
                          capture_output=True, text=True).stdout


def wait_until_up(url, process, log):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"server did not start:\n{Path(log.name).read_text()}")


@contextmanager
def gunicorn(app_path, env, log_path, worker="gevent", pin=True):
    """One gunicorn worker pinned to the server core, with production's settings
    (deploy/gunicorn.conf.py) but for `worker`; yields its base URL."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "--config", str(GUNICORN_CONFIG),
               "--worker-class", worker, "--bind", f"127.0.0.1:{port}",
               "--threads", str(THREADS), app_path]
    if pin:
        command = ["taskset", "-c", SERVER_CPU, *command]
    with open(log_path, "w") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(base + "/", process, log)
            yield base, process
        finally:
            workers = children(process)
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
            # A worker buried under its backlog does not hear its master go, and would
            # go on using the server core under the next measurement.
            for pid in workers:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass


def children(master):
    try:
        return [int(pid) for pid in
                Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()]
    except FileNotFoundError:
        return []


def worker_pid(master):
    """The one worker of a gunicorn master process."""
    return children(master)[0]


def cpu_seconds(pid):
    """User + system CPU time of a process so far. Beside the wall time over HTTP it shows
    what the server itself spent when other programs share its core."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def stored_reports(instance):
    """Problem box reports in the instance's database, read beside the running server."""
    with sqlite3.connect(Path(instance) / "cyberbk.sqlite") as connection:
        return connection.execute("SELECT COUNT(*) FROM problem_reports").fetchone()[0]


def csrf_token(page):
    return CSRF_TOKEN.search(page).group(1)


class Browser:
    """Cookies kept from page to page, as a phone keeps them."""

    def __init__(self, base):
        import http.cookiejar

        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def open(self, path, data=None):
        with self.opener.open(self.base + path, data) as response:
            return response.read().decode()

    def cookie(self):
        """The Cookie header this browser sends, for wrk's requests."""
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)


def visitor_cookie(base, path):
    """The cookies a first visit to `path` leaves: a returning visitor sends them back."""
    browser = Browser(base)
    browser.open(path)
    return browser.cookie()


def login_cookie(base, username="siswa.7a.03"):
    """The cookies of a browser in which `username` signed in on the login page."""
    import urllib.parse

    browser = Browser(base)
    token = csrf_token(browser.open("/login"))
    browser.open("/login", urllib.parse.urlencode({"username": username, "password": "cyberbk-demo",
                                                   "csrf_token": token}).encode())
    return browser.cookie()
