"""Forms shared by every feature."""

from flask_babel import Domain
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms import StringField
from wtforms import SubmitField
from wtforms import fields
from wtforms.validators import Length
from wtforms.validators import Optional
from wtforms.validators import Regexp

from . import numbers

#: The years a date typed into the app may fall in: school years, sessions, holidays.
#: Past them a date is a typo or a probe; at 9999-12-31 "the day after" overflowed (a 500).
FIRST_YEAR = 2000
LAST_YEAR = 2099


#: WTForms' own messages ("Not a valid integer value.") in the reader's language, from
#: translations/<lang>/LC_MESSAGES/wtforms.po: WTForms ships no Indonesian. Flask-Babel's
#: Domain keeps each language's catalog once loaded; Flask-WTF's own i18n reads the .mo file
#: from disk again on every request that builds a form (a millisecond or two of each page).
WTFORMS_MESSAGES = Domain(domain="wtforms")


class Form(FlaskForm):
    """Every form of the app: Flask-WTF's, with WTForms' messages from WTFORMS_MESSAGES
    (WTForms' documented Meta.get_translations)."""

    class Meta:
        def get_translations(self, form):
            return WTFORMS_MESSAGES.get_translations()


class EmptyForm(Form):
    """A POST button (state change) with CSRF protection and no fields."""

    submit = SubmitField()


class DatabaseIntegerField(IntegerField):
    """An IntegerField that refuses, as not a number, one no integer column holds: WTForms
    takes any size, and NumberRange then overflowed comparing it as a float (a 500)."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and not numbers.in_range(self.data):
            self.data = None
            raise ValueError(numbers.FIELD_TOO_LARGE)


class EmailField(StringField):
    """An optional email address, trimmed and lower-case: one @, something on each side, a
    dot in the domain (what a school's mail server takes; it is never used to sign in)."""

    def __init__(self, label, **kwargs):
        super().__init__(label, validators=[
            Optional(), Length(max=254),
            Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l(
                "Tulis alamat email yang lengkap, misalnya nama@sekolah.sch.id."))],
            filters=[lambda value: value.strip().lower() if value else value], **kwargs)


class InWindow:
    """A date (or date and time) field that refuses, as not a date, one outside the years
    FIRST_YEAR to LAST_YEAR."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and not FIRST_YEAR <= self.data.year <= LAST_YEAR:
            self.data = None
            raise ValueError(_("Tanggal di luar rentang: pilih tanggal antara tahun %(first)d "
                               "dan %(last)d.", first=FIRST_YEAR, last=LAST_YEAR))


class DateField(InWindow, fields.DateField):
    pass


class DateTimeLocalField(InWindow, fields.DateTimeLocalField):
    pass
