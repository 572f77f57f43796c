"""Booking by a student: slot, intake (data awal), consent (kesediaan konseli), the
confirmation page, cancelling and moving, and what the counselor does with it.

The helpers at the top are shared by the other tests/test_booking_*.py files.
"""

import re
from datetime import datetime
from datetime import time
from datetime import timedelta
from datetime import timezone

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from cyberbk.audit.models import AuditEntry
from cyberbk.booking.models import Booking
from cyberbk.booking.models import BookingStatus
from cyberbk.booking.models import CaseStatus
from cyberbk.booking.models import CounselingCase
from cyberbk.booking.models import HelpBefore
from cyberbk.booking.models import Intake
from cyberbk.booking.models import Reminder
from cyberbk.booking.models import SessionRecord
from cyberbk.booking.models import WeeklyHours
from cyberbk.booking.services import bookings as booking_services
from cyberbk.booking.services import casework
from cyberbk.booking.services import rules
from cyberbk.booking.services import slots as slot_services
from cyberbk.common.schooltime import day_bounds
from cyberbk.common.schooltime import local_today
from cyberbk.common.schooltime import to_local
from cyberbk.common.schooltime import to_utc
from cyberbk.common.schooltime import utcnow
from cyberbk.common.vocabulary import Mode
from cyberbk.common.vocabulary import ServiceField
from cyberbk.extensions import db

SLOT_VALUE = re.compile(r'name="slot" value="([^"]+)"')
PROBLEM_TEXT = "Aku dirundung teman sebangku setiap istirahat"


def open_all_week(counselor, start=time(7), end=time(20)):
    """Weekly hours every day, so tests find free slots whatever day they run."""
    for weekday in range(7):
        db.session.add(WeeklyHours(counselor_id=counselor.id, weekday=weekday, start_time=start,
                                   end_time=end))
    db.session.commit()


def make_booking(student, counselor, starts_at=None, status=BookingStatus.PENDING, minutes=30,
                 **fields):
    """A booking put straight into the database (with an intake), bypassing slot rules."""
    starts_at = starts_at or (utcnow() + timedelta(days=2)).replace(second=0, microsecond=0)
    fields.setdefault("mode", Mode.CHAT)
    fields.setdefault("field", ServiceField.PERSONAL)
    booking = Booking(student_id=student.id, counselor_id=counselor.id, starts_at=starts_at,
                      ends_at=starts_at + timedelta(minutes=minutes), status=status,
                      consent_version=rules.CONSENT_VERSION, consented_at=utcnow(), **fields)
    booking.intake = Intake(student_name=student.full_name, class_name="7A",
                            description=PROBLEM_TEXT, help_before=HelpBefore.NO)
    if status in (BookingStatus.CONFIRMED, BookingStatus.DONE):
        booking.case = casework.open_case(student, counselor)
    db.session.add(booking)
    db.session.commit()
    return booking


def first_free_slot(counselor):
    slots = slot_services.free_slots([counselor.id], local_today(), 14)
    assert slots, "the counselor offers no slot"
    return slots[0]


def intake_data(slot_value, **overrides):
    data = {"step": "data-awal", "mode": "chat", "field": "pribadi", "slot": slot_value,
            "phone_times": "Sore setelah jam 4", "description": PROBLEM_TEXT,
            "help_before": "no", "feels_unsafe": "no", "reminder": "calendar",
            "consent_voluntary": "y", "consent_confidential": "y", "consent_no_recording": "y"}
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def bookings():
    return db.session.scalars(sa.select(Booking).order_by(Booking.id)).all()


@pytest.fixture
def hours(school):
    open_all_week(school["counselor"])
    return school


# The student's flow.

def test_booking_page_lists_free_slots_of_the_chosen_counselor(client, auth, hours):
    auth.login("siswa.a")
    page = client.get(f"/jadwal?guru={hours['counselor'].id}").get_data(as_text=True)
    values = SLOT_VALUE.findall(page)
    assert values and all(v.startswith(f"{hours['counselor'].id}@") for v in values)
    assert "Guru BK A" in page


