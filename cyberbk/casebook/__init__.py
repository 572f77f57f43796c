"""Case records beside a counseling case (issue 21 §1): buku kasus, catatan anekdot,
konferensi kasus, kunjungan rumah with its berita acara, and alih tangan kasus with its
letter. Who may open each is decided in models.py."""

from flask import Blueprint

bp = Blueprint("casebook", __name__)

from . import routes  # noqa: E402,F401
