"""Text the databases can store, refused with a message before any view reads it.

PostgreSQL refuses a NUL character in any text value (SQLite stores it), and the driver's
error was a 500 wherever one reached a query: a story, a username, a slug in the address.
No keyboard types a NUL, so a request carrying one anywhere (path, query, form field or
file name) is refused as a whole, on SQLite and PostgreSQL alike.
"""

from flask import request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import BadRequest

NUL = "\x00"
NUL_REFUSED = _l("Isian ini berisi karakter yang tidak bisa disimpan. Hapus karakter itu "
                 "(biasanya dari teks yang ditempel), lalu kirim lagi.")


class NulCharacter(BadRequest):
    """A NUL in the request (the errors blueprint answers with NUL_REFUSED)."""


def init_app(app):
    app.before_request(refuse_nul)


def refuse_nul():
    texts = [request.path]
    for values in (request.args, request.form, request.files):
        for name, value in values.items(multi=True):
            texts += [name, value if isinstance(value, str) else value.filename or ""]
    if any(NUL in text for text in texts):
        raise NulCharacter()
