"""The student record (/bk/siswa/<id>), the counselor's invitation (panggilan konseling),
evening and chat-only hours, the student's phone windows, and the chat's out-of-hours
notice during a session (issue 19 §3 and §4)."""

import re
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from cyberbk.audit.models import AuditEntry
from cyberbk.booking.models import Booking
from cyberbk.booking.models import BookingStatus
from cyberbk.booking.models import Invitation
from cyberbk.booking.models import InvitationStatus
from cyberbk.booking.models import PhoneWindow
from cyberbk.booking.models import SessionRecord
from cyberbk.booking.models import Source
from cyberbk.booking.models import WeeklyHours
from cyberbk.booking.services import casework
from cyberbk.booking.services import phone
from cyberbk.booking.services import slots as slot_services
from cyberbk.chat.models import ChatConnection
from cyberbk.chat.services import rooms as chat_rooms
from cyberbk.chat.services import service_hours
from cyberbk.common.schooltime import to_local
from cyberbk.common.schooltime import utcnow
from cyberbk.common.vocabulary import Mode
from cyberbk.common.vocabulary import ServiceField
from cyberbk.extensions import db
from tests import factories
from tests.test_booking import PROBLEM_TEXT
from tests.test_booking import make_booking

SLOT_VALUE = re.compile(r'name="slot" value="([^"]+)"')
MONDAY = date(2026, 3, 2)
BEFORE = datetime(2026, 2, 27)


def add_hours(counselor, weekday, start, end, chat_only=False):
    db.session.add(WeeklyHours(counselor_id=counselor.id, weekday=weekday, start_time=start,
                               end_time=end, chat_only=chat_only))
    db.session.commit()


def every_evening(counselor, chat_only=True):
    """19.00–21.00 every day, so the tests find evening slots whatever day they run."""
    for weekday in range(7):
        add_hours(counselor, weekday, time(19), time(21), chat_only)


def with_record(case, topic):
    db.session.add(SessionRecord(case=case, counselor_id=case.counselor_id, held_at=utcnow(),
                                 mode=Mode.CHAT, field=ServiceField.SOCIAL, topic=topic,
                                 summary="Ringkasan"))
    db.session.commit()


# The record: who may open it, and what it shows to whom.

def test_homeroom_teacher_cannot_open_a_student_record(client, auth, school):
    auth.login("wali.a")
    assert client.get(f"/bk/siswa/{school['student_a'].id}").status_code == 403
    assert client.get("/bk/siswa?q=Siswa").status_code == 403
    assert client.get(f"/bk/siswa/{school['student_a'].id}/panggil").status_code == 403


def test_student_and_operator_cannot_open_a_student_record(client, auth, school):
    for username in ("siswa.a", "operator"):
        auth.login(username)
        assert client.get(f"/bk/siswa/{school['student_a'].id}").status_code == 403
        auth.logout()


def test_counselor_finds_a_student_by_name_nis_or_class(client, auth, school):
    auth.login("guru.a")
    for query in ("siswa a", "1001", "7a"):
        html = client.get("/bk/siswa", query_string={"q": query}).get_data(as_text=True)
        assert f"/bk/siswa/{school['student_a'].id}\"" in html, query
        assert f"/bk/siswa/{school['student_b'].id}\"" not in html, query


def test_the_search_answers_htmx_with_the_results_only(client, auth, school):
    auth.login("guru.a")
    response = client.get("/bk/siswa?q=1001", headers={"HX-Request": "true",
                                                         "HX-Target": "hasil-siswa"})
    html = response.get_data(as_text=True)
    assert "<html" not in html and 'id="hasil-siswa"' in html and "Siswa A" in html


def test_counselor_sees_only_their_own_cases_on_a_record(client, auth, school):
    student = school["student_a"]
    own = make_booking(student, school["counselor"], status=BookingStatus.CONFIRMED)
    other = make_booking(student, school["counselor_b"], status=BookingStatus.CONFIRMED,
                         starts_at=own.starts_at + timedelta(hours=1))
    with_record(own.case, "Topik milik guru A")
    with_record(other.case, "Topik milik guru B")
    auth.login("guru.a")
    html = client.get(f"/bk/siswa/{student.id}").get_data(as_text=True)
    assert "Topik milik guru A" in html
    assert f"/bk/kasus/{own.case.id}\"" in html and f"/bk/jadwal/{own.id}\"" in html
    assert "Topik milik guru B" not in html
    assert f"/bk/kasus/{other.case.id}\"" not in html and f"/bk/jadwal/{other.id}\"" not in html
    # A handover moves the case whole: then guru B's page shows it, and guru A's not.
    casework.hand_over(own.case, school["counselor_b"])
    db.session.commit()
    html = client.get(f"/bk/siswa/{student.id}").get_data(as_text=True)
    assert "Topik milik guru A" not in html


def test_opening_a_record_is_audited(client, auth, school):
    auth.login("guru.a")
    assert client.get(f"/bk/siswa/{school['student_a'].id}").status_code == 200
    entry = db.session.scalar(sa.select(AuditEntry)
                              .where(AuditEntry.target_type == "student_record"))
    assert entry.actor_id == school["counselor"].id
    assert entry.target_id == str(school["student_a"].id) and entry.action == "read"


def test_an_anonymous_story_never_appears_on_a_record(client, auth, school):
    student = school["student_a"]
    named, _code = factories.make_report("Cerita dengan namaku", author=student)
    anonymous, _code = factories.make_report("Cerita tanpa nama, dari HP yang sama")
    auth.login("guru.a")
    html = client.get(f"/bk/siswa/{student.id}").get_data(as_text=True)
    assert f"/bk/kotak/{named.id}\"" in html
    assert f"/bk/kotak/{anonymous.id}\"" not in html
    assert "tanpa nama, dari HP" not in html


def test_the_record_gathers_each_part_and_a_timeline(client, auth, school):
    student = school["student_a"]
    booking = make_booking(student, school["counselor"], status=BookingStatus.CONFIRMED)
    with_record(booking.case, "Pertemanan di kelas")
    phone.set_windows(student, [PhoneWindow.WEEKDAY_EVENING.value])
    db.session.commit()
    auth.login("guru.a")
    html = client.get(f"/bk/siswa/{student.id}").get_data(as_text=True)
    assert "Wali A" in html and "7A" in html and "1001" in html
    assert "Senin–Jumat, malam setelah jam 19.00" in html
    assert "Linimasa" in html and "Catatan sesi: Pertemanan di kelas" in html
    assert "Kasus dibuka" in html
    # The intake's story stays on the booking's own (audited) page.
    assert PROBLEM_TEXT not in html


def test_every_result_that_names_a_student_invites_them(client, auth, school):
    """The record, a case file, a questionnaire's list of answers and one student's
    answers (a checklist's heaviest problems, a low session evaluation) all lead to the
    invitation on the record (booking.invite)."""
    from tests import test_assessments as helpers

    student = school["student_a"]
    booking = make_booking(student, school["counselor"], status=BookingStatus.CONFIRMED)
    administration = helpers.give(helpers.make_instrument(), [school["class_a"]])
    helpers.add_response(administration, student)
    auth.login("guru.a")
    link = f'href="/bk/siswa/{student.id}/panggil"'
    for url in (f"/bk/siswa/{student.id}", f"/bk/kasus/{booking.case_id}",
                f"/bk/asesmen/{administration.id}",
                f"/bk/asesmen/{administration.id}/siswa/{student.id}"):
        assert link in client.get(url).get_data(as_text=True), url
    assert client.get(f"/bk/siswa/{student.id}/panggil").status_code == 200


def test_no_invitation_link_for_a_deactivated_student(client, auth, school):
    student = school["student_a"]
    booking = make_booking(student, school["counselor"], status=BookingStatus.CONFIRMED)
    student.is_active_account = False
    db.session.commit()
    auth.login("guru.a")
    assert "/panggil" not in client.get(f"/bk/kasus/{booking.case_id}").get_data(as_text=True)


# The invitation.

def invite(client, student, message="Guru BK ingin ngobrol sebentar denganmu."):
    return client.post(f"/bk/siswa/{student.id}/panggil", data={"message": message})


def test_student_sees_an_invitation_on_their_home_and_books_with_consent(client, auth, school):
    student = school["student_a"]
    every_evening(school["counselor"])
    auth.login("guru.a")
    response = invite(client, student, "Ayo ngobrol soal rencana belajarmu.")
    assert response.status_code == 303
    invitation = db.session.scalar(sa.select(Invitation))
    assert invitation.counselor_id == school["counselor"].id
    auth.logout()

    auth.login("siswa.a")
    home = client.get("/siswa").get_data(as_text=True)
    assert "Ayo ngobrol soal rencana belajarmu." in home
    assert f"/jadwal/panggilan/{invitation.id}" in home
    page = client.get(f"/jadwal/panggilan/{invitation.id}").get_data(as_text=True)
    slot = SLOT_VALUE.search(page).group(1)
    assert slot.startswith(f"{school['counselor'].id}@")
    # Without consent nothing is booked.
    refused = client.post(f"/jadwal/panggilan/{invitation.id}",
                          data={"mode": "chat", "slot": slot})
    assert refused.status_code == 400 and db.session.scalar(sa.select(Booking)) is None
    response = client.post(f"/jadwal/panggilan/{invitation.id}", data={
        "mode": "chat", "slot": slot, "consent_voluntary": "y", "consent_confidential": "y",
        "consent_no_recording": "y"})
    assert response.status_code == 303
    booking = db.session.scalar(sa.select(Booking))
    assert booking.source == Source.INVITATION and booking.status == BookingStatus.CONFIRMED
    assert booking.consent_version and booking.case.counselor_id == school["counselor"].id
    db.session.refresh(invitation)
    assert invitation.status == InvitationStatus.ACCEPTED and invitation.booking_id == booking.id
    assert f"/jadwal/panggilan/{invitation.id}" not in client.get("/siswa").get_data(as_text=True)


def test_an_invitation_is_only_its_students(client, auth, school):
    every_evening(school["counselor"])
    auth.login("guru.a")
    invite(client, school["student_a"])
    invitation = db.session.scalar(sa.select(Invitation))
    auth.logout()
    auth.login("siswa.b")
    assert client.get(f"/jadwal/panggilan/{invitation.id}").status_code == 404
    assert "Guru BK ingin ngobrol" not in client.get("/siswa").get_data(as_text=True)


def test_a_student_may_say_no_to_an_invitation(client, auth, school):
    auth.login("guru.a")
    invite(client, school["student_a"])
    invitation = db.session.scalar(sa.select(Invitation))
    auth.logout()
    auth.login("siswa.a")
    assert client.post(f"/jadwal/panggilan/{invitation.id}/tolak").status_code == 303
    db.session.refresh(invitation)
    assert invitation.status == InvitationStatus.REFUSED
    auth.logout()
    auth.login("guru.a")
    assert "Siswa belum bersedia" in client.get(
        f"/bk/siswa/{school['student_a'].id}").get_data(as_text=True)


def test_an_invitation_sends_nothing_to_the_student(client, auth, school, app):
    from cyberbk.alerts.models import Alert

    auth.login("guru.a")
    invite(client, school["student_a"])
    assert db.session.scalar(sa.select(sa.func.count(Alert.id))) == 0


def test_an_expired_invitation_leaves_the_home(client, auth, school):
    auth.login("guru.a")
    invite(client, school["student_a"])
    invitation = db.session.scalar(sa.select(Invitation))
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    auth.logout()
    auth.login("siswa.a")
    assert f"/jadwal/panggilan/{invitation.id}" not in client.get("/siswa").get_data(as_text=True)
    assert "sudah tidak berlaku" in client.get(
        f"/jadwal/panggilan/{invitation.id}").get_data(as_text=True)


# Evening hours, chat only, and the student's phone windows.

def test_evening_slot_is_offered_and_listed_first_for_an_evening_phone(client, auth, school):
    counselor = school["counselor"]
    for weekday in range(7):
        add_hours(counselor, weekday, time(8), time(9))
    every_evening(counselor)
    student = school["student_a"]
    auth.login("siswa.a")
    assert client.post("/jadwal/jam-hp", data={"windows": ["weekday_evening"]}).status_code == 303
    assert phone.windows_of(student) == [PhoneWindow.WEEKDAY_EVENING]
    html = client.get(f"/jadwal?guru={counselor.id}").get_data(as_text=True)
    assert "Pas dengan jam kamu pegang HP" in html
    first = to_local(datetime.strptime(SLOT_VALUE.search(html).group(1).split("@")[1],
                                       "%Y%m%dT%H%M"))
    assert first.hour >= 19 and first.weekday() < 5
    # The weekday evening slots come before every morning slot of the week.
    fitting, _sep, rest = html.partition("Waktu lain")
    assert "08.00" not in fitting and "19.00" in fitting and "08.00" in rest


