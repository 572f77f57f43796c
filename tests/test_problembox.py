"""The student's side of the problem box: sending, the code, the thread, anonymity, abuse limits."""

import logging
import re
import time
import uuid

import pytest
import sqlalchemy as sa
from itsdangerous import TimestampSigner

from cyberbk import devices
from cyberbk.extensions import db
from cyberbk.extensions import limiter
from cyberbk.problembox import services
from cyberbk.problembox.models import ProblemMessage
from cyberbk.problembox.models import ProblemNote
from cyberbk.problembox.models import ProblemReport
from cyberbk.problembox.models import ReportStatus
from cyberbk.school.services import ensure_default_crisis_contacts

CODE = re.compile(r"BK(?:-[2-9A-HJKMNP-Z]{4}){4}")
GENERIC_WRONG_CODE = "Kode itu tidak cocok"


def send(client, body="Aku sering sedih di rumah.", **extra):
    """Submit a report as the client and return the follow-up code from the one page showing
    it: the answer to the POST itself."""
    response = client.post("/kotak", data={"body": body, **extra})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert "no-store" in response.headers["Cache-Control"]
    return CODE.search(response.get_data(as_text=True)).group(0)


def only_report():
    return db.session.scalars(sa.select(ProblemReport)).one()


def test_form_is_open_without_login_and_states_the_limits_of_confidentiality(client, school):
    page = client.get("/kotak")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'name="body"' in text and 'maxlength="3000"' in text
    assert "bahaya untuk dirimu atau orang lain" in text
    assert "include_name" not in text
    # Neutral tab title on a shared phone.
    title = re.search(r"<title>(.*?)</title>", text, re.S).group(1)
    assert "masalah" not in title.lower() and "konseling" not in title.lower()


def test_logged_in_student_may_choose_to_give_their_name(client, auth, school):
    auth.login("siswa.a")
    assert 'name="include_name"' in client.get("/kotak").get_data(as_text=True)
    send(client, include_name="y")
    assert only_report().author_id == school["student_a"].id


def test_logged_in_student_is_anonymous_by_default(client, auth, school):
    auth.login("siswa.a")
    send(client)
    assert only_report().author_id is None


@pytest.mark.parametrize("person", [None, "guru.a", "wali.a"])
def test_name_cannot_be_attached_unless_a_logged_in_student_asks(client, auth, school, person):
    if person:
        auth.login(person)
    send(client, include_name="y")
    assert only_report().author_id is None


def test_code_is_shown_once_and_the_confirmation_points_to_the_check_page(client, school):
    response = client.post("/kotak", data={"body": "Aku bingung memilih SMA."})
    page = response.get_data(as_text=True)
    code = CODE.search(page).group(0)
    assert "satu-satunya jalan" in page
    assert 'href="/kotak/cek"' in page
    again = client.get("/kotak/terkirim").get_data(as_text=True)
    assert code not in again
    assert "hanya ditampilkan sekali" in again


