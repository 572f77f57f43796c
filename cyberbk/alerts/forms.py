from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms import SelectField
from wtforms import SubmitField
from wtforms import TimeField
from wtforms.validators import Optional
from wtforms.validators import ValidationError

from ..common.forms import EmailField

DIGEST_CHOICES = [
    (60, _l("Paling sering sejam sekali")),
    (180, _l("Paling sering tiga jam sekali")),
    (1440, _l("Sekali sehari")),
    (0, _l("Tidak usah (hanya yang mendesak dan lainnya)")),
]


class AlertSettingsForm(FlaskForm):
    email = EmailField(_l("Alamat email Anda"),
                       description=_l("Notifikasi email dikirim ke alamat ini."))
    email_enabled = BooleanField(_l("Kirim notifikasi lewat email"))
    push_enabled = BooleanField(_l("Kirim notifikasi ke perangkat yang sudah diaktifkan"))
    digest_minutes = SelectField(_l("Cerita dan balasan baru yang tidak mendesak"),
                                 choices=DIGEST_CHOICES, coerce=int)
    quiet_from = TimeField(_l("Jam tenang mulai"), validators=[Optional()])
    quiet_until = TimeField(_l("Jam tenang selesai"), validators=[Optional()])
    submit = SubmitField(_l("Simpan pengaturan notifikasi"))

    def validate_quiet_until(self, field):
        if (self.quiet_from.data is None) != (field.data is None):
            raise ValidationError(_l("Isi jam mulai dan jam selesai, atau kosongkan keduanya."))


class AccountEmailForm(FlaskForm):
    """The operator sets a staff account's email address."""

    email = EmailField(_l("Alamat email"))
    submit = SubmitField(_l("Simpan alamat email"))
