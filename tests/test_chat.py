"""Chat pages over HTTP: who may open them, the plain (no-JavaScript) form, history,
service hours, ending a session, video rooms, the homes, and the anonymous thread.

The socket side is in test_chat_socket.py; its fixtures come from here.
"""

import itertools
import re
import time as clock
from datetime import datetime
from datetime import time
from datetime import timedelta
from pathlib import Path

import jwt
import pytest
import sqlalchemy as sa

from cyberbk import ratelimit
from cyberbk.assessments import services as assessments
from cyberbk.assessments.models import AudienceScope
from cyberbk.audit.models import AuditEntry
from cyberbk.booking.models import AvailabilityException
from cyberbk.booking.models import Booking
from cyberbk.booking.models import BookingStatus
from cyberbk.booking.models import ExceptionKind
from cyberbk.booking.models import WeeklyHours
from cyberbk.booking.services.casework import open_case
from cyberbk.booking.services.rules import CONSENT_VERSION
from cyberbk.chat.models import ChatConnection
from cyberbk.chat.models import ChatMessage
from cyberbk.chat.models import ChatRoom
from cyberbk.chat.services import messaging
from cyberbk.chat.services import moderation
from cyberbk.chat.services import presence
from cyberbk.chat.services import rooms as chat_rooms
from cyberbk.chat.services import rules as chat_rules
from cyberbk.chat.services import service_hours
from cyberbk.chat.services import video_calls
from cyberbk.common.schooltime import to_local
from cyberbk.common.schooltime import to_utc
from cyberbk.common.schooltime import utcnow
from cyberbk.common.vocabulary import Mode
from cyberbk.extensions import db
from cyberbk.problembox.models import ProblemMessage
from cyberbk.school.services import add_crisis_contact
from tests import factories

_minutes = itertools.count(0, 30)


@pytest.fixture
def make_booking(school):
    """make_booking(**columns): a confirmed chat today of siswa.a with guru.a, consent given."""

    def make(student=None, counselor=None, **columns):
        student = student or school["student_a"]
        counselor = counselor or school["counselor"]
        starts_at = utcnow().replace(second=0, microsecond=0) + timedelta(minutes=next(_minutes))
        values = {"student_id": student.id, "counselor_id": counselor.id, "starts_at": starts_at,
                  "ends_at": starts_at + timedelta(minutes=30), "mode": Mode.CHAT,
                  "status": BookingStatus.CONFIRMED, "consent_version": CONSENT_VERSION,
                  "consented_at": utcnow()}
        values.update(columns)
        booking = Booking(**values)
        booking.case = open_case(student, counselor)
        db.session.add(booking)
        db.session.commit()
        return booking

    return make


@pytest.fixture
def booking(make_booking):
    return make_booking()


@pytest.fixture
def anonymous_report(app):
    """An anonymous problem-box report and its follow-up code."""
    report, code = factories.make_report("Aku susah tidur karena dirundung di grup kelas.")
    return report, code


def open_thread_with_code(client, code):
    """As a reporter does: the code goes in a POST body, never in a URL."""
    response = client.post("/kotak/cek", data={"code": code})
    assert response.status_code == 303


def page(client, booking):
    return client.get(f"/konseling/{booking.id}")


def say(seat, body):
    """A message sent as the pages send one: the chat's room committed first (the group
    commit stores a booking's message on a connection of its own), then the message."""
    seat.chat.room()
    db.session.commit()
    message, _new = messaging.send(seat, body)
    db.session.commit()
    return message


# Who may open a booking's chat.

@pytest.mark.parametrize("person, status", [
    ("student_a", 200), ("counselor", 200), ("student_b", 404), ("counselor_b", 404),
    ("homeroom_a", 403), ("homeroom_b", 403), ("admin", 403),
])
@pytest.mark.parametrize("suffix, method", [("", "get"), ("/video", "get"), ("/kirim", "post")])
def test_only_the_sessions_student_and_counselor_reach_its_pages(client, auth, school, booking,
                                                                  person, status, suffix, method):
    auth.login(school[person].username)
    response = getattr(client, method)(f"/konseling/{booking.id}{suffix}", data={"body": "Halo"})
    expected = 303 if method == "post" and status == 200 else status
    assert response.status_code == expected


