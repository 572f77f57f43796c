import secrets

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField
from wtforms import HiddenField
from wtforms import SelectField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import Optional
from wtforms.fields.choices import SelectChoice
from wtforms.validators import StopValidation

from ..common.forms import DateField
from ..common.forms import Form
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


def strip(value):
    return value.strip() if isinstance(value, str) else value


def _step(value):
    return next((step for step in Step if step == value), None)


def chosen(message):
    def check(form, field):
        if field.data is None:
            raise StopValidation(message)

    return check


class RouteForm(Form):
    """What a counselor shares with the TPPK, chosen explicitly."""

    summary = TextAreaField(
        _l("Ringkasan untuk TPPK"),
        validators=[DataRequired(_l("Tulis ringkasan yang akan dibaca TPPK.")),
                    Length(max=SUMMARY_MAX, message=_l("Terlalu panjang. Paling banyak "
                                                       "%(max)d karakter."))],
        filters=[strip],
        description=_l("Hanya ringkasan ini yang dibaca anggota TPPK: apa yang terjadi, kepada "
                       "siapa, sejak kapan. Percakapan konseling tidak ikut."),
        render_kw={"rows": 6, "maxlength": SUMMARY_MAX},
    )
    share_words = BooleanField(_l("Sertakan juga cerita siswa dengan kata-katanya sendiri"))
    student_told = BooleanField(
        _l("Siswa sudah saya beri tahu bahwa laporan ini diteruskan ke TPPK, sesuai batas "
           "kerahasiaan yang sudah ia baca."),
        validators=[DataRequired(_l("Beri tahu siswa lebih dulu, lalu centang ini."))])


class ReportForm(Form):
    """A student's own report of violence to the TPPK."""

    body = TextAreaField(
        _l("Apa yang terjadi?"),
        validators=[DataRequired(_l("Tulis dulu apa yang terjadi, walau hanya satu kalimat.")),
                    Length(max=REPORT_MAX, message=_l("Terlalu panjang. Paling banyak %(max)d "
                                                      "karakter."))],
        filters=[strip],
        description=_l("Siapa, di mana, kapan, dan apa yang dilakukan, sebisamu. Kamu tidak "
                       "perlu punya bukti."),
        render_kw={"rows": 8, "maxlength": REPORT_MAX},
    )
    include_name = BooleanField(_l("Sertakan namaku supaya TPPK bisa menemuiku"))
    submission = HiddenField(default=lambda: secrets.token_urlsafe(16),
                             validators=[Length(max=64)])


class StepForm(Form):
    step = SelectField(_l("Langkah"), choices=[SelectChoice("", _l("Pilih langkah"))]
                       + [SelectChoice(s.value, label) for s, label in STEP_LABELS.items()],
                       coerce=_step, validate_choice=False,
                       validators=[chosen(_l("Pilih langkahnya."))])
    done_on = DateField(_l("Tanggal"), validators=[InputRequired(_l("Isi tanggalnya."))])
    note = TextAreaField(_l("Keterangan (boleh kosong)"), filters=[strip],
                         validators=[Optional(), Length(max=NOTE_MAX)],
                         render_kw={"rows": 2, "maxlength": NOTE_MAX})


class NoteForm(Form):
    body = TextAreaField(
        _l("Catatan baru"),
        validators=[DataRequired(_l("Tulis dulu catatannya.")), Length(max=NOTE_MAX)],
        filters=[strip], render_kw={"rows": 3, "maxlength": NOTE_MAX},
    )


class ContactForm(Form):
    tppk_contact = StringField(
        _l("Kontak laporan kekerasan sekolah"), filters=[strip],
        validators=[Length(max=240, message=_l("Terlalu panjang. Paling banyak %(max)d "
                                               "karakter."))],
        description=_l("Misalnya: Bu Sari (Ketua TPPK), 0812-0000-0009, ruang TPPK di lantai 2. "
                       "Ditampilkan kepada siswa yang melaporkan kekerasan."),
        render_kw={"maxlength": 240},
    )


class MemberForm(Form):
    user_id = SelectField(_l("Guru BK yang juga anggota TPPK"), coerce=str,
                          validators=[DataRequired(_l("Pilih Guru BK-nya."))])
