"""Alerts for counselors (#18 §1): an urgent story reaches every counselor by Web Push and
email within a round of the worker, without a word of it; nothing waits on a mail server
in the student's request; a stopped mail server delays an alert without losing it;
escalation; digests; quiet hours; and never anything to a student.

The mail server is a real one (aiosmtpd) and the push service a local HTTP server whose
requests are decrypted with the subscription's own keys, as a browser would.
"""

import base64
import json
import os
import re
import socket
import threading
from datetime import time
from datetime import timedelta
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer

import http_ece
import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from cyberbk.accounts.models import Role
from cyberbk.alerts import delivery
from cyberbk.alerts import services as alerts
from cyberbk.alerts.models import Alert
from cyberbk.alerts.models import AlertSettings
from cyberbk.alerts.models import Channel
from cyberbk.alerts.models import Kind
from cyberbk.alerts.models import PushSubscription
from cyberbk.booking.models import BookingStatus
from cyberbk.booking.services import slots as slot_services
from cyberbk.chat.models import ChatMessage
from cyberbk.chat.models import ChatRoom
from cyberbk.common.schooltime import to_local
from cyberbk.common.schooltime import utcnow
from cyberbk.common.vocabulary import UrgentItem
from cyberbk.extensions import db
from cyberbk.extensions import mail
from cyberbk.problembox.models import ProblemReport
from cyberbk.school.services import get_settings
from tests import factories
from tests.test_booking import first_free_slot
from tests.test_booking import intake_data
from tests.test_booking import make_booking
from tests.test_booking import open_all_week

URGENT_STORY = "rasanya pengen nyudahin hidup aja"
EVERYDAY_STORY = "Aku bingung memilih ekstrakurikuler"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """aiosmtpd's handler: every message the server accepted."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, _server, _session, envelope):
        message = message_from_bytes(envelope.content)
        self.messages.append({"to": envelope.rcpt_tos, "subject": str(message["Subject"]),
                              "body": message.get_payload(decode=True).decode()})
        return "250 OK"

    def to(self, address):
        return [m for m in self.messages if address in m["to"]]


class MailServer:
    def __init__(self, port):
        self.port, self.inbox, self.controller = port, Inbox(), None

    def start(self):
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


class PushService:
    """A push service on 127.0.0.1 taking what pywebpush posts; `status` is its answer."""

    def __init__(self):
        self.received, self.status = [], 201
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                headers = {name.lower(): value for name, value in self.headers.items()}
                service.received.append({"path": self.path, "headers": headers,
                                         "body": body})
                self.send_response(service.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


class Browser:
    """A browser's push subscription: its own key pair and secret, as pushManager makes."""

    def __init__(self, endpoint):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.secret = os.urandom(16)
        point = self.key.public_key().public_bytes(serialization.Encoding.X962,
                                                   serialization.PublicFormat.UncompressedPoint)
        self.endpoint = endpoint
        self.p256dh = base64.urlsafe_b64encode(point).rstrip(b"=").decode()
        self.auth = base64.urlsafe_b64encode(self.secret).rstrip(b"=").decode()

    def read(self, body):
        return json.loads(http_ece.decrypt(body, private_key=self.key, auth_secret=self.secret,
                                           version="aes128gcm"))


@pytest.fixture
def mail_port(app):
    """The app sends mail to a port of 127.0.0.1 (nothing listens there until `smtp`)."""
    port = free_port()
    # TESTING would make Flask-Mailman keep mail in memory: these tests want the wire.
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TIMEOUT=3,
                      PUBLIC_URL="https://bk.smpn-contoh.sch.id")
    mail.init_app(app)
    return port


@pytest.fixture
def smtp(mail_port):
    server = MailServer(mail_port)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def push_service():
    service = PushService()
    yield service
    service.server.shutdown()


@pytest.fixture
def counselors(app, school):
    """The school's two counselors with email addresses, as the demo school has them."""
    school["counselor"].email = "guru.bk@smpn-contoh.sch.id"
    school["counselor_b"].email = "guru.bk2@smpn-contoh.sch.id"
    db.session.commit()
    return school


