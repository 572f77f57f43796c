from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import FieldList
from wtforms import FormField
from wtforms import HiddenField
from wtforms import SelectField
from wtforms import StringField
from wtforms import SubmitField
from wtforms import TextAreaField
from wtforms import ValidationError
from wtforms.validators import DataRequired
from wtforms.validators import Length
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from ..common.forms import DateField
from ..common.forms import Form
from ..common.numbers import is_id
from ..common.vocabulary import FIELD_LABELS
from ..common.vocabulary import ServiceField
from . import content
from . import plans
from . import services
from ..extensions import db
from ..programme.models import ProgrammeRow
from .models import ServiceComponent

REQUIRED = _l("Bagian ini wajib diisi.")
NOT_IN_LIST = _l("Pilihan ini tidak ada di daftar.")
MARKDOWN_HINT = _l("Boleh pakai Markdown: **tebal**, *miring*, daftar dengan tanda -, "
                   "judul dengan ##, tautan [teks](https://...).")
GUIDE_SLOTS = 8

COMPONENT_LABELS = {
    ServiceComponent.BASIC: _l("Layanan dasar"),
    ServiceComponent.PLANNING: _l("Peminatan dan perencanaan individual"),
    ServiceComponent.RESPONSIVE: _l("Layanan responsif"),
    ServiceComponent.SYSTEM: _l("Dukungan sistem"),
}


def strip(value):
    return value.strip() if isinstance(value, str) else value


def long_text(label, limit, description=None, rows=4):
    return TextAreaField(label, description=description, filters=[strip],
                         render_kw={"rows": rows},
                         validators=[Optional(), Length(max=limit, message=_l(
                             "Terlalu panjang: paling banyak %(max)d karakter."))])


def short_text(label, limit, required=False, description=None):
    first = DataRequired(REQUIRED) if required else Optional()
    return StringField(label, description=description, filters=[strip],
                       validators=[first, Length(max=limit, message=_l(
                           "Terlalu panjang: paling banyak %(max)d karakter."))])


class Select(SelectField):
    """A choice whose unknown value is refused in Indonesian; compares coerced values."""

    def pre_validate(self, form):
        if self.data not in {self.coerce(choice.value) for choice in self.choices}:
            raise ValidationError(NOT_IN_LIST)


def options(pairs):
    return [SelectChoice(value, label) for value, label in pairs]


def class_options():
    return options([("", "–")] + [(str(c.id), c.name) for c in plans.all_classes()])


def enum_or_none(cls):
    def coerce(value):
        if isinstance(value, cls) or value in (None, ""):
            return value or None
        return cls(value) if value in {m.value for m in cls} else value

    return coerce


def optional_int(value):
    return int(value) if is_id(value) else None


class ServiceInfoForm(Form):
    about = long_text(content.SERVICE_SECTIONS["about"][0], 5000, MARKDOWN_HINT, rows=10)
    counselor_role = long_text(content.SERVICE_SECTIONS["counselor_role"][0], 5000, rows=8)
    principles = long_text(content.SERVICE_SECTIONS["principles"][0], 5000, rows=8)
    reach = long_text(content.SERVICE_SECTIONS["reach"][0], 2000)
    submit = SubmitField(_l("Simpan"))


class GuideStepForm(Form):
    """One step; a sub-form without its own CSRF token (the page form has one)."""

    icon = Select(_l("Gambar"), choices=options(content.ICONS.items()))
    title = short_text(_l("Judul langkah"), 80)
    body = long_text(_l("Penjelasan"), 500)


class GuideForm(Form):
    steps = FieldList(FormField(GuideStepForm), min_entries=GUIDE_SLOTS, max_entries=GUIDE_SLOTS)
    submit = SubmitField(_l("Simpan langkah"))

    def validate_steps(self, field):
        if not any(entry.form.title.data for entry in field):
            raise ValidationError(_l("Tulis paling sedikit satu langkah."))


class YouTubeForm(Form):
    link = short_text(_l("Tautan video YouTube"), 200, required=True,
                      description=_l("Contoh: https://youtu.be/abcdefghijk. Video baru dimuat "
                                     "setelah siswa mengetuknya."))
    submit = SubmitField(_l("Pakai video YouTube ini"))

    def validate_link(self, field):
        if services.youtube_id_from(field.data) is None:
            raise ValidationError(_l("Ini bukan tautan video YouTube. Salin tautan dari tombol "
                                     "Bagikan di YouTube."))


class VideoForm(Form):
    video = FileField(_l("Berkas video (MP4)"))
    poster = FileField(_l("Gambar sampul (PNG atau JPG, boleh kosong)"),
                       description=_l("Tampil sebelum video diputar. Pakai gambar kecil, "
                                      "misalnya 640×360."))
    submit = SubmitField(_l("Unggah video"))


