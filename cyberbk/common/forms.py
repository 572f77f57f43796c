"""Forms shared by every feature."""

from flask_wtf import FlaskForm
from wtforms import SubmitField


class EmptyForm(FlaskForm):
    """A POST button (state change) with CSRF protection and no fields."""

    submit = SubmitField()