def test_slot_list_is_a_fragment_for_htmx(client, auth, hours):
    auth.login("siswa.a")
    response = client.get("/jadwal?guru=any", headers={"HX-Request": "true", "HX-Target": "slots"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "<html" not in body and 'id="slots"' in body
    assert SLOT_VALUE.search(body)


def test_choosing_a_slot_shows_intake_with_name_and_class_prefilled(client, auth, hours):
    auth.login("siswa.a")
    slot = first_free_slot(hours["counselor"])
    response = client.post("/jadwal/isi", data={
        "mode": "chat", "field": "belajar", "slot": slot_services.slot_key(slot.counselor_id,
                                                                           slot.starts_at)})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Siswa A" in page and "7A" in page
    assert "Apakah saat ini kamu merasa tidak aman" in page
    assert 'value="data-awal"' in page


def test_choosing_without_a_slot_asks_for_one(client, auth, hours):
    auth.login("siswa.a")
    response = client.post("/jadwal/isi", data={"mode": "chat", "field": "belajar"})
    assert response.status_code == 400
    assert "Pilih salah satu waktu dulu." in response.get_data(as_text=True)


def test_student_books_with_intake_and_consent(client, auth, hours):
    auth.login("siswa.a")
    slot = first_free_slot(hours["counselor"])
    response = client.post("/jadwal/isi", data=intake_data(
        slot_services.slot_key(slot.counselor_id, slot.starts_at)))
    assert response.status_code == 303
    [booking] = bookings()
    assert response.headers["Location"] == f"/jadwal/{booking.id}?baru=1"
    assert booking.status == BookingStatus.PENDING
    assert booking.starts_at == slot.starts_at
    assert booking.consent_version == rules.CONSENT_VERSION
    assert booking.phone_times == "Sore setelah jam 4"
    assert booking.intake.description == PROBLEM_TEXT
    assert booking.intake.class_name == "7A"
    assert not booking.urgent
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Permintaan jadwalmu terkirim" in page
    assert "Menunggu konfirmasi Guru BK" in page


def test_any_counselor_books_a_free_counselor(client, auth, hours):
    auth.login("siswa.a")
    slot = first_free_slot(hours["counselor"])
    response = client.post("/jadwal/isi",
                           data=intake_data(slot_services.slot_key(None, slot.starts_at)))
    assert response.status_code == 303
    assert bookings()[0].counselor_id == hours["counselor"].id


@pytest.mark.parametrize("missing", ["consent_voluntary", "consent_confidential",
                                     "consent_no_recording"])
def test_booking_needs_every_consent(client, auth, hours, missing):
    auth.login("siswa.a")
    slot = first_free_slot(hours["counselor"])
    response = client.post("/jadwal/isi", data=intake_data(
        slot_services.slot_key(slot.counselor_id, slot.starts_at), **{missing: None}))
    assert response.status_code == 400
    assert "Centang ini kalau kamu setuju." in response.get_data(as_text=True)
    assert bookings() == []


def test_the_service_refuses_a_booking_without_consent(app, hours):
    slot = first_free_slot(hours["counselor"])
    with pytest.raises(rules.NotAllowed):
        booking_services.book_for_student(
            hours["student_a"], slot.counselor_id, slot.starts_at, Mode.CHAT,
            ServiceField.PERSONAL, phone_times="", consented=False,
            intake={"description": "x", "help_before": HelpBefore.NO, "feels_unsafe": False,
                    "reminder": Reminder.NONE})
    assert bookings() == []


def test_feeling_unsafe_flags_the_booking_urgent_and_shows_crisis_contacts(client, auth, hours):
    from cyberbk.school.services import ensure_default_crisis_contacts

    ensure_default_crisis_contacts()
    db.session.commit()
    auth.login("siswa.a")
    slot = first_free_slot(hours["counselor"])
    form_page = client.post("/jadwal/isi", data={
        "mode": "chat", "field": "pribadi",
        "slot": slot_services.slot_key(slot.counselor_id, slot.starts_at)}).get_data(as_text=True)
    # The contacts are in the intake page, hidden until "yes" is chosen (booking.js).
    assert "data-crisis-contacts hidden" in form_page and "SAPA 129" in form_page
    response = client.post("/jadwal/isi", data=intake_data(
        slot_services.slot_key(slot.counselor_id, slot.starts_at), feels_unsafe="yes"))
    [booking] = bookings()
    assert booking.urgent and booking.intake.feels_unsafe
    assert "SAPA 129" in client.get(response.headers["Location"]).get_data(as_text=True)
    auth.logout()
    auth.login("guru.a")
    assert "Penting: merasa tidak aman" in client.get("/bk/jadwal").get_data(as_text=True)


def test_student_may_hold_only_a_few_open_bookings(client, auth, hours, app):
    app.config["BOOKING_MAX_OPEN_PER_STUDENT"] = 1
    make_booking(hours["student_a"], hours["counselor"])
    auth.login("siswa.a")
    slot = first_free_slot(hours["counselor"])
    response = client.post("/jadwal/isi", data={
        "mode": "chat", "field": "pribadi",
        "slot": slot_services.slot_key(slot.counselor_id, slot.starts_at)})
    assert response.status_code == 400
    assert "Batalkan salah satu dulu" in response.get_data(as_text=True)


def test_a_taken_slot_tells_the_student_to_pick_again(client, auth, hours):
    slot = first_free_slot(hours["counselor"])
    make_booking(hours["student_b"], hours["counselor"], starts_at=slot.starts_at)
    auth.login("siswa.a")
    response = client.post("/jadwal/isi", data=intake_data(
        slot_services.slot_key(slot.counselor_id, slot.starts_at)))
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "baru saja diambil orang lain. Pilih waktu lain" in page
    assert SLOT_VALUE.search(page)
    assert len(bookings()) == 1


# Cancelling and moving, within the configured window.

def test_student_cancels_well_before_the_session(client, auth, school):
    booking = make_booking(school["student_a"], school["counselor"],
                           starts_at=utcnow() + timedelta(hours=10))
    auth.login("siswa.a")
    response = client.post(f"/jadwal/{booking.id}/batal")
    assert response.status_code == 303
    db.session.refresh(booking)
    assert booking.status == BookingStatus.CANCELLED


def test_student_cannot_cancel_inside_the_window(client, auth, school, app):
    app.config["BOOKING_CHANGE_HOURS"] = 3
    booking = make_booking(school["student_a"], school["counselor"],
                           starts_at=utcnow() + timedelta(hours=2))
    auth.login("siswa.a")
    response = client.post(f"/jadwal/{booking.id}/batal")
    # The blueprint's answer to a refused change: back to the booking, with the reason.
    assert response.status_code == 303 and response.headers["Location"] == f"/jadwal/{booking.id}"
    assert "paling lambat 3 jam sebelum mulai" in client.get(
        response.headers["Location"]).get_data(as_text=True)
    db.session.refresh(booking)
    assert booking.status == BookingStatus.PENDING


def test_cancellation_window_follows_the_setting(app, school):
    booking = make_booking(school["student_a"], school["counselor"],
                           starts_at=datetime(2026, 3, 10, 8, 0))
    app.config["BOOKING_CHANGE_HOURS"] = 24
    assert booking_services.can_change(booking, now=datetime(2026, 3, 9, 8, 0))
    assert not booking_services.can_change(booking, now=datetime(2026, 3, 9, 8, 1))
    app.config["BOOKING_CHANGE_HOURS"] = 1
    assert booking_services.can_change(booking, now=datetime(2026, 3, 10, 7, 0))
    with pytest.raises(rules.NotAllowed):
        booking_services.cancel_by_student(booking, now=datetime(2026, 3, 10, 7, 30))


def test_student_moves_a_booking_and_it_waits_for_confirmation_again(client, auth, hours):
    tomorrow = local_today() + timedelta(days=1)
    first, second = slot_services.free_slots([hours["counselor"].id], tomorrow, 7)[:2]
    booking = make_booking(hours["student_a"], hours["counselor"], starts_at=first.starts_at,
                           status=BookingStatus.CONFIRMED, counselor_message="Oke")
    auth.login("siswa.a")
    assert client.get(f"/jadwal/{booking.id}/pindah").status_code == 200
    response = client.post(f"/jadwal/{booking.id}/pindah", data={
        "slot": slot_services.slot_key(second.counselor_id, second.starts_at)})
    assert response.status_code == 303
    db.session.refresh(booking)
    assert booking.starts_at == second.starts_at
    assert booking.status == BookingStatus.PENDING
    assert booking.counselor_message == ""


def test_cancelled_booking_frees_its_slot(app, hours):
    slot = first_free_slot(hours["counselor"])
    booking = make_booking(hours["student_a"], hours["counselor"], starts_at=slot.starts_at,
                           status=BookingStatus.CANCELLED)
    again = booking_services.book(hours["counselor"].id, slot.starts_at, Mode.CHAT,
                                  student=hours["student_b"])
    assert again.id != booking.id and again.starts_at == slot.starts_at


def test_a_lost_race_for_a_slot_keeps_the_rest_of_the_transaction(app, hours, monkeypatch):
    slot = first_free_slot(hours["counselor"])
    make_booking(hours["student_a"], hours["counselor"], starts_at=slot.starts_at)
    # Taken between the look-up and the insert: the insert meets the other booking's index.
    monkeypatch.setattr(slot_services, "find_free_slot", lambda *_args, **_kwargs: slot)
    db.session.add(AuditEntry(action="read", target_type="case"))
    with pytest.raises(rules.SlotTaken):
        booking_services.book(hours["counselor"].id, slot.starts_at, Mode.CHAT,
                              student=hours["student_b"])
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id))) == 1
    assert db.session.scalar(sa.select(sa.func.count(Booking.id))) == 1


