"""Abuse: guessing passwords and follow-up codes is throttled (429), oversize bodies are
refused (413), uploads whose bytes are not what their name says are refused, and a 1 MB
Socket.IO frame is refused while the server stays responsive."""

import io
import json
import sqlite3
import time
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from limits import parse_many

from cyberbk import ratelimit
from cyberbk.extensions import db
from cyberbk.outreach import services as outreach
from cyberbk.outreach import uploads
from cyberbk.outreach.models import Material
from cyberbk.outreach.models import MaterialAttachment
from cyberbk.problembox.models import ProblemReport
from tests import factories
from tests.conftest import AuthActions
from tests.test_hardening_crash import connect_chat
from tests.test_hardening_crash import live_school  # noqa: F401  (fixture)
from tests.test_hardening_crash import login as live_login

TOO_OFTEN = "Terlalu banyak"


# Guessing.

def test_guessing_one_accounts_password_slows_the_guesser_even_for_the_right_password(
        app, browser, school):
    guesser = browser()
    statuses = [AuthActions(guesser).login("siswa.a", f"tebakan-{n}").status_code
                for n in range(app.config["LOGIN_FREE_FAILURES"])]
    assert set(statuses) == {401}
    response = AuthActions(guesser).login("siswa.a")
    assert response.status_code == 429
    assert TOO_OFTEN in response.get_data(as_text=True)
    assert guesser.get("/siswa").status_code == 302


def test_guessing_across_many_usernames_from_one_device_is_throttled(app, browser, school):
    guesser = AuthActions(browser())
    for number in range(ratelimit.item(app.config["LOGIN_FAILURE_LIMIT"]).amount):
        assert guesser.login(f"tidak.ada.{number}", "salah").status_code == 401
    response = guesser.login("siswa.b")
    assert response.status_code == 429
    assert TOO_OFTEN in response.get_data(as_text=True)


def test_guessing_follow_up_codes_is_throttled_even_for_the_right_code(app, browser, school):
    report, code = factories.make_report("Cerita rahasia")
    client = browser()
    limit = ratelimit.item(app.config["PROBLEMBOX_WRONG_CODE_LIMIT"]).amount
    for number in range(limit):
        guess = f"BK-2222-3333-4444-{number + 5555:04d}"
        assert client.post("/kotak/cek", data={"code": guess}).status_code == 400
    response = client.post("/kotak/cek", data={"code": code})
    assert response.status_code == 429
    assert TOO_OFTEN in response.get_data(as_text=True)
    assert "Cerita rahasia" not in client.get("/kotak/cek").get_data(as_text=True)


def test_a_flood_of_reports_from_one_phone_is_throttled(app, browser, school):
    client = browser()
    limit = parse_many(app.config["PROBLEMBOX_REPORT_LIMIT"])[0].amount
    for number in range(limit):
        assert client.post("/kotak", data={"body": f"Cerita {number}"}).status_code == 200
    response = client.post("/kotak", data={"body": "Satu lagi"})
    assert response.status_code == 429
    assert db.session.scalar(sa.select(sa.func.count(ProblemReport.id))) == limit


# Oversize bodies.

NINE_MB = b"x" * (9 * 1024 * 1024)


@pytest.mark.parametrize("url, person", [
    ("/kotak", None), ("/login", None), ("/jadwal/orang-tua", None), ("/kotak/cek", None),
    ("/admin/impor", "operator"), ("/bk/panduan/video", "guru.a"),
])
def test_a_body_over_the_limit_is_refused_with_413(app, client, auth, school, url, person):
    # The guide video has a limit of its own (80 MB); smaller here, so the test stays light.
    app.config["OUTREACH_VIDEO_MAX_BYTES"] = 1024 * 1024
    if person:
        auth.login(person)
    response = client.post(url, data={"body": "x", "file": (io.BytesIO(NINE_MB), "besar.bin")},
                           content_type="multipart/form-data")
    assert response.status_code == 413
    assert "Berkas terlalu besar" in response.get_data(as_text=True)


