"""The assessments blueprint's pages, one module a sub-domain; importing them registers their
routes on `bp`."""

from . import administering  # noqa: F401
from . import authoring  # noqa: F401
from . import reporting  # noqa: F401
from . import shared  # noqa: F401
from . import taking  # noqa: F401
