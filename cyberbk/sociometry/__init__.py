"""Sociometry (sosiometri): a counselor asks a class whom they would work with, students
answer on their phones, and the counselor reads the sociogram (issue 21 §2)."""

from flask import Blueprint

bp = Blueprint("sociometry", __name__)

from . import routes  # noqa: E402,F401
from . import services  # noqa: E402,F401  (its signal receivers)