def subscribe(user, push_service, name="a"):
    browser = Browser(f"{push_service.url}/push/{name}")
    alerts.subscribe(user, browser.endpoint, browser.p256dh, browser.auth, "Chrome di Android")
    db.session.commit()
    return browser


def send_story(browser, body):
    response = browser().post("/kotak", data={"body": body})
    assert response.status_code == 200
    return db.session.scalars(sa.select(ProblemReport).order_by(ProblemReport.id.desc())).first()


def queued():
    db.session.expire_all()
    return db.session.scalars(sa.select(Alert).order_by(Alert.id)).all()


# The urgent story.

def test_urgent_story_reaches_every_counselor_by_email_and_push_without_its_words(
        app, counselors, smtp, push_service, browser):
    phone = subscribe(counselors["counselor"], push_service)
    report = send_story(browser, URGENT_STORY)
    # The student's request has returned: the alerts wait in the queue, nothing went yet.
    assert report.is_urgent
    assert {(a.user_id, a.channel) for a in queued() if a.channel != Channel.ESCALATION} == {
        (counselors["counselor"].id, Channel.PUSH), (counselors["counselor"].id, Channel.EMAIL),
        (counselors["counselor_b"].id, Channel.EMAIL)}
    assert smtp.inbox.messages == [] and push_service.received == []

    assert delivery.run_once() == 3
    link = f"https://bk.smpn-contoh.sch.id/bk/kotak/{report.id}"
    for address in ("guru.bk@smpn-contoh.sch.id", "guru.bk2@smpn-contoh.sch.id"):
        [email] = smtp.inbox.to(address)
        assert "Ada cerita mendesak di kotak masalah" in email["subject"]
        assert link in email["body"]
        for word in ("nyudahin", "hidup", "rasanya"):
            assert word not in email["body"] and word not in email["subject"]
    [request] = push_service.received
    assert request["path"] == "/push/a" and request["headers"]["authorization"].startswith("vapid ")
    notification = phone.read(request["body"])
    assert notification["body"] == "Ada cerita mendesak di kotak masalah"
    assert notification["url"] == link
    assert "nyudahin" not in json.dumps(notification)


def test_the_examples_of_the_issue_send_an_email_to_both_demo_counselors(
        app, counselors, smtp, browser):
    send_story(browser, URGENT_STORY)
    delivery.run_once()
    assert {address for m in smtp.inbox.messages for address in m["to"]} == {
        "guru.bk@smpn-contoh.sch.id", "guru.bk2@smpn-contoh.sch.id"}


def test_a_stopped_mail_server_delays_the_alert_without_losing_it(
        app, client, auth, counselors, mail_port, browser):
    report = send_story(browser, URGENT_STORY)
    now = utcnow()
    assert delivery.run_once(now) == 0
    emails = [a for a in queued() if a.channel == Channel.EMAIL]
    assert len(emails) == 2 and all(a.attempts == 1 and a.sent_at is None for a in emails)
    assert all(a.due_at > now for a in emails)
    # The counselor's home says that an alert did not go, and links to what waits.
    auth.login("guru.a")
    home = client.get("/bk").get_data(as_text=True)
    assert "Notifikasi yang belum terkirim" in home and "Server tidak bisa dihubungi" in home

    server = MailServer(mail_port)
    server.start()
    try:
        assert delivery.run_once(now) == 0  # not due again yet
        assert delivery.run_once(now + timedelta(minutes=10)) == 2
        assert len(server.inbox.messages) == 2
        assert f"/bk/kotak/{report.id}" in server.inbox.messages[0]["body"]
    finally:
        server.stop()
    assert "Notifikasi yang belum terkirim" not in client.get("/bk").get_data(as_text=True)


