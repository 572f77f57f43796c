from flask_babel import lazy_gettext as _l
from wtforms import BooleanField
from wtforms import RadioField
from wtforms import SelectField
from wtforms import SelectMultipleField
from wtforms import StringField
from wtforms import SubmitField
from wtforms import TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms import ValidationError
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput
from wtforms.widgets import ListWidget

from ..common.forms import DateField
from ..common.forms import Form
from ..common.forms import ProgrammeRowField
from .models import ConsentBy
from .models import OutwardStatus
from .models import Receiver
from .models import label


def choices(kind):
    return [SelectChoice(member.value, label(member)) for member in kind]


def required_date(text, message):
    return DateField(text, validators=[InputRequired(message)])


def text(label_, message=None, size=5000, area=True, **kwargs):
    kind = TextAreaField if area else StringField
    checks = [DataRequired(message)] if message else [Optional()]
    return kind(label_, validators=[*checks, Length(max=size)], **kwargs)


class EntryForm(Form):
    written_on = required_date(_l("Tanggal"), _l("Isi tanggalnya."))
    body = text(_l("Isi catatan"), _l("Isi catatannya."))
    shareable = BooleanField(_l("Boleh dibaca peserta konferensi kasus (wali kelas, kepala "
                                "sekolah) dalam ringkasan"),
                             description=_l("Tanpa centang, catatan ini rahasia: hanya Guru BK "
                                            "yang memegang kasus."))
    submit = SubmitField(_l("Simpan catatan"))


class AnecdoteForm(Form):
    student = SelectField(_l("Siswa"), coerce=int,
                          validators=[InputRequired(_l("Pilih siswanya."))])
    observed_on = required_date(_l("Tanggal kejadian"), _l("Isi tanggal kejadian."))
    setting = text(_l("Tempat dan situasi"), _l("Tulis di mana dan dalam situasi apa."),
                   size=200, area=False, description=_l("Misalnya: kelas 7A, pelajaran IPA."))
    observation = text(_l("Yang terlihat atau terdengar"), _l("Tulis apa yang terjadi."),
                       size=3000, description=_l("Tulis faktanya saja: apa yang dilakukan dan "
                                                 "dikatakan siswa, tanpa penilaian."))
    interpretation = text(_l("Tafsiran atau komentar (terpisah dari fakta)"), size=2000)
    submit = SubmitField(_l("Simpan catatan anekdot"))