HUGE_TEXT = "cerita " * 200_000  # 1.4 MB


def test_one_huge_text_field_is_refused_and_not_stored(client, school):
    plain = client.post("/kotak", data={"body": HUGE_TEXT})
    assert plain.status_code == 400
    assert "Ceritamu terlalu panjang" in plain.get_data(as_text=True)
    # In a multipart body, a text part past Flask's form memory limit is a 413 at once.
    multipart = client.post("/kotak", data={"body": HUGE_TEXT}, content_type="multipart/form-data")
    assert multipart.status_code == 413
    assert db.session.scalar(sa.select(sa.func.count(ProblemReport.id))) == 0


# Uploads whose bytes are not what their name says.

def office_without_its_parts():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.js", "alert(1)")
    return buffer.getvalue()


SPOOFS = {
    "html page": b"<!doctype html><html><script>alert(document.cookie)</script></html>",
    "svg with a script": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script>'
                         b"</svg>",
    "php script": b"<?php system($_GET['c']); ?>",
    "windows program": b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 56,
    "linux program": b"\x7fELF\x02\x01\x01" + b"\x00" * 57,
    "zip that is no office file": office_without_its_parts(),
}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
MP4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + bytes(range(256)) * 4


@pytest.fixture
def material(school):
    material = Material(slug="materi-uji", title="Materi uji")
    outreach.set_published(material, True)
    db.session.add(material)
    db.session.commit()
    return material


def stored_files(app):
    folder = Path(app.instance_path) / "uploads"
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())


# endpoint: (who, URL, form data around the file, file field, a name the endpoint takes)
UPLOADS = {
    "school logo": ("operator", lambda m: "/admin/pengaturan", lambda: {"name": "SMP Uji"},
                    "logo", "logo.png"),
    "material attachment": ("guru.a", lambda m: f"/bk/materi/{m.id}/lampiran", dict, "file",
                            "materi.pdf"),
    "guide video": ("guru.a", lambda m: "/bk/panduan/video", dict, "video", "panduan.mp4"),
    # A good video with a bad cover: the video must not be kept either.
    "guide video cover": ("guru.a", lambda m: "/bk/panduan/video",
                          lambda: {"video": (io.BytesIO(MP4), "panduan.mp4")}, "poster",
                          "sampul.png"),
    "account import": ("operator", lambda m: "/admin/impor", dict, "file", "siswa.xlsx"),
}


@pytest.mark.parametrize("spoof", SPOOFS)
@pytest.mark.parametrize("endpoint", UPLOADS)
def test_an_upload_whose_bytes_are_not_what_its_name_says_is_refused(app, client, auth, school,
                                                                     material, endpoint, spoof):
    person, url, data, field, name = UPLOADS[endpoint]
    auth.login(person)
    before = stored_files(app)
    data = {**data(), field: (io.BytesIO(SPOOFS[spoof]), name)}
    response = client.post(url(material), data=data, content_type="multipart/form-data")
    assert response.status_code == 400, response.status_code
    page = response.get_data(as_text=True)
    assert any(message in page for message in (
        "bukan gambar PNG atau JPG", "Jenis berkas ini tidak bisa dipakai",
        "Berkas Excel tidak bisa dibaca")), page[:2000]
    # Nothing kept, not even the half of a two-file upload that was fine.
    assert stored_files(app) == before
    assert db.session.scalar(sa.select(sa.func.count(MaterialAttachment.id))) == 0
    assert client.get("/logo").status_code == 404


