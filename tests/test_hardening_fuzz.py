"""Fuzzing: unicode, huge, empty, control characters, HTML/script and SQL-looking text in
every form and every JSON (Socket.IO) endpoint. No 500; what is stored comes back escaped
(no stored script runs); validation messages are Indonesian, never WTForms' English.

Forms are found by crawling every GET page of the URL map as each role (with a record of
every kind planted, see test_hardening_confidentiality.py), so a new form is fuzzed
without a line here. Hypothesis then posts generated values to every one of them as each
role, on SQLite and on PostgreSQL, explores the forms students and parents reach more
deeply, and the chat's Socket.IO events.
"""

import io
import re
from html.parser import HTMLParser
from urllib.parse import quote
from urllib.parse import urlsplit

from flask import url_for
from werkzeug.routing import IntegerConverter

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from cyberbk.booking.models import Booking
from cyberbk.booking.models import BookingStatus
from cyberbk.booking.services import slots
from cyberbk.common.forms import HONEYPOT
from cyberbk.extensions import db
from cyberbk.extensions import socketio
from cyberbk.problembox.models import ProblemReport
from tests import factories
from tests import test_booking as booking_helpers
from tests.conftest import AuthActions
from tests.test_hardening_confidentiality import get_urls
from tests.test_hardening_confidentiality import sign_in
from tests.test_hardening_confidentiality import world  # noqa: F401  (fixture)

FUZZ = settings(max_examples=30, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])

SCRIPT = '<script>alert("RHS-XSS")</script><img src=x onerror="alert(\'RHS-XSS\')">'
PAYLOADS = {
    "empty": "",
    "spaces": "   \t  ",
    "huge": "panjang " * 12_500,
    "unicode": "Ñandú 🙂🏳️‍🌈 مرحبا 你好 \u200b\u200d\u202egnp.exe Z\u0337a\u0337l\u0337g\u0337o\u0337",
    "control characters": "a\x00b\x01c\x07\x08\x1b[31mmerah\x7f\r\n\tbaris",
    "html and script": SCRIPT,
    "sql": "' OR '1'='1'; DROP TABLE users; -- \" UNION SELECT password FROM users",
    "numbers": "-1e308",
    "broken address": "http://[::1/%zz\\\\evil.example/?next=//[",
}
# Raw bodies a browser would not send: invalid UTF-8 and an encoded lone surrogate.
RAW_BODIES = {"invalid utf-8": b"%FF%FE%C3%28", "lone surrogate": b"%ED%A0%80"}

# WTForms' own messages: if one shows, a validator was left with its English default.
ENGLISH = re.compile(r"This field is required|Not a valid|Invalid (?:choice|input|date|time)|"
                     r"Field must be|must be between|Invalid value|is not a valid",
                     re.IGNORECASE)
RAW_SCRIPT = ('<script>alert("RHS-XSS")', "onerror=\"alert('RHS-XSS')")
ROLES = ("anonymous", "reporter", "student_a", "homeroom_a", "counselor", "admin")
TEXT_KINDS = {"text", "textarea", "email", "search", "tel", "url", "password", "number", "date",
              "time", "datetime-local", "month", "week"}
# Posting these would end the session the crawl runs in.
SESSION_ENDING = {"/logout", "/keluar-cepat"}