# The counselor's side.

def test_counselor_confirms_and_the_student_sees_it(client, auth, school):
    booking = make_booking(school["student_a"], school["counselor"])
    auth.login("guru.a")
    page = client.get(f"/bk/jadwal/{booking.id}").get_data(as_text=True)
    assert PROBLEM_TEXT in page
    response = client.post(f"/bk/jadwal/{booking.id}/konfirmasi",
                           data={"message": "Sampai ketemu di chat."})
    assert response.status_code == 303
    db.session.refresh(booking)
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.case is not None and booking.case.counselor_id == school["counselor"].id
    auth.logout()
    auth.login("siswa.a")
    page = client.get(f"/jadwal/{booking.id}").get_data(as_text=True)
    assert "Sudah dikonfirmasi" in page and "Sampai ketemu di chat." in page


def test_counselor_declines_with_a_reason_the_student_reads(client, auth, school):
    booking = make_booking(school["student_a"], school["counselor"])
    auth.login("guru.a")
    assert client.post(f"/bk/jadwal/{booking.id}/tolak", data={"message": ""}).status_code == 400
    response = client.post(f"/bk/jadwal/{booking.id}/tolak",
                           data={"message": "Saya dinas luar. Pilih hari Kamis, ya."})
    assert response.status_code == 303
    auth.logout()
    auth.login("siswa.a")
    page = client.get(f"/jadwal/{booking.id}").get_data(as_text=True)
    assert "Tidak bisa dilayani" in page and "Pilih hari Kamis" in page