def test_a_real_image_under_a_script_name_is_kept_and_served_as_an_image(app, client, auth,
                                                                        material):
    auth.login("guru.a")
    response = client.post(f"/bk/materi/{material.id}/lampiran",
                           data={"file": (io.BytesIO(PNG), "serang.html")},
                           content_type="multipart/form-data")
    assert response.status_code == 303
    attachment = db.session.scalar(sa.select(MaterialAttachment))
    assert attachment.stored_name.endswith(".png")
    served = client.get(f"/media/lampiran/{attachment.id}")
    assert served.mimetype == "image/png"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert uploads.path_of(attachment.stored_name).read_bytes() == PNG


# A 1 MB Socket.IO frame against the real server (max_http_buffer_size is 64 KiB).

def chat_rows(database):
    connection = sqlite3.connect(database)
    try:
        return connection.execute("SELECT body FROM chat_messages").fetchall()
    finally:
        connection.close()


def wait_for(condition, seconds=10):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_a_1_mb_socket_frame_is_refused_and_the_server_stays_responsive(live_school):  # noqa: F811
    server, requests = live_school["server"].start(), live_school["requests"]
    booking_id = live_school["booking_id"]
    _http, student_cookie = live_login(requests, server.url, "siswa.k1")
    _http, counselor_cookie = live_login(requests, server.url, "guru.k")
    attacker = connect_chat(server.url, student_cookie, booking_id)
    counselor = connect_chat(server.url, counselor_cookie, booking_id)
    try:
        attacker.emit("send", {"body": "x" * (1024 * 1024), "ref": "besar"}, namespace="/chat")
        assert wait_for(lambda: not attacker.connected), "the 1 MB frame did not close it"
        assert chat_rows(live_school["database"]) == []
        # The server still serves pages and the other side's chat goes on.
        assert server.alive()
        ack = counselor.call("send", {"body": "Masih di sini", "ref": "kecil"},
                             namespace="/chat", timeout=10)
        assert ack["ok"], ack
        again = connect_chat(server.url, student_cookie, booking_id)
        assert again.call("sync", {"after": 0}, namespace="/chat", timeout=10)["ok"]
        again.disconnect()
    finally:
        attacker.disconnect()
        counselor.disconnect()
        server.kill()


def test_a_1_mb_long_polling_post_is_answered_413_at_once_and_the_server_stays_up(
        live_school):  # noqa: F811
    """Engine.IO alone would leave this request hanging for ever (see socket_limits.py)."""
    server, requests = live_school["server"].start(), live_school["requests"]
    try:
        handshake = requests.get(f"{server.url}/socket.io/?EIO=4&transport=polling", timeout=10)
        # An Engine.IO handshake: "0" and the session as JSON.
        sid = json.loads(handshake.text[1:])["sid"]
        response = requests.post(f"{server.url}/socket.io/?EIO=4&transport=polling&sid={sid}",
                                 data=b"4" + b"x" * (1024 * 1024), timeout=10,
                                 headers={"Content-Type": "text/plain;charset=UTF-8"})
        assert response.status_code == 413
        assert server.alive()
        assert requests.get(server.url + "/kotak", timeout=10).status_code == 200
    finally:
        server.kill()


@pytest.mark.parametrize("length", ["70000", "1048576", "-1", "banyak"])
def test_socket_posts_declaring_too_much_are_refused_before_engine_io(client, length):
    response = client.post("/socket.io/?EIO=4&transport=polling&sid=x", data=b"4x",
                           environ_overrides={"CONTENT_LENGTH": length})
    assert response.status_code == 413


def test_socket_posts_within_the_limit_reach_engine_io(client):
    # An unknown session: Engine.IO's own answer, not the guard's.
    response = client.post("/socket.io/?EIO=4&transport=polling&sid=x", data=b"4x")
    assert response.status_code == 400


def test_the_socket_buffer_is_no_bigger_than_a_chat_message_needs(app):
    from cyberbk.extensions import socketio

    limit = socketio.server.eio.max_http_buffer_size
    longest = app.config["CHAT_MAX_CHARS"] * 4 + 1024  # UTF-8 at its widest, plus framing
    assert longest <= limit <= 64 * 1024