@pytest.mark.parametrize("url, method", [
    ("/konseling/{id}", "get"), ("/konseling/{id}/video", "get"), ("/konseling/{id}/kirim", "post"),
    ("/konseling/{id}/selesai", "post"),
])
def test_logged_out_visitors_are_sent_to_login(client, booking, url, method):
    response = getattr(client, method)(url.format(id=booking.id))
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("person", ["student_a", "counselor"])
def test_a_wrong_booking_id_is_not_found(client, auth, school, booking, person):
    auth.login(school[person].username)
    assert client.get(f"/konseling/{booking.id + 100}").status_code == 404
    assert client.get(f"/konseling/{booking.id + 100}/video").status_code == 404


def test_homeroom_teacher_cannot_read_chat_of_their_student(client, auth, school, booking):
    say(chat_rooms.booking_seat(school["student_a"], booking), "Rahasia untuk Guru BK")
    auth.login("wali.a")
    response = client.get(f"/konseling/{booking.id}")
    assert response.status_code == 403
    assert "Rahasia untuk Guru BK" not in response.get_data(as_text=True)


def test_face_to_face_sessions_have_no_chat(client, auth, make_booking):
    face = make_booking(mode=Mode.FACE)
    auth.login("siswa.a")
    assert client.get(f"/konseling/{face.id}").status_code == 404


@pytest.mark.parametrize("status", [BookingStatus.PENDING, BookingStatus.CANCELLED])
def test_a_session_not_confirmed_says_so_and_takes_no_messages(client, auth, make_booking,
                                                                status):
    waiting = make_booking(status=status)
    auth.login("siswa.a")
    response = client.get(f"/konseling/{waiting.id}")
    assert response.status_code == 200 and "belum bisa dibuka" in response.get_data(as_text=True)
    assert client.post(f"/konseling/{waiting.id}/kirim", data={"body": "Halo"}).status_code == 409


def test_a_referred_student_writes_after_giving_consent(client, auth, make_booking):
    invited = make_booking(consent_version=None, consented_at=None)
    auth.login("siswa.a")
    response = client.post(f"/konseling/{invited.id}/kirim", data={"body": "Halo"})
    assert response.status_code == 409
    assert "memberi persetujuan" in response.get_data(as_text=True)


def test_counselor_reading_a_chat_is_audited_without_its_content(client, auth, booking):
    auth.login("guru.a")
    page(client, booking)
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.target_type == "chat"))
    assert entry.target_id == str(booking.id) and entry.action == "read"


# The plain form and history (JavaScript off).

def test_plain_form_stores_the_message_and_returns_to_the_page(client, auth, booking):
    auth.login("siswa.a")
    response = client.post(f"/konseling/{booking.id}/kirim",
                           data={"body": "  Halo Bu, boleh cerita?  "})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/konseling/{booking.id}#bawah"
    stored = db.session.scalars(sa.select(ChatMessage)).all()
    assert [(m.body, m.from_counselor) for m in stored] == [("Halo Bu, boleh cerita?", False)]
    html = page(client, booking).get_data(as_text=True)
    assert "Halo Bu, boleh cerita?" in html and "Muat pesan baru" in html


def test_page_works_without_javascript(client, auth, booking):
    auth.login("siswa.a")
    html = page(client, booking).get_data(as_text=True)
    assert f'<form method="post" action="/konseling/{booking.id}/kirim"' in html
    assert 'name="csrf_token"' in html and f'href="/konseling/{booking.id}#bawah"' in html


def test_chat_times_use_the_school_time_zone(app, client, auth, school, booking):
    app.config["CYBERBK_TIMEZONE"] = "Asia/Jayapura"  # UTC+9, a zone no test machine has
    say(chat_rooms.booking_seat(school["counselor"], booking), "Selamat pagi")
    db.session.scalar(sa.select(ChatMessage)).created_at = datetime(2026, 12, 7, 1, 5)
    db.session.commit()
    auth.login("siswa.a")
    html = page(client, booking).get_data(as_text=True)
    # Without JavaScript the server writes the school's time; with it, the script formats
    # new messages in the zone the page names, never the device's own.
    assert re.search(r'<time datetime="2026-12-07T01:05:00Z">7 Des\S*, 10\.05</time>', html)
    assert 'data-timezone="Asia/Jayapura"' in html
    script = (Path(app.static_folder) / "js" / "chat.js").read_text()
    assert 'timeZone: root.getAttribute("data-timezone")' in script
    assert "toLocaleString" not in script


def test_script_payloads_render_as_text(client, auth, school, booking):
    attack = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    say(chat_rooms.booking_seat(school["counselor"], booking), attack)
    auth.login("siswa.a")
    html = page(client, booking).get_data(as_text=True)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert ("&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"
            "&lt;img src=x onerror=alert(1)&gt;") in html