def test_an_alert_retried_for_hours_is_given_up_and_waits_on_the_home_until_put_away(
        app, client, auth, counselors, mail_port, browser):
    send_story(browser, URGENT_STORY)

    def mine():
        return [a for a in queued()
                if a.user_id == counselors["counselor"].id and a.kind == Kind.URGENT]

    now, waits = utcnow(), []
    for _round in range(app.config["ALERT_MAX_ATTEMPTS"]):
        delivery.run_once(now)
        [alert] = mine()
        waits.append(alert.due_at - now)
        now = alert.due_at
    # Retried with growing waits, at most an hour apart, then given up.
    # (A wait of a minute, rounded up to the five-minute grid: at most six.)
    assert waits[0] <= timedelta(minutes=6) and max(waits) <= timedelta(minutes=65)
    assert [(a.given_up, a.attempts) for a in mine()] == [(True, 12)]
    auth.login("guru.a")
    home = client.get("/bk").get_data(as_text=True)
    assert "tidak terkirim setelah 12 kali dicoba" in home
    [given_up] = mine()
    response = client.post(f"/bk/notifikasi/gagal/{given_up.id}/tutup")
    assert response.status_code == 303
    assert mine() == []


# Escalation, with the clock in the test's hand.

def test_an_urgent_story_nobody_opens_is_escalated_to_everyone_after_the_set_minutes(
        app, counselors, smtp, browser):
    get_settings().escalation_email = "kepala@smpn-contoh.sch.id"
    db.session.commit()
    send_story(browser, URGENT_STORY)
    now = utcnow()
    delivery.run_once(now)
    assert len(smtp.inbox.messages) == 2
    delivery.run_once(now + timedelta(minutes=25))
    assert len(smtp.inbox.messages) == 2
    delivery.run_once(now + timedelta(minutes=36))
    escalated = smtp.inbox.messages[2:]
    assert sorted(a for m in escalated for a in m["to"]) == [
        "guru.bk2@smpn-contoh.sch.id", "guru.bk@smpn-contoh.sch.id", "kepala@smpn-contoh.sch.id"]
    assert all("belum dibuka Guru BK selama 30 menit" in m["subject"] for m in escalated)
    assert all("nyudahin" not in m["body"] for m in escalated)
    # Once only.
    delivery.run_once(now + timedelta(hours=2))
    assert len(smtp.inbox.messages) == 5


def test_no_escalation_when_a_counselor_opened_the_story_first(
        app, client, auth, counselors, smtp, browser):
    report = send_story(browser, URGENT_STORY)
    now = utcnow()
    delivery.run_once(now)
    auth.login("guru.b")
    client.get(f"/bk/kotak/{report.id}")
    delivery.run_once(now + timedelta(minutes=36))
    assert len(smtp.inbox.messages) == 2
    assert not any(a.channel == Channel.ESCALATION for a in queued())


def test_escalation_minutes_follow_the_setting(app, counselors, smtp, browser):
    app.config["URGENT_ESCALATION_MINUTES"] = 10
    send_story(browser, URGENT_STORY)
    now = utcnow()
    delivery.run_once(now)
    delivery.run_once(now + timedelta(minutes=16))
    assert len(smtp.inbox.messages) == 4


# The counselor's home.

def test_counselor_home_shows_an_unopened_urgent_story_at_the_top_until_opened(
        app, client, auth, counselors, browser):
    report = send_story(browser, URGENT_STORY)
    auth.login("guru.a")
    home = client.get("/bk").get_data(as_text=True)
    assert "1 hal mendesak belum dibuka" in home
    assert home.index("hal mendesak belum dibuka") < home.index("Kotak masalah</h2>")
    assert f'href="/bk/kotak/{report.id}"' in home
    assert re.search(r"masuk antara pukul \d\d\.00 dan \d\d\.00", home)
    client.get(f"/bk/kotak/{report.id}")
    assert "hal mendesak belum dibuka" not in client.get("/bk").get_data(as_text=True)


def test_an_urgent_item_says_how_long_it_has_waited(app, counselors):
    hour = utcnow().replace(minute=0, second=0, microsecond=0)
    item = UrgentItem(ref="kotak:1", title="Kotak masalah #1", link="/bk/kotak/1",
                             since=hour, hour_only=True)
    with app.test_request_context():
        text = alerts.waiting_text(item, hour + timedelta(hours=3, minutes=10))
    assert "menunggu lebih dari 2 jam" in text
    assert to_local(hour).strftime("%H.00") in text


# Digest, quiet hours, the other kinds.

