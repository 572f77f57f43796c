"""Sessions live on the server (Flask-Session): the browser holds a random id, and ending a
session — logout, quick exit, idle time, password change, ending it from another device —
deletes it there, so a replayed cookie opens nothing."""

import os
import re
import time

import msgspec
import pytest
import sqlalchemy as sa
from itsdangerous import TimestampSigner

from cyberbk import create_app
from cyberbk.auth.models import StaffSignIn
from cyberbk.extensions import db
from cyberbk.sessions import StoredSession
from tests.test_problembox import send

SESSION_COOKIE = "cyberbk_session"
PHONE = "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 Chrome/124.0 Mobile Safari/537.36"
LAPTOP = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/124.0 Safari/537.36"


def session_id(client):
    return client.get_cookie(SESSION_COOKIE).value


def replay(client, value, path):
    client.set_cookie(SESSION_COOKIE, value)
    return client.get(path)


def stored_ids():
    return set(db.session.scalars(sa.select(StoredSession.session_id)))


def test_the_cookie_holds_only_a_random_id_and_the_data_stays_on_the_server(client, auth,
                                                                            school):
    auth.login("siswa.a")
    value = session_id(client)
    assert re.fullmatch(r"[\w-]{40,}", value)
    assert "siswa" not in value and "." not in value
    assert f"session:{value}" in stored_ids()


def test_signing_in_gives_a_new_session_id(client, auth, school):
    client.get("/login")
    client.get("/kotak")  # a visitor's session, with a CSRF token in it
    before = session_id(client)
    auth.login("siswa.a")
    assert session_id(client) != before
    assert f"session:{before}" not in stored_ids()


@pytest.mark.parametrize("leave", [
    lambda client: client.post("/logout"),
    lambda client: client.post("/keluar-cepat"),
])
def test_a_replayed_cookie_after_signing_out_gets_the_login_page(client, auth, school, leave):
    auth.login("siswa.a")
    old = session_id(client)
    leave(client)
    assert f"session:{old}" not in stored_ids()
    response = replay(client, old, "/siswa")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_a_replayed_cookie_after_the_idle_time_gets_the_login_page(client, auth, school):
    auth.login("siswa.a")
    old = session_id(client)
    with client.session_transaction() as session:
        session["last_seen"] = int(time.time()) - 16 * 60
    assert client.get("/siswa").headers["Location"] == "/login"
    assert replay(client, old, "/siswa").status_code == 302


def test_a_student_page_leaves_the_screen_by_itself_after_the_idle_time(app, client, auth,
                                                                       school):
    auth.login("siswa.a")
    page = client.get("/siswa").get_data(as_text=True)
    seconds = app.config["STUDENT_IDLE_MINUTES"] * 60 + 5
    assert f'<meta name="cyberbk-idle-exit" content="{seconds}" data-url="/keluar-otomatis" ' \
        'data-alive="/masih-aktif">' in page
    # Without scripts the same, by a refresh only such a browser reads (no script to hold it).
    assert f'<noscript><meta http-equiv="refresh" content="{seconds};url=/keluar-otomatis">' \
        '</noscript>' in page
    # Still active (another tab, say): the page goes home and nothing ends.
    assert client.get("/keluar-otomatis").headers["Location"] == "/siswa"
    with client.session_transaction() as session:
        session["last_seen"] = int(time.time()) - seconds
    assert client.get("/keluar-otomatis").headers["Location"] == "/login"
    assert "otomatis" in client.get("/login").get_data(as_text=True)
    assert client.get("/siswa").status_code == 302


def test_a_student_still_typing_keeps_the_session(client, auth, school):
    """The page's script tells the server now and then while keys are pressed: a story
    written for longer than the idle time is not met by a sign-out when it is sent."""
    auth.login("siswa.a")
    with client.session_transaction() as session:
        session["last_seen"] = int(time.time()) - 14 * 60
    assert client.post("/masih-aktif").status_code == 204
    with client.session_transaction() as session:
        assert int(time.time()) - session["last_seen"] < 5
    # Past the idle time the same call signs out like any other request.
    with client.session_transaction() as session:
        session["last_seen"] = int(time.time()) - 16 * 60
    assert client.post("/masih-aktif").headers["Location"] == "/login"
    assert client.get("/siswa").status_code == 302


def test_staff_pages_do_not_leave_by_themselves(client, auth, school):
    auth.login("guru.a")
    page = client.get("/bk").get_data(as_text=True)
    assert 'http-equiv="refresh"' not in page and "cyberbk-idle-exit" not in page


def test_an_opened_thread_reloads_itself_closed_after_its_idle_time(app, client, school,
                                                                    monkeypatch):
    code = send(client)
    client.post("/kotak/cek", data={"code": code})
    page = client.get("/kotak/cek").get_data(as_text=True)
    assert "Aku sering sedih" in page
    seconds = app.config["PROBLEMBOX_THREAD_IDLE_MINUTES"] * 60 + 5
    assert f'<meta http-equiv="refresh" content="{seconds};url=/kotak/cek">' in page
    assert f'<meta name="cyberbk-idle-exit" content="{seconds}" data-url="/kotak/cek">' in page
    later = int(time.time()) + seconds
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda _signer: later)
    page = client.get("/kotak/cek").get_data(as_text=True)
    assert "Aku sering sedih" not in page and "lama tidak dibuka" in page


