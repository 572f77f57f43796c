"""Start the app (and the bare reference) the way production serves them."""

import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: The worker model production runs (README, Makefile); the other is measured beside it.
CHOSEN_WORKER = "gevent"
SERVER_CPU = "0"
# For the threaded worker: as many threads as wrk has connections, so none waits for a thread.
THREADS = 16
LOAD_CPU = "1"


def free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare_instance(instance):
    env = {**os.environ, "CYBERBK_INSTANCE_PATH": str(instance)}
    for name in ("DATABASE_URL", "SOCKETIO_MESSAGE_QUEUE"):
        env.pop(name, None)
    for args in (["db", "upgrade"], ["seed-demo"]):
        subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env,
                       check=True, capture_output=True)
    return env


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
    """One gunicorn worker pinned to the server core; yields its base URL."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "--worker-class", worker, "--workers", "1",
               "--bind", f"127.0.0.1:{port}", "--worker-connections", "2000",
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
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def healthy(base):
    with urllib.request.urlopen(base + "/healthz", timeout=5) as response:
        return json.load(response)["status"] == "ok"


def login_cookie(base, username="siswa.7a.03"):
    """A session cookie of a logged-in student, for wrk's requests."""
    import http.cookiejar
    import urllib.parse
    import urllib.request

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/login").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"username": username, "password": "cyberbk-demo",
                                   "csrf_token": token}).encode()
    opener.open(base + "/login", data)
    return "; ".join(f"{c.name}={c.value}" for c in jar)
