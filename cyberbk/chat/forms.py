from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import DataRequired


from ..common.forms import Form
class MessageForm(Form):
    """The chat's plain form: it works without JavaScript, and chat.js sends through the
    socket instead while one is open. Length and content are checked by the service."""

    body = TextAreaField(_l("Tulis pesan"), id="chat-body",
                         validators=[DataRequired(_l("Pesannya masih kosong."))])
