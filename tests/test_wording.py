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
