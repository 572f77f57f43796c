from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp
from wtforms import BooleanField
from wtforms import RadioField
from wtforms import SelectField
from wtforms import StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired
from wtforms.validators import Length
from wtforms.validators import Optional

from ..common.forms import Form
from ..common.forms import StudentReportForm
from ..common.forms import chosen
from ..common.forms import strip
from ..common.forms import text_area
from ..common.vocabulary import FIELD_LABELS
from ..common.vocabulary import MODE_LABELS
from ..common.vocabulary import ONLINE_MODES
from ..common.vocabulary import ServiceField
from .models import ReportStatus

REPORT_MAX = 3000
REPLY_MAX = 2000

STATUS_LABELS = {
    ReportStatus.NEW: _l("Baru"),
    ReportStatus.IN_PROGRESS: _l("Diproses"),
    ReportStatus.CLOSED: _lp("story status", "Selesai"),
}


def options(pairs):
    return [SelectChoice(value, label) for value, label in pairs]


def _enum_or_none(members):
    """Coerce to the member of `members` (an Enum, or some of its members) that the value
    names; anything else becomes None (left to `chosen` to refuse)."""

    def coerce(value):
        return next((member for member in members if member == value), None)

    return coerce


def _urgency(value):
    """Form values "1"/"0" and the model's True/False; anything else is None."""
    return {"1": True, "0": False, True: True, False: False}.get(value)


class ReportForm(StudentReportForm):
    body = text_area(
        _l("Ceritakan masalahmu"), REPORT_MAX,
        _l("Tulis dulu ceritamu, walau hanya satu kalimat."), rows=8,
        too_long=_l("Ceritamu terlalu panjang. Paling banyak %(max)d karakter."),
        description=_l("Tulis dengan bahasamu sendiri. Paling banyak %(max)d karakter.",
                       max=REPORT_MAX))
    field = RadioField(
        _l("Tentang apa? (boleh dilewati)"),
        choices=options([("", _l("Belum tahu"))]
                        + [(f.value, label) for f, label in FIELD_LABELS.items()]),
        coerce=_enum_or_none(ServiceField), validators=[Optional()], validate_choice=False,
    )
    include_name = BooleanField(_l("Sertakan namaku supaya Guru BK tahu siapa aku"))


class CodeForm(Form):
    code = StringField(
        _l("Kode balasan"), validators=[DataRequired(_l("Tulis kode balasanmu."))],
        filters=[strip], description=_l("Contoh: BK-4F7Q-9XPA-M2KD-7RTW. Huruf besar atau kecil "
                                        "sama saja."),
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false",
                   "maxlength": 64},
    )


class ReplyForm(Form):
    body = text_area(_l("Balasanmu"), REPLY_MAX, _l("Tulis dulu balasanmu."))


class SessionRequestForm(Form):
    mode = RadioField(_l("Mau ngobrol lewat apa?"),
                      choices=options((m.value, MODE_LABELS[m]) for m in ONLINE_MODES),
                      coerce=_enum_or_none(ONLINE_MODES), validate_choice=False,
                      validators=[chosen(_l("Pilih chat atau video."))])
    times = StringField(
        _l("Kapan kamu bisa pegang HP? (boleh dikosongkan)"), filters=[strip],
        validators=[Length(max=200)],
        description=_l("Misalnya: Senin–Rabu setelah jam 4 sore. Jangan tulis nama atau nomor HP."),
        render_kw={"maxlength": 200},
    )


class CounselorReplyForm(Form):
    body = text_area(_l("Balasan untuk siswa"), REPLY_MAX, _l("Tulis dulu balasannya."),
                     rows=6)


class NoteForm(Form):
    body = text_area(_l("Catatan baru"), REPLY_MAX, _l("Tulis dulu catatannya."), rows=3)


class TriageForm(Form):
    status = SelectField(_l("Status"),
                         choices=options((s.value, label) for s, label in STATUS_LABELS.items()),
                         coerce=_enum_or_none(ReportStatus), validate_choice=False,
                         validators=[chosen(_l("Pilih status."))])
    urgent = SelectField(_l("Tingkat urgensi"), coerce=_urgency, validate_choice=False,
                         choices=options([("1", _l("Mendesak")), ("0", _l("Tidak mendesak"))]),
                         validators=[chosen(_l("Pilih tingkat urgensi."))])


class InboxFilterForm(Form):
    class Meta:
        csrf = False

    status = SelectField(_l("Status"), coerce=_enum_or_none(ReportStatus), choices=options(
        [("", _l("Semua status"))] + [(s.value, label) for s, label in STATUS_LABELS.items()]))
    field = SelectField(_l("Bidang"), coerce=_enum_or_none(ServiceField), choices=options(
        [("", _l("Semua bidang"))] + [(f.value, label) for f, label in FIELD_LABELS.items()]))
    urgent = SelectField(_l("Urgensi"), coerce=_urgency, choices=options(
        [("", _l("Semua")), ("1", _l("Mendesak")), ("0", _l("Tidak mendesak"))]))
    new_reply = BooleanField(_l("Hanya yang ada balasan baru"))


class TemplateForm(Form):
    title = StringField(_l("Judul singkat"), filters=[strip],
                        validators=[DataRequired(_l("Beri judul singkat.")), Length(max=80)])
    body = text_area(_l("Isi balasan"), REPLY_MAX, _l("Tulis isi balasannya."))


class RiskTermForm(Form):
    term = StringField(
        _l("Kata atau frasa"), filters=[strip],
        validators=[DataRequired(_l("Tulis kata atau frasanya.")), Length(min=2, max=80)],
        description=_l("Tulis dalam bahasa Indonesia biasa, misalnya \"ingin menghilang\". "
                       "Ejaan gaul, huruf berulang dan tanpa spasi ikut dikenali."),
    )
