"""Shared public pages are rendered once for logged-out visitors: each still gets their
own CSRF token, a committed write shows on the next visit, and nobody with anything
personal in their session is ever served a kept page."""

import gzip
import re
from contextlib import contextmanager

import pytest

from cyberbk.extensions import db
from cyberbk.school.services import get_settings
from tests.conftest import IsolatedClient
from tests.factories import PASSWORD

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def app_config(app_config):
    app_config["WTF_CSRF_ENABLED"] = True
    return app_config


def visitor(app):
    return app.test_client()


def page_and_token(client, path="/kotak", **headers):
    response = client.get(path, headers=headers)
    assert response.status_code == 200
    body = response.get_data()
    if response.headers.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    text = body.decode()
    return text, TOKEN.search(text).group(1)


def kept(app):
    return app.extensions["page_cache"].entries


@contextmanager
def flask_unreachable(app):
    """Requests meanwhile must be answered by the kept-page layer: Flask behind it is gone."""
    cache = app.extensions["page_cache"]
    flask_app, cache.wsgi_app = cache.wsgi_app, None
    try:
        yield
    finally:
        cache.wsgi_app = flask_app


def test_a_second_visitor_gets_the_kept_page_with_a_token_of_their_own(app, school):
    first_page, first_token = page_and_token(visitor(app))
    assert kept(app)
    second = visitor(app)
    second_page, second_token = page_and_token(second)
    assert second_token != first_token
    assert second_page.replace(second_token, "T") == first_page.replace(first_token, "T")
    sent = second.post("/kotak", data={"body": "Aku sedih.", "csrf_token": second_token})
    assert sent.status_code == 303


def test_the_gzip_pieces_join_into_the_same_page_and_compress_as_well(app, school):
    page_and_token(visitor(app))
    client = visitor(app)
    compressed = client.get("/kotak", headers={"Accept-Encoding": "gzip"}).get_data()
    zipped, token = page_and_token(client, **{"Accept-Encoding": "gzip"})
    plain, plain_token = page_and_token(client)
    assert token == plain_token
    assert zipped == plain
    # Each token goes in uncompressed; otherwise as small as the whole page gzipped.
    whole = len(gzip.compress(plain.encode(), 6))
    assert len(compressed) <= whole + plain.count(token) * len(token) + 64


def test_a_committed_write_shows_on_the_next_visit(app, school):
    page_and_token(visitor(app))
    settings = get_settings()
    settings.name = "SMP Negeri Baru Sekali"
    db.session.commit()
    page, _token = page_and_token(visitor(app))
    assert "SMP Negeri Baru Sekali" in page


def test_a_logged_in_student_never_gets_the_logged_out_page(app, school):
    page_and_token(visitor(app))
    student = IsolatedClient(app)
    token = TOKEN.search(student.get("/login").get_data(as_text=True)).group(1)
    logged_in = student.post("/login", data={"username": "siswa.a", "password": PASSWORD,
                                             "csrf_token": token})
    assert logged_in.status_code in (302, 303)
    page, _token = page_and_token(student)
    assert 'name="include_name"' in page


def test_htmx_requests_and_query_strings_are_rendered_fresh(app, school):
    page_and_token(visitor(app))
    before = dict(kept(app))
    visitor(app).get("/kotak", headers={"HX-Request": "true", "HX-Target": "kotak-form"})
    visitor(app).get("/kotak?x=1")
    assert kept(app) == before


def signed_in(app, username="siswa.a"):
    client = IsolatedClient(app)
    token = TOKEN.search(client.get("/login").get_data(as_text=True)).group(1)
    response = client.post("/login", data={"username": username, "password": PASSWORD,
                                           "csrf_token": token})
    assert response.status_code in (302, 303)
    return client


def test_a_student_home_is_kept_for_that_student_only(app, school):
    first = signed_in(app, "siswa.a")
    page_a, _token = page_and_token(first, "/siswa")
    page_again, _token = page_and_token(first, "/siswa")
    assert page_again.replace(_token, "T") == page_a.replace(TOKEN.search(page_a).group(1), "T")
    other, _token = page_and_token(signed_in(app, "siswa.b"), "/siswa")
    assert school["student_b"].full_name in other
    assert school["student_a"].full_name not in other


def test_a_kept_home_is_not_sent_after_the_idle_timeout(app, school):
    student = signed_in(app, "siswa.a")
    page_and_token(student, "/siswa")
    with student.session_transaction() as session:
        session["last_seen"] -= 3600
    response = student.get("/siswa")
    assert response.status_code in (302, 303)
    assert "/login" in response.headers["Location"]


def test_a_deactivated_student_is_not_sent_their_kept_home(app, school):
    student = signed_in(app, "siswa.a")
    page_and_token(student, "/siswa")
    school["student_a"].is_active_account = False
    db.session.commit()
    assert student.get("/siswa").status_code in (302, 303)


def session_cookie(app, response):
    name = app.config["SESSION_COOKIE_NAME"] + "="
    return next(cookie for cookie in response.headers.getlist("Set-Cookie")
                if cookie.startswith(name))


def test_a_kept_page_is_answered_before_flask_with_the_headers_flask_sent(app, school):
    visitor(app).get("/kotak")  # the first view of all stores the school's settings row
    rendered = visitor(app).get("/kotak", headers={"Accept-Encoding": "gzip"})
    client = visitor(app)
    with flask_unreachable(app):
        sent = client.get("/kotak", headers={"Accept-Encoding": "gzip"})
    mine = {"Set-Cookie", "Content-Length"}
    assert ({(k, v) for k, v in sent.headers if k not in mine}
            == {(k, v) for k, v in rendered.headers if k not in mine})
    # The session cookie's attributes; the device cookie goes with Flask's answers only.
    assert (session_cookie(app, sent).split(";", 1)[1]
            == session_cookie(app, rendered).split(";", 1)[1])
    token = TOKEN.search(gzip.decompress(sent.get_data()).decode()).group(1)
    assert client.post("/kotak", data={"body": "Aku sedih.", "csrf_token": token}).status_code == 303


def test_a_kept_home_renews_the_sessions_last_seen(app, school):
    student = signed_in(app, "siswa.a")
    page_and_token(student, "/siswa")
    with student.session_transaction() as session:
        session["last_seen"] -= 120
        stale = session["last_seen"]
    with flask_unreachable(app):
        response = student.get("/siswa")
    assert response.status_code == 200 and "Set-Cookie" in response.headers
    with student.session_transaction() as session:
        assert session["last_seen"] > stale + 100