class MaterialForm(Form):
    title = short_text(_l("Judul"), 160, required=True)
    slug = StringField(_l("Alamat tautan"), filters=[strip],
                       description=_l("Huruf kecil, angka dan tanda minus, misalnya "
                                      "mengenal-guru-bk. Kosongkan supaya dibuat dari judul. "
                                      "Setelah dibagikan, jangan diubah: tautan lama tidak "
                                      "bisa dibuka lagi."),
                       validators=[Optional(), Length(max=80)])
    summary = long_text(_l("Ringkasan singkat"), 300)
    body = long_text(_l("Isi materi"), 50000,
                     _l("Markdown: **tebal**, daftar dengan tanda -, judul slide dengan ##. "
                        "Baris yang hanya berisi --- memisahkan slide."), rows=18)
    plan_id = Select(_l("RPL yang dilampirkan"), coerce=optional_int)
    submit = SubmitField(_l("Simpan"))

    def __init__(self, *args, material_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.material_id = material_id
        self.plan_id.choices = options([("", _l("Tanpa RPL"))]
                                       + [(str(p.id), p.title) for p in plans.all_plans()])

    def validate_slug(self, field):
        if not field.data:
            return
        if not services.SLUG.match(field.data):
            raise ValidationError(_l("Pakai huruf kecil, angka dan tanda minus saja."))
        if services.slug_taken(field.data, self.material_id):
            raise ValidationError(_l("Alamat ini sudah dipakai materi lain."))


class AttachmentForm(Form):
    file = FileField(_l("Berkas (PDF, PPTX, DOCX, PNG atau JPG)"))
    submit = SubmitField(_l("Lampirkan"))


class DeckForm(Form):
    file = FileField(_l("Berkas slide (PDF)"))
    submit = SubmitField(_l("Unggah slide"))


class PosterForm(Form):
    headline = short_text(_l("Judul poster"), 80, description=_l("Kosongkan untuk judul bawaan."))
    tagline = long_text(_l("Kalimat ajakan"), 200)
    submit = SubmitField(_l("Simpan"))


class PlanForm(Form):
    title = short_text(_l("Judul RPL"), 160, required=True)
    class_id = Select(_l("Kelas"), coerce=optional_int)
    semester = short_text(_l("Semester dan tahun pelajaran"), 60,
                          description=_l("Contoh: Ganjil 2025/2026"))
    component = Select(_l("Komponen layanan"), coerce=enum_or_none(ServiceComponent),
                       choices=options((c.value, label)
                                       for c, label in COMPONENT_LABELS.items()))
    field = Select(_l("Bidang layanan"), coerce=enum_or_none(ServiceField),
                   choices=options([("", "–")]
                                   + [(f.value, label) for f, label in FIELD_LABELS.items()]))
    function = short_text(_l("Fungsi layanan"), 160,
                          description=_l("Contoh: pemahaman, pencegahan, pengembangan"))
    general_goal = long_text(_l("Tujuan umum"), 2000)
    specific_goals = long_text(_l("Tujuan khusus"), 3000)
    topic = short_text(_l("Topik / judul materi"), 160)
    target_group = short_text(_l("Sasaran layanan"), 160)
    method = long_text(_l("Metode dan teknik"), 1000)
    duration = short_text(_l("Waktu"), 80, description=_l("Contoh: 1 × 40 menit"))
    media = long_text(_l("Media dan alat"), 1000)
    held_on = DateField(_l("Tanggal pelaksanaan"), validators=[Optional()],
                        render_kw={"type": "date"})
    sources = long_text(_l("Sumber bacaan"), 2000)
    opening = long_text(_l("Tahap awal / pendahuluan"), 4000)
    core = long_text(_l("Tahap inti"), 6000, rows=6)
    closing = long_text(_l("Tahap penutup"), 4000)
    process_evaluation = long_text(_l("Evaluasi proses"), 3000)
    outcome_evaluation = long_text(_l("Evaluasi hasil"), 3000)
    #: The programme row the RPL was opened from (kept through the form, not shown).
    programme_row_id = HiddenField(filters=[optional_int])
    submit = SubmitField(_l("Simpan RPL"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.class_id.choices = class_options()

    PLAN_FIELDS = ("title", "class_id", "semester", "component", "field", "function",
                   "general_goal", "specific_goals", "topic", "target_group", "method", "duration",
                   "media", "held_on", "sources", "opening", "core", "closing",
                   "process_evaluation", "outcome_evaluation", "programme_row_id")

    def validate_programme_row_id(self, field):
        if field.data is not None and db.session.get(ProgrammeRow, field.data) is None:
            field.data = None  # the row was deleted meanwhile: the RPL stands alone


class PrefillForm(Form):
    """GET form on the new-RPL page: start from a class's needs-assessment profile."""

    class Meta:
        csrf = False

    kelas = Select(_l("Isi awal dari profil kebutuhan kelas"), coerce=optional_int)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kelas.choices = class_options()
