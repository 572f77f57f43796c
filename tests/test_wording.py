"""One way of addressing each reader and one term for each thing (issue 19 §6).

Students are "kamu", staff "Bapak/Ibu" and "Anda"; tahun pelajaran, karier, daring and
nama pengguna are the only terms; a student reads no counseling jargon. Every GET route is
crawled as a student and as each staff role (with the confidentiality tests' planted
records, so that pages with content render), and the text a person reads is searched.
"""

import html
import json
import re

import pytest

from tests.test_hardening_confidentiality import get_urls
from tests.test_hardening_confidentiality import sign_in
from tests.test_hardening_confidentiality import world  # noqa: F401  (fixture)

#: The other term of each pair.
OTHER_TERMS = re.compile(r"\btahun ajaran\b|\bkarir\b|\bonline\b|\busername\b",
                         re.IGNORECASE)
#: Counselors' terms a student should not have to know.
JARGON = re.compile(r"\bkesediaan konseli\b", re.IGNORECASE)
STAFF_WORD = re.compile(r"\bAnda\b")
STUDENT_WORD = re.compile(r"\bkamu\b|\bAkunmu\b|\bakunmu\b", re.IGNORECASE)

# What a reader reads: the text between tags and the attributes that are said or shown,
# and the chat's texts for its script; not scripts, styles, comments or code (a file's
# column names, which are the file's, not our wording).
HIDDEN = re.compile(r"<script\b.*?</script>|<style\b.*?</style>|<!--.*?-->|<code>.*?</code>",
                    re.S | re.I)
SHOWN_ATTRIBUTES = re.compile(
    r'\s(?:aria-label|title|placeholder|alt|data-[\w-]*text)=(["\'])(.*?)\1', re.S)
SCRIPT_TEXTS = re.compile(r"\sdata-texts='(.*?)'", re.S)
TAG = re.compile(r"<[^>]+>")

#: Pages whose "kamu" is for students, whoever opens them: the students' own public pages
#: (the problem box and its report of violence to the TPPK, the service page and guide,
#: booking), the counselors' editors of those texts, and the problem box's ready replies
#: that counselors send students.
STUDENT_TEXT = re.compile(r"/(kotak|layanan|panduan|jadwal)(/(cek|terkirim|kekerasan))?$|"
                          r"/bk/(outreach/layanan|panduan|kotak/pengaturan|kotak/\d+)$")


def read_text(response):
    page = HIDDEN.sub(" ", response.get_data(as_text=True))
    shown = [html.unescape(value) for _quote, value in SHOWN_ATTRIBUTES.findall(page)]
    shown += [text for texts in SCRIPT_TEXTS.findall(page)
              for text in json.loads(html.unescape(texts)).values()]
    return " ".join([html.unescape(TAG.sub(" ", page)), *shown])


def quoted(url, text, match):
    """Where a word was found, with its sentence, for whoever fixes it."""
    around = " ".join(text[max(0, match.start() - 50):match.end() + 50].split())
    return f"{url}: {match.group(0)!r} in …{around}…"


def pages(app, client, world):  # noqa: F811
    for url in get_urls(app, world):
        response = client.get(url)
        if response.status_code == 200 and response.mimetype == "text/html":
            yield url, read_text(response)


def test_student_pages_use_one_term_each_and_no_jargon(app, client, auth, school,
                                                       world):  # noqa: F811
    sign_in(client, auth, school, world, "student_a")
    found = [quoted(url, text, match) for url, text in pages(app, client, world)
             for pattern in (OTHER_TERMS, JARGON, STAFF_WORD)
             for match in pattern.finditer(text)]
    assert found == [], "\n".join(found)


@pytest.mark.parametrize("viewer", ["counselor", "homeroom_a", "admin"])
def test_staff_pages_address_staff_as_anda_with_one_term_each(app, client, auth, school,
                                                              world, viewer):  # noqa: F811
    sign_in(client, auth, school, world, viewer)
    found = []
    for url, text in pages(app, client, world):
        matches = list(OTHER_TERMS.finditer(text))
        if not STUDENT_TEXT.match(url):
            matches += STUDENT_WORD.finditer(text)
        found += [quoted(url, text, match) for match in matches]
    assert found == [], "\n".join(found)


