"""Installed versions carry the known fixes (read from the environment, not requirements.txt),
and a worker starts without the heavy libraries only some requests need."""

import json
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
from packaging.version import Version

MINIMUM = {
    # 5.14: the message queue speaks JSON (no pickle from Redis); 5.16.2: the DoS through
    # binary attachments is fixed.
    "python-socketio": "5.16.2",
    # 4.13.2: a crafted packet can no longer make the server allocate without bound.
    "python-engineio": "4.13.2",
}


@pytest.mark.parametrize("package", MINIMUM)
def test_installed_version_has_the_known_fixes(package):
    assert Version(version(package)) >= Version(MINIMUM[package])


#: What a serving worker must not load at start: each costs several MB of every worker's
#: memory (the chat worker's budget in `make bench`) for work that few requests do.
NOT_AT_START = (
    "aiohttp",  # python-engineio imports it whenever it is installed (pywebpush 2 needed it)
    "cryptography.hazmat.bindings._rust",  # backups, VAPID keys and Jitsi tokens only
    "jwt",
    "xlsxwriter",
    "openpyxl",
    "icalendar",
    "markdown",  # counselors' materials
    "nh3",
    "networkx",  # the sociogram
    "PIL",  # the posters only (outreach/artwork.py)
    "zxingcpp",  # the tests only
)


def test_a_worker_starts_without_the_libraries_only_some_requests_need(tmp_path):
    root = Path(__file__).resolve().parent.parent
    script = ("import json, sys; from wsgi import app; "
              f"print(json.dumps([m for m in {list(NOT_AT_START)!r} if m in sys.modules]))")
    result = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True,
                            text=True, check=True,
                            env={"PATH": "/usr/bin:/bin",
                                 "CYBERBK_INSTANCE_PATH": str(tmp_path / "instance")})
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []
