from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms import StringField
from wtforms import SubmitField
from wtforms import ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import NumberRange
from wtforms.validators import Optional

from ..common.forms import DatabaseIntegerField
from ..common.forms import DateField
from ..common.forms import Form
from ..common.numbers import is_id
from ..common.schooltime import school_year_of
from ..common.vocabulary import FIELD_LABELS
from ..common.vocabulary import ServiceField
from ..outreach.models import ServiceComponent
from .drafting import DEFAULT_THRESHOLD
from .hours import KIND_LABELS
from .models import ActivityKind
from .models import Semester
from .services import COMPONENT_LABELS
from .services import SEMESTER_LABELS
from .services import SEMESTER_MONTHS

REQUIRED = _l("Bagian ini wajib diisi.")
NOT_IN_LIST = _l("Pilihan ini tidak ada di daftar.")
TOO_LONG = _l("Terlalu panjang: paling banyak %(max)d karakter.")
MONTH_NAMES = (_l("Januari"), _l("Februari"), _l("Maret"), _l("April"), _l("Mei"), _l("Juni"),
               _l("Juli"), _l("Agustus"), _l("September"), _l("Oktober"), _l("November"),
               _l("Desember"))
#: Kinds a counselor logs here; individual sessions are counted from their session records.
LOGGED_KINDS = tuple(kind for kind in ActivityKind if kind != ActivityKind.INDIVIDUAL)


def strip(value):
    return value.strip() if isinstance(value, str) else value


def text(label, limit, required=False, description=None):
    return StringField(label, description=description, filters=[strip], validators=[
        DataRequired(REQUIRED) if required else Optional(), Length(max=limit, message=TOO_LONG)])


def optional_int(value):
    return int(value) if is_id(value) else None


def enum_or_none(cls):
    def coerce(value):
        if isinstance(value, cls) or value in (None, ""):
            return value or None
        return cls(value) if value in {m.value for m in cls} else value

    return coerce


class Select(SelectField):
    """A choice whose unknown value is refused in Indonesian."""

    def pre_validate(self, form):
        if self.data not in {self.coerce(choice.value) for choice in self.choices}:
            raise ValidationError(NOT_IN_LIST)


def options(pairs):
    return [SelectChoice(value, label) for value, label in pairs]


class DraftForm(Form):
    threshold = DatabaseIntegerField(
        _l("Ambang kebutuhan (%)"), default=DEFAULT_THRESHOLD,
        description=_l("Kebutuhan yang dicentang paling sedikit sekian persen siswa sebuah "
                       "kelas diusulkan menjadi layanan."),
        validators=[InputRequired(REQUIRED), NumberRange(10, 100, _l(
            "Tulis angka antara %(min)s dan %(max)s."))])
    submit = SubmitField(_l("Susun usulan dari profil kelas"))


class RowForm(Form):
    component = Select(_l("Komponen layanan"), coerce=enum_or_none(ServiceComponent),
        choices=options((c.value, label) for c, label in COMPONENT_LABELS.items()))
    field = Select(_l("Bidang layanan"), coerce=enum_or_none(ServiceField),
                   choices=options([("", "–")] + [(f.value, label)
                                                  for f, label in FIELD_LABELS.items()]))
    topic = text(_l("Layanan / topik"), 160, required=True)
    need = text(_l("Kebutuhan yang dijawab"), 300)
    target_group = text(_l("Sasaran"), 160)
    method = text(_l("Metode"), 160, description=_l("Contoh: bimbingan klasikal, konseling "
                                                      "kelompok"))
    class_id = Select(_l("Kelas"), coerce=optional_int)
    semester = Select(_l("Semester"), coerce=enum_or_none(Semester),
                      choices=options((s.value, label) for s, label in SEMESTER_LABELS.items()))
    month = Select(_l("Bulan"), coerce=optional_int,
                   choices=options([("", _l("Sepanjang semester"))]
                                   + [(str(n), MONTH_NAMES[n - 1])
                                      for n in (*SEMESTER_MONTHS[Semester.ODD],
                                                *SEMESTER_MONTHS[Semester.EVEN])]))
    jp = DatabaseIntegerField(_l("Jumlah JP"), default=2,
                              description=_l("1 JP = 40 menit. Layanan di luar kelas dihitung "
                                             "2 JP ekuivalen."),
                              validators=[InputRequired(REQUIRED), NumberRange(0, 1000, _l(
                                  "Tulis angka antara %(min)s dan %(max)s."))])
    submit = SubmitField(_l("Simpan baris"))

    def __init__(self, *args, classes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.class_id.choices = options([("", "–")] + [(str(c.id), c.name) for c in classes])

    def validate_month(self, field):
        if field.data and self.semester.data in SEMESTER_MONTHS \
                and field.data not in SEMESTER_MONTHS[self.semester.data]:
            raise ValidationError(_l("Bulan ini tidak termasuk semester yang dipilih."))


class ActivityForm(Form):
    kind = Select(_l("Jenis kegiatan"), coerce=enum_or_none(ActivityKind),
                  choices=options((k.value, KIND_LABELS[k]) for k in LOGGED_KINDS),
                  description=_l("Konseling perorangan dihitung dari catatan sesi; konferensi "
                                 "kasus, kunjungan rumah dan alih tangan kasus dari buku kasus. "
                                 "Catat di sini hanya yang tidak tercatat di sana."))
    held_on = DateField(_l("Tanggal"), validators=[InputRequired(REQUIRED)],
                        render_kw={"type": "date"})
    jp = DatabaseIntegerField(_l("JP (untuk bimbingan klasikal)"), default=2,
                              description=_l("Kegiatan lain selalu dihitung 2 JP ekuivalen."),
                              validators=[Optional(), NumberRange(1, 40, _l(
                                  "Tulis angka antara %(min)s dan %(max)s."))])
    row_id = Select(_l("Baris program yang dilaksanakan"), coerce=optional_int)
    plan_id = Select(_l("RPL yang dipakai"), coerce=optional_int)
    class_id = Select(_l("Kelas"), coerce=optional_int)
    note = text(_l("Keterangan"), 200, description=_l("Tanpa nama siswa."))
    submit = SubmitField(_l("Catat kegiatan"))

    def __init__(self, *args, rows=(), plans=(), classes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.row_years = {row.id: row.school_year for row in rows}
        self.row_id.choices = options([("", "–")] + [(str(r.id), r.topic
                                                      + (f" ({r.school_class.name})"
                                                         if r.school_class else ""))
                                                     for r in rows])
        self.plan_id.choices = options([("", "–")] + [(str(p.id), p.title) for p in plans])
        self.class_id.choices = options([("", "–")] + [(str(c.id), c.name) for c in classes])

    def validate_row_id(self, field):
        if field.data and self.held_on.data \
                and self.row_years.get(field.data) != school_year_of(self.held_on.data):
            raise ValidationError(_l("Baris ini bukan baris program tahun pelajaran saat "
                                     "layanan dilaksanakan."))