def test_counselor_reschedules_with_a_reason(client, auth, hours):
    first, second = slot_services.free_slots([hours["counselor"].id], local_today(), 14)[:2]
    booking = make_booking(hours["student_a"], hours["counselor"], starts_at=first.starts_at)
    auth.login("guru.a")
    key = slot_services.slot_key(second.counselor_id, second.starts_at)
    assert client.post(f"/bk/jadwal/{booking.id}/pindah", data={"slot": key}).status_code == 400
    response = client.post(f"/bk/jadwal/{booking.id}/pindah",
                           data={"slot": key, "message": "Ada rapat guru."})
    assert response.status_code == 303
    db.session.refresh(booking)
    assert booking.starts_at == second.starts_at
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.counselor_message == "Ada rapat guru."


def test_only_the_booked_counselor_acts_on_a_booking(client, auth, school):
    booking = make_booking(school["student_a"], school["counselor"])
    auth.login("guru.b")
    assert client.get(f"/bk/jadwal/{booking.id}").status_code == 404
    assert client.post(f"/bk/jadwal/{booking.id}/konfirmasi").status_code == 404


def test_agenda_shows_the_week_and_pending_requests(client, auth, school):
    # Later today in the school's time zone: an hour from now is tomorrow after 23:00 there.
    _start, end_of_today = day_bounds(local_today())
    later_today = min(utcnow() + timedelta(hours=1), end_of_today - timedelta(minutes=1))
    today = make_booking(school["student_a"], school["counselor"], starts_at=later_today,
                         status=BookingStatus.CONFIRMED)
    make_booking(school["student_b"], school["counselor"],
                 starts_at=utcnow() + timedelta(days=3))
    make_booking(school["student_b"], school["counselor_b"],
                 starts_at=utcnow() + timedelta(days=4), mode=Mode.VIDEO)
    auth.login("guru.a")
    page = client.get("/bk/jadwal").get_data(as_text=True)
    assert "Menunggu konfirmasi (1)" in page
    assert page.count("Siswa A") >= 1 and "Siswa B" in page
    assert "Video" not in page
    home = client.get("/bk").get_data(as_text=True)
    assert f"/bk/jadwal/{today.id}" in home
    assert "1 jadwal menunggu konfirmasi" in home


