from flask_babel import lazy_gettext as _l
from wtforms import BooleanField
from wtforms import SelectField
from wtforms import StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired
from wtforms.validators import Length

from ..common.forms import TOO_LONG
from ..common.forms import DateField
from ..common.forms import Form
from ..common.forms import StudentReportForm
from ..common.forms import chosen
from ..common.forms import strip
from ..common.forms import text_area
from .models import Step

REPORT_MAX = 3000
SUMMARY_MAX = 3000
NOTE_MAX = 2000

STEP_LABELS = {
    Step.EXAMINATION: _l("Pemeriksaan"),
    Step.PARENTS: _l("Orang tua diberi tahu"),
    Step.RECOMMENDATION: _l("Rekomendasi"),
    Step.SUPPORT: _l("Pendampingan dan pemulihan"),
    Step.REFERRAL: _l("Rujukan"),
}


def _step(value):
    return next((step for step in Step if step == value), None)


class RouteForm(Form):
    """What a counselor shares with the TPPK, chosen explicitly."""

    summary = text_area(
        _l("Ringkasan untuk TPPK"), SUMMARY_MAX, _l("Tulis ringkasan yang akan dibaca TPPK."),
        rows=6, description=_l("Hanya ringkasan ini yang dibaca anggota TPPK: apa yang terjadi, "
                               "kepada siapa, sejak kapan. Percakapan konseling tidak ikut."))
    share_words = BooleanField(_l("Sertakan juga cerita siswa dengan kata-katanya sendiri"))
    student_told = BooleanField(
        _l("Siswa sudah saya beri tahu bahwa laporan ini diteruskan ke TPPK, sesuai batas "
           "kerahasiaan yang sudah ia baca."),
        validators=[DataRequired(_l("Beri tahu siswa lebih dulu, lalu centang ini."))])


class ReportForm(StudentReportForm):
    """A student's own report of violence to the TPPK."""

    body = text_area(
        _l("Apa yang terjadi?"), REPORT_MAX,
        _l("Tulis dulu apa yang terjadi, walau hanya satu kalimat."), rows=8,
        description=_l("Siapa, di mana, kapan, dan apa yang dilakukan, sebisamu. Kamu tidak "
                       "perlu punya bukti."))
    include_name = BooleanField(_l("Sertakan namaku supaya TPPK bisa menemuiku"))


class StepForm(Form):
    step = SelectField(_l("Langkah"), choices=[SelectChoice("", _l("Pilih langkah"))]
                       + [SelectChoice(s.value, label) for s, label in STEP_LABELS.items()],
                       coerce=_step, validate_choice=False,
                       validators=[chosen(_l("Pilih langkahnya."))])
    done_on = DateField(_l("Tanggal"), validators=[InputRequired(_l("Isi tanggalnya."))])
    note = text_area(_l("Keterangan (boleh kosong)"), NOTE_MAX, rows=2)


class NoteForm(Form):
    body = text_area(_l("Catatan baru"), NOTE_MAX, _l("Tulis dulu catatannya."), rows=3)


class ContactForm(Form):
    tppk_contact = StringField(
        _l("Kontak laporan kekerasan sekolah"), filters=[strip],
        validators=[Length(max=240, message=TOO_LONG)],
        description=_l("Misalnya: Bu Sari (Ketua TPPK), 0812-0000-0009, ruang TPPK di lantai 2. "
                       "Ditampilkan kepada siswa yang melaporkan kekerasan."),
        render_kw={"maxlength": 240},
    )


class MemberForm(Form):
    user_id = SelectField(_l("Guru BK yang juga anggota TPPK"), coerce=str,
                          validators=[DataRequired(_l("Pilih Guru BK-nya."))])
