"""Who may open a student's counseling records, per counselor (booking.models.may_open):
the pages, the data export, the chat's sockets and the student search all follow the
case, never a booking, a request or a referral (#17, section 2).

The world: siswa.a has a case with guru.a (a chat session with its intake, the chat, a
session record and a referral guru.a took). guru.b has nothing of siswa.a until a test
gives them a request, a declined booking, a referral or a handover.
"""

import csv
import io
from datetime import timedelta

import pytest
import sqlalchemy as sa

from cyberbk.booking.models import Booking
from cyberbk.booking.models import CounselingCase
from cyberbk.booking.models import Referral
from cyberbk.booking.models import ReferralStatus
from cyberbk.booking.models import SessionRecord
from cyberbk.booking.services import slots as slot_services
from cyberbk.common.schooltime import utcnow
from cyberbk.extensions import db
from tests.test_booking import first_free_slot
from tests.test_booking import intake_data
from tests.test_booking import open_all_week
from tests.test_chat_socket import ChatClient
from tests.test_dashboard import add_record
from tests.test_dashboard_datacare import add_booking
from tests.test_dashboard_datacare import read_zip

#: What siswa.a told guru.a, and what guru.a wrote: only guru.a's case may show them.
GURU_A_CONTENT = ("CERITA-UNTUK-GURU-A", "CHAT-DENGAN-GURU-A", "CATATAN-SESI-GURU-A",
                  "RUJUKAN-KE-GURU-A")
REQUEST_STORY = "CERITA-UNTUK-GURU-B"


@pytest.fixture
def world(school):
    counselor = school["counselor"]
    student = school["student_a"]
    case = CounselingCase(student=student, counselor=counselor)
    add_record(student, counselor, utcnow() - timedelta(days=1),
               summary="CATATAN-SESI-GURU-A", case=case)
    case.records[0].private_note = "PRIVAT-GURU-A"
    booking = add_booking(student, counselor, utcnow() - timedelta(days=2),
                          story="CERITA-UNTUK-GURU-A", case=case,
                          messages=[(False, "CHAT-DENGAN-GURU-A"), (True, "Balasan guru A")])
    referral = Referral(student_id=student.id, referrer_id=school["homeroom_a"].id,
                        reason="RUJUKAN-KE-GURU-A", counselor=counselor, case=case,
                        status=ReferralStatus.DONE)
    db.session.add(referral)
    db.session.commit()
    return {**school, "case": case.id, "booking": booking.id, "referral": referral.id}


def export_of(client, student):
    """The export's files, each as text."""
    response = client.get(f"/data-siswa/{student.id}/ekspor.zip")
    assert response.status_code == 200
    return read_zip(response.data)


def rows(files, name):
    return list(csv.DictReader(io.StringIO(files[name])))


def request_slot_with_guru_b(client, auth, world):
    """siswa.a asks guru.b for a slot, through the booking pages; the new booking's id."""
    open_all_week(world["counselor_b"])
    slot = first_free_slot(world["counselor_b"])
    auth.login("siswa.a")
    response = client.post("/jadwal/isi", data=intake_data(
        slot_services.slot_key(slot.counselor_id, slot.starts_at), description=REQUEST_STORY))
    assert response.status_code == 303
    auth.logout()
    return db.session.scalar(sa.select(Booking.id)
                             .where(Booking.counselor_id == world["counselor_b"].id))


def assert_none_of_guru_a(files):
    everything = "\n".join(files.values())
    for secret in GURU_A_CONTENT + ("PRIVAT-GURU-A", "Balasan guru A"):
        assert secret not in everything, secret


def assert_guru_a_pages_closed(client, world):
    assert client.get(f"/bk/kasus/{world['case']}").status_code == 404
    assert client.get(f"/bk/jadwal/{world['booking']}").status_code == 404
    assert client.get(f"/konseling/{world['booking']}").status_code == 404


