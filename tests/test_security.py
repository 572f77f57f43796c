"""Headers, CSRF, error pages and static caching that every page relies on."""

import io

import pytest

from cyberbk import create_app
from cyberbk.accounts.models import Role
from cyberbk.extensions import db
from tests import factories
from tests.conftest import csrf_token_from


@pytest.fixture
def csrf_client(app_config):
    app_config["WTF_CSRF_ENABLED"] = True
    app = create_app(app_config)
    with app.app_context():
        db.create_all()
        factories.make_user(Role.STUDENT, "siswa.csrf")
        yield app.test_client()
        # The client's requests share this context's session, as a request's teardown
        # would not: an error page may have written the school's settings row in it.
        db.session.remove()
        db.drop_all()


def test_post_without_csrf_token_is_refused(csrf_client):
    response = csrf_client.post("/login", data={"username": "siswa.csrf", "password": "rahasia-123"})
    assert response.status_code == 400
    assert "Formulir ini sudah kedaluwarsa" in response.get_data(as_text=True)


def test_post_with_csrf_token_is_accepted(csrf_client):
    token = csrf_token_from(csrf_client.get("/login"))
    response = csrf_client.post("/login", data={"username": "siswa.csrf", "password": "rahasia-123",
                                                "csrf_token": token})
    assert response.headers["Location"] == "/siswa"


def test_htmx_posts_carry_the_token_in_a_header(csrf_client):
    page = csrf_client.get("/login").get_data(as_text=True)
    assert 'hx-headers=\'{"X-CSRFToken": "' in page
    token = csrf_token_from(csrf_client.get("/login"))
    response = csrf_client.post("/login", data={"username": "siswa.csrf", "password": "rahasia-123"},
                                headers={"X-CSRFToken": token})
    assert response.status_code == 302


def test_security_headers_on_every_page(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'self'" in csp
    assert "https://meet.jit.si" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "HX-Request" in response.headers["Vary"]


def test_pages_are_not_stored_by_caches(client, auth, school):
    auth.login("siswa.a")
    assert client.get("/siswa").headers["Cache-Control"] == "no-store"


def test_static_files_are_fingerprinted_and_cached_for_a_year(client):
    page = client.get("/login").get_data(as_text=True)
    url = page.split('href="/static/css/app.css?v=')[1].split('"')[0]
    response = client.get(f"/static/css/app.css?v={url}")
    assert response.status_code == 200
    assert "max-age=31536000" in response.headers["Cache-Control"]


def test_pages_load_nothing_from_outside(client):
    page = client.get("/login").get_data(as_text=True)
    assert "src=\"http" not in page and "href=\"http" not in page


def test_not_found_is_a_friendly_indonesian_page(client):
    response = client.get("/tidak-ada")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.get_data(as_text=True)


def test_htmx_errors_are_fragments(client):
    response = client.get("/tidak-ada", headers={"HX-Request": "true"})
    assert response.status_code == 404
    assert "<html" not in response.get_data(as_text=True)


def test_server_error_is_a_friendly_page(app, client):
    @app.route("/boom")
    def boom():
        raise RuntimeError("boom")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/boom")
    assert response.status_code == 500
    assert "Maaf, ada gangguan" in response.get_data(as_text=True)


def test_oversized_upload_is_refused_with_413(app, client, auth, school):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    auth.login("operator")
    response = client.post("/admin/impor", data={"file": (io.BytesIO(b"x" * 4096), "a.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 413
    assert "Berkas terlalu besar" in response.get_data(as_text=True)


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_text_responses_are_gzipped_for_phones(client):
    import gzip

    page = client.get("/login", headers={"Accept-Encoding": "gzip"})
    assert page.headers["Content-Encoding"] == "gzip"
    assert b"<html" in gzip.decompress(page.data)
    script = client.get("/static/js/htmx.min.js?v=1", headers={"Accept-Encoding": "gzip"})
    assert script.headers["Content-Encoding"] == "gzip"
    assert len(script.data) < 25_000
    assert "Content-Encoding" not in client.get("/login").headers


def test_a_tampered_session_cookie_is_refused_after_the_real_one_was_seen(client, auth, school):
    auth.login("siswa.a")
    assert client.get("/siswa").status_code == 200
    cookie = client.get_cookie("cyberbk_session")
    payload, _, signature = cookie.value.rpartition(".")
    client.set_cookie("cyberbk_session", payload + "." + signature[::-1])
    assert client.get("/siswa").status_code in (302, 303)


def test_csrf_tokens_are_made_and_checked_as_flask_wtf_does(app):
    """security.generate_csrf/validate_csrf stand in for Flask-WTF's: the same tokens, the
    same refusals."""
    from flask import session
    from itsdangerous import URLSafeTimedSerializer
    from wtforms import ValidationError

    from cyberbk import security

    flask_wtf_way = URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token")
    with app.test_request_context("/"):
        token = security.generate_csrf()
        assert security.generate_csrf() == token
        assert flask_wtf_way.loads(token) == session["csrf_token"]
        security.validate_csrf(flask_wtf_way.dumps(session["csrf_token"]))
        for data, reason in ((None, "missing"), (token[:-2] + "xx", "invalid"),
                             (flask_wtf_way.dumps("another session"), "do not match")):
            with pytest.raises(ValidationError, match=reason):
                security.validate_csrf(data)
        with pytest.raises(ValidationError, match="expired"):
            security.validate_csrf(token, time_limit=-1)


def test_a_form_shown_again_after_a_post_carries_a_token_that_still_works(csrf_client):
    token = csrf_token_from(csrf_client.get("/kotak"))
    refused = csrf_client.post("/kotak", data={"body": "", "csrf_token": token})
    assert refused.status_code == 400
    again = csrf_token_from(refused)
    assert csrf_client.post("/kotak", data={"body": "Aku sedih.",
                                            "csrf_token": again}).status_code == 303


@pytest.mark.parametrize("value", [
    {"csrf_token": "abc", "_fresh": False, "last_seen": 17, "problembox_thread": [3, 1.5]},
    {"sent": {"code": "BK-1", "named": None}, "_flashes": [["info", "Halo ü"]]},
    {"t": (1, 2)}, {"m": __import__("markupsafe").Markup("<b>")}, {"d": {" t": 1}}, {1: "x"},
])
def test_session_cookies_hold_what_flasks_tagged_json_holds(app, value):
    from flask.sessions import session_json_serializer as flask_way

    from cyberbk.security import SessionJSON

    with app.app_context():
        written = SessionJSON().dumps(value)
        assert flask_way.loads(written) == flask_way.loads(flask_way.dumps(value))
        if all(type(key) is str for key in value) and "t" not in value and "m" not in value:
            assert written == flask_way.dumps(value)


def test_the_style_sheet_a_phone_downloads_leaves_out_comments_and_spaces(client):
    import gzip
    import re

    page = client.get("/login").get_data(as_text=True)
    url = "/static/css/app.css?v=" + page.split('href="/static/css/app.css?v=')[1].split('"')[0]
    plain = client.get(url).get_data(as_text=True)
    zipped = gzip.decompress(client.get(url, headers={"Accept-Encoding": "gzip"}).get_data())
    sheet = zipped.decode()
    assert "/*" in plain and "/*" not in sheet and "\n" not in sheet
    rules = re.sub(r"\s+", " ", re.sub(r"/\*.*?\*/", "", plain, flags=re.S))
    assert sheet == rules