def test_new_stories_and_replies_come_together_at_most_once_an_hour(
        app, counselors, smtp, browser):
    send_story(browser, EVERYDAY_STORY)
    send_story(browser, "Nilai matematikaku turun terus")
    now = utcnow()
    delivery.run_once(now)
    [email] = smtp.inbox.to("guru.bk@smpn-contoh.sch.id")
    assert "Ada 2 cerita baru di kotak masalah" in email["subject"]
    assert "ekstrakurikuler" not in email["body"]
    send_story(browser, "Aku ingin pindah kelompok belajar")
    delivery.run_once(now + timedelta(minutes=20))
    assert len(smtp.inbox.to("guru.bk@smpn-contoh.sch.id")) == 1
    delivery.run_once(now + timedelta(minutes=65))
    assert "Ada 1 cerita baru" in smtp.inbox.to("guru.bk@smpn-contoh.sch.id")[1]["subject"]


def test_a_counselor_may_turn_the_digest_off(app, counselors, smtp, browser):
    alerts.saved_settings(counselors["counselor"]).digest_minutes = 0
    db.session.commit()
    send_story(browser, EVERYDAY_STORY)
    delivery.run_once()
    assert smtp.inbox.to("guru.bk@smpn-contoh.sch.id") == []
    assert len(smtp.inbox.to("guru.bk2@smpn-contoh.sch.id")) == 1


def test_quiet_hours_hold_everything_but_an_urgent_story(app, counselors, smtp, browser):
    local_now = to_local(utcnow())
    settings = alerts.saved_settings(counselors["counselor"])
    settings.quiet_from = (local_now - timedelta(hours=1)).time().replace(second=0, microsecond=0)
    settings.quiet_until = (local_now + timedelta(hours=2)).time().replace(second=0, microsecond=0)
    db.session.commit()
    send_story(browser, EVERYDAY_STORY)
    send_story(browser, URGENT_STORY)
    now = utcnow()
    delivery.run_once(now)
    subjects = [m["subject"] for m in smtp.inbox.to("guru.bk@smpn-contoh.sch.id")]
    assert len(subjects) == 1 and "mendesak" in subjects[0]
    delivery.run_once(now + timedelta(hours=2, minutes=10))
    assert any("1 cerita baru" in m["subject"] for m in smtp.inbox.to("guru.bk@smpn-contoh.sch.id"))


def test_a_booking_request_alerts_its_counselor_only(app, client, auth, counselors, smtp):
    open_all_week(counselors["counselor"])
    auth.login("siswa.a")
    slot = first_free_slot(counselors["counselor"])
    client.post("/jadwal/isi", data=intake_data(
        slot_services.slot_key(slot.counselor_id, slot.starts_at)))
    delivery.run_once()
    [email] = smtp.inbox.messages
    assert email["to"] == ["guru.bk@smpn-contoh.sch.id"]
    assert "permintaan jadwal konseling baru" in email["subject"]
    assert "Siswa A" not in email["body"] and "dirundung" not in email["body"]


def test_a_referral_alerts_every_counselor_without_the_reason(app, client, auth, counselors,
                                                              smtp):
    auth.login("wali.a")
    client.post("/wali/rujukan", data={"student": counselors["student_a"].id,
                                       "reason": "Sering melamun dan menangis di kelas"})
    delivery.run_once()
    assert len(smtp.inbox.messages) == 2
    assert all("rujukan baru" in m["subject"] and "melamun" not in m["body"]
               and "Siswa A" not in m["body"] for m in smtp.inbox.messages)


def test_a_chat_message_the_counselor_leaves_unread_alerts_them_once_an_hour(
        app, counselors, smtp):
    booking = make_booking(counselors["student_a"], counselors["counselor"],
                           starts_at=utcnow().replace(second=0, microsecond=0),
                           status=BookingStatus.CONFIRMED)
    room = ChatRoom(booking_id=booking.id)
    db.session.add(room)
    db.session.flush()
    now = utcnow()
    db.session.add(ChatMessage(room_id=room.id, sender_id=counselors["student_a"].id,
                               from_counselor=False, body="Bu, aku sudah di sini",
                               created_at=now - timedelta(minutes=5)))
    db.session.commit()
    delivery.run_once(now)
    [email] = smtp.inbox.messages
    assert email["to"] == ["guru.bk@smpn-contoh.sch.id"]
    assert "pesan chat baru" in email["subject"] and f"/konseling/{booking.id}" in email["body"]
    assert "sudah di sini" not in email["body"]
    delivery.run_once(now + timedelta(minutes=10))
    assert len(smtp.inbox.messages) == 1
    # Read now: nothing more.
    room.counselor_read_id = db.session.scalar(sa.select(sa.func.max(ChatMessage.id)))
    db.session.commit()
    delivery.run_once(now + timedelta(hours=2))
    assert len(smtp.inbox.messages) == 1