# Seen: guru.bk2's export of student 5 holds only the profile, until student 5 merely
# requests a slot with guru.bk2, or guru.bk2 schedules an unclaimed referral.

def test_a_counselor_with_nothing_of_the_student_exports_the_profile_only(client, auth,
                                                                          world):
    auth.login("guru.b")
    files = export_of(client, world["student_a"])
    assert set(files) == {"LIHAT-SAYA.txt", "profil.json"}
    assert_none_of_guru_a(files)
    page = client.get("/data-siswa?q=Siswa").get_data(as_text=True)
    assert "dampingan Anda" not in page


def test_a_slot_request_gives_the_counselor_no_access_to_another_counselors_case(
        client, auth, world):
    request_slot_with_guru_b(client, auth, world)
    auth.login("guru.b")
    files = export_of(client, world["student_a"])
    assert_none_of_guru_a(files)
    # The request itself is guru.b's to read (its intake is how they decide on it).
    assert [r["data_awal_cerita"] for r in rows(files, "jadwal.csv")] == [REQUEST_STORY]
    assert rows(files, "kasus.csv") == [] and rows(files, "catatan_sesi.csv") == []
    assert rows(files, "chat.csv") == [] and rows(files, "rujukan.csv") == []
    assert_guru_a_pages_closed(client, world)
    # The student's page counts what guru.b's export holds, not what the app holds.
    page = client.get(f"/data-siswa/{world['student_a'].id}").get_data(as_text=True)
    assert "1 jadwal beserta data awal" in page
    assert "0 berkas kasus" in page and "0 catatan sesi" in page


def test_a_declined_booking_gives_the_counselor_no_access_to_another_counselors_case(
        client, auth, world):
    booking_id = request_slot_with_guru_b(client, auth, world)
    auth.login("guru.b")
    response = client.post(f"/bk/jadwal/{booking_id}/tolak",
                           data={"message": "Maaf, jadwal saya penuh."})
    assert response.status_code == 303
    files = export_of(client, world["student_a"])
    assert_none_of_guru_a(files)
    assert rows(files, "kasus.csv") == []
    assert_guru_a_pages_closed(client, world)


def test_scheduling_an_unclaimed_referral_gives_no_access_to_another_counselors_case(
        client, auth, world):
    auth.login("wali.a")
    client.post("/wali/rujukan", data={"student": world["student_a"].id,
                                       "reason": "RUJUKAN-BARU"})
    auth.logout()
    referral_id = db.session.scalar(sa.select(Referral.id)
                                    .where(Referral.reason == "RUJUKAN-BARU"))
    open_all_week(world["counselor_b"])
    slot = first_free_slot(world["counselor_b"])
    auth.login("guru.b")
    response = client.post(f"/bk/kasus/rujukan/{referral_id}", data={
        "mode": "chat", "slot": slot_services.slot_key(slot.counselor_id, slot.starts_at)})
    assert response.status_code == 303
    files = export_of(client, world["student_a"])
    assert_none_of_guru_a(files)
    # guru.b's own: the referral they took, its booking and the case it opened with them.
    assert [r["alasan"] for r in rows(files, "rujukan.csv")] == ["RUJUKAN-BARU"]
    assert [r["guru_bk"] for r in rows(files, "kasus.csv")] == ["Guru BK B"]
    assert len(rows(files, "jadwal.csv")) == 1
    assert_guru_a_pages_closed(client, world)


# What a counselor may open: their own case whole, a case handed over to them whole,
# and (the previous counselor) the bookings they held.

def test_the_counselors_own_case_is_exported_completely(client, auth, world):
    auth.login("guru.a")
    files = export_of(client, world["student_a"])
    everything = "\n".join(files.values())
    for mine in GURU_A_CONTENT + ("Balasan guru A",):
        assert mine in everything, mine
    # Private notes are the counselor's working notes: never in an export.
    assert "PRIVAT-GURU-A" not in everything
    assert [r["guru_bk"] for r in rows(files, "kasus.csv")] == ["Guru BK A"]
    page = client.get("/data-siswa?q=Siswa").get_data(as_text=True)
    assert page.count("dampingan Anda") == 1


