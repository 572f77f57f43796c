"""Login, throttling, forced password change, idle logout, session ending."""

import time

import pytest

from cyberbk.accounts.models import Role
from cyberbk.extensions import db
from tests import factories


def test_wrong_password_gives_one_generic_message(client, auth, school):
    for username in ("siswa.a", "nobody-here"):
        response = auth.login(username, "salah")
        assert response.status_code == 401
        assert "Nama pengguna atau kata sandi salah." in response.get_data(as_text=True)


def test_username_is_case_insensitive(client, auth, school):
    assert auth.login("SISWA.A").headers["Location"] == "/siswa"


def test_account_locks_after_repeated_failures(client, auth, school):
    for _ in range(5):
        auth.login("siswa.a", "salah")
    response = auth.login("siswa.a")
    assert response.status_code == 429
    assert "Terlalu banyak percobaan" in response.get_data(as_text=True)


def test_lock_expires(app, client, auth, school):
    app.config["LOGIN_LOCK_MINUTES"] = 0
    for _ in range(5):
        auth.login("siswa.a", "salah")
    assert auth.login("siswa.a").status_code == 302


def test_one_address_sweeping_many_usernames_is_throttled(client, auth, school):
    from cyberbk.auth import throttle

    for number in range(throttle.ADDRESS_MAX_FAILURES):
        auth.login(f"tebakan{number}", "salah")
    assert auth.login("guru.a").status_code == 429


def test_inactive_account_cannot_log_in(client, auth, school):
    school["student_a"].is_active_account = False
    db.session.commit()
    assert auth.login("siswa.a").status_code == 401


def test_imported_account_must_change_password_first(client, auth, app):
    factories.make_user(Role.STUDENT, "baru", must_change_password=True)
    response = auth.login("baru")
    assert response.headers["Location"] == "/akun/kata-sandi"
    assert client.get("/siswa").headers["Location"] == "/akun/kata-sandi"
    response = client.post("/akun/kata-sandi", data={
        "current_password": factories.PASSWORD, "new_password": "sandi-baru-99",
        "confirm": "sandi-baru-99"})
    assert response.headers["Location"] == "/siswa"
    assert client.get("/siswa").status_code == 200
    auth.logout()
    assert auth.login("baru", "sandi-baru-99").headers["Location"] == "/siswa"


@pytest.mark.parametrize("data,message", [
    ({"current_password": "salah", "new_password": "sandi-baru-99", "confirm": "sandi-baru-99"},
     "Kata sandi sekarang salah."),
    ({"current_password": factories.PASSWORD, "new_password": "pendek", "confirm": "pendek"},
     "Isian ini harus 8 sampai 128 karakter."),
    ({"current_password": factories.PASSWORD, "new_password": "sandi-baru-99", "confirm": "lain-lain-1"},
     "Kedua kata sandi tidak sama."),
])
def test_change_password_refuses_bad_input(client, auth, school, data, message):
    auth.login("siswa.a")
    response = client.post("/akun/kata-sandi", data=data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)


def test_next_parameter_never_leaves_the_site(client, school):
    for target in ("https://jahat.example/", "//jahat.example/", "/\\jahat.example"):
        response = client.post(f"/login?next={target}",
                               data={"username": "siswa.a", "password": factories.PASSWORD})
        assert response.headers["Location"] == "/siswa"
        client.post("/logout")


def test_next_parameter_returns_to_the_page_asked_for(client, school):
    response = client.post("/login?next=/akun/kata-sandi",
                           data={"username": "siswa.a", "password": factories.PASSWORD})
    assert response.headers["Location"] == "/akun/kata-sandi"


def test_logout_is_post_only_and_ends_the_session(client, auth, school):
    auth.login("siswa.a")
    assert client.get("/logout").status_code == 405
    assert auth.logout().status_code == 303
    assert client.get("/siswa").status_code == 302


def test_student_is_logged_out_after_idle_time(client, auth, school):
    auth.login("siswa.a")
    with client.session_transaction() as session:
        session["last_seen"] = int(time.time()) - 16 * 60
    response = client.get("/siswa")
    assert response.headers["Location"] == "/login"
    assert client.get("/siswa").status_code == 302


def test_counselor_is_not_logged_out_after_fifteen_minutes(client, auth, school):
    auth.login("guru.a")
    with client.session_transaction() as session:
        session["last_seen"] = int(time.time()) - 16 * 60
    assert client.get("/bk").status_code == 200


def test_password_reset_ends_existing_sessions(client, auth, school):
    from cyberbk.accounts.services import reset_password

    auth.login("siswa.a")
    reset_password(school["student_a"])
    db.session.commit()
    assert client.get("/siswa").status_code == 302


def test_quick_exit_logs_out_and_leaves_for_a_neutral_site(app, client, auth, school):
    auth.login("siswa.a")
    response = client.post("/keluar-cepat")
    assert response.status_code == 303
    assert response.headers["Location"] == app.config["QUICK_EXIT_URL"]
    assert client.get("/siswa").status_code == 302


def test_login_page_offers_no_remember_me(client):
    page = client.get("/login").get_data(as_text=True)
    assert "remember" not in page.lower()
    assert "ingat" not in page.lower()


def test_session_cookie_is_httponly_and_samesite_lax(client, auth, school):
    response = auth.login("siswa.a")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
