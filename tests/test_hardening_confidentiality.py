"""Confidential content never reaches a role that may not see it, and every page of the
role matrix carries the security headers.

A unique marker is planted in each kind of confidential record through the features'
own services; then every GET route of the URL map (so new routes are covered at once)
is requested as every role, with URL arguments naming the planted records, and each
response is searched for the markers, inside ZIP files (XLSX, exports) too. Who may
see what follows PRODUCT.md's confidentiality table.
"""

import importlib.util
import io
import re
import zipfile
from datetime import timedelta

import pytest
from flask import url_for
from werkzeug.routing import IntegerConverter

from cyberbk.booking.models import HelpBefore
from cyberbk.booking.models import Reminder
from cyberbk.booking.services import bookings
from cyberbk.booking.services import casework
from cyberbk.booking.services import parents
from cyberbk.booking.services import referring
from cyberbk.common.schooltime import utcnow
from cyberbk.common.vocabulary import Mode
from cyberbk.common.vocabulary import ServiceField
from cyberbk.extensions import db
from cyberbk.problembox import services as problembox
from tests import factories
from tests import test_assessments as assessment_helpers
from tests import test_booking as booking_helpers
from tests.test_role_matrix import PEOPLE

HAS_CHAT = importlib.util.find_spec("cyberbk.chat") is not None

#: The anonymous reporter: a browser in which the follow-up code was typed, no account.
REPORTER = "reporter"
VIEWERS = (*PEOPLE, REPORTER)
COUNSELORS = {"counselor", "counselor_b"}

# marker -> who may see it (PRODUCT.md, "Confidentiality")
MAY_SEE = {
    # Anonymous problem and its thread: with the follow-up code only, and every counselor.
    "RHS-LAPORAN-Q7X2": COUNSELORS | {REPORTER},
    "RHS-BALASANSISWA-K3M8": COUNSELORS | {REPORTER},
    "RHS-JAWABANGURU-W5N4": COUNSELORS | {REPORTER},
    # A counselor's internal note on a report: never the student.
    "RHS-CATATANKOTAK-J9T6": COUNSELORS,
    # Counseling case: the student (not private notes) and the assigned counselor only.
    "RHS-DATAAWAL-P2V7": {"student_a", "counselor"},
    "RHS-RINGKASAN-H4C9": {"student_a", "counselor"},
    "RHS-CATATANPRIBADI-Z8D3": {"counselor"},
    # Assessment answers: the student and counselors; homeroom teachers see aggregates only.
    "RHS-JAWABANANGKET-F6B1": {"student_a"} | COUNSELORS,
    # A referral's reason is for counselors; the referring teacher sees its status only.
    "RHS-ALASANRUJUKAN-L3G5": COUNSELORS,
    # A parent's consultation request.
    "RHS-TOPIKORTU-Y7R2": COUNSELORS,
}
CHAT_MARKER = "RHS-PESANCHAT-S4U6"
if HAS_CHAT:
    MAY_SEE[CHAT_MARKER] = {"student_a", "counselor"}

# HTTP-level rules: which Referrer-Policy values keep URLs to ourselves.
STRICT_REFERRER = {"no-referrer", "same-origin", "strict-origin",
                   "strict-origin-when-cross-origin"}


def marker(prefix):
    return next(m for m in MAY_SEE if m.startswith(f"RHS-{prefix}"))


