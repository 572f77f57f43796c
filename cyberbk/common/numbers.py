"""Whole numbers from addresses, query strings and forms, kept to what the database holds.

SQLite and PostgreSQL store 64-bit signed integers. A larger number sent on to the
driver raised OverflowError (SQLite) or a DataError (PostgreSQL): a 500 for what is only
a mistyped or tampered address. Here it is refused before any query: an id in the address
past the range names no row (404, as for any id that names none); a number in a query
or a form gets a 400 that says why.
"""

from flask_babel import lazy_gettext as _l
from werkzeug.routing import IntegerConverter
from werkzeug.routing import ValidationError

#: The largest number an integer column holds.
LARGEST = 2**63 - 1
SMALLEST = -(2**63)
#: Past any list the app shows; keeps a page's row offset (page × rows a page) in range too.
LAST_PAGE = 10**9
TOO_LARGE = _l("Nomor di alamat atau isian ini terlalu besar. Periksa lagi, lalu coba lagi.")
FIELD_TOO_LARGE = _l("Angkanya terlalu besar.")


def init_app(app):
    # Every <int:...> in every blueprint: registered before the blueprints add their rules,
    # which look their converters up when they are added.
    app.url_map.converters["int"] = DatabaseIntConverter


class DatabaseIntConverter(IntegerConverter):
    """`<int:id>` that does not match a number no row can have, rather than passing it to
    the database: the address is then not found."""

    def to_python(self, value):
        number = super().to_python(value)
        if number > LARGEST:
            raise ValidationError()
        return number


def in_range(number):
    return SMALLEST <= number <= LARGEST


def database_int(value):
    """int(value), refused (ValueError) beyond the database's range: a `type=` for
    request.args.get, which then falls back to its default."""
    number = int(value)
    if not in_range(number):
        raise ValueError(str(TOO_LARGE))
    return number


def is_id(text):
    """Whether `text` names a row: ASCII digits ("²".isdigit() is true, int() refuses it)
    and in the database's range."""
    text = str(text or "")
    return text.isascii() and text.isdigit() and int(text) <= LARGEST

