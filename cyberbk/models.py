"""Imports every feature's models, so that the metadata holds every table."""

from .accounts.models import SchoolClass  # noqa: F401
from .accounts.models import StudentProfile  # noqa: F401
from .accounts.models import User  # noqa: F401
from .audit.models import AuditEntry  # noqa: F401
from .school.models import CrisisContact  # noqa: F401
from .school.models import SchoolSettings  # noqa: F401
