"""Assessments (angket / asesmen): questionnaires, built-in BK instruments and their results."""

from flask import Blueprint

bp = Blueprint("assessments", __name__)

from . import laiseg  # noqa: E402,F401
from . import routes  # noqa: E402,F401
