from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp
from wtforms import BooleanField
from wtforms import HiddenField
from wtforms import IntegerField
from wtforms import RadioField
from wtforms import SelectField
from wtforms import SelectMultipleField
from wtforms import StringField
from wtforms import SubmitField
from wtforms import TextAreaField
from wtforms import TimeField
from wtforms import ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import Optional

from ..common.forms import DateField
from ..common.forms import Form
from ..common.forms import ProgrammeRowField
from ..common.vocabulary import Mode
from ..common.vocabulary import ServiceField
from .models import HelpBefore
from .models import Outcome
from .models import PhoneWindow
from .models import Reminder
from .models import label
from .services.parents import MEETING_MODES
from .services.parents import normalise_whatsapp
from .services.slots import parse_slot_key

WEEKDAYS = (_l("Senin"), _l("Selasa"), _l("Rabu"), _l("Kamis"), _l("Jumat"), _l("Sabtu"),
            _l("Minggu"))
SLOT_LENGTHS = (15, 20, 30, 40, 45, 60, 90)


def choices(kind):
    return [SelectChoice(member.value, label(member)) for member in kind]


class SlotField(StringField):
    """A slot chosen from radios the template draws; .slot is (counselor id or None, UTC start)."""

    @property
    def slot(self):
        return parse_slot_key(self.data)

    def pre_validate(self, form):
        if not self.data:
            raise ValidationError(_l("Pilih salah satu waktu dulu."))
        if self.slot is None:
            raise ValidationError(_l("Waktu yang dipilih tidak dikenal. Pilih lagi, ya."))


class ChoiceForm(Form):
    """Step 1 of booking: how, about what, and when."""

    step = HiddenField(default="pilih")
    mode = RadioField(_l("Mau ngobrol lewat apa?"), choices=choices(Mode),
                      validators=[InputRequired(_l("Pilih caranya dulu."))])
    field = RadioField(_l("Tentang apa?"), choices=choices(ServiceField),
                       validators=[InputRequired(_l("Pilih salah satu bidang."))],
                       description=_l("Kalau ragu, pilih yang paling dekat. Nanti bisa "
                                      "dibicarakan."))
    slot = SlotField(_l("Waktu"))
    phone_times = StringField(
        _l("Kapan biasanya kamu pegang HP? (boleh dikosongkan)"),
        validators=[Optional(), Length(max=200)],
        description=_l("Contoh: sore setelah jam 4, HP gantian dengan kakak. Guru BK akan "
                       "memperhatikannya."))
    submit = SubmitField(_l("Lanjut"))


class ConsentForm(Form):
    """Kesediaan konseli: all three are needed before any session."""

    consent_voluntary = BooleanField(
        _l("Aku ikut konseling ini karena mauku sendiri, dan boleh berhenti kapan saja."),
        validators=[DataRequired(_l("Centang ini kalau kamu setuju."))])
    consent_confidential = BooleanField(
        _l("Aku paham ceritaku dijaga rahasia, kecuali kalau ada bahaya untuk diriku atau "
           "orang lain."),
        validators=[DataRequired(_l("Centang ini kalau kamu setuju."))])
    consent_no_recording = BooleanField(
        _l("Aku paham sesi ini tidak direkam, dan aku juga tidak akan merekamnya."),
        validators=[DataRequired(_l("Centang ini kalau kamu setuju."))])
    submit = SubmitField(_l("Aku setuju"))

    @property
    def consented(self):
        return bool(self.consent_voluntary.data and self.consent_confidential.data
                    and self.consent_no_recording.data)


class IntakeForm(ChoiceForm, ConsentForm):
    """Step 2: data awal konseli and kesediaan konseli."""

    description = TextAreaField(
        _l("Ceritakan singkat apa yang ingin kamu bicarakan"),
        validators=[DataRequired(_l("Tulis sedikit saja, satu atau dua kalimat sudah cukup.")),
                    Length(max=2000)],
        description=_l("Hanya Guru BK yang membaca ini."))
    help_before = RadioField(_l("Sudah pernah minta bantuan untuk hal ini?"),
                             choices=choices(HelpBefore),
                             validators=[InputRequired(_l("Pilih salah satu jawaban."))])
    feels_unsafe = RadioField(
        _l("Apakah saat ini kamu merasa tidak aman atau ingin menyakiti diri?"),
        choices=[SelectChoice("no", _l("Tidak")), SelectChoice("yes", _l("Ya"))],
        validators=[InputRequired(_l("Jawab pertanyaan ini, ya. Jawabanmu membantu Guru BK."))])
    reminder = RadioField(_l("Mau diingatkan lewat apa?"), choices=choices(Reminder),
                          default=Reminder.NONE.value,
                          validators=[InputRequired(_l("Pilih cara pengingatnya."))])
    submit = SubmitField(_l("Kirim permintaan jadwal"))