@pytest.fixture
def world(app, school):
    """The school with one record of every confidential kind, each carrying its marker."""
    report, code = factories.make_report(f"Aku dirundung. {marker('LAPORAN')}")
    problembox.add_student_reply(report, f"Masih terjadi. {marker('BALASANSISWA')}")
    problembox.add_counselor_reply(report, school["counselor"],
                                   f"Terima kasih sudah cerita. {marker('JAWABANGURU')}")
    problembox.add_note(report, school["counselor"], f"Pantau. {marker('CATATANKOTAK')}")

    booking_helpers.open_all_week(school["counselor"])
    slot = booking_helpers.first_free_slot(school["counselor"])
    session = bookings.book_for_student(
        school["student_a"], school["counselor"].id, slot.starts_at, Mode.CHAT,
        ServiceField.PERSONAL, phone_times="Sore", consented=True,
        intake={"description": f"Aku ingin cerita. {marker('DATAAWAL')}",
                "help_before": HelpBefore.NO, "feels_unsafe": False,
                "reminder": Reminder.NONE})
    bookings.confirm(session)
    casework.add_record(session.case, school["counselor"], held_at=utcnow() - timedelta(days=1),
                        mode=Mode.FACE, field=ServiceField.PERSONAL, topic="Pertemuan awal",
                        summary=f"Siswa bercerita. {marker('RINGKASAN')}",
                        private_note=f"Perlu dipantau. {marker('CATATANPRIBADI')}")

    instrument = assessment_helpers.make_instrument()
    administration = assessment_helpers.give(instrument, [school["class_a"]])
    text_item = instrument.items[-1]
    assessment_helpers.add_response(administration, school["student_a"],
                                    [(instrument.items[0], 3),
                                     (text_item, marker("JAWABANANGKET"))])

    referral = referring.refer(school["homeroom_a"], school["student_a"].id,
                               f"Sering melamun. {marker('ALASANRUJUKAN')}")
    parent = parents.add_parent_request(
        parent_name="Bu Wali Murid", child_name="Siswa A", class_name="7A",
        whatsapp="6281234567890", preferred_times="Sore",
        topic=f"Anak saya murung. {marker('TOPIKORTU')}")

    db.session.commit()
    if HAS_CHAT:
        from cyberbk.chat.services import rooms
        from tests.test_chat import say

        seat = rooms.booking_seat(school["student_a"], session)
        with app.test_request_context():
            say(seat, f"Halo Bu. {CHAT_MARKER}")

    return {
        "code": code,
        "values": {
            "booking_id": session.id, "case_id": session.case_id, "report_id": report.id,
            "aid": administration.id, "iid": instrument.id,
            "sid": instrument.sections[0].id, "item_id": instrument.items[0].id, "number": 1,
            "user_id": school["student_a"].id, "student_id": school["student_a"].id,
            "class_id": school["class_a"].id, "referral_id": referral.id,
            "request_id": parent.id, "kind": "csv", "filename": "css/app.css",
        },
        "slug": administration.slug,
    }


def get_urls(app, world):
    """One URL per GET rule, its arguments naming the planted records where it has such."""
    urls = set()
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        values = {}
        for name, converter in rule._converters.items():
            if name == "slug" and rule.endpoint.startswith("assessments."):
                values[name] = world["slug"]
            elif name in world["values"]:
                values[name] = world["values"][name]
            else:
                # Arguments that name nothing planted: a value the allowed roles get 404 for.
                values[name] = 1 if isinstance(converter, IntegerConverter) else "tidak-ada"
        with app.test_request_context():
            urls.add(url_for(rule.endpoint, **values))
    return sorted(urls)


def sign_in(client, auth, school, world, viewer):
    if viewer == REPORTER:
        assert client.post("/kotak/cek", data={"code": world["code"]}).status_code == 303
    elif viewer != "anonymous":
        assert auth.login(school[viewer].username).status_code == 302


def readable(response):
    """The response's bytes as text, with the members of a ZIP (XLSX, exports) included."""
    data = response.get_data()
    if data.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            data = b"".join(archive.read(name) for name in archive.namelist())
    return data.decode("utf-8", errors="replace")


def script_sources(policy):
    directives = dict((part.strip().split(" ", 1) + [""])[:2]
                      for part in policy.split(";") if part.strip())
    return directives.get("script-src", directives.get("default-src", "*")).split()


# A policy binds documents only; scripts and style sheets are sent without one, to save bytes.
SUBRESOURCES = {"text/css", "text/javascript", "application/javascript"}