def test_a_slot_fits_a_window_only_when_it_lies_within_it():
    monday_evening = datetime(2026, 3, 2, 19, 30)
    windows = [PhoneWindow.WEEKDAY_EVENING]
    assert slot_services.fits_windows(windows, monday_evening,
                                      monday_evening + timedelta(minutes=30))
    assert not slot_services.fits_windows(windows, datetime(2026, 3, 2, 21, 45),
                                          datetime(2026, 3, 2, 22, 15))
    assert not slot_services.fits_windows(windows, datetime(2026, 3, 7, 19, 30),
                                          datetime(2026, 3, 7, 20))
    assert not slot_services.fits_windows([], monday_evening, monday_evening)


def test_video_is_not_offered_in_a_chat_only_slot(client, auth, school):
    counselor = school["counselor"]
    every_evening(counselor)
    auth.login("siswa.a")
    html = client.get(f"/jadwal?guru={counselor.id}").get_data(as_text=True)
    assert "chat saja" in html
    slot = SLOT_VALUE.search(html).group(1)
    refused = client.post("/jadwal/isi", data={"mode": "video", "field": "sosial", "slot": slot})
    assert refused.status_code == 400
    assert "hanya untuk chat" in refused.get_data(as_text=True)
    # The service refuses it as well, whatever form it comes through.
    from cyberbk.booking.services import bookings
    from cyberbk.booking.services.rules import NotAllowed

    _who, starts_at = slot_services.parse_slot_key(slot)
    with pytest.raises(NotAllowed):
        bookings.book(counselor.id, starts_at, Mode.VIDEO, student=school["student_a"])
    assert bookings.book(counselor.id, starts_at, Mode.CHAT, student=school["student_a"])


def test_chat_only_slots_stay_chat_only_for_any_counselor(app, school):
    add_hours(school["counselor"], 0, time(19), time(20), chat_only=True)
    add_hours(school["counselor_b"], 0, time(19), time(20))
    [(_day, items)] = slot_services.slot_choices(None, MONDAY, 1, now=BEFORE)
    assert not any(choice.chat_only for choice in items)
    [(_day, items)] = slot_services.slot_choices(school["counselor"].id, MONDAY, 1, now=BEFORE)
    assert all(choice.chat_only for choice in items)


def test_counselor_offers_chat_only_evening_hours(client, auth, school):
    auth.login("guru.a")
    response = client.post("/bk/jadwal/jam/tambah", data={
        "jam-weekday": "5", "jam-start": "19:00", "jam-end": "21:00", "jam-chat_only": "y"})
    assert response.status_code == 303
    row = db.session.scalar(sa.select(WeeklyHours))
    assert (row.weekday, row.start_time, row.chat_only) == (5, time(19), True)
    assert "hanya chat" in client.get("/bk/jadwal/jam").get_data(as_text=True)


def test_counselor_sees_the_phone_windows_on_the_request_and_when_inviting(client, auth, school):
    student = school["student_a"]
    phone.set_windows(student, [PhoneWindow.SATURDAY_MORNING.value])
    booking = make_booking(student, school["counselor"])
    auth.login("guru.a")
    assert "Sabtu pagi" in client.get(f"/bk/jadwal/{booking.id}").get_data(as_text=True)
    assert "Sabtu pagi" in client.get(f"/bk/siswa/{student.id}/panggil").get_data(as_text=True)


# The chat's out-of-hours notice.

def test_out_of_hours_banner_hidden_during_a_live_session(client, auth, school):
    student, counselor = school["student_a"], school["counselor"]
    now = utcnow().replace(second=0, microsecond=0)
    booking = make_booking(student, counselor, status=BookingStatus.CONFIRMED,
                           starts_at=now - timedelta(minutes=5))
    later = make_booking(student, counselor, status=BookingStatus.CONFIRMED,
                         starts_at=now + timedelta(days=3))
    auth.login("siswa.a")
    # No weekly hours at all: outside the session the notice shows.
    assert "di luar jam layanan" in client.get(f"/konseling/{later.id}").get_data(as_text=True)
    assert "di luar jam layanan" not in client.get(
        f"/konseling/{booking.id}").get_data(as_text=True)


def test_out_of_hours_banner_hidden_while_the_counselor_is_in_the_room(app, school):
    student, counselor = school["student_a"], school["counselor"]
    booking = make_booking(student, counselor, status=BookingStatus.CONFIRMED,
                           starts_at=utcnow() + timedelta(days=3))
    chat = chat_rooms.BookingChat(booking)
    assert service_hours.service_notice(chat) is not None
    db.session.add(ChatConnection(sid="guru", user_id=counselor.id, chat_key=chat.key,
                                  server="sini"))
    db.session.commit()
    assert service_hours.service_notice(chat) is None
