from datetime import datetime

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField
from wtforms import RadioField
from wtforms import SelectField
from wtforms import SelectMultipleField
from wtforms import StringField
from wtforms import SubmitField
from wtforms import TextAreaField
from wtforms import ValidationError
from wtforms import widgets
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import Optional
from wtforms.validators import Regexp

from ..common.forms import DateTimeLocalField
from ..common.forms import Form
from .models import AudienceScope
from .models import ItemType
from .services import ITEM_TYPE_LABELS
from .services import SLUG
from .services import option_errors
from .services import slug_taken

NOT_IN_LIST = _l("Pilihan ini tidak ada di daftar.")
REQUIRED = _l("Bagian ini wajib diisi.")


class ChoiceMixin:
    """Choice fields that answer a value not on offer in Indonesian."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("invalid_choice_message", NOT_IN_LIST)
        kwargs.setdefault("invalid_value_message", NOT_IN_LIST)
        super().__init__(*args, **kwargs)


class Select(ChoiceMixin, SelectField):
    pass


class Radio(ChoiceMixin, RadioField):
    pass


class Checkboxes(ChoiceMixin, SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class LocalDateTimeField(DateTimeLocalField):
    """A date and time at school (the browser's date-time picker), read as naive local time."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, [InputRequired(REQUIRED), *(validators or [])],
                         format=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
                         invalid_value_message=_l("Tanggal dan jam tidak dikenali. "
                                                  "Contoh: 2025-08-01 07:00."), **kwargs)


class InstrumentForm(Form):
    title = StringField(_l("Judul angket"), validators=[DataRequired(REQUIRED), Length(max=160)])
    description = TextAreaField(_l("Pengantar untuk siswa"), validators=[Optional(),
                                                                         Length(max=2000)])
    submit = SubmitField(_l("Simpan"))


class SectionForm(Form):
    title = StringField(_l("Judul bagian"), validators=[DataRequired(REQUIRED), Length(max=160)])
    code = StringField(_l("Kode bidang (boleh kosong)"),
                       description=_l("Misalnya PDP atau BEL. Bagian dengan kode yang sama "
                                      "dijumlahkan sebagai satu bidang di hasil."),
                       validators=[Optional(), Regexp(r"^[A-Za-z0-9]{1,8}$", message=_l(
                           "Kode berisi 1–8 huruf atau angka, tanpa spasi."))])
    intro = TextAreaField(_l("Petunjuk untuk siswa (boleh kosong)"),
                          validators=[Optional(), Length(max=1000)])
    submit = SubmitField(_l("Simpan bagian"))


class ItemForm(Form):
    type = Select(_l("Jenis pertanyaan"),
                  choices=[(t.value, label) for t, label in ITEM_TYPE_LABELS.items()])
    text = TextAreaField(_l("Pertanyaan atau pernyataan"),
                         validators=[DataRequired(REQUIRED), Length(max=1000)])
    hint = StringField(_l("Keterangan kecil (boleh kosong)"),
                       validators=[Optional(), Length(max=240)])
    options = TextAreaField(
        _l("Pilihan jawaban, satu per baris"),
        description=_l("Untuk pilih satu dan daftar centang. Untuk skala boleh kosong "
                       "(dipakai label baku) atau tepat 4/5 baris."),
        validators=[Optional(), Length(max=6000)])
    required = BooleanField(_l("Wajib dijawab"))
    submit = SubmitField(_l("Tambah pertanyaan"))

    @property
    def option_list(self):
        return [line.strip() for line in (self.options.data or "").splitlines() if line.strip()]

    def validate_options(self, field):
        if self.type.data not in {t.value for t in ItemType}:
            return
        error = option_errors(ItemType(self.type.data), self.option_list)
        if error:
            raise ValidationError(error)


class AdministrationForm(Form):
    instrument = Select(_l("Angket"), coerce=int)
    title = StringField(_l("Nama pemberian angket"),
                        description=_l("Contoh: Pemahaman layanan BK – awal semester."),
                        validators=[DataRequired(REQUIRED), Length(max=160)])
    slug = StringField(_l("Alamat tautan (boleh kosong)"),
                       description=_l("Huruf kecil, angka dan tanda minus. Kosongkan supaya "
                                      "dibuat otomatis dari nama."),
                       validators=[Optional(), Regexp(SLUG.pattern, message=_l(
                           "Pakai 3–40 huruf kecil, angka atau tanda minus."))])
    scope = Radio(_l("Untuk siapa"), default=AudienceScope.CLASSES.value, choices=[
        (AudienceScope.SCHOOL.value, _l("Semua siswa")),
        (AudienceScope.GRADES.value, _l("Tingkat tertentu")),
        (AudienceScope.CLASSES.value, _l("Kelas tertentu"))])
    grades = Checkboxes(_l("Tingkat"), coerce=int)
    classes = Checkboxes(_l("Kelas"), coerce=int)
    opens_at = LocalDateTimeField(_l("Dibuka mulai"))
    closes_at = LocalDateTimeField(_l("Ditutup pada"))
    anonymous = BooleanField(_l("Tanpa nama (anonim): jawaban tidak terhubung ke akun siswa"))
    submit = SubmitField(_l("Bagikan angket"))

    def validate_slug(self, field):
        if field.data and slug_taken(field.data):
            raise ValidationError(_l("Alamat ini sudah dipakai. Pilih yang lain."))

    def validate_grades(self, field):
        if self.scope.data == AudienceScope.GRADES.value and not field.data:
            raise ValidationError(_l("Pilih paling sedikit satu tingkat."))

    def validate_classes(self, field):
        if self.scope.data == AudienceScope.CLASSES.value and not field.data:
            raise ValidationError(_l("Pilih paling sedikit satu kelas."))

    def validate_closes_at(self, field):
        validate_dates(self.opens_at.data, field.data)


class DatesForm(Form):
    opens_at = LocalDateTimeField(_l("Dibuka mulai"))
    closes_at = LocalDateTimeField(_l("Ditutup pada"))
    submit = SubmitField(_l("Simpan tanggal"))

    def validate_closes_at(self, field):
        validate_dates(self.opens_at.data, field.data)


def validate_dates(opens_at: datetime | None, closes_at: datetime | None):
    if opens_at and closes_at and closes_at <= opens_at:
        raise ValidationError(_l("Waktu tutup harus sesudah waktu buka."))


class VisitorStartForm(Form):
    """An anonymous questionnaire answered without logging in: class and gender for results."""

    school_class = Select(_l("Kelasmu"), coerce=int)
    gender = Radio(_l("Jenis kelamin (boleh tidak diisi)"), validators=[Optional()],
                   choices=[("L", _l("Laki-laki")), ("P", _l("Perempuan"))])
    submit = SubmitField(_l("Mulai mengisi"))


class ResultsFilterForm(Form):
    class Meta:
        csrf = False

    kelas = Select(_l("Kelas"), validators=[Optional()], coerce=str)
    jk = Select(_l("Jenis kelamin"), validators=[Optional()], choices=[
        ("", _l("Semua")), ("L", _l("Laki-laki")), ("P", _l("Perempuan"))])
    submit = SubmitField(_l("Tampilkan"))


class CompareForm(Form):
    class Meta:
        csrf = False

    sebelum = Select(_l("Sebelum (misalnya awal semester)"), coerce=str)
    sesudah = Select(_l("Sesudah (misalnya akhir semester)"), coerce=str)
    kelas = Select(_l("Kelas"), validators=[Optional()], coerce=str)
    submit = SubmitField(_l("Bandingkan"))