# Enum labels: one Indonesian word can be two things in English.

def enum_labels():
    """Every enum member's label, as the lazy string its module keeps."""
    import enum

    from cyberbk.booking.models import LABEL_PAIRS
    from cyberbk.problembox.forms import STATUS_LABELS

    return [(member, text) for member, text in [*LABEL_PAIRS, *STATUS_LABELS.items()]
            if isinstance(member, enum.Enum)]


def test_one_indonesian_word_in_two_enums_has_a_context_each(app):
    """A msgid is translated once: "Selesai" for a held session and for a closed story
    would read the same in English. Where two enums share a word, each has its context."""
    by_word = {}
    with app.test_request_context():
        for member, text in enum_labels():
            by_word.setdefault(str(text), []).append((type(member), text))
    for word, uses in by_word.items():
        if len({kind for kind, _text in uses}) < 2:
            continue
        keys = [text._args for _kind, text in uses]
        assert all(len(key) == 2 for key in keys), f"{word!r} needs a context in each enum"
        assert len(set(keys)) == len({kind for kind, _text in uses}), word


@pytest.mark.parametrize("lang, expected", [
    ("id", ("Selesai", "Selesai", "Ditutup", "Selesai")),
    ("en", ("Held", "Closed", "Closed", "Done")),
])
def test_closed_and_done_read_as_each_thing_ends(app, lang, expected):
    from cyberbk.booking.models import BookingStatus
    from cyberbk.booking.models import CaseStatus
    from cyberbk.booking.models import ReferralStatus
    from cyberbk.booking.models import label
    from cyberbk.problembox.forms import STATUS_LABELS
    from cyberbk.problembox.models import ReportStatus

    with app.test_request_context(headers={"Cookie": f"lang={lang}"}):
        assert (str(label(BookingStatus.DONE)), str(STATUS_LABELS[ReportStatus.CLOSED]),
                str(label(CaseStatus.CLOSED)), str(label(ReferralStatus.DONE))) == expected


def test_enums_sharing_a_value_keep_their_own_labels(app):
    """A str enum member is equal to its value: "closed" is a holiday (ExceptionKind) and a
    closed case, "done" a held session and a finished referral. Each keeps its label."""
    from flask_babel import refresh

    from cyberbk.booking.models import BookingStatus
    from cyberbk.booking.models import CaseStatus
    from cyberbk.booking.models import ExceptionKind
    from cyberbk.booking.models import Outcome
    from cyberbk.booking.models import ReferralStatus
    from cyberbk.booking.models import label

    with app.test_request_context(headers={"Cookie": "lang=en"}):
        assert str(label(ExceptionKind.CLOSED)) != str(label(CaseStatus.CLOSED)) == "Closed"
        assert str(label(BookingStatus.DONE)) != str(label(ReferralStatus.DONE))
        # A plain value from a form still finds a label.
        assert str(label("video")) == "Video" and str(label(Outcome.REFERRAL.value))
    with app.test_request_context():
        refresh()  # the app context keeps the locale of the last request otherwise
        assert str(label(ExceptionKind.CLOSED)) == "Libur atau izin"


def test_a_holiday_reads_as_a_holiday_on_the_hours_page(client, auth, school):
    from datetime import timedelta

    from cyberbk.booking.services import slots
    from cyberbk.common.schooltime import local_today
    from cyberbk.extensions import db

    slots.add_closed_period(school["counselor"], local_today() + timedelta(days=3),
                            local_today() + timedelta(days=4), note="Cuti")
    db.session.commit()
    auth.login("guru.a")
    page = client.get("/bk/jadwal/jam").get_data(as_text=True)
    assert "<strong>Libur atau izin</strong>" in page and "<strong>Ditutup</strong>" not in page