class PhoneWindowsForm(Form):
    """Jam pegang HP, once on the student's home."""

    windows = SelectMultipleField(_l("Kapan biasanya kamu pegang HP dengan tenang?"),
                                  choices=choices(PhoneWindow), validators=[Optional()],
                                  description=_l("Centang semua yang cocok. Waktu ngobrol yang "
                                                 "pas dengan ini akan muncul paling atas."))
    submit = SubmitField(_l("Simpan"))


class InvitationAnswerForm(ConsentForm):
    """The student's answer to an invitation: how, when, and consent as for a booking."""

    mode = RadioField(_l("Mau ngobrol lewat apa?"), choices=choices(Mode),
                      validators=[InputRequired(_l("Pilih caranya dulu."))])
    slot = SlotField(_l("Waktu"))
    submit = SubmitField(_l("Aku setuju, pilih waktu ini"))


class InvitationForm(Form):
    message = TextAreaField(
        _l("Pesan untuk siswa"),
        validators=[DataRequired(_l("Tulis pesannya untuk siswa.")), Length(max=300)],
        default=_l("Guru BK ingin ngobrol sebentar denganmu. Pilih waktu yang pas, ya."),
        description=_l("Siswa membacanya di berandanya, mungkin di HP yang dipakai bersama. "
                       "Pakai kata-kata netral; jangan sebut masalah atau hasil angketnya."))
    submit = SubmitField(_l("Kirim panggilan"))


class MoveForm(Form):
    slot = SlotField(_l("Waktu baru"))
    submit = SubmitField(_l("Pindahkan jadwal"))


class CounselorMoveForm(MoveForm):
    message = TextAreaField(_l("Alasan untuk siswa"),
                            validators=[DataRequired(_l("Tulis alasannya untuk siswa.")),
                                        Length(max=500)])


