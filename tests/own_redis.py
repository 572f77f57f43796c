"""A redis-server of a test's own, to kill and start again (never the machine's shared
one, which other tests and services use)."""

import shutil
import signal
import subprocess
import time

import pytest

from tests.e2e.conftest import free_port

REDIS_SERVER = shutil.which("redis-server")


class OwnRedis:
    """A redis-server of this test on a free port, nothing saved to disk; killed with
    SIGKILL and started again on the same port, as an outage would."""

    def __init__(self, folder):
        self.folder = folder
        self.port = free_port()
        self.process = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        import redis

        log = open(self.folder / f"redis-{self.port}.log", "a")
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.folder)],
            stdout=log, stderr=subprocess.STDOUT)
        log.close()
        client = redis.Redis(port=self.port, socket_connect_timeout=1)
        wait_for(lambda: self._answers(client), "redis-server did not start")

    @staticmethod
    def _answers(client):
        import redis

        try:
            return client.ping()
        except redis.RedisError:
            return False

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)


@pytest.fixture
def own_redis(tmp_path):
    """A started OwnRedis, killed at the end; a skip without redis-server."""
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    folder = tmp_path / "redis"
    folder.mkdir()
    server = OwnRedis(folder)
    server.start()
    yield server
    if server.process.poll() is None:
        server.kill()


def wait_for(condition, failure, timeout=30):
    """Poll `condition` until it holds; a generous bound, never a measure of speed."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, failure
        time.sleep(0.1)