def test_oversized_message_from_the_form_is_refused_plainly(app, client, auth, booking):
    auth.login("siswa.a")
    response = client.post(f"/konseling/{booking.id}/kirim",
                           data={"body": "a" * (app.config["CHAT_MAX_CHARS"] + 1)})
    assert response.status_code == 400
    assert "terlalu panjang" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(ChatMessage.id))) == 0


def test_flooding_the_form_gets_429(app, client, auth, booking):
    auth.login("siswa.a")
    limit = ratelimit.item(app.config["CHAT_RATE_LIMIT"]).amount
    statuses = [client.post(f"/konseling/{booking.id}/kirim", data={"body": f"pesan {n}"})
                .status_code for n in range(limit + 1)]
    assert statuses == [303] * limit + [429]
    assert db.session.scalar(sa.select(sa.func.count(ChatMessage.id))) == limit


def test_history_pages_back_with_a_link(app, client, auth, school, booking):
    app.config["CHAT_PAGE_SIZE"] = 3
    seat = chat_rooms.booking_seat(school["student_a"], booking)
    ids = [say(seat, f"pesan {n}")["id"] for n in range(5)]
    auth.login("siswa.a")
    html = page(client, booking).get_data(as_text=True)
    assert "pesan 4" in html and "pesan 1" not in html
    assert f"?sebelum={ids[2]}" in html
    older = client.get(f"/konseling/{booking.id}?sebelum={ids[2]}").get_data(as_text=True)
    assert "pesan 0" in older and "pesan 1" in older and "pesan 3" not in older
    assert "Ke pesan terbaru" in older


def test_text_is_cleaned_of_control_characters_but_keeps_lines_and_emoji(app):
    assert moderation.clean_body("Halo\r\nBu\x00\x07 👩‍🏫\ud800") == "Halo\nBu 👩‍🏫"
    for raw, reason in [("   ", "empty"), (None, "not_text"), ({"html": "x"}, "not_text")]:
        with pytest.raises(chat_rules.Refused) as refused:
            moderation.clean_body(raw)
        assert refused.value.reason == reason


# Delivered and read, unread counts on the homes.

def test_unread_counts_on_both_homes_clear_when_read(client, auth, school, booking):
    say(chat_rooms.booking_seat(school["student_a"], booking), "Bu, aku di sini")
    auth.login("guru.a")
    home = client.get("/bk").get_data(as_text=True)
    assert "1 pesan baru" in home and f"/konseling/{booking.id}" in home
    page(client, booking)
    assert "1 pesan baru" not in client.get("/bk").get_data(as_text=True)
    say(chat_rooms.booking_seat(school["counselor"], booking), "Halo, Ibu sudah siap")
    auth.logout()
    auth.login("siswa.a")
    home = client.get("/siswa").get_data(as_text=True)
    assert "1 pesan baru" in home and f"/konseling/{booking.id}" in home


def test_own_messages_show_sent_delivered_and_read(client, auth, school, booking):
    seat = chat_rooms.booking_seat(school["student_a"], booking)
    first = say(seat, "satu")["id"]
    second = say(seat, "dua")["id"]
    counselor = chat_rooms.booking_seat(school["counselor"], booking)
    messaging.mark(counselor, first, read=True)
    messaging.mark(counselor, second, read=False)
    db.session.commit()
    auth.login("siswa.a")
    html = page(client, booking).get_data(as_text=True)
    states = re.findall(r'data-id="(\d+)".*?class="chat-state">(\w+)<', html, re.S)
    assert states == [(str(first), "Dibaca"), (str(second), "Diterima")]


def test_markers_only_move_forward_and_never_past_the_last_message(school, booking):
    seat = chat_rooms.booking_seat(school["counselor"], booking)
    last = say(chat_rooms.booking_seat(school["student_a"], booking), "x")["id"]
    assert messaging.mark(seat, last + 50, read=True)
    assert not messaging.mark(seat, last - 1, read=True)
    db.session.commit()
    room = db.session.scalar(sa.select(ChatRoom))
    assert room.counselor_read_id == room.counselor_delivered_id == last


# Service hours.

def add_hours(counselor, day, start, end):
    db.session.add(WeeklyHours(counselor_id=counselor.id, weekday=day.weekday(),
                               start_time=start, end_time=end))
    db.session.commit()


