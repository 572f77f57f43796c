"""The booking blueprint's pages, one module a sub-domain; importing them registers their
routes on `bp`."""

from . import agenda  # noqa: F401
from . import availability  # noqa: F401
from . import cases  # noqa: F401
from . import feed  # noqa: F401
from . import invitations  # noqa: F401
from . import parents  # noqa: F401
from . import referrals  # noqa: F401
from . import shared  # noqa: F401
from . import student  # noqa: F401