class FormParser(HTMLParser):
    """The POST forms of a page: action and fields as (name, kind, first value)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self._form = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {"action": attrs.get("action") or "",
                          "method": (attrs.get("method") or "get").lower(), "fields": {}}
            self.forms.append(self._form)
        elif self._form is None or "name" not in attrs:
            return
        elif tag == "input":
            kind = attrs.get("type", "text").lower()
            if kind in ("submit", "image", "reset"):
                return
            default = "y" if kind == "checkbox" else ""
            self._form["fields"].setdefault(attrs["name"], (kind, attrs.get("value", default)))
        elif tag == "textarea":
            self._form["fields"].setdefault(attrs["name"], ("textarea", ""))
        elif tag == "button" and attrs.get("value") is not None:
            self._form["fields"].setdefault(attrs["name"], ("button", attrs["value"]))
        elif tag == "select":
            self._select = attrs["name"]
            self._form["fields"].setdefault(self._select, ("select", None))
        elif tag == "option" and self._select:
            kind, value = self._form["fields"][self._select]
            if value is None:
                self._form["fields"][self._select] = (kind, attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def post_forms(app, client, world):
    """Every POST form reachable by GET for the signed-in client: {(path, field names): form}."""
    found = {}
    for url in get_urls(app, world):
        response = client.get(url)
        if response.mimetype != "text/html":
            continue
        parser = FormParser()
        parser.feed(response.get_data(as_text=True))
        for form in parser.forms:
            path = form["action"] or url
            names = tuple(sorted(form["fields"]))
            if form["method"] != "post" or urlsplit(path).path in SESSION_ENDING:
                continue
            if set(names) - {"csrf_token"}:
                found.setdefault((path, names), form)
    return found


def fill(form, payload, choices_too=False):
    data = {}
    for name, (kind, value) in form["fields"].items():
        if name == "csrf_token" or kind == "file":
            continue
        if name == HONEYPOT:
            # Left empty as people leave it; filled, it only earns the bot's 429.
            data[name] = value
            continue
        data[name] = payload if kind in TEXT_KINDS or choices_too else value
    return data


def problems_of(response, where):
    problems = []
    if response.status_code >= 500:
        problems.append(f"{where}: {response.status_code}")
    if response.mimetype == "text/html":
        page = response.get_data(as_text=True)
        if ENGLISH.search(page):
            problems.append(f"{where}: English message {ENGLISH.search(page).group(0)!r}")
        if any(raw in page for raw in RAW_SCRIPT):
            problems.append(f"{where}: script shown unescaped")
    return problems


@pytest.mark.parametrize("role", ROLES)
def test_every_form_takes_nasty_input_without_a_500_or_english(app, client, auth, school,
                                                               world, role):  # noqa: F811
    sign_in(client, auth, school, world, role)
    forms = post_forms(app, client, world)
    assert forms or role == "anonymous"
    problems = []
    for (path, _names), form in sorted(forms.items()):
        # The language switch is one of the forms: stay in Indonesian whatever it was sent.
        client.delete_cookie("lang")
        for name, payload in PAYLOADS.items():
            response = client.post(path, data=fill(form, payload))
            problems += problems_of(response, f"{path} [{name}]")
        for name in ("html and script", "control characters"):
            response = client.post(path, data=fill(form, PAYLOADS[name], choices_too=True))
            problems += problems_of(response, f"{path} [{name}, in every field]")
        for name, raw in RAW_BODIES.items():
            body = b"&".join(quote(field).encode() + b"=" + raw for field in fill(form, ""))
            response = client.post(path, data=body,
                                   content_type="application/x-www-form-urlencoded")
            problems += problems_of(response, f"{path} [{name}]")
    assert problems == [], "\n".join(problems)


def test_script_stored_through_any_form_is_shown_escaped_to_everyone(app, school,
                                                                      world):  # noqa: F811
    clients = {}
    for role in ROLES:
        client = clients[role] = app.test_client()
        sign_in(client, AuthActions(client), school, world, role)
        for (path, _names), form in sorted(post_forms(app, client, world).items()):
            client.post(path, data=fill(form, SCRIPT))
    stored = db.session.scalar(sa.select(sa.func.count(ProblemReport.id))
                               .where(ProblemReport.body.contains("RHS-XSS")))
    assert stored, "no form stored the script: the check below would prove nothing"
    problems = []
    for role, client in clients.items():
        if role == "reporter":
            # Posting the forms closed the thread on this phone; open it again.
            sign_in(client, AuthActions(client), school, world, role)
        for url in get_urls(app, world):
            problems += problems_of(client.get(url), f"{role} {url}")
    assert problems == [], "\n".join(problems)


# Hypothesis: every form as each role, on both databases, with values of each field's kind.

def field_values(kind, value):
    """Values for one field of a form: what a browser could send there, what a script could
    send instead, and the same beyond every range (dates past 9999, 70-bit numbers)."""
    if kind == "file":
        return st.tuples(st.binary(max_size=600).map(io.BytesIO),
                         st.sampled_from(["kelas.csv", "kelas.xlsx", "materi.pdf", "logo.png",
                                          "tanpa-nama", ""]))
    typed = {
        "number": st.integers(-2**70, 2**70).map(str),
        "date": st.dates().map(lambda day: day.isoformat()),
        "time": st.times().map(lambda time: time.isoformat(timespec="minutes")),
        "datetime-local": st.datetimes().map(lambda when: when.isoformat(timespec="minutes")),
    }
    if kind in typed:
        return st.one_of(typed[kind], TEXT)
    if kind in TEXT_KINDS:
        return TEXT
    # Choices, hidden fields, buttons: the page's value, or anything.
    return st.one_of(st.just(value), TEXT)


def form_values(form):
    return st.fixed_dictionaries({
        name: st.just(value) if name in ("csrf_token", HONEYPOT) else field_values(kind, value)
        for name, (kind, value) in form["fields"].items()})


@pytest.fixture
def forms(app, client, auth, school, world, role):  # noqa: F811
    """The POST forms `role` reaches, signed in on `client`: crawled once for all examples."""
    sign_in(client, auth, school, world, role)
    return sorted(post_forms(app, client, world).items())


@pytest.mark.parametrize("role", ROLES)
@settings(FUZZ, max_examples=3)
@given(data=st.data())
def test_every_form_takes_generated_values_without_a_5xx(database, forms, client, role, data):
    for (path, _names), form in forms:
        client.delete_cookie("lang")
        response = client.post(path, data=data.draw(form_values(form), label=path))
        assert response.status_code < 500, f"{path}: {response.status_code}"


# Hypothesis: the forms students and parents reach without thinking twice.

TEXT = st.one_of(
    st.text(max_size=200),
    st.text(alphabet=st.characters(categories=["Cc", "Cf", "Zs", "Zl", "Zp"]), max_size=40),
    st.sampled_from(list(PAYLOADS.values())),
    st.builds(lambda piece, times: piece * times,
              st.sampled_from(["a", "🙂", "<b>", "'", "\x00", "ـ"]), st.integers(500, 4000)),
)


@pytest.fixture
def app_config(app_config):
    # The per-phone limits would turn the later examples into 429s.
    app_config.update(RATELIMIT_ENABLED=False, BOOKING_MAX_OPEN_PER_STUDENT=10**6)
    return app_config


def assert_answered(response, *allowed):
    assert response.status_code in allowed, response.status_code
    assert problems_of(response, response.request.path) == []


@FUZZ
@given(body=TEXT, field=TEXT)
def test_problem_box_report(client, school, body, field):
    response = client.post("/kotak", data={"body": body, "field": field})
    assert_answered(response, 200, 400, 413)
    if response.status_code == 200:
        page = response.get_data(as_text=True)
        code = re.search(r"BK(?:-[0-9A-Z]{4}){4}", page).group(0)
        assert client.post("/kotak/cek", data={"code": code}).status_code == 303
        assert_answered(client.get("/kotak/cek"), 200)


@FUZZ
@given(code=TEXT)
def test_follow_up_code(client, school, code):
    assert_answered(client.post("/kotak/cek", data={"code": code}), 303, 400)


@FUZZ
@given(username=TEXT, password=TEXT)
def test_login(client, school, username, password):
    assert_answered(client.post("/login", data={"username": username, "password": password}),
                    400, 401, 429)


@FUZZ
# Without NUL: a request carrying one is refused before login (test_hardening_input.py).
@given(target=st.one_of(TEXT, st.sampled_from(["http://[", "//[::1", "/\\evil", "https://x.id"]))
       .map(lambda text: text.replace("\x00", "")))
def test_where_to_go_after_login(client, school, target):
    response = client.post("/login", query_string={"next": target},
                           data={"username": "siswa.a", "password": factories.PASSWORD})
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).netloc in ("", "localhost")
    client.post("/logout")


@FUZZ
@given(parent=TEXT, child=TEXT, class_name=TEXT, whatsapp=TEXT, times=TEXT, topic=TEXT)
def test_parent_request(client, school, parent, child, class_name, whatsapp, times, topic):
    response = client.post("/jadwal/orang-tua", data={
        "parent_name": parent, "child_name": child, "class_name": class_name,
        "whatsapp": whatsapp, "preferred_times": times, "topic": topic})
    assert_answered(response, 303, 400, 429)


@pytest.fixture
def student_with_slot(client, auth, school):
    booking_helpers.open_all_week(school["counselor"])
    slot = booking_helpers.first_free_slot(school["counselor"])
    auth.login("siswa.a")
    return slots.slot_key(slot.counselor_id, slot.starts_at)


@FUZZ
@given(description=TEXT, phone_times=TEXT, choice=TEXT, fuzz_slot=st.booleans())
def test_booking_intake(client, student_with_slot, description, phone_times, choice,
                        fuzz_slot):
    data = booking_helpers.intake_data(choice if fuzz_slot else student_with_slot,
                                       description=description, phone_times=phone_times,
                                       help_before=choice if fuzz_slot else "no")
    response = client.post("/jadwal/isi", data=data)
    assert_answered(response, 303, 400, 409)
    if response.status_code == 303:
        assert_answered(client.get(response.headers["Location"]), 200)
        # Free the slot for the next example.
        db.session.execute(sa.update(Booking).values(status=BookingStatus.CANCELLED))
        db.session.commit()


# The Socket.IO events take JSON: any JSON value, not only what the page sends.

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.sampled_from(["body", "ref", "after", "id", "read", "chat"]) | TEXT,
                      children, max_size=4),
    max_leaves=8)


@pytest.fixture
def seated_student(app, client, auth, school):
    session = booking_helpers.make_booking(school["student_a"], school["counselor"],
                                           status=BookingStatus.CONFIRMED)
    auth.login("siswa.a")
    with app.app_context():
        io = socketio.test_client(app, namespace="/chat", flask_test_client=client,
                                  auth={"chat": f"b{session.id}"})
    assert io.is_connected("/chat")
    return io, session


@FUZZ
@given(event=st.sampled_from(["send", "sync", "seen", "typing", "active"]), data=JSON)
def test_socket_events_take_any_json(database, app, client, seated_student, event, data):
    io, session = seated_student
    with app.app_context():
        ack = io.emit(event, data, namespace="/chat", callback=True)
    assert isinstance(ack, dict) and isinstance(ack.get("ok"), bool), ack
    assert ack.get("reason") != "error", ack
    assert io.is_connected("/chat")
    if event == "send" and ack["ok"]:
        # Whatever was stored, the plain (no-JavaScript) page shows it escaped.
        assert_answered(client.get(f"/konseling/{session.id}"), 200)


# Numbers beyond what the database holds (SQLite and PostgreSQL: 64-bit signed integers).

HUGE = str(2**64)
# The query parameters the views read as numbers, and GET forms found on the pages.
NUMBER_ARGUMENTS = ("page", "halaman", "sebelum", "sesudah", "jadwal", "rpl", "instrumen",
                    "kelas", "siswa", "guru", "minggu", "semester", "putar", "periode")


def huge_id_urls(app, world):
    """(method, URL) for every rule with a number in it, each number made huge in turn."""
    urls = set()
    for rule in app.url_map.iter_rules():
        numbers = [name for name, converter in rule._converters.items()
                   if isinstance(converter, IntegerConverter)]
        for huge in numbers:
            values = {}
            for name in rule.arguments:
                if name == huge:
                    values[name] = 2**64
                elif name in numbers:
                    values[name] = 1
                elif name == "slug" and rule.endpoint.startswith("assessments."):
                    values[name] = world["slug"]
                else:
                    values[name] = world["values"].get(name, "tidak-ada")
            with app.test_request_context():
                path = url_for(rule.endpoint, **values)
            method = "GET" if "GET" in rule.methods else "POST"
            urls.add((method, path))
    return sorted(urls)


def test_an_id_past_64_bits_is_a_404_on_every_route(app, client, auth, school,
                                                    world):  # noqa: F811
    # A 500 is then a status in the list below, not the first exception of the loop.
    app.config["PROPAGATE_EXCEPTIONS"] = False
    sign_in(client, auth, school, world, "counselor")
    urls = huge_id_urls(app, world)
    assert len(urls) > 40, "the URL map has dozens of numbered addresses"
    wrong = []
    for method, path in urls:
        response = client.open(path, method=method)
        if response.status_code != 404:
            wrong.append(f"{method} {path}: {response.status_code}")
    assert wrong == [], "\n".join(wrong)


def test_an_id_just_inside_the_range_is_looked_up_and_not_found(client, auth, school):
    auth.login("guru.a")
    assert client.get(f"/konseling/{2**63 - 1}").status_code == 404


@pytest.mark.parametrize("role", ("student_a", "homeroom_a", "counselor", "admin"))
def test_huge_numbers_in_every_form_and_query_give_no_500(app, client, auth, school, world,
                                                          role, caplog):  # noqa: F811
    app.config["PROPAGATE_EXCEPTIONS"] = False
    sign_in(client, auth, school, world, role)
    problems = []
    for (path, _names), form in sorted(post_forms(app, client, world).items()):
        client.delete_cookie("lang")
        for payload in (HUGE, "-" + HUGE, "9" * 400):
            response = client.post(path, data=fill(form, payload, choices_too=True))
            problems += problems_of(response, f"{path} [{payload[:6]}… in every field]")
    client.delete_cookie("lang")
    for url in get_urls(app, world):
        query = {name: HUGE for name in NUMBER_ARGUMENTS}
        page = client.get(url)
        if page.mimetype == "text/html":
            parser = FormParser()
            parser.feed(page.get_data(as_text=True))
            for form in parser.forms:
                if form["method"] == "get":
                    query.update({name: HUGE for name in form["fields"]})
        response = client.get(urlsplit(url).path, query_string=query)
        problems += problems_of(response, f"{url} [query {HUGE}]")
    # The errors blueprint's last resort answers a 400 too; each view checks its numbers.
    problems += [record.getMessage() for record in caplog.records
                 if record.getMessage().startswith("number out of range")]
    assert problems == [], "\n".join(problems)


def test_a_number_too_large_for_the_database_in_a_form_is_refused_in_indonesian(
        client, auth, school):
    auth.login("guru.a")
    response = client.post("/bk/retensi", data={"closed_reports_days": HUGE})
    assert response.status_code == 400
    assert "Angkanya terlalu besar." in response.get_data(as_text=True)


def test_a_superscript_digit_is_not_an_id(client, auth, school):
    auth.login("operator")
    # "²".isdigit() is true and int("²") raises: this was a 500 where only isdigit() guarded.
    assert client.get("/data-siswa", query_string={"kelas": "²"}).status_code == 400