class ConferenceForm(Form):
    held_on = required_date(_l("Tanggal konferensi"), _l("Isi tanggal konferensi."))
    place = text(_l("Tempat"), size=200, area=False)
    participants = SelectMultipleField(
        _l("Peserta yang punya akun"), coerce=int,
        option_widget=CheckboxInput(), widget=ListWidget(prefix_label=False),
        description=_l("Mereka hanya bisa membaca ringkasan yang boleh dibagikan, setelah "
                       "menyetujui pernyataan kerahasiaan."))
    other_participants = text(_l("Peserta lain (nama dan peran)"), size=1000,
                              description=_l("Misalnya: kepala sekolah, orang tua/wali."))
    discussion = text(_l("Yang disampaikan dalam konferensi (rahasia, hanya Guru BK)"))
    summary = text(_l("Ringkasan untuk peserta"), _l("Tulis ringkasan untuk peserta."),
                   description=_l("Hanya bagian ini, kesepakatan, dan tindak lanjut yang "
                                  "dibaca peserta."))
    agreements = text(_l("Kesepakatan"), size=3000)
    programme_row_id = ProgrammeRowField()
    submit = SubmitField(_l("Simpan konferensi"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme_row_id.for_day(self.held_on.data)


class FollowUpForm(Form):
    action = text(_l("Tindak lanjut"), _l("Tulis tindak lanjutnya."), size=300, area=False)
    owner = text(_l("Penanggung jawab"), _l("Tulis siapa penanggung jawabnya."), size=120,
                 area=False)
    due_on = DateField(_l("Batas waktu"), validators=[Optional()])
    submit = SubmitField(_l("Tambah tindak lanjut"))


class AcceptForm(Form):
    agree = BooleanField(_l("Saya menyetujui pernyataan kerahasiaan ini"),
                         validators=[DataRequired(_l("Centang persetujuan dulu untuk membuka "
                                                     "ringkasan."))])
    submit = SubmitField(_l("Setuju dan buka ringkasan"))


class VisitPlanForm(Form):
    planned_on = required_date(_l("Tanggal rencana kunjungan"), _l("Isi tanggal rencana."))
    purpose = text(_l("Tujuan kunjungan"), _l("Tulis tujuan kunjungan."), size=2000)
    visitors = text(_l("Yang berkunjung"), _l("Tulis siapa yang berkunjung."), size=300,
                    area=False, description=_l("Misalnya: Guru BK dan wali kelas 7A."))
    address = text(_l("Alamat yang dikunjungi"), size=300, area=False)
    submit = SubmitField(_l("Simpan rencana"))


class VisitRecordForm(Form):
    visited_on = required_date(_l("Tanggal pelaksanaan"), _l("Isi tanggal pelaksanaan."))
    met_with = text(_l("Bertemu dengan"), _l("Tulis siapa yang ditemui."), size=300, area=False,
                    description=_l("Misalnya: ibu kandung siswa."))
    findings = text(_l("Hasil kunjungan"), _l("Tulis hasil kunjungannya."))
    agreements = text(_l("Kesepakatan dengan keluarga"), size=3000)
    programme_row_id = ProgrammeRowField()
    submit = SubmitField(_l("Simpan hasil kunjungan"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme_row_id.for_day(self.visited_on.data)


class OutwardReferralForm(Form):
    receiver = RadioField(_l("Dirujuk ke"), choices=choices(Receiver),
                          validators=[InputRequired(_l("Pilih tujuan rujukan."))])
    addressee = text(_l("Nama lembaga atau tenaga profesional"),
                     _l("Tulis kepada siapa surat ini ditujukan."), size=200, area=False)
    reason = text(_l("Alasan alih tangan kasus"), _l("Tulis alasannya."), size=3000)
    shared = text(_l("Informasi yang dibagikan dalam surat"), size=3000,
                  description=_l("Hanya yang sudah disetujui siswa atau orang tua/wali."))
    consent_by = SelectField(_l("Persetujuan diberikan oleh"),
                             choices=[SelectChoice("", _l("Belum ada persetujuan")),
                                      *choices(ConsentBy)], validators=[Optional()])
    consent_on = DateField(_l("Tanggal persetujuan"), validators=[Optional()])
    consent_note = text(_l("Catatan persetujuan"), size=300, area=False,
                        description=_l("Misalnya: disetujui ibu siswa lewat surat bermeterai."))
    programme_row_id = ProgrammeRowField()
    submit = SubmitField(_l("Simpan"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Counted on the day the letter is sent; the rows are this school year's.
        self.programme_row_id.for_day(None)

    # Both checks: an Optional() that finds its own field empty ends that field's checks.
    def validate_consent_by(self, _field):
        self.validate_consent_on(self.consent_on)

    def validate_consent_on(self, _field):
        if bool(self.consent_by.data) != bool(self.consent_on.data):
            raise ValidationError(_l("Isi siapa yang menyetujui dan tanggalnya, keduanya."))


class ReferralStatusForm(Form):
    status = SelectField(_l("Status"), choices=choices(OutwardStatus))
    sent_on = DateField(_l("Tanggal surat dikirim"), validators=[Optional()])
    reply = text(_l("Balasan dari penerima rujukan"), size=5000)
    reply_on = DateField(_l("Tanggal balasan"), validators=[Optional()])
    submit = SubmitField(_l("Simpan status"))
