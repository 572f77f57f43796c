"""A parent asks for a consultation without an account: validated, rate-limited, and
handled by the counselors."""

from datetime import datetime
from datetime import time
from datetime import timedelta
from urllib.parse import unquote

import pytest
import sqlalchemy as sa

from cyberbk.accounts.models import Role
from cyberbk.audit.models import AuditEntry
from cyberbk.booking.models import ParentRequest
from cyberbk.booking.services import parents
from cyberbk.booking.services import slots
from cyberbk.booking.services.slots import slot_key
from cyberbk.common.schooltime import local_today
from cyberbk.common.schooltime import to_local
from cyberbk.common.schooltime import to_utc
from cyberbk.common.vocabulary import Mode
from cyberbk.extensions import db
from tests import factories
from tests.test_booking import first_free_slot
from tests.test_booking import open_all_week

VALID = {"parent_name": "Ibu Sulastri", "child_name": "Siswa A", "class_name": "7A",
         "whatsapp": "0812-3456-7890", "preferred_times": "Senin setelah pukul 13.00",
         "topic": "Anak saya susah bangun pagi dan sering terlambat."}


def send(client, address="10.0.0.1", **changes):
    data = {**VALID, **changes}
    return client.post("/jadwal/orang-tua", data={k: v for k, v in data.items() if v is not None},
                       environ_base={"REMOTE_ADDR": address})


def requests():
    return db.session.scalars(sa.select(ParentRequest)).all()


def test_parent_sends_a_request_without_an_account(client, school):
    page = client.get("/jadwal/orang-tua")
    assert page.status_code == 200 and "7A" in page.get_data(as_text=True)
    response = send(client)
    assert response.status_code == 303
    assert response.headers["Location"] == "/jadwal/orang-tua/terkirim"
    assert "Permintaan terkirim" in client.get(response.headers["Location"]).get_data(
        as_text=True)
    [entry] = requests()
    assert entry.whatsapp == "6281234567890" and entry.class_name == "7A"
    assert entry.handled_at is None


@pytest.mark.parametrize("raw,expected", [
    ("0812-3456-7890", "6281234567890"), ("+62 812 3456 7890", "6281234567890"),
    ("6281234567890", "6281234567890"), ("(0812) 3456.789", "628123456789"),
    ("021-555-1234", None), ("0812", None), ("08123456789012345", None),
    ("0812-abc-7890", None), ("", None),
])
def test_whatsapp_numbers_are_normalised(raw, expected):
    assert parents.normalise_whatsapp(raw) == expected


@pytest.mark.parametrize("changes,message", [
    ({"whatsapp": "021-555-1234"}, "Nomor WhatsApp belum benar"),
    ({"parent_name": ""}, "Isi nama Bapak/Ibu."),
    ({"child_name": None}, "Isi nama anak."),
    ({"class_name": "9Z"}, None),
    ({"topic": ""}, "Tulis singkat topiknya."),
    ({"topic": "x" * 1501}, None),
    ({"preferred_times": ""}, "Isi waktu yang cocok."),
])
def test_invalid_requests_are_refused_with_a_message(client, school, changes, message):
    response = send(client, **changes)
    assert response.status_code == 400
    if message:
        assert message in response.get_data(as_text=True)
    assert requests() == []


def test_requests_from_one_phone_are_rate_limited(browser, school, app):
    app.config["PARENT_REQUEST_LIMIT"] = "3 per hour"
    phone = browser("10.0.0.1")
    numbers = ["081200000001", "081200000002", "081200000003", "081200000004"]
    codes = [send(phone, whatsapp=number).status_code for number in numbers]
    assert codes == [303, 303, 303, 429]
    assert "sudah cukup banyak" in send(phone, whatsapp="081200000009").get_data(as_text=True)
    assert len(requests()) == 3
    # Another parent's phone on the same address is not affected.
    assert send(browser("10.0.0.1"), whatsapp="081200000005").status_code == 303