def test_code_has_at_least_64_random_bits_and_no_ambiguous_characters(app):
    codes = {services.generate_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert CODE.fullmatch(code)
        assert not set(code) & set("01OIL")
    symbols = len(services.CODE_ALPHABET) ** services.CODE_LENGTH
    assert symbols >= 2 ** 64


def test_only_a_keyed_hash_of_the_code_is_stored(app, client, school, app_config):
    code = send(client)
    report = only_report()
    symbols = services.normalise_code(code)
    assert report.code_digest != code and symbols not in report.code_digest
    assert len(report.code_digest) == 64
    # Without the app's secret the digest cannot be recomputed from a guessed code.
    app.config["SECRET_KEY"] = "another-secret"
    assert services.code_digest(symbols) != report.code_digest


def test_time_of_an_anonymous_report_is_rounded_to_the_hour(client, school):
    send(client)
    created = only_report().created_at
    assert (created.minute, created.second, created.microsecond) == (0, 0, 0)


@pytest.mark.parametrize("typed", [
    lambda code: code,
    lambda code: code.lower(),
    lambda code: code.replace("-", ""),
    lambda code: code.replace("-", " ").lower(),
    lambda code: code[3:],
    lambda code: f"  {code}  ",
])
def test_code_opens_the_thread_whatever_case_and_dashes(client, school, typed):
    code = send(client, body="Nilai matematikaku turun terus.")
    response = client.post("/kotak/cek", data={"code": typed(code)})
    assert response.status_code == 303
    assert response.headers["Location"] == "/kotak/cek"
    page = client.get("/kotak/cek").get_data(as_text=True)
    assert "Nilai matematikaku turun terus." in page
    assert code not in page


@pytest.mark.parametrize("typed", [
    "BK-2222-2222-2222-2222", "BK-1234", "x" * 5000, "BK-OOOO-IIII-LLLL-0000", "<script>",
    "ＢＫ－ＡＡＡＡ", "BK-' OR 1=1 --", "%00%ff", "BK-ABCD-EFGH-JKMN-PQRS-TUVW",
])
def test_wrong_or_malformed_code_gets_one_generic_message(client, school, typed):
    send(client)
    response = client.post("/kotak/cek", data={"code": typed})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert GENERIC_WRONG_CODE in text
    assert "Aku sering sedih" not in text


def test_empty_code_asks_for_the_code(client, school):
    response = client.post("/kotak/cek", data={"code": "  "})
    assert response.status_code == 400
    assert "Tulis kode balasanmu." in response.get_data(as_text=True)


def test_student_reads_the_counselors_reply_and_answers_back(client, school):
    code = send(client, body="Aku takut ke sekolah.")
    report = only_report()
    services.add_counselor_reply(report, school["counselor"], "Terima kasih sudah cerita, ya.")
    db.session.commit()
    client.post("/kotak/cek", data={"code": code})
    page = client.get("/kotak/cek").get_data(as_text=True)
    assert "Terima kasih sudah cerita, ya." in page
    assert "Guru BK A" in page
    response = client.post("/kotak/cek/balas", data={"body": "Besok aku ke ruang BK."})
    assert response.status_code == 303
    assert "Besok aku ke ruang BK." in client.get("/kotak/cek").get_data(as_text=True)
    message = db.session.scalars(sa.select(ProblemMessage).where(
        ProblemMessage.from_counselor.is_(False))).one()
    assert message.counselor_id is None
    assert message.created_at.minute == 0
    assert report.has_new_reply


def test_reply_to_a_closed_report_opens_it_again(client, school):
    code = send(client)
    report = only_report()
    services.set_triage(report, ReportStatus.CLOSED, False)
    db.session.commit()
    client.post("/kotak/cek", data={"code": code})
    client.post("/kotak/cek/balas", data={"body": "Masalahnya muncul lagi."})
    db.session.refresh(report)
    assert report.status == ReportStatus.IN_PROGRESS
    assert report.closed_at is None


def test_empty_reply_is_refused_with_a_message(client, school):
    code = send(client)
    client.post("/kotak/cek", data={"code": code})
    response = client.post("/kotak/cek/balas", data={"body": "   "})
    assert response.status_code == 400
    assert "Tulis dulu balasanmu." in response.get_data(as_text=True)


def test_thread_actions_need_an_open_thread(client, school):
    send(client)
    for path, data in [("/kotak/cek/balas", {"body": "hai"}),
                       ("/kotak/cek/sesi", {"mode": "chat"})]:
        response = client.post(path, data=data)
        assert response.status_code == 303
        assert response.headers["Location"] == "/kotak/cek"
    assert db.session.scalar(sa.select(sa.func.count(ProblemMessage.id))) == 0


def test_student_asks_for_a_video_session_and_stays_anonymous(client, school):
    code = send(client)
    client.post("/kotak/cek", data={"code": code})
    response = client.post("/kotak/cek/sesi", data={"mode": "video", "times": "Senin sore"})
    assert response.status_code == 303
    report = only_report()
    assert report.session_request_open and report.session_mode.value == "video"
    assert report.session_times == "Senin sore"
    assert report.author_id is None
    assert "sudah meminta sesi video" in client.get("/kotak/cek").get_data(as_text=True)


def test_session_request_needs_a_mode(client, school):
    code = send(client)
    client.post("/kotak/cek", data={"code": code})
    response = client.post("/kotak/cek/sesi", data={"mode": "face"})
    assert response.status_code == 400
    assert "Pilih chat atau video." in response.get_data(as_text=True)


def test_closing_the_thread_forgets_it_on_this_phone(client, school):
    code = send(client)
    client.post("/kotak/cek", data={"code": code})
    client.post("/kotak/cek/tutup")
    page = client.get("/kotak/cek").get_data(as_text=True)
    assert 'name="code"' in page and "Aku sering sedih" not in page


def test_quick_exit_closes_the_thread(client, school):
    code = send(client)
    client.post("/kotak/cek", data={"code": code})
    client.post("/keluar-cepat")
    assert "Aku sering sedih" not in client.get("/kotak/cek").get_data(as_text=True)


def test_an_idle_thread_closes_itself(client, school, monkeypatch):
    code = send(client)
    client.post("/kotak/cek", data={"code": code})
    later = int(time.time()) + 16 * 60
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda _signer: later)
    page = client.get("/kotak/cek").get_data(as_text=True)
    assert "Aku sering sedih" not in page
    assert "lama tidak dibuka" in page