def hand_over_to_guru_b(client, auth, world):
    auth.login("guru.a")
    response = client.post(f"/bk/kasus/{world['case']}/alihkan",
                           data={"counselor": world["counselor_b"].id})
    assert response.status_code == 303
    auth.logout()


def test_a_handed_over_case_opens_whole_to_the_new_counselor(client, auth, world):
    hand_over_to_guru_b(client, auth, world)
    auth.login("guru.b")
    assert "CATATAN-SESI-GURU-A" in client.get(f"/bk/kasus/{world['case']}").get_data(
        as_text=True)
    assert "CERITA-UNTUK-GURU-A" in client.get(f"/bk/jadwal/{world['booking']}").get_data(
        as_text=True)
    assert "CHAT-DENGAN-GURU-A" in client.get(f"/konseling/{world['booking']}").get_data(
        as_text=True)
    # To read: changing a booking stays with the counselor it was booked with.
    assert client.post(f"/bk/jadwal/{world['booking']}/tolak",
                       data={"message": "x"}).status_code == 404
    files = export_of(client, world["student_a"])
    everything = "\n".join(files.values())
    for shared in GURU_A_CONTENT + ("Balasan guru A",):
        assert shared in everything, shared
    assert "PRIVAT-GURU-A" not in everything


def test_the_previous_counselor_keeps_the_bookings_they_held_but_not_the_case_file(
        client, auth, world):
    hand_over_to_guru_b(client, auth, world)
    auth.login("guru.a")
    assert client.get(f"/bk/kasus/{world['case']}").status_code == 404
    assert "CERITA-UNTUK-GURU-A" in client.get(f"/bk/jadwal/{world['booking']}").get_data(
        as_text=True)
    assert client.get(f"/konseling/{world['booking']}").status_code == 200
    files = export_of(client, world["student_a"])
    everything = "\n".join(files.values())
    assert "CERITA-UNTUK-GURU-A" in everything and "CHAT-DENGAN-GURU-A" in everything
    for moved in ("CATATAN-SESI-GURU-A", "RUJUKAN-KE-GURU-A", "PRIVAT-GURU-A"):
        assert moved not in everything, moved
    assert rows(files, "kasus.csv") == []


# The chat's sockets ask the same question.

def test_the_chat_socket_seats_only_counselors_who_may_open_the_booking(app, client, auth,
                                                                       world):
    key = f"b{world['booking']}"
    request_slot_with_guru_b(client, auth, world)
    assert not ChatClient(app, key, "guru.b").connected
    hand_over_to_guru_b(client, auth, world)
    new_counselor = ChatClient(app, key, "guru.b")
    assert new_counselor.connected
    bodies = [m["body"] for m in new_counselor.sync()["messages"]]
    assert "CHAT-DENGAN-GURU-A" in bodies
    assert ChatClient(app, key, "guru.a").connected


# One rule: a loaded row and a query give the same answer.

def test_rows_and_queries_agree_on_who_may_open_each_record(client, auth, world):
    request_slot_with_guru_b(client, auth, world)
    db.session.add(Referral(student_id=world["student_a"].id,
                            referrer_id=world["homeroom_a"].id, reason="Belum diambil"))
    db.session.commit()
    hand_over_to_guru_b(client, auth, world)
    db.session.expire_all()
    for model in (Booking, CounselingCase, SessionRecord, Referral):
        for counselor in (world["counselor"], world["counselor_b"], world["admin"]):
            by_query = set(db.session.scalars(sa.select(model.id)
                                              .where(model.open_to(counselor.id))))
            by_row = {row.id for row in db.session.scalars(sa.select(model))
                      if row.open_to(counselor.id)}
            assert by_query == by_row, (model.__name__, counselor.username)