def test_requests_for_one_number_are_rate_limited(client, school, app):
    app.config["PARENT_REQUESTS_PER_NUMBER_PER_DAY"] = 2
    codes = [send(client, address=f"10.0.1.{i}").status_code for i in range(3)]
    assert codes == [303, 303, 429]
    response = send(client, address="10.0.1.9")
    assert "sudah cukup banyak" in response.get_data(as_text=True)
    assert len(requests()) == 2


def test_counselor_sees_requests_and_marks_them_handled(client, auth, school):
    send(client)
    [entry] = requests()
    auth.login("guru.a")
    page = client.get("/bk/jadwal/orang-tua").get_data(as_text=True)
    assert "Ibu Sulastri" in page and "susah bangun pagi" in page
    assert "https://wa.me/6281234567890?text=" in page
    assert "1 permintaan orang tua belum ditangani" in client.get("/bk").get_data(as_text=True)
    assert client.post(f"/bk/jadwal/orang-tua/{entry.id}/selesai").status_code == 303
    db.session.refresh(entry)
    assert entry.handled_at is not None and entry.handled_by_id == school["counselor"].id
    assert "0 permintaan orang tua belum ditangani" in client.get("/bk").get_data(as_text=True)
    audit = db.session.scalar(sa.select(AuditEntry)
                              .where(AuditEntry.target_type == "parent_requests"))
    assert audit.actor_id == school["counselor"].id


def test_parent_form_needs_csrf(client, school, app):
    app.config["WTF_CSRF_ENABLED"] = True
    assert send(client).status_code == 400
    assert requests() == []


def test_parent_request_is_linked_to_the_named_student_by_the_counselor(client, auth, school):
    # Another class's namesake is no match: name and class together name the child.
    factories.make_user(Role.STUDENT, "siswa.a2", "Siswa A",
                        school_class=school["class_b"])
    send(client, child_name="  siswa   a ")
    [entry] = requests()
    assert entry.student_id is None  # never linked by itself
    # The parent's page says nothing about the school's students.
    assert "Siswa A" not in client.get("/jadwal/orang-tua/terkirim").get_data(as_text=True)

    auth.login("guru.a")
    page = client.get("/bk/jadwal/orang-tua").get_data(as_text=True)
    assert f'<option value="{school["student_a"].id}">' in page
    assert client.post(f"/bk/jadwal/orang-tua/{entry.id}/siswa",
                       data={"student": school["student_b"].id}).status_code == 303
    db.session.refresh(entry)
    assert entry.student_id is None  # Siswa B is not the child the parent named
    assert client.post(f"/bk/jadwal/orang-tua/{entry.id}/siswa",
                       data={"student": school["student_a"].id}).status_code == 303
    db.session.refresh(entry)
    assert entry.student_id == school["student_a"].id
    page = client.get("/bk/jadwal/orang-tua").get_data(as_text=True)
    assert f'/bk/siswa/{school["student_a"].id}"' in page


def test_parent_request_is_scheduled_into_a_slot(client, auth, school):
    open_all_week(school["counselor"])
    send(client)
    [entry] = requests()
    slot = first_free_slot(school["counselor"])
    auth.login("guru.a")
    url = f"/bk/jadwal/orang-tua/{entry.id}/jadwal"
    assert client.get(url).status_code == 200
    key = slot_key(slot.counselor_id, slot.starts_at)
    assert client.post(url, data={"mode": "face", "slot": key}).status_code == 303
    db.session.refresh(entry)
    assert (entry.counselor_id, entry.starts_at, entry.mode) == (
        school["counselor"].id, slot.starts_at, Mode.FACE)
    # The slot is no longer offered to students, nor to another parent.
    assert slots.find_free_slot(slot.counselor_id, slot.starts_at) is None
    send(client, whatsapp="081299998888", address="10.0.0.2")
    other = requests()[-1]
    assert client.post(f"/bk/jadwal/orang-tua/{other.id}/jadwal",
                       data={"mode": "video", "slot": key}).status_code == 409
    # The WhatsApp message carries the time.
    page = unquote(client.get("/bk/jadwal/orang-tua").get_data(as_text=True))
    assert f"pukul {to_local(slot.starts_at):%H.%M}" in page