def test_html_and_script_in_the_text_are_shown_escaped(client, auth, school):
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    code = send(client, body=payload)
    client.post("/kotak/cek", data={"code": code})
    client.post("/kotak/cek/balas", data={"body": payload})
    student_page = client.get("/kotak/cek").get_data(as_text=True)
    auth.login("guru.a")
    counselor_page = client.get(f"/bk/kotak/{only_report().id}").get_data(as_text=True)
    for page in (student_page, counselor_page):
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page


def test_too_long_or_empty_text_is_refused_with_a_message(client, school):
    response = client.post("/kotak", data={"body": "a" * 3001})
    assert response.status_code == 400
    assert "Paling banyak 3000 karakter" in response.get_data(as_text=True)
    response = client.post("/kotak", data={"body": "   "})
    assert response.status_code == 400
    assert "Tulis dulu ceritamu" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(ProblemReport.id))) == 0


def test_unknown_field_value_is_ignored_not_a_500(client, school):
    send(client, field="<script>")
    assert only_report().field is None


def test_urgent_text_flags_the_report_and_shows_crisis_contacts_calmly(client, school):
    ensure_default_crisis_contacts()
    db.session.commit()
    page = client.post("/kotak", data={"body": "udah gk kuat lg, pengeeen matiii aja"}).get_data(
        as_text=True)
    assert only_report().is_urgent
    assert "SAPA 129" in page
    assert "Mendesak" not in page and "mendesak" not in page


def test_ordinary_text_is_not_urgent_and_shows_no_crisis_block(client, school):
    ensure_default_crisis_contacts()
    db.session.commit()
    page = client.post("/kotak", data={"body": "Aku mau tanya soal jurusan di SMK."}).get_data(
        as_text=True)
    assert not only_report().is_urgent
    assert "SAPA 129" not in page


def test_urgent_reply_flags_the_report(client, school):
    code = send(client, body="Aku bingung soal PR.")
    client.post("/kotak/cek", data={"code": code})
    client.post("/kotak/cek/balas", data={"body": "sebenarnya aku dipukulin ayah"})
    assert only_report().is_urgent


def test_honeypot_gets_a_429_and_stores_nothing(client, school):
    response = client.post("/kotak", data={"body": "Beli obat murah", "website": "http://spam"})
    assert response.status_code == 429
    assert "Tunggu sekitar 10 menit" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(ProblemReport.id))) == 0