def header_problems(response):
    if response.mimetype in SUBRESOURCES:
        nosniff = response.headers.get("X-Content-Type-Options") == "nosniff"
        return [] if nosniff else ["no X-Content-Type-Options: nosniff"]
    problems = []
    sources = script_sources(response.headers.get("Content-Security-Policy", ""))
    unsafe = {"'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:"}
    if not sources or unsafe & set(sources):
        problems.append(f"script-src {sources}")
    if response.headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("no X-Content-Type-Options: nosniff")
    if response.headers.get("Referrer-Policy") not in STRICT_REFERRER:
        problems.append(f"Referrer-Policy {response.headers.get('Referrer-Policy')}")
    if response.mimetype == "text/html" and "no-store" not in response.headers.get(
            "Cache-Control", ""):
        problems.append(f"page without no-store: {response.headers.get('Cache-Control')}")
    problems += cookie_problems(response)
    return problems


def cookie_problems(response):
    problems = []
    for cookie in response.headers.getlist("Set-Cookie"):
        flags = {part.strip().lower() for part in cookie.split(";")[1:]}
        if "httponly" not in flags or "samesite=lax" not in flags:
            problems.append(f"cookie without HttpOnly and SameSite=Lax: {cookie}")
    return problems


@pytest.mark.parametrize("viewer", VIEWERS)
def test_confidential_markers_reach_only_who_may_see_them(app, client, auth, school, world,
                                                          viewer):
    sign_in(client, auth, school, world, viewer)
    leaks, errors, seen = [], [], set()
    for url in get_urls(app, world):
        response = client.get(url)
        if response.status_code >= 500:
            errors.append(f"{url}: {response.status_code}")
        text = readable(response)
        for secret, allowed in MAY_SEE.items():
            if secret in text:
                seen.add(secret)
                if viewer not in allowed:
                    leaks.append(f"{url} shows {secret}")
                elif "no-store" not in response.headers.get("Cache-Control", ""):
                    leaks.append(f"{url} shows {secret} without Cache-Control: no-store")
    assert errors == [], "\n".join(errors)
    assert leaks == [], "\n".join(leaks)
    # The search must be able to find what it looks for: what this viewer may see, it sees
    # somewhere (else a marker was never planted, or a page lost its content).
    expected = {secret for secret, allowed in MAY_SEE.items() if viewer in allowed}
    assert expected - seen == set()


@pytest.mark.parametrize("viewer", VIEWERS)
def test_every_page_of_the_matrix_carries_the_security_headers(app, client, auth, school,
                                                               world, viewer):
    sign_in(client, auth, school, world, viewer)
    problems = []
    for url in get_urls(app, world):
        problems += [f"{url}: {problem}" for problem in header_problems(client.get(url))]
    assert problems == [], "\n".join(problems)


def test_cookies_set_on_login_language_and_problem_box_are_httponly_and_samesite_lax(
        client, auth, school):
    responses = [
        auth.login("siswa.a"),
        client.post("/bahasa", data={"lang": "en", "next": "/"}),
        client.post("/logout"),
        client.post("/kotak", data={"body": "Cerita"}),
    ]
    set_cookies = [c for r in responses for c in r.headers.getlist("Set-Cookie")]
    assert any(c.startswith("cyberbk_session=") for c in set_cookies)
    assert any(c.startswith("lang=") for c in set_cookies)
    assert [p for r in responses for p in cookie_problems(r)] == []


@pytest.fixture
def secure_cookies(app_config):
    app_config["SESSION_COOKIE_SECURE"] = True
    return app_config


def test_session_cookie_is_secure_when_the_site_is_served_over_https(secure_cookies, auth,
                                                                     school):
    cookie = next(c for c in auth.login("siswa.a").headers.getlist("Set-Cookie")
                  if c.startswith("cyberbk_session="))
    assert re.search(r";\s*Secure", cookie)
