"""The BK programme: the Program Tahunan drafted from the classes' needs profiles and its
Program Semester by month (/bk/program), the log of services held (/bk/kegiatan), and the
monthly hours sheet (/bk/jam)."""

from flask import Blueprint

bp = Blueprint("programme", __name__)

from . import routes  # noqa: E402,F401