@pytest.mark.parametrize("hour,greeting", [
    (6, "Selamat pagi"), (10, "Selamat pagi"), (11, "Selamat siang"), (14, "Selamat siang"),
    (15, "Selamat sore"), (17, "Selamat sore"), (18, "Selamat malam"), (21, "Selamat malam"),
])
def test_whatsapp_greeting_follows_the_time_of_day(app, school, hour, greeting):
    with app.test_request_context():
        # The school's clock, whatever the server's zone.
        now = to_utc(datetime.combine(local_today(), time(hour)))
        entry = parents.add_parent_request(
            parent_name="Ibu Sulastri", child_name="Siswa A", class_name="7A",
            whatsapp="6281234567890", preferred_times="Sore", topic="Topik")
        assert unquote(parents.whatsapp_contact_link(entry, now=now)).split("text=")[1] \
            .startswith(f"{greeting}, Bapak/Ibu.")


def scheduled_meeting(school, starts_at, mode=Mode.FACE):
    """A parent's request with a meeting put straight into the database."""
    entry = parents.add_parent_request(
        parent_name="Ibu Sulastri", child_name="Siswa A", class_name="7A",
        whatsapp="6281234567890", preferred_times="Sore", topic="Anak saya sering terlambat.")
    entry.counselor_id = school["counselor"].id
    entry.starts_at, entry.ends_at, entry.mode = starts_at, starts_at + timedelta(minutes=30), mode
    db.session.commit()
    return entry


def test_a_parent_meeting_is_on_the_counselors_agenda_and_today(client, auth, school):
    today_noon = to_utc(datetime.combine(local_today(), time(12)))
    entry = scheduled_meeting(school, today_noon)
    auth.login("guru.a")
    agenda = client.get("/bk/jadwal").get_data(as_text=True)
    assert "Pertemuan orang tua: Ibu Sulastri, orang tua Siswa A (7A)" in agenda
    assert f'href="/bk/jadwal/orang-tua#ortu-{entry.id}"' in agenda
    today = client.get("/bk").get_data(as_text=True)
    section = today[today.index('id="hari-ini-judul"'):today.index("Agenda seminggu")]
    assert "12.00" in section and "Orang tua Siswa A (7A)" in section
    assert "Tidak ada sesi hari ini." not in section
    # Another counselor's day does not carry it.
    auth.logout()
    auth.login("guru.b")
    assert "Ibu Sulastri" not in client.get("/bk/jadwal").get_data(as_text=True)


def test_a_parent_meeting_is_in_the_calendar_feed_without_names(client, auth, school):
    from icalendar import Calendar

    from tests.test_calendar_feed import new_address

    entry = scheduled_meeting(school, to_utc(datetime.combine(local_today(), time(12)))
                              + timedelta(days=1), mode=Mode.VIDEO)
    auth.login("guru.a")
    address = new_address(client)
    auth.logout()
    response = client.get(address)
    events = Calendar.from_ical(response.data).walk("VEVENT")
    assert [str(event["SUMMARY"]) for event in events] == ["Pertemuan dengan orang tua (video)"]
    assert str(events[0]["UID"]).startswith(f"parent-meeting-{entry.id}@")
    body = response.get_data(as_text=True)
    for private in ("Sulastri", "Siswa A", "terlambat", "6281234567890"):
        assert private not in body


@pytest.mark.parametrize("lang, expected", [
    ("id", "Kami mengundang Bapak/Ibu bertemu (Tatap muka) pada Senin, 7 Desember 2026 pukul 14.00."),
    ("en", "We would like to invite you to meet (Face to face) on Monday, 7 December 2026 at 2:00"),
])
def test_the_whatsapp_text_says_the_meetings_time_in_the_parents_language(app, school, lang,
                                                                          expected):
    """The word between day and time is the catalog's, not a word in a date pattern."""
    entry = scheduled_meeting(school, to_utc(datetime(2026, 12, 7, 14)))
    with app.test_request_context(headers={"Cookie": f"lang={lang}"}):
        text = unquote(parents.whatsapp_contact_link(entry)).split("text=")[1]
    assert expected in text
    if lang == "en":
        assert "pukul" not in text and "Senin" not in text
