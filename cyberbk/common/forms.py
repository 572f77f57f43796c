"""Forms shared by every feature."""

import secrets

from flask import current_app
from flask_babel import Domain
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms import IntegerField
from wtforms import StringField
from wtforms import SubmitField
from wtforms import TextAreaField
from wtforms import ValidationError
from wtforms import fields
from wtforms.validators import DataRequired
from wtforms.validators import Length
from wtforms.validators import Optional
from wtforms.validators import Regexp
from wtforms.validators import StopValidation

from . import numbers
from . import signals
from .schooltime import local_today
from .schooltime import school_year_of

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


#: The honeypot's field name on a form anyone may post unsigned (a story, a violence
#: report): plausible to a bot, never offered to people (the template hides it), answered
#: as a rate limit would be (ratelimit.honeypot_minutes).
HONEYPOT = "website"
TOO_LONG = _l("Terlalu panjang. Paling banyak %(max)d karakter.")


def strip(value):
    """A filter: text without the spaces around it."""
    return value.strip() if isinstance(value, str) else value


def chosen(message):
    """Required for a choice coerced to an enum member or None: an unknown value fails with
    `message`, not WTForms' own."""

    def check(form, field):
        if field.data is None:
            raise StopValidation(message)

    return check


def text_area(label, max_length, required=None, rows=4, too_long=TOO_LONG, **kwargs):
    """A trimmed text of at most `max_length` characters (the browser stops there too);
    `required`: the message when it is left empty, None when it may be."""
    return TextAreaField(
        label, validators=[DataRequired(required) if required else Optional(),
                           Length(max=max_length, message=too_long)],
        filters=[strip], render_kw={"rows": rows, "maxlength": max_length}, **kwargs)


class StudentReportForm(Form):
    """What a student may send without signing in (a problem-box story, a violence report
    to the TPPK). It carries their name only when a signed-in student ticks the subclass's
    `include_name`, offered to nobody else (`offered`); `submission` names this one
    filling-in, so that the same report sent twice (a reload, a double tap) is stored
    once."""

    submission = HiddenField(default=lambda: secrets.token_urlsafe(16),
                             validators=[Length(max=64)])

    @classmethod
    def offered(cls, may_give_name):
        form = cls()
        if not may_give_name:
            del form.include_name
        return form


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


class ProgrammeRowField(fields.SelectField):
    """The Program Tahunan row a service delivers, optional: one of the rows of the school
    year the service is held in, as the programme lists them (signals.programme_rows). The
    form names the day with `for_day` once it knows it; a row of another year is refused."""

    def __init__(self, label=None, **kwargs):
        super().__init__(label or _l("Baris program yang dilaksanakan"),
                         coerce=lambda value: int(value) if numbers.is_id(value) else None,
                         description=_l("Boleh dikosongkan. Layanan ini terhitung sebagai "
                                        "pelaksanaan baris yang dipilih."), **kwargs)
        self.choices = [fields.choices.SelectChoice("", "–")]

    def for_day(self, day):
        rows = signals.answer(signals.programme_rows, current_app._get_current_object(),
                              year=school_year_of(day or local_today()))
        self.choices = [fields.choices.SelectChoice(value, label) for value, label
                        in [("", "–"), *((str(row_id), label) for row_id, label in rows)]]

    def pre_validate(self, form):
        if self.data is not None and str(self.data) not in {choice.value
                                                              for choice in self.choices}:
            raise ValidationError(_l("Baris ini bukan baris program tahun pelajaran saat "
                                     "layanan dilaksanakan."))
