"""Friendly error pages in Indonesian; HTMX requests get the message alone."""

import logging
import re

from flask import Blueprint
from flask import render_template
from flask import request
from flask_babel import lazy_gettext as _l
from flask_limiter import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import InternalServerError

from .. import sessions
from ..common import files
from ..common import numbers
from ..common import text
from ..common.fragments import wants_fragment
from ..extensions import db

bp = Blueprint("errors", __name__)
log = logging.getLogger("cyberbk.errors")

#: Seconds a client is asked to wait when the database is busy, locked or full.
RETRY_AFTER_SECONDS = 5
# Pages every role sees speak to nobody in particular: students are "kamu", staff "Anda".
DATABASE_BUSY = _l("Server sedang sibuk, jadi kiriman ini belum tersimpan. Tunggu beberapa "
                   "detik, lalu kirim lagi.")

MESSAGES = {
    400: (_l("Permintaan tidak bisa diproses"),
          _l("Ada yang tidak beres dengan isian yang dikirim. Kembali, lalu coba lagi.")),
    401: (_l("Silakan masuk dulu"), _l("Halaman ini hanya untuk pengguna yang sudah masuk.")),
    403: (_l("Bukan untuk akun ini"),
          _l("Halaman ini tidak bisa dibuka dengan akun ini. Kalau ini keliru, hubungi "
             "Guru BK atau operator sekolah.")),
    404: (_l("Halaman tidak ditemukan"),
          _l("Mungkin tautannya salah ketik atau halamannya sudah dipindah.")),
    405: (_l("Cara membuka halaman ini keliru"), _l("Kembali ke halaman sebelumnya, lalu coba lagi.")),
    413: (_l("Berkas terlalu besar"), _l("Pilih berkas yang lebih kecil, lalu kirim lagi.")),
    429: (_l("Terlalu sering"),
          _l("Terlalu sering mencoba. Tunggu beberapa menit, lalu coba lagi.")),
    500: (_l("Maaf, ada gangguan"),
          _l("Terjadi kesalahan di server. Coba lagi sebentar lagi. Kalau masih terjadi, "
             "beri tahu operator sekolah.")),
    503: (_l("Server sedang sibuk"), _l("Coba lagi dalam beberapa detik.")),
}


#: Fields never written back into a page: secrets, and the expired token itself.
NOT_RESENT = re.compile(r"password|sandi|csrf_token", re.IGNORECASE)


def render_error(code, detail=None, resend=None):
    title, message = MESSAGES.get(code, MESSAGES[500])
    if detail:
        message = detail
    template = "errors/_message.html" if wants_fragment() else "errors/error.html"
    return render_template(template, code=code, title=title, message=message,
                           resend=resend), code


@bp.app_errorhandler(CSRFError)
def csrf_error(error):
    """A form older than its token's hour (or from before a sign-out) is refused, but what
    was typed into it comes back in a form with a fresh token: one tap sends it again."""
    fields = [(name, value) for name, value in request.form.items(multi=True)
              if not NOT_RESENT.search(name)]
    if request.method != "POST" or not fields:
        return render_error(400, _l("Formulir ini sudah kedaluwarsa. Muat ulang halaman, "
                                    "lalu kirim lagi."))
    return render_error(400, _l("Formulir ini sudah kedaluwarsa, tetapi isiannya masih ada. "
                                "Tekan “Kirim lagi” untuk mengirimnya."),
                        resend={"action": request.full_path.rstrip("?"), "fields": fields})


@bp.app_errorhandler(HTTPException)
def http_error(error):
    if error.code and error.code < 400:
        return error
    return render_error(error.code or 500)


@bp.app_errorhandler(text.NulCharacter)
def nul_character(error):
    return render_error(400, text.NUL_REFUSED)


@bp.app_errorhandler(OverflowError)
def number_overflow(error):
    """A number too large for the database (or for a date) that got past the checks where
    it was read: still the sender's mistake, so a 400, and a warning naming the view whose
    check is missing (the number itself is not logged)."""
    db.session.rollback()
    log.warning("number out of range reached %s", request.endpoint, exc_info=error)
    return render_error(400, numbers.TOO_LARGE)


@bp.app_errorhandler(RateLimitExceeded)
def rate_limited(error):
    """The limited view's own page (its on_breach), which keeps what was typed."""
    if error.response is not None:
        return error.response
    return http_error(error)


@bp.app_errorhandler(InternalServerError)
def internal_error(error):
    db.session.rollback()
    return render_error(500)


@bp.app_errorhandler(OperationalError)
def database_unavailable(error):
    """Locked, busy or out of disk: the transaction is rolled back whole, so nothing was
    half-written, and asking again shortly is the honest answer (503, not a 500)."""
    # The driver's message only: the full error carries the statement's parameters,
    # which may be a student's report.
    log.warning("database unavailable on %s: %s", request.endpoint, error.orig)
    return busy()


@bp.app_errorhandler(PoolTimeout)
def no_connection_free(error):
    """Every connection of the pool stayed taken for pool_timeout: the server is past what
    it can serve (seen at ten times a school's peak). Busy, as above, never a 500."""
    log.warning("no database connection free on %s", request.endpoint)
    return busy()


@bp.app_errorhandler(files.StorageFull)
def storage_full(error):
    """An upload on a full disk: the file was not kept (files.save), nor is its row."""
    log.warning("disk full on %s: %s", request.endpoint, error.__cause__)
    return busy()


def busy():
    db.session.rollback()
    sessions.leave_unsaved()
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    try:
        body, code = render_error(503, DATABASE_BUSY)
    except OperationalError:
        # The page itself needs the database (school name, settings): plain text then.
        db.session.rollback()
        body, code = str(DATABASE_BUSY), 503
        headers["Content-Type"] = "text/plain; charset=utf-8"
    return body, code, headers
