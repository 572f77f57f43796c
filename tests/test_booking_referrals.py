"""Referrals (alih tangan kasus): the homeroom teacher refers a student of their own class
and follows only the status (received, scheduled, done), never the content."""

import re

import sqlalchemy as sa

from cyberbk.audit.models import AuditEntry
from cyberbk.booking.models import Booking
from cyberbk.booking.models import BookingStatus
from cyberbk.booking.models import Referral
from cyberbk.booking.models import ReferralStatus
from cyberbk.booking.services import referring
from cyberbk.booking.services import slots
from cyberbk.common.vocabulary import Mode
from cyberbk.extensions import db
from tests.test_booking import first_free_slot
from tests.test_booking import open_all_week
from tests.test_booking import record_data

REASON = "Sering melamun dan nilainya turun sejak orang tuanya bercerai"


def refer(client, auth, school, student="student_a"):
    auth.login("wali.a")
    response = client.post("/wali/rujukan", data={"student": school[student].id,
                                                  "reason": REASON})
    auth.logout()
    return response


def the_referral():
    db.session.expire_all()
    return db.session.scalar(sa.select(Referral))


def homeroom_page(client, auth):
    auth.login("wali.a")
    page = client.get("/wali/rujukan").get_data(as_text=True)
    home = client.get("/wali").get_data(as_text=True)
    auth.logout()
    return page, home


def test_homeroom_teacher_refers_a_student_of_their_class(client, auth, school):
    auth.login("wali.a")
    form = client.get("/wali/rujukan").get_data(as_text=True)
    assert "Siswa A" in form and "Siswa B" not in form
    auth.logout()
    response = refer(client, auth, school)
    assert response.status_code == 303
    referral = the_referral()
    assert referral.student_id == school["student_a"].id
    assert referral.referrer_id == school["homeroom_a"].id
    assert referral.status == ReferralStatus.RECEIVED


def test_homeroom_teacher_cannot_refer_another_class(client, auth, school):
    response = refer(client, auth, school, student="student_b")
    assert response.status_code == 400
    assert the_referral() is None


def test_referral_needs_a_reason(client, auth, school):
    auth.login("wali.a")
    response = client.post("/wali/rujukan", data={"student": school["student_a"].id})
    assert response.status_code == 400
    assert the_referral() is None


def test_homeroom_teacher_follows_the_status_and_never_the_content(client, auth, school):
    open_all_week(school["counselor"])
    refer(client, auth, school)
    page, home = homeroom_page(client, auth)
    assert "Diterima BK" in page and "Diterima BK" in home
    assert REASON not in page and REASON not in home

    # The counselor reads the reason, and invites the student to a session.
    auth.login("guru.a")
    queue = client.get("/bk/kasus/rujukan").get_data(as_text=True)
    assert "Siswa A" in queue and REASON not in queue
    referral = the_referral()
    detail = client.get(f"/bk/kasus/rujukan/{referral.id}").get_data(as_text=True)
    assert REASON in detail
    slot = first_free_slot(school["counselor"])
    response = client.post(f"/bk/kasus/rujukan/{referral.id}", data={
        "mode": "chat", "slot": slots.slot_key(slot.counselor_id, slot.starts_at)})
    assert response.status_code == 303
    booking = db.session.scalar(sa.select(Booking))
    assert booking.status == BookingStatus.CONFIRMED and booking.referral_id == referral.id
    assert booking.consent_version is None
    auth.logout()

    page, home = homeroom_page(client, auth)
    assert "Sudah dijadwalkan" in page and REASON not in page

    # The student sees the invitation and gives consent before the session.
    auth.login("siswa.a")
    invitation = client.get(f"/jadwal/{booking.id}").get_data(as_text=True)
    assert "Guru BK mengundangmu" in invitation and REASON not in invitation
    assert client.post(f"/jadwal/{booking.id}/kesediaan",
                       data={"consent_voluntary": "y"}).status_code == 400
    assert client.post(f"/jadwal/{booking.id}/kesediaan", data={
        "consent_voluntary": "y", "consent_confidential": "y",
        "consent_no_recording": "y"}).status_code == 303
    auth.logout()

    # The counselor records the session: the referral is done.
    auth.login("guru.a")
    response = client.post(f"/bk/kasus/{booking.case_id}/catatan?jadwal={booking.id}",
                           data=record_data(summary="RINGKASAN-SESI"))
    assert response.status_code == 303
    auth.logout()
    page, home = homeroom_page(client, auth)
    assert "Selesai" in page and "Selesai" in home
    for secret in (REASON, "RINGKASAN-SESI", "RAHASIA-GURU", "Hubungan dengan teman"):
        assert secret not in page and secret not in home
    assert the_referral().status == ReferralStatus.DONE


def test_closing_the_case_finishes_its_referrals(client, auth, school):
    open_all_week(school["counselor"])
    refer(client, auth, school)
    referral = the_referral()
    slot = first_free_slot(school["counselor"])
    booking = referring.schedule_referral(referral, school["counselor"], slot.starts_at,
                                          Mode.CHAT)
    db.session.commit()
    auth.login("guru.a")
    client.post(f"/bk/kasus/{booking.case_id}/tutup", data={"outcome": "referral"})
    assert the_referral().status == ReferralStatus.DONE


def test_a_claimed_referral_is_hidden_from_other_counselors(client, auth, school):
    open_all_week(school["counselor"])
    refer(client, auth, school)
    referral = the_referral()
    auth.login("guru.b")
    assert client.get(f"/bk/kasus/rujukan/{referral.id}").status_code == 200
    auth.logout()
    slot = first_free_slot(school["counselor"])
    referring.schedule_referral(referral, school["counselor"], slot.starts_at, Mode.CHAT)
    db.session.commit()
    auth.login("guru.b")
    assert client.get(f"/bk/kasus/rujukan/{referral.id}").status_code == 404
    assert "Siswa A" not in client.get("/bk/kasus/rujukan").get_data(as_text=True)


def test_reading_a_referral_is_audited(client, auth, school):
    refer(client, auth, school)
    auth.login("guru.a")
    client.get(f"/bk/kasus/rujukan/{the_referral().id}")
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.target_type == "referral"))
    assert entry.actor_id == school["counselor"].id and REASON not in entry.summary


def test_counselor_home_counts_new_referrals(client, auth, school):
    refer(client, auth, school)
    auth.login("guru.a")
    home = client.get("/bk").get_data(as_text=True)
    assert re.search(r"1 rujukan wali kelas baru", home)
