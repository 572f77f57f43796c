from flask_babel import lazy_gettext as _l
from wtforms import PasswordField
from wtforms import StringField
from wtforms import SubmitField
from wtforms.validators import DataRequired
from wtforms.validators import EqualTo
from wtforms.validators import Length
from wtforms.validators import ValidationError

MIN_PASSWORD_LENGTH = 8


from ..common.forms import Form
class LoginForm(Form):
    username = StringField(_l("Nama pengguna"), validators=[DataRequired(), Length(max=64)],
                           render_kw={"autocomplete": "username", "autocapitalize": "none",
                                      "spellcheck": "false"})
    password = PasswordField(_l("Kata sandi"), validators=[DataRequired(), Length(max=128)],
                             render_kw={"autocomplete": "current-password"})
    submit = SubmitField(_l("Masuk"))


class ChangePasswordForm(Form):
    current_password = PasswordField(_l("Kata sandi sekarang"), validators=[DataRequired()],
                                     render_kw={"autocomplete": "current-password"})
    new_password = PasswordField(
        _l("Kata sandi baru"),
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=128)],
        description=_l("Minimal 8 karakter. Jangan pakai tanggal lahir atau nama."),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Ulangi kata sandi baru"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("Kedua kata sandi tidak sama."))],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Simpan kata sandi"))

    def validate_new_password(self, field):
        if field.data == self.current_password.data:
            raise ValidationError(_l("Kata sandi baru harus berbeda dari yang lama."))
