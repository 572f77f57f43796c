import re

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed
from flask_wtf.file import FileField
from flask_wtf.file import FileRequired
from wtforms import ColorField
from wtforms import PasswordField
from wtforms import SelectField
from wtforms import StringField
from wtforms import SubmitField
from wtforms import TextAreaField
from wtforms.validators import DataRequired
from wtforms.validators import EqualTo
from wtforms.validators import Length
from wtforms.validators import Optional
from wtforms.validators import ValidationError

from ..common import colours
from ..common.forms import EmailField
from ..common.forms import Form
from ..school import phones


class ImportForm(Form):
    file = FileField(
        _l("Berkas daftar siswa dan guru (.csv atau .xlsx) atau ekspor Dapodik"),
        # .xls passes here so that the importer says how to save it as .xlsx.
        validators=[FileRequired(_l("Pilih berkasnya dulu.")),
                    FileAllowed(["csv", "xlsx", "xls"], _l("Pilih berkas .csv atau .xlsx."))],
    )
    submit = SubmitField(_l("Periksa dan impor"))


class HomeroomForm(Form):
    homeroom = SelectField(_l("Wali kelas"), validators=[Optional()],
                           description=_l("Akun wali kelas yang aktif. Akun baru dibuat lewat "
                                          "impor daftar kelas dengan peran wali kelas."))
    submit = SubmitField(_l("Simpan wali kelas"))


class AccountFilterForm(Form):
    class Meta:
        csrf = False

    role = SelectField(_l("Peran"), validators=[Optional()])
    school_class = SelectField(_l("Kelas"), validators=[Optional()])
    q = StringField(_l("Cari nama atau nama pengguna"), validators=[Optional(), Length(max=64)])
    submit = SubmitField(_l("Tampilkan"))


class SettingsForm(Form):
    name = StringField(_l("Nama sekolah"), validators=[DataRequired(), Length(max=160)])
    address = TextAreaField(_l("Alamat"), validators=[Optional(), Length(max=500)])
    counselor_contacts = TextAreaField(_l("Kontak Guru BK"), validators=[Optional(), Length(max=1000)],
                                       description=_l("Satu kontak per baris."))
    service_hours = TextAreaField(_l("Jam layanan BK"), validators=[Optional(), Length(max=500)])
    escalation_email = EmailField(
        _l("Email kontak eskalasi (koordinator BK atau kepala sekolah)"),
        description=_l("Cerita mendesak yang lama belum dibuka Guru BK juga dikabarkan ke "
                       "alamat ini, tanpa isi ceritanya."))
    logo = FileField(_l("Logo sekolah (PNG atau JPG, paling besar 512 KB)"),
                     validators=[FileAllowed(["png", "jpg", "jpeg"], _l("Logo harus PNG atau JPG."))])
    # A colour picker in browsers; the server still checks, for anything typed or sent.
    primary_colour = ColorField(
        _l("Warna utama poster"), validators=[DataRequired(_l("Pilih warna utama poster."))],
        description=_l("Latar poster. Tulisan di atasnya otomatis putih atau hitam, mana yang "
                       "lebih terbaca."))
    accent_colour = ColorField(
        _l("Warna aksen poster"), validators=[DataRequired(_l("Pilih warna aksen poster."))],
        description=_l("Lingkaran nomor langkah dan hiasan poster."))
    principal_name = StringField(
        _l("Nama kepala sekolah"), validators=[Optional(), Length(max=120)],
        description=_l("Dengan gelarnya, seperti ditulis di surat resmi."))
    principal_nip = StringField(_l("NIP kepala sekolah"), validators=[Optional(), Length(max=32)],
                                description=_l("Kosongkan bila tidak ada NIP."))
    coordinator_name = StringField(
        _l("Nama koordinator BK"), validators=[Optional(), Length(max=120)],
        description=_l("Di sekolah dengan satu Guru BK, isi nama Guru BK tersebut."))
    coordinator_nip = StringField(
        _l("NIP koordinator BK"), validators=[Optional(), Length(max=32)],
        description=_l("Kosongkan bila tidak ada NIP."))
    submit = SubmitField(_l("Simpan pengaturan"))

    def validate_primary_colour(self, field):
        check_colour(field)

    def validate_accent_colour(self, field):
        check_colour(field)

    def validate_principal_nip(self, field):
        check_nip(field)

    def validate_coordinator_nip(self, field):
        check_nip(field)