def test_reading_a_booking_is_audited(client, auth, school):
    booking = make_booking(school["student_a"], school["counselor"])
    auth.login("guru.a")
    client.get(f"/bk/jadwal/{booking.id}")
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.target_type == "booking"))
    assert entry.actor_id == school["counselor"].id and entry.target_id == str(booking.id)
    assert PROBLEM_TEXT not in entry.summary


# Case file and session records.

def record_data(**overrides):
    data = {"held_on": "2026-03-02", "held_time": "09:00", "mode": "chat", "field": "sosial",
            "topic": "Hubungan dengan teman", "summary": "Siswa bercerita tentang temannya.",
            "technique": "Konseling realita", "follow_up": "Bertemu lagi minggu depan.",
            "laiseg_understanding": "Paham pilihannya", "laiseg_comfort": "Lebih lega",
            "laiseg_action": "Bicara dengan wali kelas", "private_note": "RAHASIA-GURU"}
    data.update(overrides)
    return data


def test_counselor_records_a_session_and_the_student_sees_it_without_private_notes(
        client, auth, school):
    booking = make_booking(school["student_a"], school["counselor"],
                           status=BookingStatus.CONFIRMED)
    case = booking.case
    auth.login("guru.a")
    form = client.get(f"/bk/kasus/{case.id}/catatan?jadwal={booking.id}")
    assert form.status_code == 200 and "laiseg" in form.get_data(as_text=True).lower()
    response = client.post(f"/bk/kasus/{case.id}/catatan?jadwal={booking.id}",
                           data=record_data())
    assert response.status_code == 303
    [record] = db.session.scalars(sa.select(SessionRecord)).all()
    assert record.booking_id == booking.id and record.laiseg_comfort == "Lebih lega"
    assert record.held_at == to_utc(datetime(2026, 3, 2, 9, 0))
    db.session.refresh(booking)
    assert booking.status == BookingStatus.DONE
    assert "RAHASIA-GURU" in client.get(f"/bk/kasus/{case.id}").get_data(as_text=True)
    auth.logout()
    auth.login("siswa.a")
    for path in ("/jadwal/saya", f"/jadwal/{booking.id}"):
        page = client.get(path).get_data(as_text=True)
        assert "RAHASIA-GURU" not in page
    assert "Siswa bercerita tentang temannya." in client.get("/jadwal/saya").get_data(
        as_text=True)


