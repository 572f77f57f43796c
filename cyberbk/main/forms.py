from wtforms import HiddenField


from ..common.forms import Form
class LanguageForm(Form):
    lang = HiddenField()
    next = HiddenField()
