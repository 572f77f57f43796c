"""Forms shared by every feature."""

from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms import SubmitField

from . import numbers


class EmptyForm(FlaskForm):
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