@pytest.fixture
def later_booking(make_booking):
    """A confirmed chat days ahead: its session is not on now (during one, no notice)."""
    starts_at = utcnow().replace(second=0, microsecond=0) + timedelta(days=3)
    return make_booking(starts_at=starts_at, ends_at=starts_at + timedelta(minutes=30))


def test_outside_service_hours_the_student_learns_when_to_expect_a_reply(client, auth, school,
                                                                          later_booking):
    booking = later_booking
    add_crisis_contact("TPPK Sekolah", "0812-0000-0000")
    db.session.commit()
    tomorrow = to_local(utcnow()).date() + timedelta(days=1)
    add_hours(school["counselor"], tomorrow, time(8), time(9))
    auth.login("siswa.a")
    html = page(client, booking).get_data(as_text=True)
    assert "di luar jam layanan" in html and "Balasan bisa kamu harapkan mulai" in html
    assert "TPPK Sekolah" in html


def test_within_service_hours_there_is_no_notice(client, auth, school, booking):
    add_hours(school["counselor"], to_local(utcnow()).date(), time(0), time(23, 59, 59))
    auth.login("siswa.a")
    assert "di luar jam layanan" not in page(client, booking).get_data(as_text=True)


def test_without_any_hours_the_student_is_told_the_next_school_day(client, auth,
                                                                   later_booking):
    booking = later_booking
    auth.login("siswa.a")
    assert "hari sekolah berikutnya" in page(client, booking).get_data(as_text=True)


def test_next_service_time_skips_leave(app, school):
    counselor = school["counselor"]
    monday = datetime(2026, 3, 2)
    add_hours(counselor, monday.date(), time(8), time(12))
    now = to_utc(monday.replace(hour=7))
    assert service_hours.next_service_time([counselor.id], now) == to_utc(monday.replace(hour=8))
    db.session.add(AvailabilityException(counselor_id=counselor.id, kind=ExceptionKind.CLOSED,
                                         starts_at=to_utc(monday.replace(hour=6)),
                                         ends_at=to_utc(monday.replace(hour=10))))
    db.session.commit()
    assert service_hours.next_service_time([counselor.id], now) == to_utc(monday.replace(hour=10))
    late = to_utc(monday.replace(hour=13))
    assert service_hours.next_service_time([counselor.id], late) == to_utc(
        monday.replace(hour=8) + timedelta(days=7))


# Ending a session and the evaluation link.

def give_session_evaluation(counselor):
    instrument = assessments.ensure_builtin_instruments()["evaluasi-sesi"]
    return assessments.create_administration(
        instrument, counselor, "Evaluasi sesi", utcnow() - timedelta(days=1),
        utcnow() + timedelta(days=30), AudienceScope.SCHOOL, slug="evaluasi-sesi")


def test_counselor_ends_the_session_and_the_student_gets_the_evaluation(client, auth, school,
                                                                        booking):
    give_session_evaluation(school["counselor"])
    db.session.commit()
    auth.login("guru.a")
    response = client.post(f"/konseling/{booking.id}/selesai")
    assert response.status_code == 303
    db.session.refresh(booking)
    assert booking.status == BookingStatus.DONE
    assert client.post(f"/konseling/{booking.id}/kirim", data={"body": "x"}).status_code == 409
    auth.logout()
    auth.login("siswa.a")
    html = page(client, booking).get_data(as_text=True)
    assert "sudah selesai" in html and "/asesmen/evaluasi-sesi" in html
    assert 'id="chat-form"' not in html
    assert "/asesmen/evaluasi-sesi" in client.get("/siswa").get_data(as_text=True)


def test_without_an_open_evaluation_the_counselor_is_told_to_open_one(client, auth, booking):
    auth.login("guru.a")
    html = client.post(f"/konseling/{booking.id}/selesai", follow_redirects=True)
    assert "Evaluasi sesi konseling" in html.get_data(as_text=True)


def test_only_the_counselor_ends_a_session(client, auth, booking):
    auth.login("siswa.a")
    assert client.post(f"/konseling/{booking.id}/selesai").status_code == 403
    assert db.session.get(Booking, booking.id).status == BookingStatus.CONFIRMED


# Video.

def video_room_of(html):
    return re.search(r'data-room="([^"]+)"', html).group(1)


