from flask_babel import lazy_gettext as _l
from wtforms import BooleanField
from wtforms import DecimalField
from wtforms import SelectMultipleField
from wtforms import StringField
from wtforms import SubmitField
from wtforms import TextAreaField
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import NumberRange
from wtforms.validators import Optional

from ..common.forms import DatabaseIntegerField
from ..common.forms import DateField
from ..common.forms import Form
from .targets import METRICS


class TargetsForm(Form):
    """One optional number per metric; an empty field removes that target."""

    submit = SubmitField(_l("Simpan target"))


# A target of 0 is met before the semester starts: no aim, so it is left empty instead.
for _metric in METRICS:
    setattr(TargetsForm, _metric.key, DecimalField(
        _metric.label, description=_metric.hint, places=None,
        validators=[Optional(), NumberRange(min=1, max=_metric.maximum,
                                            message=_l("Isi angka dari %(min)s sampai %(max)s.")
                                            if _metric.maximum else
                                            _l("Isi angka 1 atau lebih."))]))


def retention_field(label, hint):
    return DatabaseIntegerField(label, description=hint, validators=[
        Optional(), NumberRange(min=1, max=36500, message=_l("Isi jumlah hari, 1 sampai 36500."))])


class RetentionForm(Form):
    closed_reports_days = retention_field(
        _l("Laporan kotak masalah yang sudah ditutup (hari)"),
        _l("Dihapus beserta balasan dan catatannya. Kosongkan untuk menyimpan selamanya."))
    chat_days = retention_field(
        _l("Isi chat sesi konseling (hari setelah sesi)"),
        _l("Pesan chat dihapus; jadwal dan catatan sesi tetap. Kosongkan untuk menyimpan "
           "selamanya."))
    closed_cases_days = retention_field(
        _l("Berkas kasus yang sudah ditutup (hari)"),
        _l("Dihapus beserta catatan sesi, jadwal, data awal, dan rujukannya; jadwal yang tidak "
           "masuk kasus (ditolak, dibatalkan) juga, selama itu setelah waktunya. Kosongkan untuk "
           "menyimpan selamanya."))
    #: Only a TPPK member sees it (datacare_routes.retention_settings).
    closed_tppk_days = DatabaseIntegerField(
        _l("Laporan TPPK yang sudah selesai ditangani (hari)"),
        description=_l("Dihapus beserta langkah dan catatan TPPK-nya; laporan yang masih "
                       "ditangani tetap disimpan. Paling sedikit 365 hari (satu tahun "
                       "pelajaran). Kosongkan untuk menyimpan selamanya."),
        validators=[Optional(), NumberRange(min=365, max=36500, message=_l(
            "Isi jumlah hari, 365 sampai 36500."))])
    submit = SubmitField(_l("Simpan pengaturan retensi"))


class EraseForm(Form):
    username = StringField(_l("Ketik nama pengguna siswa ini untuk memastikan"),
                           validators=[DataRequired(_l("Ketik nama penggunanya.")),
                                       Length(max=64)])
    understood = BooleanField(
        _l("Saya paham: nama, cerita, catatan, dan chat siswa ini dihapus dan tidak bisa "
           "dikembalikan."), validators=[DataRequired(_l("Centang ini kalau Anda yakin."))])
    submit = SubmitField(_l("Hapus data pribadi siswa ini"))


class ConsentForm(Form):
    students = SelectMultipleField(_l("Siswa yang surat persetujuannya sudah kembali"),
                                   coerce=int,
                                   validators=[DataRequired(_l("Pilih minimal satu siswa."))])
    received_on = DateField(_l("Tanggal diterima"),
                            validators=[InputRequired(_l("Isi tanggal diterimanya."))])
    submit = SubmitField(_l("Catat sudah diterima"))


def _note(label, description):
    return TextAreaField(label, description=description, filters=[
        lambda value: value.strip() if isinstance(value, str) else value],
        validators=[Optional(), Length(max=4000, message=_l(
            "Terlalu panjang: paling banyak %(max)d karakter."))], render_kw={"rows": 6})


class ReportNoteForm(Form):
    """The parts of the programme report the counselors write themselves."""

    analysis = _note(_l("Analisis hasil"), _l(
        "Apa arti angka-angka di samping: layanan yang tercapai atau tertinggal, hasil "
        "laiseg, kebutuhan siswa yang tampak."))
    follow_up = _note(_l("Tindak lanjut"), _l("Apa yang akan dilakukan pada periode "
                                             "berikutnya."))
    supporting = _note(_l("Faktor pendukung"), None)
    hindering = _note(_l("Faktor penghambat"), None)
    submit = SubmitField(_l("Simpan"))
