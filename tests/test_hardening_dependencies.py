"""Installed versions carry the known fixes (read from the environment, not requirements.txt)."""

from importlib.metadata import version

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