class ConfirmForm(Form):
    message = TextAreaField(_l("Pesan untuk siswa (boleh dikosongkan)"),
                            validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Konfirmasi"))


class DeclineForm(Form):
    message = TextAreaField(_l("Alasan untuk siswa"),
                            validators=[DataRequired(_l("Tulis alasannya untuk siswa.")),
                                        Length(max=500)],
                            description=_l("Siswa membaca alasan ini. Sarankan waktu lain kalau "
                                           "bisa."))
    submit = SubmitField(_l("Tolak jadwal"))


class SlotLengthForm(Form):
    minutes = SelectField(_l("Lama satu sesi"), coerce=int,
                          choices=[SelectChoice(m, _l("%(num)s menit", num=m))
                                   for m in SLOT_LENGTHS])
    submit = SubmitField(_l("Simpan lama sesi"))


class WeeklyHoursForm(Form):
    weekday = SelectField(_l("Hari"), coerce=int,
                          choices=[SelectChoice(number, name)
                                   for number, name in enumerate(WEEKDAYS)])
    start = TimeField(_l("Mulai"), validators=[InputRequired(_l("Isi jam mulai."))])
    end = TimeField(_lp("end time", "Selesai"), validators=[InputRequired(_l("Isi jam selesai."))])
    chat_only = BooleanField(_l("Hanya chat (tanpa video dan tatap muka), misalnya untuk jam "
                                "malam"))
    submit = SubmitField(_l("Tambah jam"))


class ClosedDaysForm(Form):
    first_day = DateField(_l("Dari tanggal"), validators=[InputRequired(_l("Isi tanggalnya."))])
    from_time = TimeField(_l("Dari jam (kosongkan untuk sejak pagi)"), validators=[Optional()])
    last_day = DateField(_l("Sampai tanggal (kosongkan kalau hari yang sama)"),
                         validators=[Optional()])
    until_time = TimeField(_l("Sampai jam (kosongkan untuk sampai malam)"),
                           validators=[Optional()])
    note = StringField(_l("Keterangan"), validators=[Optional(), Length(max=120)],
                       description=_l("Misalnya: libur nasional, dinas luar, cuti."))
    submit = SubmitField(_l("Tutup jadwal di waktu itu"))


class ExtraSlotForm(Form):
    day = DateField(_l("Tanggal"), validators=[InputRequired(_l("Isi tanggalnya."))])
    start = TimeField(_l("Jam mulai"), validators=[InputRequired(_l("Isi jam mulai."))])
    note = StringField(_l("Keterangan"), validators=[Optional(), Length(max=120)])
    submit = SubmitField(_l("Tambah slot"))


class SessionRecordForm(Form):
    held_on = DateField(_l("Tanggal"), validators=[InputRequired(_l("Isi tanggal sesi."))])
    held_time = TimeField(_l("Jam"), validators=[InputRequired(_l("Isi jam sesi."))])
    mode = SelectField(_l("Cara"), choices=choices(Mode))
    field = SelectField(_l("Bidang"), choices=choices(ServiceField))
    topic = StringField(_l("Topik"), validators=[DataRequired(_l("Isi topiknya.")),
                                                 Length(max=200)])
    summary = TextAreaField(_l("Ringkasan sesi"),
                            validators=[DataRequired(_l("Isi ringkasan sesi.")),
                                        Length(max=5000)],
                            description=_l("Ringkasan, bukan transkrip. Siswa bisa membacanya."))
    technique = StringField(_l("Pendekatan dan teknik"), validators=[Optional(), Length(max=200)])
    follow_up = TextAreaField(_l("Rencana tindak lanjut"),
                              validators=[Optional(), Length(max=2000)])
    laiseg_understanding = TextAreaField(_l("Laiseg – pemahaman baru siswa"),
                                         validators=[Optional(), Length(max=1000)])
    laiseg_comfort = TextAreaField(_l("Laiseg – perasaan siswa setelah sesi"),
                                   validators=[Optional(), Length(max=1000)])
    laiseg_action = TextAreaField(_l("Laiseg – tindakan yang akan dilakukan siswa"),
                                  validators=[Optional(), Length(max=1000)])
    private_note = TextAreaField(_l("Catatan pribadi Guru BK"),
                                 validators=[Optional(), Length(max=5000)],
                                 description=_l("Hanya untuk Guru BK. Siswa tidak pernah "
                                                "melihat catatan ini."))
    programme_row_id = ProgrammeRowField()
    submit = SubmitField(_l("Simpan catatan"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme_row_id.for_day(self.held_on.data)


class CloseCaseForm(Form):
    outcome = RadioField(_l("Hasil pasca-konseling"), choices=choices(Outcome),
                         validators=[InputRequired(_l("Pilih hasil pasca-konseling dulu."))])
    note = TextAreaField(_l("Catatan penutup (boleh dikosongkan)"),
                         validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Tutup kasus"))


class HandoverForm(Form):
    counselor = SelectField(_l("Alihkan ke"), coerce=int)
    submit = SubmitField(_l("Alihkan kasus"))


class ScheduleReferralForm(Form):
    mode = SelectField(_l("Cara"), choices=choices(Mode))
    slot = SlotField(_l("Waktu"))
    submit = SubmitField(_l("Jadwalkan dan undang siswa"))


class ReferralForm(Form):
    student = SelectField(_l("Siswa"), coerce=int,
                          validators=[InputRequired(_l("Pilih siswanya."))])
    reason = TextAreaField(
        _l("Alasan merujuk"),
        validators=[DataRequired(_l("Tulis alasannya untuk Guru BK.")), Length(max=2000)],
        description=_l("Hanya Guru BK yang membaca ini. Setelah dikirim, Bapak/Ibu hanya "
                       "melihat statusnya."))
    submit = SubmitField(_l("Rujuk ke Guru BK"))


class ParentRequestForm(Form):
    parent_name = StringField(_l("Nama Bapak/Ibu"),
                              validators=[DataRequired(_l("Isi nama Bapak/Ibu.")),
                                          Length(min=2, max=120)])
    child_name = StringField(_l("Nama anak"),
                             validators=[DataRequired(_l("Isi nama anak.")),
                                         Length(min=2, max=120)])
    class_name = SelectField(_l("Kelas anak"),
                             validators=[InputRequired(_l("Pilih kelas anak."))])
    whatsapp = StringField(_l("Nomor WhatsApp"),
                           validators=[DataRequired(_l("Isi nomor WhatsApp.")),
                                       Length(max=24)],
                           description=_l("Contoh: 0812-3456-7890. Guru BK akan menghubungi "
                                          "lewat nomor ini."))
    preferred_times = StringField(_l("Waktu yang Bapak/Ibu inginkan"),
                                  validators=[DataRequired(_l("Isi waktu yang cocok.")),
                                              Length(max=200)],
                                  description=_l("Contoh: Senin–Rabu setelah pukul 13.00."))
    topic = TextAreaField(_l("Apa yang ingin dikonsultasikan?"),
                          validators=[DataRequired(_l("Tulis singkat topiknya.")),
                                      Length(max=1500)])
    submit = SubmitField(_l("Kirim permintaan"))

    def validate_whatsapp(self, field):
        field.normalised = normalise_whatsapp(field.data)
        if field.normalised is None:
            raise ValidationError(_l("Nomor WhatsApp belum benar. Tulis nomor HP yang dimulai "
                                     "08 atau +62."))


class ParentStudentForm(Form):
    """The counselor's confirmation that the parent's child is this student."""

    # The page offers only matching students; services.parents.link_student checks again.
    student = IntegerField(_l("Siswa yang dimaksud"),
                           validators=[InputRequired(_l("Pilih siswanya."))])


class ScheduleParentForm(Form):
    mode = SelectField(_l("Cara bertemu"),
                       choices=[SelectChoice(mode.value, label(mode)) for mode in MEETING_MODES])
    slot = SlotField(_l("Waktu"))
    submit = SubmitField(_l("Jadwalkan pertemuan"))