def test_session_record_needs_topic_and_summary(client, auth, school):
    booking = make_booking(school["student_a"], school["counselor"],
                           status=BookingStatus.CONFIRMED)
    auth.login("guru.a")
    response = client.post(f"/bk/kasus/{booking.case.id}/catatan",
                           data=record_data(topic="", summary=""))
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(SessionRecord.id))) == 0


def test_reading_a_case_file_is_audited(client, auth, school):
    booking = make_booking(school["student_a"], school["counselor"],
                           status=BookingStatus.CONFIRMED)
    auth.login("guru.a")
    assert client.get(f"/bk/kasus/{booking.case.id}").status_code == 200
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.target_type == "case"))
    assert entry.action == "read" and entry.target_id == str(booking.case.id)
    assert entry.actor_id == school["counselor"].id


def test_closing_a_case_needs_the_post_counseling_outcome(client, auth, school):
    booking = make_booking(school["student_a"], school["counselor"],
                           status=BookingStatus.CONFIRMED)
    case = booking.case
    auth.login("guru.a")
    response = client.post(f"/bk/kasus/{case.id}/tutup", data={"note": "selesai"})
    assert response.status_code == 400
    assert "Pilih hasil pasca-konseling dulu." in response.get_data(as_text=True)
    response = client.post(f"/bk/kasus/{case.id}/tutup", data={"outcome": "effective_life"})
    assert response.status_code == 303
    db.session.refresh(case)
    assert case.status == CaseStatus.CLOSED and case.closed_at is not None


def test_handover_gives_the_case_to_the_other_counselor_only(client, auth, school):
    booking = make_booking(school["student_a"], school["counselor"],
                           status=BookingStatus.CONFIRMED)
    case = booking.case
    auth.login("guru.a")
    response = client.post(f"/bk/kasus/{case.id}/alihkan",
                           data={"counselor": school["counselor_b"].id})
    assert response.status_code == 303
    db.session.refresh(case)
    assert case.counselor_id == school["counselor_b"].id
    assert case.previous_counselor_id == school["counselor"].id
    assert client.get(f"/bk/kasus/{case.id}").status_code == 404
    auth.logout()
    auth.login("guru.b")
    page = client.get(f"/bk/kasus/{case.id}").get_data(as_text=True)
    assert PROBLEM_TEXT in page and "Guru BK A" in page
    assert client.get("/bk/kasus").get_data(as_text=True).count("Siswa A") == 1


def test_a_failed_booking_change_leaves_no_audit_entry(client, auth, school):
    booking = make_booking(school["student_a"], school["counselor"],
                           status=BookingStatus.CONFIRMED)
    case = booking.case
    case.status = CaseStatus.CLOSED
    db.session.commit()
    auth.login("guru.a")
    response = client.post(f"/bk/kasus/{case.id}/alihkan",
                           data={"counselor": school["counselor_b"].id})
    assert response.status_code == 303 and response.headers["Location"] == f"/bk/kasus/{case.id}"
    assert "Kasus yang sudah ditutup tidak bisa dialihkan." in client.get(
        response.headers["Location"]).get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id))
                             .where(AuditEntry.action == "handover")) == 0
    assert db.session.get(CounselingCase, case.id).counselor_id == school["counselor"].id


def test_handover_refuses_a_non_counselor(client, auth, school):
    booking = make_booking(school["student_a"], school["counselor"],
                           status=BookingStatus.CONFIRMED)
    auth.login("guru.a")
    response = client.post(f"/bk/kasus/{booking.case.id}/alihkan",
                           data={"counselor": school["admin"].id})
    assert response.status_code == 400
    assert db.session.get(CounselingCase, booking.case.id).counselor_id == school["counselor"].id


# Reminders without content.