# Who gets what.

def test_students_never_get_alerts_nor_the_settings_page(app, client, auth, counselors,
                                                         smtp, browser):
    counselors["student_a"].email = "siswa@contoh.id"
    db.session.commit()
    auth.login("siswa.a")
    assert client.get("/bk/notifikasi").status_code in (302, 403)
    send_story(browser, URGENT_STORY)
    delivery.run_once()
    assert "siswa@contoh.id" not in {a for m in smtp.inbox.messages for a in m["to"]}
    assert not any(a.user_id == counselors["student_a"].id for a in queued())


def test_an_unconfirmed_counselor_account_is_not_told(app, counselors, smtp, browser):
    factories.make_user(Role.COUNSELOR, "guru.baru", confirmed=False).email = "baru@contoh.id"
    db.session.commit()
    send_story(browser, URGENT_STORY)
    delivery.run_once()
    assert "baru@contoh.id" not in {a for m in smtp.inbox.messages for a in m["to"]}


def test_an_anonymous_storys_alerts_keep_no_exact_time_and_go_once_sent(
        app, counselors, smtp, browser):
    send_story(browser, URGENT_STORY)
    rows = queued()
    assert rows and all(a.anonymous for a in rows)
    assert all(a.due_at.minute % 5 == 0 and a.due_at.second == 0 and a.due_at.microsecond == 0
               for a in rows)
    delivery.run_once()
    assert [a.channel for a in queued()] == [Channel.ESCALATION]


# The settings page.

def test_counselor_sets_email_digest_and_quiet_hours(app, client, auth, counselors, mail_port):
    auth.login("guru.a")
    page = client.get("/bk/notifikasi").get_data(as_text=True)
    assert "guru.bk@smpn-contoh.sch.id" in page and 'data-key="' in page
    response = client.post("/bk/notifikasi", data={
        "email": " Rina@SMPN-contoh.sch.id ", "email_enabled": "y", "digest_minutes": "180",
        "quiet_from": "21:00", "quiet_until": "05:30"})
    assert response.status_code == 303
    settings = db.session.get(AlertSettings, counselors["counselor"].id)
    db.session.refresh(counselors["counselor"])
    assert counselors["counselor"].email == "rina@smpn-contoh.sch.id"
    assert (settings.digest_minutes, settings.push_enabled) == (180, False)
    assert (settings.quiet_from, settings.quiet_until) == (time(21), time(5, 30))