@pytest.fixture
def tight_limits(app_config):
    app_config.update(PROBLEMBOX_REPORT_LIMIT="2 per 15 minutes",
                      PROBLEMBOX_REPLY_LIMIT="2 per 15 minutes",
                      PROBLEMBOX_WRONG_CODE_LIMIT="3 per 15 minutes")


def test_too_many_reports_from_one_phone_get_a_429_and_keep_the_text(tight_limits, browser,
                                                                     school):
    client = browser()
    send(client)
    send(client)
    response = client.post("/kotak", data={"body": "Cerita ketiga yang panjang."})
    assert response.status_code == 429
    text = response.get_data(as_text=True)
    assert "Kamu sudah mengirim beberapa cerita barusan. Tunggu sekitar 15 menit" in text
    assert "Cerita ketiga yang panjang." in text
    assert 0 < int(response.headers["Retry-After"]) <= 15 * 60
    # Another phone on the same Wi-Fi is not affected.
    assert browser().post("/kotak", data={"body": "Dari HP lain."}).status_code == 200


def test_guessing_codes_is_limited_even_for_a_right_code_afterwards(tight_limits, browser, school):
    client = browser()
    code = send(client)
    for _ in range(3):
        assert client.post("/kotak/cek", data={"code": "BK-2222-3333-4444-5555"}).status_code == 400
    response = client.post("/kotak/cek", data={"code": code})
    assert response.status_code == 429
    assert "Terlalu banyak kode yang keliru dari HP ini" in response.get_data(as_text=True)
    assert browser().post("/kotak/cek", data={"code": code}).status_code == 303


def test_too_many_replies_get_a_429(tight_limits, browser, school):
    client = browser()
    code = send(client)
    client.post("/kotak/cek", data={"code": code})
    for number in range(2):
        assert client.post("/kotak/cek/balas", data={"body": f"pesan {number}"}).status_code == 303
    response = client.post("/kotak/cek/balas", data={"body": "pesan lagi"})
    assert response.status_code == 429
    assert "banyak balasan" in response.get_data(as_text=True)


def test_the_limiter_knows_a_phone_only_by_keyed_hashes(tight_limits, app, browser, school):
    phone = browser("198.51.100.8")
    send(phone)
    send(phone)
    assert phone.post("/kotak", data={"body": "lagi"}).status_code == 429
    cookieless = app.test_client(use_cookies=False)
    cookieless.environ_base["REMOTE_ADDR"] = "198.51.100.9"
    assert cookieless.post("/kotak", data={"body": "Tanpa kuki."}).status_code == 200
    keys = list(limiter.storage.events)
    device = phone.get_cookie(devices.COOKIE).value
    assert any(devices.pseudonym(device) in key for key in keys)
    assert any(devices.pseudonym("198.51.100.9") in key for key in keys)
    for secret in (device, "198.51.100.8", "198.51.100.9"):
        assert not any(secret in key for key in keys), secret