def test_ics_parses_and_holds_no_problem_text(client, auth, school):
    booking = make_booking(school["student_a"], school["counselor"],
                           starts_at=datetime(2030, 3, 4, 1, 0), field=ServiceField.PERSONAL,
                           phone_times="HP kakak")
    auth.login("siswa.a")
    before = datetime.now(timezone.utc).replace(microsecond=0)
    response = client.get(f"/jadwal/{booking.id}/kalender.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    calendar = Calendar.from_ical(text)
    (event,) = calendar.events
    (alarm,) = event.walk("VALARM")
    assert calendar["VERSION"] == "2.0" and calendar["METHOD"] == "PUBLISH"
    assert event.start == datetime(2030, 3, 4, 1, 0, tzinfo=timezone.utc)
    assert event.end == datetime(2030, 3, 4, 1, 30, tzinfo=timezone.utc)
    assert event.uid == f"booking-{booking.id}@localhost"
    assert event.summary == "Janji temu di sekolah"
    assert event.url == f"http://localhost/jadwal/{booking.id}"
    assert before <= event.DTSTAMP <= datetime.now(timezone.utc)
    assert alarm.ACTION == "DISPLAY" and alarm.TRIGGER == timedelta(minutes=-15)
    for secret in (PROBLEM_TEXT, "Pribadi", "pribadi", "Chat", "konseling", "HP kakak",
                   "Siswa A", "Guru BK A"):
        assert secret not in text


def test_whatsapp_reminder_is_neutral(client, auth, school):
    booking = make_booking(school["student_a"], school["counselor"],
                           starts_at=datetime(2030, 3, 4, 1, 0))
    auth.login("guru.a")
    page = client.get(f"/bk/jadwal/{booking.id}").get_data(as_text=True)
    link = re.search(r'href="(https://wa\.me/\?text=[^"]+)"', page).group(1)
    from urllib.parse import unquote

    text = unquote(link.split("text=", 1)[1])
    assert "janji temu di sekolah" in text and "08.00 WIB" in text
    assert PROBLEM_TEXT not in text and "konseling" not in text.lower()


# Student home and demo data.

def test_student_home_shows_upcoming_bookings(client, auth, school):
    booking = make_booking(school["student_a"], school["counselor"],
                           status=BookingStatus.CONFIRMED)
    other = make_booking(school["student_b"], school["counselor"],
                         starts_at=utcnow() + timedelta(days=5))
    auth.login("siswa.a")
    page = client.get("/siswa").get_data(as_text=True)
    assert f"/jadwal/{booking.id}" in page and "Sudah dikonfirmasi" in page
    assert 'href="/jadwal"' in page
    assert f"/jadwal/{other.id}" not in page


def test_demo_counselors_can_be_booked_and_have_a_chat_today(app, runner):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    from cyberbk.accounts.models import User

    counselors = db.session.scalars(sa.select(User).where(
        User.username.in_(["guru.bk", "guru.bk2"]))).all()
    for counselor in counselors:
        daytime = [row for row in slot_services.weekly_hours(counselor) if not row.chat_only]
        assert len(daytime) == 5
    # guru.bk also offers chat-only evenings, for students who hold the phone only then.
    evenings = {c.username: sum(row.chat_only for row in slot_services.weekly_hours(c))
                for c in counselors}
    assert evenings == {"guru.bk": 5, "guru.bk2": 0}
    slots = slot_services.free_slots([c.id for c in counselors], local_today(), 14)
    assert {s.counselor_id for s in slots} == {c.id for c in counselors}
    [today] = db.session.scalars(sa.select(Booking)).all()
    assert today.student.username == "siswa.7a.01" and today.counselor.username == "guru.bk"
    assert today.mode == Mode.CHAT and today.status == BookingStatus.CONFIRMED
    # Seeded for the half hour the seeding happened in, so the demo chat is live today.
    assert today.starts_at <= today.created_at < today.ends_at
    assert to_local(today.starts_at).date() == to_local(today.created_at).date()
    assert today.consent_version and today.case is not None
