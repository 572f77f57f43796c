from flask_babel import lazy_gettext as _l
from wtforms import BooleanField
from wtforms import SelectField
from wtforms import SubmitField
from wtforms import TimeField
from wtforms.validators import Optional

from ..common.forms import EmailField
from ..common.forms import Form

DIGEST_CHOICES = [
    (60, _l("Paling sering sejam sekali")),
    (180, _l("Paling sering tiga jam sekali")),
    (1440, _l("Sekali sehari")),
    (0, _l("Tidak usah (hanya yang mendesak dan lainnya)")),
]


class AlertSettingsForm(Form):
    email = EmailField(_l("Alamat email Anda"),
                       description=_l("Notifikasi email dikirim ke alamat ini."))
    email_enabled = BooleanField(_l("Kirim notifikasi lewat email"))
    push_enabled = BooleanField(_l("Kirim notifikasi ke perangkat yang sudah diaktifkan"))
    digest_minutes = SelectField(_l("Cerita dan balasan baru yang tidak mendesak"),
                                 choices=DIGEST_CHOICES, coerce=int)
    quiet_from = TimeField(_l("Jam tenang mulai"), validators=[Optional()])
    quiet_until = TimeField(_l("Jam tenang selesai"), validators=[Optional()])
    submit = SubmitField(_l("Simpan pengaturan notifikasi"))

    def validate(self, extra_validators=None):
        # Here, not as a field's validator: Optional() ends the chain of an empty field.
        if not super().validate(extra_validators):
            return False
        if (self.quiet_from.data is None) != (self.quiet_until.data is None):
            self.quiet_until.errors.append(
                _l("Isi jam mulai dan jam selesai, atau kosongkan keduanya."))
            return False
        return True


class AccountEmailForm(Form):
    """The operator sets a staff account's email address."""

    email = EmailField(_l("Alamat email"))
    submit = SubmitField(_l("Simpan alamat email"))