def test_video_room_is_random_shared_and_only_for_participants(app, client, auth, booking):
    app.config["JITSI_DOMAIN"] = "jitsi.sekolah.sch.id"
    auth.login("siswa.a")
    html = client.get(f"/konseling/{booking.id}/video").get_data(as_text=True)
    room = video_room_of(html)
    assert re.fullmatch(r"bk[0-9a-f]{40}", room)  # 160 random bits
    assert 'data-embed="1"' in html and 'data-name="Siswa"' in html and "@" not in room
    auth.logout()
    auth.login("guru.a")
    html = client.get(f"/konseling/{booking.id}/video").get_data(as_text=True)
    assert video_room_of(html) == room
    auth.logout()
    auth.login("siswa.b")
    assert client.get(f"/konseling/{booking.id}/video").status_code == 404


def test_video_pages_of_two_sessions_never_share_a_room(client, auth, make_booking):
    first, second = make_booking(), make_booking()
    auth.login("siswa.a")
    rooms = {video_room_of(client.get(f"/konseling/{b.id}/video").get_data(as_text=True))
             for b in (first, second)}
    assert len(rooms) == 2


def test_meet_jit_si_opens_in_a_new_tab_instead_of_embedding(app, client, auth, booking):
    app.config["JITSI_DOMAIN"] = "meet.jit.si"
    auth.login("siswa.a")
    response = client.get(f"/konseling/{booking.id}/video")
    html = response.get_data(as_text=True)
    assert 'data-embed="0"' in html and "https://meet.jit.si/bk" in html
    assert "disableDeepLinking=true" in html and 'target="_blank"' in html
    assert "https://meet.jit.si" in response.headers["Content-Security-Policy"]


def test_the_jitsi_domain_is_allowed_only_on_the_video_page(app, client, auth, booking):
    app.config["JITSI_DOMAIN"] = "meet.jit.si"
    auth.login("siswa.a")
    video = client.get(f"/konseling/{booking.id}/video").headers["Content-Security-Policy"]
    assert "script-src 'self' https://meet.jit.si" in video
    assert "https://meet.jit.si" in video.split("frame-src")[1].split(";")[0]
    for path in ("/", "/siswa", f"/konseling/{booking.id}", "/login"):
        assert "jit.si" not in client.get(path).headers["Content-Security-Policy"], path


def test_video_page_has_the_chat_and_a_fallback_for_an_unreachable_jitsi(client, auth, booking):
    auth.login("siswa.a")
    html = client.get(f"/konseling/{booking.id}/video").get_data(as_text=True)
    assert 'id="video-failed"' in html and "Lanjut lewat chat" in html
    assert 'id="chat-form"' in html and "js/video.js" in html


JITSI_SECRET = "rahasia-jitsi-sekolah-paling-sedikit-32-bita"


def test_jitsi_token_is_signed_for_the_room_when_configured(app, client, auth, booking):
    app.config.update(JITSI_DOMAIN="jitsi.sekolah.sch.id", JITSI_APP_ID="cyberbk",
                      JITSI_APP_SECRET=JITSI_SECRET)
    auth.login("guru.a")
    html = client.get(f"/konseling/{booking.id}/video").get_data(as_text=True)
    token = re.search(r'data-jwt="([^"]+)"', html).group(1)
    assert jwt.get_unverified_header(token) == {"alg": "HS256", "typ": "JWT"}
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, "another-secret-of-at-least-32-bytes", algorithms=["HS256"],
                   audience="jitsi")
    payload = jwt.decode(token, JITSI_SECRET, algorithms=["HS256"], audience="jitsi",
                         issuer="cyberbk")
    assert payload["room"] == video_room_of(html) and payload["sub"] == "jitsi.sekolah.sch.id"
    assert payload["context"]["user"] == {"name": "Guru BK A", "moderator": True}
    assert payload["exp"] - payload["iat"] == 4 * 3600
    assert payload["iat"] <= clock.time() < payload["exp"]


def test_jitsi_token_expires_after_four_hours(app):
    app.config.update(JITSI_APP_ID="cyberbk", JITSI_APP_SECRET=JITSI_SECRET)
    with app.app_context():
        stale = video_calls.jitsi_token("bkroom", "Siswa", False,
                                        now=clock.time() - 4 * 3600 - 1)
    with pytest.raises(jwt.ExpiredSignatureError):
        jwt.decode(stale, JITSI_SECRET, algorithms=["HS256"], audience="jitsi")


def test_no_token_without_jitsi_credentials(client, auth, booking):
    auth.login("siswa.a")
    assert 'data-jwt=""' in client.get(f"/konseling/{booking.id}/video").get_data(as_text=True)


# The demo and the homes.

