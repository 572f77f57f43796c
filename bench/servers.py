"""Start the app (and the bare reference) the way production serves them."""

import json
import os
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVER_CPU = "0"
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
               "--bind", f"127.0.0.1:{port}", "--worker-connections", "2000", app_path]
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
