"""One word for each thing every feature talks about: the four fields (bidang) of BK
services and the ways a counseling session is held.

The values are what the database stores in every table (the migration e2a1vocabulary
rewrote the older English and "karir" ones); the labels are the one term people see.
"""

import enum
from dataclasses import dataclass
from datetime import date
from datetime import datetime

from flask_babel import lazy_gettext as _l


class ServiceField(str, enum.Enum):
    """The four fields (bidang) of BK services."""

    PERSONAL = "pribadi"
    SOCIAL = "sosial"
    LEARNING = "belajar"
    CAREER = "karier"


class Mode(str, enum.Enum):
    """How a counseling session is held."""

    CHAT = "chat"
    VIDEO = "video"
    FACE = "face"


@dataclass(frozen=True)
class TimelineEntry:
    """One dated event on a student's record (signals.student_timeline)."""

    #: Naive UTC.
    at: datetime
    text: str
    #: The page that shows it, when the counselor may open one.
    link: str | None = None
    #: `at` is the hour only (a story's time is kept no closer).
    hour_only: bool = False


@dataclass(frozen=True)
class ExportFile:
    """A feature's file in the export of a student's data (signals.student_export)."""

    #: Its name in the ZIP ("tppk.csv").
    name: str
    #: What the export's LIHAT-SAYA.txt says it holds, in Indonesian.
    about: str
    text: str


@dataclass(frozen=True)
class UrgentItem:
    """Something urgent no counselor has opened yet (signals.urgent_waiting)."""

    #: What it is about, as in signals.counselor_alert ("kotak:12").
    ref: str
    #: What the counselor's home says it is; never the student's words or name.
    title: str
    link: str
    #: Since when it waits (naive UTC); an anonymous story's is its hour.
    since: datetime
    #: `since` is the hour only.
    hour_only: bool = False


@dataclass(frozen=True)
class LaisegResult:
    """A laiseg of one service (signals.laiseg_results): how many answered, and, once it is
    closed with at least MIN_GROUP_SIZE respondents, each question's mean on the 1–4 scale
    and the share who agreed (Setuju or Sangat setuju), in LAISEG_ASPECTS order."""

    administration_id: int
    #: "upcoming", "open" or "closed".
    status: str
    #: Naive UTC.
    closes_at: datetime
    submitted: int
    #: The path the group answers by (the class's own link, or the questionnaire's).
    link: str
    means: tuple | None = None
    agreed: tuple | None = None

    @property
    def shown(self):
        return self.means is not None


#: What a laiseg asks, in its items' order: understanding, comfort, action.
LAISEG_ASPECTS = (_l("Pemahaman"), _l("Kenyamanan"), _l("Rencana tindakan"))

#: The modes held inside the app; face to face happens in the BK room.
ONLINE_MODES = (Mode.CHAT, Mode.VIDEO)

FIELD_LABELS = {
    ServiceField.PERSONAL: _l("Pribadi"),
    ServiceField.SOCIAL: _l("Sosial"),
    ServiceField.LEARNING: _l("Belajar"),
    ServiceField.CAREER: _l("Karier"),
}
#: What each field covers, in a student's words.
FIELD_HINTS = {
    ServiceField.PERSONAL: _l("perasaan, diri sendiri, keluarga"),
    ServiceField.SOCIAL: _l("teman, pacar, dirundung"),
    ServiceField.LEARNING: _l("pelajaran, nilai, PR"),
    ServiceField.CAREER: _l("cita-cita, sekolah lanjutan"),
}
MODE_LABELS = {
    Mode.CHAT: _l("Chat"),
    Mode.VIDEO: _l("Video"),
    Mode.FACE: _l("Tatap muka"),
}


@dataclass(frozen=True)
class HeldService:
    """A service another feature keeps that happened (signals.services_held): a session
    record, a case conference, a home visit, a referral out. Whose it was stays with its
    feature; what the programme needs is what, when, by whom and which row it delivers."""

    #: The programme's ActivityKind value ("individual", "case_conference", ...).
    kind: str
    #: The school's local date.
    held_on: date
    counselor_id: int | None
    #: The Program Tahunan row it delivers, or None.
    row_id: int | None