def test_demo_chat_session_is_linked_from_both_homes(app, runner, client, auth):
    runner.invoke(args=["seed-demo"])
    chat = db.session.scalar(sa.select(Booking).where(Booking.mode == Mode.CHAT,
                                                      Booking.status == BookingStatus.CONFIRMED))
    for username, home in (("siswa.7a.01", "/siswa"), ("guru.bk", "/bk")):
        auth.login(username, "cyberbk-demo")
        assert f"/konseling/{chat.id}" in client.get(home).get_data(as_text=True)
        assert client.get(f"/konseling/{chat.id}").status_code == 200
        auth.logout()


# The anonymous problem-box thread, live.

def test_reporter_chats_live_on_the_thread_without_a_code_in_any_url(client, anonymous_report):
    report, code = anonymous_report
    assert client.get("/konseling/kotak").status_code == 303
    open_thread_with_code(client, code)
    response = client.get("/konseling/kotak")
    assert response.status_code == 200
    assert client.post("/konseling/kotak/kirim", data={"body": "Ini aku lagi"}).status_code == 303
    message = db.session.scalar(sa.select(ProblemMessage))
    assert (message.body, message.from_counselor, message.counselor_id) == ("Ini aku lagi", False,
                                                                            None)
    assert code.replace("-", "") not in response.get_data(as_text=True).replace("-", "")


def test_counselors_answer_the_thread_live_and_others_cannot(client, auth, school,
                                                            anonymous_report):
    report, _code = anonymous_report
    for person in ("student_a", "homeroom_a", "admin"):
        auth.login(school[person].username)
        assert client.get(f"/bk/konseling/kotak/{report.id}").status_code == 403
        auth.logout()
    auth.login("guru.b")
    assert client.get(f"/bk/konseling/kotak/{report.id + 9}").status_code == 404
    assert client.get(f"/bk/konseling/kotak/{report.id}").status_code == 200
    response = client.post(f"/bk/konseling/kotak/{report.id}/kirim", data={"body": "Ibu di sini"})
    assert response.status_code == 303
    assert db.session.scalar(sa.select(ProblemMessage.counselor_id)) == school["counselor_b"].id


def test_a_risky_live_message_flags_the_report_like_a_thread_reply(client, anonymous_report):
    report, code = anonymous_report
    open_thread_with_code(client, code)
    client.post("/konseling/kotak/kirim", data={"body": "Aku ingin bunuh diri"})
    assert db.session.get(type(report), report.id).is_urgent


def test_reporter_messages_keep_no_clock_time(client, anonymous_report):
    report, code = anonymous_report
    open_thread_with_code(client, code)
    client.post("/konseling/kotak/kirim", data={"body": "Jam berapa ini?"})
    html = client.get("/konseling/kotak").get_data(as_text=True)
    assert "<time" not in html


def test_keepalive_keeps_the_thread_open(client, anonymous_report):
    report, code = anonymous_report
    open_thread_with_code(client, code)
    assert client.post("/konseling/aktif").status_code == 204
    assert client.get("/konseling/kotak").status_code == 200


def test_a_reporters_socket_is_kept_in_memory_and_never_written_to_the_database(
        app, school, anonymous_report):
    report, _code = anonymous_report
    presence.register_socket("sid-1", chat_rooms.reporter_seat(report))
    db.session.commit()
    assert presence.reporter_sockets() == {"sid-1": report.id}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ChatConnection)) == 0
    presence.forget_socket("sid-1")
    assert presence.reporter_sockets() == {}


def test_counselor_home_lists_threads_with_unread_live_messages(client, auth, school,
                                                                anonymous_report):
    report, code = anonymous_report
    open_thread_with_code(client, code)
    client.post("/konseling/kotak/kirim", data={"body": "Bu, aku online"})
    auth.login("guru.a")
    home = client.get("/bk").get_data(as_text=True)
    assert f"/bk/konseling/kotak/{report.id}" in home and "1 pesan baru" in home


def test_deleting_a_booking_or_report_takes_its_chat_along(school, booking, anonymous_report):
    report, _code = anonymous_report
    say(chat_rooms.booking_seat(school["student_a"], booking), "x")
    chat_rooms.reporter_seat(report).chat.room()
    db.session.delete(db.session.get(Booking, booking.id))
    db.session.delete(db.session.get(type(report), report.id))
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(ChatRoom.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(ChatMessage.id))) == 0


def test_socketio_accepts_only_the_apps_own_origin(client):
    handshake = "/socket.io/?EIO=4&transport=polling"
    assert client.get(handshake, headers={"Origin": "https://jahat.example"}).status_code == 400
    assert client.get(handshake, headers={"Origin": "http://localhost"}).status_code == 200