def test_a_copied_thread_cookie_opens_nothing_after_the_thread_was_closed(client, school):
    code = send(client)
    client.post("/kotak/cek", data={"code": code})
    copied = client.get_cookie("cyberbk_kotak").value
    client.post("/kotak/cek/tutup")
    client.set_cookie("cyberbk_kotak", copied)
    assert "Aku sering sedih" not in client.get("/kotak/cek").get_data(as_text=True)


def test_a_signed_in_students_session_holds_no_trace_of_their_anonymous_thread(
        app, client, auth, school):
    auth.login("siswa.a")
    code = send(client, body="Cerita tanpa nama dari akun siswa.")
    client.post("/kotak/cek", data={"code": code})
    assert "Cerita tanpa nama" in client.get("/kotak/cek").get_data(as_text=True)
    stored = [msgspec.msgpack.decode(data)
              for data in db.session.scalars(sa.select(StoredSession.data))]
    assert stored
    for data in stored:
        # Who is signed in and the form token: nothing a story could be traced by.
        assert set(data) <= {"_permanent", "_user_id", "_fresh", "_id", "last_seen",
                             "csrf_token", "_flashes"}
        assert code not in str(data)


def test_password_change_ends_the_other_sessions_on_the_server(app, school):
    phone, laptop = app.test_client(), app.test_client()
    for client in (phone, laptop):
        client.post("/login", data={"username": "guru.a", "password": "rahasia-123"})
    old_phone = session_id(phone)
    laptop.post("/akun/kata-sandi", data={"current_password": "rahasia-123",
                                          "new_password": "kata-sandi-baru-9",
                                          "confirm": "kata-sandi-baru-9"})
    assert laptop.get("/bk").status_code == 200
    assert f"session:{old_phone}" not in stored_ids()
    assert replay(phone, old_phone, "/bk").status_code == 302


def test_staff_see_their_open_sign_ins_and_end_all_others(app, school):
    phone = app.test_client()
    laptop = app.test_client()
    phone.post("/login", data={"username": "guru.a", "password": "rahasia-123"},
               headers={"User-Agent": PHONE})
    laptop.post("/login", data={"username": "guru.a", "password": "rahasia-123"},
                headers={"User-Agent": LAPTOP})
    page = laptop.get("/akun/sesi").get_data(as_text=True)
    assert "Chrome · Android" in page and "Chrome · Windows" in page
    assert "perangkat ini" in page
    response = laptop.post("/akun/sesi", follow_redirects=True)
    assert "1 sesi lain sudah diakhiri" in response.get_data(as_text=True)
    assert phone.get("/bk").status_code == 302
    assert laptop.get("/bk").status_code == 200
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StaffSignIn)) == 1


def test_students_have_no_sign_in_list(client, auth, school):
    auth.login("siswa.a")
    assert client.get("/akun/sesi").status_code == 404


def test_a_deactivated_account_is_signed_out_everywhere(client, auth, school):
    from cyberbk.accounts.services import set_active

    auth.login("guru.a")
    set_active(school["counselor"], False)
    db.session.commit()
    assert client.get("/bk").status_code == 302


@pytest.mark.redis
def test_sessions_are_kept_in_redis_when_it_is_configured(app_config):
    redis = pytest.importorskip("redis")
    url = os.environ.get("CYBERBK_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        redis.Redis.from_url(url).ping()
    except redis.RedisError as error:
        pytest.skip(f"Redis does not answer at {url}: {error}")
    app_config["SESSION_REDIS_URL"] = url
    app = create_app(app_config)
    with app.app_context():
        db.create_all()
        from tests import factories
        from cyberbk.accounts.models import Role

        factories.make_user(Role.STUDENT, "siswa.redis", school_class=None)
        client = app.test_client()
        client.post("/login", data={"username": "siswa.redis", "password": "rahasia-123"})
        sid = session_id(client)
        store = redis.Redis.from_url(url)
        assert store.exists(f"session:{sid}")
        assert stored_ids() == set()
        client.post("/logout")
        assert not store.exists(f"session:{sid}")
        assert replay(client, sid, "/siswa").status_code == 302
        db.drop_all()


def test_the_nightly_cleanup_removes_expired_sessions(app, runner, client, auth, school):
    from datetime import datetime
    from datetime import timedelta

    auth.login("siswa.a")
    db.session.add(StoredSession(session_id="session:old", data=b"",
                                 expiry=datetime.utcnow() - timedelta(minutes=1)))
    db.session.commit()
    assert runner.invoke(args=["session_cleanup"]).exit_code == 0
    assert stored_ids() == {f"session:{session_id(client)}"}