def test_anonymous_report_leaves_no_trace_of_the_sender(app, client, auth, school, caplog,
                                                        tmp_path):
    """Marker user agent, client and forwarded IPs, and the logged-in student's identity:
    none of them in the database file or the application log."""
    caplog.set_level(logging.DEBUG)
    student = school["student_a"]
    marker = f"CyberBK-Anon-Test/{uuid.uuid4().hex}"
    address, forwarded = "198.51.100.77", "203.0.113.199"
    environ = {"REMOTE_ADDR": address, "HTTP_USER_AGENT": marker,
               "HTTP_X_FORWARDED_FOR": forwarded, "HTTP_REFERER": f"https://wa.me/{marker}"}
    auth.login(student.username)
    client.environ_base.update(environ)
    device = client.get_cookie(devices.COOKIE).value
    hashed_device = devices.pseudonym(device)

    code = send(client, body="Aku dirundung kakak kelas setiap pulang sekolah.", field="sosial")
    client.post("/kotak/cek", data={"code": code})
    client.post("/kotak/cek/balas", data={"body": "Tadi terjadi lagi."})
    client.post("/kotak/cek/sesi", data={"mode": "chat", "times": "malam"})

    report = only_report()
    assert report.author_id is None
    assert all(m.counselor_id is None for m in report.messages)

    # No problem-box row holds the student's id, username or name in any column.
    identity = {str(student.id), student.username, student.full_name}
    for model in (ProblemReport, ProblemMessage, ProblemNote):
        for row in db.session.execute(sa.select(model.__table__)).mappings():
            for column, value in row.items():
                if column.endswith("_id") and column != "report_id":
                    assert value is None, column
                assert str(value) not in identity - {str(student.id)}, column

    db.session.remove()
    db.engine.dispose()
    stored = b"".join(path.read_bytes() for path in tmp_path.glob("test.sqlite*"))
    assert b"rundung kakak kelas" in stored  # the scan does read the data
    for secret in (marker, address, forwarded, code, services.normalise_code(code), device,
                   hashed_device):
        assert secret.encode() not in stored, secret

    logged = caplog.text + "".join(str(record.__dict__) for record in caplog.records)
    for secret in (marker, address, forwarded, code, device, hashed_device):
        assert secret not in logged, secret
    assert f"problem_report {report.id}" not in logged


def test_htmx_submit_shows_the_code_in_place_of_the_whole_page(client, school):
    headers = {"HX-Request": "true", "HX-Target": "kotak-form"}
    response = client.post("/kotak", data={"body": "Lewat htmx."}, headers=headers)
    assert response.status_code == 200
    assert response.headers["HX-Retarget"] == "body"
    assert response.headers["HX-Reswap"] == "innerHTML show:window:top"
    assert CODE.search(response.get_data(as_text=True))
    # A reload of the pushed address does not send the story again, nor show the code.
    assert response.headers["HX-Push-Url"] == "/kotak/terkirim"
    assert not CODE.search(client.get("/kotak/terkirim").get_data(as_text=True))


def test_htmx_form_error_returns_only_the_form(client, school):
    headers = {"HX-Request": "true", "HX-Target": "kotak-form"}
    response = client.post("/kotak", data={"body": ""}, headers=headers)
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "<html" not in text and 'id="kotak-form"' in text


def test_htmx_reply_returns_the_thread_fragment(client, school):
    code = send(client)
    client.post("/kotak/cek", data={"code": code})
    headers = {"HX-Request": "true", "HX-Target": "percakapan"}
    response = client.post("/kotak/cek/balas", data={"body": "Lewat htmx juga."}, headers=headers)
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in text and "Lewat htmx juga." in text


def test_pages_with_the_thread_are_not_cached(client, school):
    code = send(client)
    client.post("/kotak/cek", data={"code": code})
    assert client.get("/kotak/cek").headers["Cache-Control"] == "no-store"


def test_the_same_story_sent_twice_is_stored_once_and_its_code_not_shown_again(client, school):
    """A reload of the confirmation (without JavaScript it is the POST's answer) or a double
    tap sends the form again: one report, and the second answer shows no code."""
    form = {"body": "Dikirim dua kali.", "submission": "satu-pengisian-formulir"}
    first = client.post("/kotak", data=form).get_data(as_text=True)
    again = client.post("/kotak", data=form)
    assert CODE.search(first)
    assert again.status_code == 200
    assert not CODE.search(again.get_data(as_text=True))
    assert "hanya ditampilkan sekali" in again.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ProblemReport)) == 1
    other = client.post("/kotak", data={**form, "submission": "pengisian-lain"})
    assert CODE.search(other.get_data(as_text=True))


def test_each_form_shown_carries_its_own_submission_name(client, school):
    names = {re.search(r'name="submission" type="hidden" value="([^"]+)"',
                       client.get("/kotak").get_data(as_text=True)).group(1) for _ in range(2)}
    assert len(names) == 2
