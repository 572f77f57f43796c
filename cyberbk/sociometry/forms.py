from flask_babel import lazy_gettext as _l
from wtforms import BooleanField
from wtforms import SelectField
from wtforms import SelectMultipleField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms import widgets
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import ValidationError

from ..common.forms import Form
from .models import MAX_CHOICES

REQUIRED = _l("Bagian ini wajib diisi.")
NOT_IN_LIST = _l("Pilihan ini tidak ada di daftar.")


class SociometryForm(Form):
    kelas = SelectField(_l("Kelas"), validators=[InputRequired(REQUIRED)],
                        validate_choice=False)
    question = StringField(_l("Pertanyaan"), validators=[InputRequired(REQUIRED),
                                                         Length(max=200)])
    choice_count = SelectField(_l("Jumlah teman yang dipilih"), default="3", validate_choice=False,
                               choices=[SelectChoice(str(n), str(n))
                                        for n in range(1, MAX_CHOICES + 1)])
    ask_negative = BooleanField(_l("Tambahkan pertanyaan penolakan"))
    negative_question = StringField(_l("Pertanyaan penolakan"), validators=[Length(max=200)])

    def pre_validate_choice(self, field):
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(NOT_IN_LIST)

    def validate_kelas(self, field):
        self.pre_validate_choice(field)

    def validate_choice_count(self, field):
        self.pre_validate_choice(field)

    def validate_negative_question(self, field):
        if self.ask_negative.data and not (field.data or "").strip():
            raise ValidationError(_l("Tulis pertanyaan penolakannya, atau matikan pilihan "
                                     "pertanyaan penolakan."))


class Checkboxes(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()

    def pre_validate(self, form):
        # Whether each is a classmate is the service's rule (answer_errors), with its own
        # message; a value that is not a number is refused there as well.
        pass

    def process_formdata(self, valuelist):
        self.data = [int(v) if v.isdigit() and len(v) < 12 else -1 for v in valuelist]


class AnswerForm(Form):
    chosen = Checkboxes(coerce=int)
    rejected = Checkboxes(coerce=int)


class SummaryForm(Form):
    summary = TextAreaField(_l("Ringkasan untuk wali kelas"), validators=[Length(max=4000)])
    share = BooleanField(_l("Bagikan ringkasan ini ke wali kelas"))