@pytest.mark.parametrize("data, message", [
    ({"email": "bukan-email", "digest_minutes": "60"}, "alamat email yang lengkap"),
    ({"email": "", "digest_minutes": "60", "quiet_from": "21:00"}, "atau kosongkan keduanya"),
])
def test_settings_refuse_bad_input_with_a_message(app, client, auth, counselors, data, message):
    auth.login("guru.a")
    response = client.post("/bk/notifikasi", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_the_test_button_sends_on_every_channel_the_counselor_has(
        app, client, auth, counselors, smtp, push_service):
    phone = subscribe(counselors["counselor"], push_service)
    auth.login("guru.a")
    response = client.post("/bk/notifikasi/tes", follow_redirects=True)
    assert "Tes dikirim lewat notifikasi perangkat, email" in response.get_data(as_text=True)
    delivery.run_once()
    assert "Tes notifikasi CyberBK berhasil" in smtp.inbox.messages[0]["subject"]
    assert phone.read(push_service.received[0]["body"])["body"] == "Tes notifikasi CyberBK berhasil"


def test_a_browser_subscribes_and_garbage_is_refused(app, client, auth, counselors):
    auth.login("guru.a")
    good = {"endpoint": "https://fcm.googleapis.com/fcm/send/abc",
            "keys": {"p256dh": "BPx", "auth": "xyz"}, "label": "Chrome di Android"}
    assert client.post("/bk/notifikasi/perangkat", json=good).status_code == 201
    for bad in ({}, {"endpoint": "http://insecure/", "keys": good["keys"]},
                {"endpoint": good["endpoint"], "keys": "x"}, ["a"]):
        response = client.post("/bk/notifikasi/perangkat", json=bad)
        assert response.status_code == 400 and "tidak bisa dibaca" in response.json["error"]
    [subscription] = db.session.scalars(sa.select(PushSubscription)).all()
    assert subscription.label == "Chrome di Android"
    response = client.post(f"/bk/notifikasi/perangkat/{subscription.id}/hapus")
    assert response.status_code == 303
    assert db.session.scalars(sa.select(PushSubscription)).all() == []


def test_a_subscription_the_push_service_calls_gone_is_dropped(app, counselors, push_service,
                                                              browser):
    subscribe(counselors["counselor"], push_service)
    push_service.status = 410
    send_story(browser, URGENT_STORY)
    delivery.run_once()
    assert db.session.scalars(sa.select(PushSubscription)).all() == []
    [push] = [a for a in queued() if a.channel == Channel.PUSH]
    assert push.attempts == 1 and "Tidak ada perangkat" in push.last_error


def test_service_worker_is_served_for_the_counselor_pages_only(app, client):
    response = client.get("/bk/sw.js")
    assert response.status_code == 200
    assert response.headers["Service-Worker-Allowed"] == "/bk/"
    assert "showNotification" in response.get_data(as_text=True)


def test_the_vapid_key_pair_is_made_once_in_the_instance_folder(app):
    from cyberbk.alerts import push

    first = push.application_server_key()
    assert push.key_path().stat().st_mode & 0o777 == 0o600
    assert push.application_server_key() == first


def test_operator_sets_a_staff_email_but_never_a_students(app, client, auth, counselors):
    auth.login("operator")
    response = client.post(f"/admin/akun/{counselors['counselor'].id}/email",
                           data={"email": "rina@contoh.id"})
    assert response.status_code == 303
    db.session.refresh(counselors["counselor"])
    assert counselors["counselor"].email == "rina@contoh.id"
    assert client.get(f"/admin/akun/{counselors['student_a'].id}/email").status_code == 404
    from cyberbk.audit.models import AuditEntry

    assert db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "set_email"))


def test_a_counselor_cannot_use_the_operators_email_form(app, client, auth, counselors):
    auth.login("guru.a")
    assert client.get(f"/admin/akun/{counselors['counselor_b'].id}/email").status_code == 403


def test_nothing_is_queued_without_a_channel(app, counselors, browser):
    # No mail server configured, no browser subscribed: an urgent story still only waits
    # for the escalation check.
    send_story(browser, URGENT_STORY)
    assert [a.channel for a in queued()] == [Channel.ESCALATION]
    assert Kind.ESCALATED == queued()[0].kind


@pytest.mark.postgres
def test_the_queue_works_on_postgresql(tmp_path, monkeypatch, postgres_url):
    from cyberbk import create_app
    from tests.test_setup import run_upgrade

    monkeypatch.setenv("CYBERBK_INSTANCE_PATH", str(tmp_path / "inst"))
    assert run_upgrade(postgres_url, tmp_path / "inst").returncode == 0
    app = create_app({"SQLALCHEMY_DATABASE_URI": postgres_url, "SECRET_KEY": "x",
                      "WTF_CSRF_ENABLED": False, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                      "TESTING": True, "MAIL_SERVER": "127.0.0.1"})
    with app.app_context():
        app.test_cli_runner().invoke(args=["seed-demo"])
        assert app.test_client().post("/kotak", data={"body": URGENT_STORY}).status_code == 200
        now = utcnow()
        assert delivery.run_once(now) == 2
        outbox = app.extensions["mailman"].outbox
        assert sorted(m.to[0] for m in outbox) == [
            "guru.bk2@smpn-contoh.sch.id", "guru.bk@smpn-contoh.sch.id"]
        delivery.run_once(now + timedelta(minutes=40))
        assert len(outbox) == 4
        db.session.remove()
        db.engine.dispose()
