"""Headers, CSRF, error pages and static caching that every page relies on."""

import gzip
import html
import io
import re
import time

import brotli
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


def test_text_responses_are_compressed_for_phones(client):
    page = client.get("/login", headers={"Accept-Encoding": "gzip"})
    assert page.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in page.headers["Vary"]
    assert b"<html" in gzip.decompress(page.data)
    page = client.get("/login", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert page.headers["Content-Encoding"] == "br"
    assert b"<html" in brotli.decompress(page.data)
    script = client.get("/static/js/htmx.min.js?v=1", headers={"Accept-Encoding": "gzip"})
    assert script.headers["Content-Encoding"] == "gzip"
    assert len(script.data) < 25_000
    plain = client.get("/login")
    assert "Content-Encoding" not in plain.headers
    assert "Accept-Encoding" in plain.headers["Vary"]
    # Below 512 bytes compressing saves next to nothing.
    assert "Content-Encoding" not in client.get(
        "/healthz", headers={"Accept-Encoding": "gzip"}).headers


def test_a_made_up_session_cookie_opens_nothing(client, auth, school):
    auth.login("siswa.a")
    assert client.get("/siswa").status_code == 200
    value = client.get_cookie("cyberbk_session").value
    client.set_cookie("cyberbk_session", value[::-1])
    assert client.get("/siswa").status_code in (302, 303)


def test_a_form_shown_again_after_a_post_carries_a_token_that_still_works(csrf_client):
    token = csrf_token_from(csrf_client.get("/kotak"))
    refused = csrf_client.post("/kotak", data={"body": "", "csrf_token": token})
    assert refused.status_code == 400
    again = csrf_token_from(refused)
    assert csrf_client.post("/kotak", data={"body": "Aku sedih.",
                                            "csrf_token": again}).status_code == 200


def test_a_form_older_than_an_hour_comes_back_with_what_was_typed(csrf_client, monkeypatch):
    from itsdangerous import TimestampSigner

    token = csrf_token_from(csrf_client.get("/kotak"))
    later = int(time.time()) + 3601
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda _signer: later)
    story = "Cerita yang panjang,\nditulis lebih dari sejam."
    refused = csrf_client.post("/kotak", data={"body": story, "field": "pribadi",
                                               "csrf_token": token})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "isiannya masih ada" in page
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))
    assert html.unescape(fields["body"]) == story
    monkeypatch.undo()
    resent = csrf_client.post("/kotak", data={**fields, "body": html.unescape(fields["body"])})
    assert resent.status_code == 200
    assert "Ceritamu sudah terkirim" in resent.get_data(as_text=True)


def test_a_password_is_never_written_back_into_a_page(csrf_client):
    page = csrf_client.post("/login", data={"username": "siswa.csrf",
                                            "password": "rahasia-123",
                                            "csrf_token": "expired"}).get_data(as_text=True)
    assert "rahasia-123" not in page


def test_a_compressed_static_file_is_the_file_and_revalidates_by_its_own_etag(client):
    page = client.get("/login").get_data(as_text=True)
    url = "/static/css/app.css?v=" + page.split('href="/static/css/app.css?v=')[1].split('"')[0]
    plain = client.get(url)
    etags = {}
    for encoding, decompress in (("gzip", gzip.decompress), ("br", brotli.decompress)):
        sent = client.get(url, headers={"Accept-Encoding": encoding})
        assert sent.headers["Content-Encoding"] == encoding
        assert decompress(sent.get_data()) == plain.get_data()
        etags[encoding] = sent.headers["ETag"]
        assert client.get(url, headers={"Accept-Encoding": encoding,
                                        "If-None-Match": etags[encoding]}).status_code == 304
    assert len({plain.headers["ETag"], *etags.values()}) == 3
    # A validator of one encoding must not stand for the bytes of another.
    assert client.get(url, headers={"Accept-Encoding": "br",
                                    "If-None-Match": etags["gzip"]}).status_code == 200
    assert client.get(url, headers={"If-None-Match": etags["br"]}).status_code == 200
