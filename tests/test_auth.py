"""Login, its delays after wrong passwords, forced password change, idle logout, session
ending."""

import re
import time

import pytest
from werkzeug.security import check_password_hash

from cyberbk import devices
from cyberbk import ratelimit
from cyberbk.accounts.models import Role
from cyberbk.extensions import db
from tests import factories
from tests.conftest import AuthActions

FLASH = re.compile(r'<p class="flash [^"]*">(.*?)</p>', re.S)


def test_wrong_password_gives_one_generic_message(client, auth, school):
    for username in ("siswa.a", "nobody-here"):
        response = auth.login(username, "salah")
        assert response.status_code == 401
        assert "Nama pengguna atau kata sandi salah." in response.get_data(as_text=True)


def test_username_is_case_insensitive(client, auth, school):
    assert auth.login("SISWA.A").headers["Location"] == "/siswa"


def test_wrong_passwords_slow_that_device_down_with_growing_delays(app, browser, school):
    phone = browser()
    login = AuthActions(phone).login
    for _ in range(app.config["LOGIN_FREE_FAILURES"]):
        assert login("siswa.a", "salah").status_code == 401
    response = login("siswa.a")
    assert response.status_code == 429
    assert "Terlalu banyak percobaan. Tunggu 1 detik, lalu coba lagi." in response.get_data(
        as_text=True)
    time.sleep(1.1)
    assert login("siswa.a", "salah").status_code == 401
    assert "Tunggu 2 detik" in login("siswa.a").get_data(as_text=True)
    time.sleep(2.1)
    assert login("siswa.a").status_code == 302


def test_the_delay_doubles_up_to_its_ceiling(app):
    from cyberbk.auth import delays

    free = app.config["LOGIN_FREE_FAILURES"]
    with app.test_request_context(headers={"Cookie": f"{devices.COOKIE}={devices.new_id()}"}):
        assert [delays.delay_after(free + n) for n in range(-1, 4)] == [0, 1, 2, 4, 8]
        assert delays.delay_after(free + 40) == app.config["LOGIN_MAX_DELAY_SECONDS"] == 300


def test_the_right_password_from_another_device_is_never_refused(app, browser, school):
    classmate = AuthActions(browser())
    for _ in range(3 * app.config["LOGIN_FREE_FAILURES"]):
        classmate.login("siswa.a", "salah")
    assert classmate.login("siswa.a").status_code == 429
    assert AuthActions(browser()).login("siswa.a").headers["Location"] == "/siswa"


@pytest.mark.parametrize("attacker_keeps_cookies", [True, False])
def test_forty_failed_logins_from_one_address_leave_guru_bk_able_to_log_in(
        app, browser, school, attacker_keeps_cookies):
    attacker = app.test_client(use_cookies=attacker_keeps_cookies)
    attacker.environ_base["REMOTE_ADDR"] = "203.0.113.10"
    for number in range(40):
        assert attacker.post("/login", data={"username": f"tebakan{number}",
                                             "password": "salah"}).status_code in (401, 429)
    teacher = browser("203.0.113.10")
    assert teacher.get("/login").status_code == 200
    assert AuthActions(teacher).login("guru.a").headers["Location"] == "/bk"


def test_one_device_sweeping_many_usernames_is_slowed_down(app, browser, school):
    sweeper = AuthActions(browser())
    limit = ratelimit.item(app.config["LOGIN_FAILURE_LIMIT"]).amount
    for number in range(limit):
        assert sweeper.login(f"tebakan{number}", "salah").status_code == 401
    response = sweeper.login("guru.a")
    assert response.status_code == 429
    assert "Terlalu banyak percobaan. Tunggu" in response.get_data(as_text=True)
    assert 0 < int(response.headers["Retry-After"]) <= 600


def test_unknown_and_known_usernames_are_answered_alike(app, browser, school):
    answers = {}
    for username in ("siswa.a", "tidak.ada"):
        login = AuthActions(browser()).login
        answers[username] = [(r.status_code, flashed(r)) for r in
                             [login(username, "salah")
                              for _ in range(app.config["LOGIN_FREE_FAILURES"] + 1)]]
    assert answers["siswa.a"] == answers["tidak.ada"]
    assert answers["siswa.a"][-1] == (429, "Terlalu banyak percobaan. Tunggu 1 detik, lalu coba "
                                           "lagi.")


def flashed(response):
    return FLASH.search(response.get_data(as_text=True)).group(1).strip()


def test_an_unknown_username_costs_a_password_hash_like_a_known_one(app_config, browser, app,
                                                                    school, monkeypatch):
    from cyberbk.auth import routes

    checked = []
    real = routes.check_password_hash
    monkeypatch.setattr(routes, "check_password_hash",
                        lambda hashed, password: checked.append(hashed) or real(hashed, password))
    AuthActions(browser()).login("tidak.ada", "salah")
    assert checked == [app.extensions["dummy_password_hash"]]
    assert checked[0].startswith(app_config["PASSWORD_HASH_METHOD"] + "$")


def test_an_unknown_username_costs_the_same_hash_as_a_known_one(client, school, monkeypatch):
    """The same work, not a timing (a timing in a test fails on a busy machine): a wrong
    password for a known account and any password for an unknown one each check exactly one
    hash, of the method the accounts' hashes use."""
    from cyberbk.accounts import models as account_models
    from cyberbk.auth import routes as auth_routes

    checked = []

    def spy(pwhash, password):
        checked.append(pwhash.split("$", 1)[0])
        return check_password_hash(pwhash, password)

    monkeypatch.setattr(account_models, "check_password_hash", spy)
    monkeypatch.setattr(auth_routes, "check_password_hash", spy)
    method = school["student_a"].password_hash.split("$", 1)[0]
    for username in ("siswa.a", "tidak.ada"):
        checked.clear()
        browser = client.application.test_client()
        browser.set_cookie(devices.COOKIE, devices.new_id())
        assert AuthActions(browser).login(username, "salah").status_code == 401
        assert checked == [method], username


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


def test_login_page_names_who_resets_a_password(client, auth, school):
    page = client.get("/login").get_data(as_text=True)
    assert "Hanya operator sekolah yang bisa membuatkan kata sandi baru" in page
    # And so it is: a counselor cannot reset one, the operator (admin) can.
    target = f"/admin/akun/{school['student_a'].id}/reset-sandi"
    auth.login("guru.a")
    assert client.post(target).status_code in (403, 404)
    auth.logout()
    auth.login("operator")
    assert client.post(target).status_code == 200


def test_session_cookie_is_httponly_and_samesite_lax(client, auth, school):
    response = auth.login("siswa.a")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