def check_colour(field):
    if colours.normalise(field.data) is None:
        raise ValidationError(_l("Warna ditulis dengan kode heksadesimal 6 digit, misalnya "
                                 "#0b5d55."))
    field.data = colours.normalise(field.data)


def check_nip(field):
    """A NIP is 18 digits (birth date, appointment, sex, number), which schools write in
    groups: "19700101 199503 1 001". Anything else is a typing slip on a signed page."""
    if field.data and not re.fullmatch(r"\d{18}", field.data.replace(" ", "")):
        raise ValidationError(_l("NIP terdiri dari 18 angka, misalnya 19700101 199503 1 001."))


class StaffNipForm(Form):
    """The NIP printed under a staff member's signature (a Guru BK's RPL, a homeroom
    teacher's class results)."""

    nip = StringField(_l("NIP"), validators=[Optional(), Length(max=32)],
                      description=_l("Kosongkan bila tidak ada NIP."))
    submit = SubmitField(_l("Simpan NIP"))

    def validate_nip(self, field):
        check_nip(field)


class CrisisContactForm(Form):
    """A crisis contact; its phone and WhatsApp numbers become links a student can tap."""

    name = StringField(_l("Nama layanan"), validators=[DataRequired(), Length(max=120)])
    contact = StringField(_l("Nomor atau cara menghubungi"), validators=[DataRequired(), Length(max=120)],
                          description=_l("Ditampilkan apa adanya, misalnya “Ruang BK lantai 1” atau "
                                         "“Telepon 129”."))
    phone = StringField(_l("Nomor telepon (untuk tombol Telepon)"), validators=[Optional(), Length(max=40)],
                        description=_l("Contoh: 129, 119 ekstensi 8, 0812-3456-7890, (0295) 381234."))
    whatsapp = StringField(_l("Nomor WhatsApp (untuk tombol WhatsApp)"),
                           validators=[Optional(), Length(max=40)],
                           description=_l("Nomor HP yang memakai WhatsApp, contoh: 0811-1129-129."))
    description = StringField(_l("Keterangan"), validators=[Optional(), Length(max=240)])
    submit = SubmitField(_l("Simpan kontak"))

    def validate_phone(self, field):
        if field.data and phones.parse_phone(field.data) is None:
            raise ValidationError(_l("Nomor telepon tidak dikenali. Tulis nomor Indonesia, misalnya "
                                     "129, 119 ekstensi 8, 0812-3456-7890 atau +62 812 3456 7890."))

    def validate_whatsapp(self, field):
        if field.data and phones.parse_whatsapp(field.data) is None:
            raise ValidationError(_l("Nomor WhatsApp harus nomor HP Indonesia yang diawali 08 atau "
                                     "+62 8, misalnya 0811-1129-129."))

    def numbers(self):
        """(phone, whatsapp) as the contact stores them, None where left empty."""
        return (phones.parse_phone(self.phone.data) if self.phone.data else None,
                phones.parse_whatsapp(self.whatsapp.data) if self.whatsapp.data else None)


class BackupForm(Form):
    """The passphrase that encrypts a backup made in the browser, when the server has none
    configured (BACKUP_PASSPHRASE); it is used once and never stored."""

    passphrase = PasswordField(_l("Sandi cadangan"), validators=[
        Optional(), Length(min=12, max=200, message=_l("Sandi cadangan paling sedikit 12 karakter."))],
        description=_l("Paling sedikit 12 karakter. Simpan di tempat aman: tanpa sandi ini "
                       "cadangan tidak bisa dipulihkan."))
    passphrase_repeat = PasswordField(_l("Ulangi sandi cadangan"), validators=[
        EqualTo("passphrase", message=_l("Kedua sandi tidak sama."))])
    submit = SubmitField(_l("Buat dan unduh cadangan"))
