"""Case records beside a case (issue 21 §1), per role: the case's counselor writes and
reads them all; a homeroom teacher writes anecdotes about their class and reads only
their own; a conference participant reads only the shareable summary, after accepting the
confidentiality statement; another counselor, the operator and students see nothing.
Printed documents carry the letterhead and the signature lines; the export holds them
for the counselor who holds the case, and the erasure removes their texts."""

import csv
import io
from datetime import date

import pytest
import sqlalchemy as sa

from cyberbk.audit.models import AuditEntry
from cyberbk.booking.models import CaseStatus
from cyberbk.booking.models import CounselingCase
from cyberbk.casebook.models import Anecdote
from cyberbk.casebook.models import CaseEntry
from cyberbk.casebook.models import Conference
from cyberbk.casebook.models import ConferenceParticipant
from cyberbk.casebook.models import HomeVisit
from cyberbk.casebook.models import OutwardReferral
from cyberbk.casebook.models import OutwardStatus
from cyberbk.casebook.models import Receiver
from cyberbk.casebook.models import VisitStatus
from cyberbk.extensions import db
from tests.test_dashboard_datacare import read_zip
from tests.test_printing import assert_printable
from tests.test_printing import signed_school  # noqa: F401  (a fixture)

SECRET = "RAHASIA-GURU-A"
SHARED = "BOLEH-DIBAGI"


@pytest.fixture
def world(school):
    """siswa.a (class 7A, wali.a) has a case with guru.a, with one record of each kind;
    wali.a is named in its conference (not yet accepted)."""
    case = CounselingCase(student=school["student_a"], counselor=school["counselor"])
    db.session.add(case)
    db.session.flush()
    db.session.add_all([
        CaseEntry(case=case, written_on=date(2026, 11, 2), body=SECRET, shareable=False),
        CaseEntry(case=case, written_on=date(2026, 11, 3), body=SHARED, shareable=True),
    ])
    conference = Conference(case=case, held_on=date(2026, 11, 10), place="Ruang BK",
                            discussion="DISKUSI-RAHASIA", summary="RINGKASAN-PESERTA",
                            agreements="KESEPAKATAN-BERSAMA")
    conference.participants.append(ConferenceParticipant(user_id=school["homeroom_a"].id))
    visit = HomeVisit(case=case, planned_on=date(2026, 11, 12), purpose="TUJUAN-KUNJUNGAN",
                      visitors="Guru BK A dan Wali A", address="Jl. Melati 3")
    referral = OutwardReferral(case=case, receiver=Receiver.PUSKESMAS,
                               addressee="Puskesmas Pati I", reason="ALASAN-RUJUKAN",
                               shared="INFO-DIBAGIKAN")
    db.session.add_all([conference, visit, referral])
    db.session.commit()
    return {**school, "case": case.id, "conference": conference.id, "visit": visit.id,
            "referral": referral.id}


def login(auth, username):
    """Sign in as `username`, out of whoever was signed in."""
    auth.logout()
    auth.login(username)


def text_of(response):
    return response.get_data(as_text=True)


# --- the case's counselor --------------------------------------------------------------

def test_counselor_writes_the_case_book_and_marks_what_is_shareable(client, auth, world):
    login(auth, "guru.a")
    page = text_of(client.get(f"/bk/kasus/{world['case']}/buku"))
    assert SECRET in page and SHARED in page and "Rahasia" in page
    response = client.post(f"/bk/kasus/{world['case']}/buku/tulis", data={
        "written_on": "2026-11-20", "body": "Siswa mulai masuk kelas lagi", "shareable": "y"})
    assert response.status_code == 303
    entry = db.session.scalar(sa.select(CaseEntry).order_by(CaseEntry.id.desc()).limit(1))
    assert entry.shareable and entry.written_on == date(2026, 11, 20)
    actions = db.session.scalars(sa.select(AuditEntry.action)
                                 .where(AuditEntry.target_type == "case_book")).all()
    assert actions == ["read", "create"]


def test_an_empty_entry_is_refused_with_a_message(client, auth, world):
    login(auth, "guru.a")
    response = client.post(f"/bk/kasus/{world['case']}/buku/tulis", data={"written_on": "x"})
    assert response.status_code == 400
    assert "Isi catatannya." in text_of(response)


def test_the_case_file_and_the_student_record_lead_to_the_case_book(client, auth, world):
    login(auth, "guru.a")
    assert f"/bk/kasus/{world['case']}/buku" in text_of(client.get(f"/bk/kasus/{world['case']}"))
    record = text_of(client.get(f"/bk/siswa/{world['student_a'].id}"))
    assert f"/bk/kasus/{world['case']}/buku" in record
    assert "2 catatan, 1 konferensi, 1 kunjungan rumah, 1 alih tangan" in record


def test_another_counselor_opens_none_of_the_case_records(client, auth, world):
    login(auth, "guru.b")
    for path in (f"/bk/kasus/{world['case']}/buku", f"/bk/kasus/konferensi/{world['conference']}",
                 f"/konferensi/{world['conference']}", f"/bk/kasus/kunjungan/{world['visit']}",
                 f"/bk/kasus/kunjungan/{world['visit']}/berita-acara",
                 f"/bk/kasus/alih-tangan/{world['referral']}",
                 f"/bk/kasus/alih-tangan/{world['referral']}/surat"):
        assert client.get(path).status_code == 404, path
    assert client.post(f"/bk/kasus/{world['case']}/buku/tulis",
                       data={"written_on": "2026-11-20", "body": "x"}).status_code == 404


def test_a_handover_moves_the_case_records_with_the_case(client, auth, world):
    case = db.session.get(CounselingCase, world["case"])
    case.previous_counselor_id, case.counselor_id = case.counselor_id, world["counselor_b"].id
    db.session.commit()
    login(auth, "guru.a")
    assert client.get(f"/bk/kasus/{world['case']}/buku").status_code == 404
    login(auth, "guru.b")
    assert SECRET in text_of(client.get(f"/bk/kasus/{world['case']}/buku"))


@pytest.mark.parametrize("person", ["siswa.a", "siswa.b", "operator"])
def test_students_and_the_operator_see_nothing(client, auth, world, person):
    login(auth, person)
    for path in (f"/bk/kasus/{world['case']}/buku", f"/konferensi/{world['conference']}",
                 f"/bk/kasus/konferensi/{world['conference']}",
                 f"/bk/kasus/kunjungan/{world['visit']}",
                 f"/bk/kasus/alih-tangan/{world['referral']}/surat", "/wali/anekdot",
                 "/anekdot/1"):
        response = client.get(path)
        assert response.status_code in (403, 404), path
        assert SECRET not in text_of(response) and "RINGKASAN-PESERTA" not in text_of(response)


# --- anecdotes -----------------------------------------------------------------------

def anecdote(**overrides):
    return {"student": overrides.pop("student"), "observed_on": "2026-11-15",
            "setting": "Kelas 7A, pelajaran IPA", "observation": "Menangis di bangku belakang",
            "interpretation": "Mungkin ada masalah dengan teman", **overrides}


def test_homeroom_teacher_writes_an_anecdote_about_a_student_of_their_class(client, auth,
                                                                           world):
    login(auth, "wali.a")
    assert "Siswa A (7A)" in text_of(client.get("/wali/anekdot"))
    response = client.post("/wali/anekdot", data=anecdote(student=world["student_a"].id))
    assert response.status_code == 303
    row = db.session.scalar(sa.select(Anecdote))
    assert (row.author_id, row.setting) == (world["homeroom_a"].id, "Kelas 7A, pelajaran IPA")
    assert row.interpretation == "Mungkin ada masalah dengan teman"
    page = text_of(client.get(f"/anekdot/{row.id}"))
    assert "Menangis di bangku belakang" in page
    # The case's counselor reads it with the case; the student's record lists it.
    login(auth, "guru.a")
    assert "Menangis di bangku belakang" in text_of(client.get(f"/bk/kasus/{world['case']}/buku"))
    assert f"/anekdot/{row.id}" in text_of(client.get(f"/bk/siswa/{world['student_a'].id}"))


def test_homeroom_teacher_cannot_write_about_another_class(client, auth, world):
    login(auth, "wali.a")
    response = client.post("/wali/anekdot", data=anecdote(student=world["student_b"].id))
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(Anecdote.id))) == 0


def test_homeroom_teacher_cannot_read_another_teachers_anecdote(client, auth, world):
    login(auth, "guru.a")
    assert client.post(f"/bk/kasus/{world['case']}/anekdot",
                       data=anecdote(student=world["student_a"].id)).status_code == 303
    counselors = db.session.scalar(sa.select(Anecdote.id))
    login(auth, "wali.b")
    # wali.b teaches 7B: wali.a's note about siswa.a, and guru.a's, stay closed.
    assert client.get(f"/anekdot/{counselors}").status_code == 404
    assert "Menangis" not in text_of(client.get("/wali/anekdot"))
    login(auth, "wali.a")
    assert client.get(f"/anekdot/{counselors}").status_code == 404
    assert "Menangis" not in text_of(client.get("/wali/anekdot"))


def test_a_counselor_without_the_case_cannot_read_the_anecdotes(client, auth, world):
    login(auth, "wali.a")
    client.post("/wali/anekdot", data=anecdote(student=world["student_a"].id))
    row = db.session.scalar(sa.select(Anecdote.id))
    login(auth, "guru.b")
    assert client.get(f"/anekdot/{row}").status_code == 404
    assert "Menangis" not in text_of(client.get(f"/bk/siswa/{world['student_a'].id}"))


# --- case conference -----------------------------------------------------------------

def test_counselor_records_a_conference_with_participants_and_follow_up(client, auth, world):
    login(auth, "guru.a")
    page = text_of(client.get(f"/bk/kasus/{world['case']}/konferensi"))
    assert "Wali A (Wali kelas)" in page and "Guru BK A" not in page.split("Peserta yang")[1][:400]
    response = client.post(f"/bk/kasus/{world['case']}/konferensi", data={
        "held_on": "2026-11-21", "place": "Ruang kepala sekolah",
        "participants": [str(world["homeroom_b"].id)], "other_participants": "Kepala sekolah",
        "discussion": "Cerita keluarga", "summary": "Siswa perlu pendampingan belajar",
        "agreements": "Wali kelas memantau kehadiran"})
    assert response.status_code == 303
    conference_id = int(response.headers["Location"].rsplit("/", 1)[1])
    response = client.post(f"/bk/kasus/konferensi/{conference_id}", data={
        "action": "Pantau kehadiran", "owner": "Wali B", "due_on": "2026-12-01"})
    assert response.status_code == 303
    page = text_of(client.get(f"/bk/kasus/konferensi/{conference_id}"))
    assert "Cerita keluarga" in page and "Pantau kehadiran" in page and "Wali B" in page


def test_conference_participant_sees_only_the_shareable_summary(client, auth, world):
    login(auth, "wali.a")
    statement = client.get(f"/konferensi/{world['conference']}")
    assert statement.status_code == 200
    text = text_of(statement)
    assert "Pernyataan kerahasiaan" in text and "RINGKASAN-PESERTA" not in text
    refused = client.post(f"/konferensi/{world['conference']}", data={})
    assert refused.status_code == 400
    assert client.post(f"/konferensi/{world['conference']}",
                       data={"agree": "y"}).status_code == 303
    participant = db.session.get(ConferenceParticipant,
                                 (world["conference"], world["homeroom_a"].id))
    assert participant.accepted_at is not None
    summary = text_of(client.get(f"/konferensi/{world['conference']}"))
    assert "RINGKASAN-PESERTA" in summary and "KESEPAKATAN-BERSAMA" in summary
    assert SHARED in summary
    assert "DISKUSI-RAHASIA" not in summary and SECRET not in summary
    assert client.get(f"/bk/kasus/konferensi/{world['conference']}").status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id)).where(
        AuditEntry.target_type == "case_conference", AuditEntry.action == "consent")) == 1
    # The counselor sees that the statement was accepted.
    login(auth, "guru.a")
    assert "Menyetujui pernyataan kerahasiaan" in text_of(
        client.get(f"/bk/kasus/konferensi/{world['conference']}"))


def test_a_homeroom_teacher_not_named_sees_no_conference(client, auth, world):
    login(auth, "wali.b")
    assert client.get(f"/konferensi/{world['conference']}").status_code == 404
    assert client.post(f"/konferensi/{world['conference']}",
                       data={"agree": "y"}).status_code == 404


# --- home visit and its berita acara ---------------------------------------------------

def test_home_visit_is_planned_recorded_and_printed(client, auth, signed_school):
    case = CounselingCase(student=signed_school["student_a"], counselor=signed_school["counselor"])
    db.session.add(case)
    db.session.commit()
    login(auth, "guru.a")
    response = client.post(f"/bk/kasus/{case.id}/kunjungan", data={
        "planned_on": "2026-11-25", "purpose": "Bertemu orang tua", "visitors": "Guru BK A",
        "address": "Jl. Melati 3"})
    assert response.status_code == 303
    visit = db.session.scalar(sa.select(HomeVisit))
    response = client.post(f"/bk/kasus/kunjungan/{visit.id}", data={
        "visited_on": "2026-11-26", "met_with": "Ibu kandung", "findings": "Rumah tenang",
        "agreements": "Orang tua mendampingi belajar"})
    assert response.status_code == 303
    db.session.refresh(visit)
    assert visit.status == VisitStatus.DONE
    page = text_of(client.get(f"/bk/kasus/kunjungan/{visit.id}/berita-acara"))
    assert_printable(page, "Kelas 7A", counselor=("Guru BK", "Guru BK A"))
    assert "Berita acara kunjungan rumah" in page and "Pihak keluarga," in page
    assert "Orang tua/wali siswa" in page and "Rumah tenang" in page


# --- referral out and its letter --------------------------------------------------------

def test_referral_letter_shares_details_only_after_consent(client, auth, signed_school):
    case = CounselingCase(student=signed_school["student_a"], counselor=signed_school["counselor"])
    db.session.add(case)
    db.session.commit()
    login(auth, "guru.a")
    data = {"receiver": "ppa", "addressee": "UPTD PPA Kabupaten Pati",
            "reason": "ALASAN-RUJUKAN", "shared": "INFO-DIBAGIKAN"}
    response = client.post(f"/bk/kasus/{case.id}/alih-tangan", data=data)
    assert response.status_code == 303
    referral = db.session.scalar(sa.select(OutwardReferral))
    letter = text_of(client.get(f"/bk/kasus/alih-tangan/{referral.id}/surat"))
    assert_printable(letter, "Tanggal cetak:", counselor=("Guru BK", "Guru BK A"))
    assert "UPTD PPA Kabupaten Pati" in letter and "INFO-DIBAGIKAN" not in letter
    # Not sent without consent.
    refused = client.post(f"/bk/kasus/alih-tangan/{referral.id}", data={"status": "sent"})
    assert refused.status_code == 303
    assert refused.headers["Location"] == f"/bk/kasus/alih-tangan/{referral.id}"
    assert "Catat dulu persetujuan" in text_of(client.get(refused.headers["Location"]))
    db.session.refresh(referral)
    assert referral.status == OutwardStatus.DRAFT
    # Consent recorded (who and when, both), then sent and answered.
    page = f"/bk/kasus/alih-tangan/{referral.id}"
    half = client.post(page, data={**data, "consent_by": "parent"})
    assert half.status_code == 400 and "keduanya" in text_of(half)
    assert client.post(f"/bk/kasus/alih-tangan/{referral.id}", data={
        **data, "consent_by": "parent", "consent_on": "2026-11-27"}).status_code == 303
    assert client.post(f"/bk/kasus/alih-tangan/{referral.id}", data={
        "status": "answered", "sent_on": "2026-11-28", "reply": "Sudah ditangani konselor",
        "reply_on": "2026-12-02"}).status_code == 303
    db.session.refresh(referral)
    assert referral.status == OutwardStatus.ANSWERED and referral.consented
    letter = text_of(client.get(f"/bk/kasus/alih-tangan/{referral.id}/surat"))
    assert "INFO-DIBAGIKAN" in letter and "persetujuan orang tua/wali" in letter
    assert "Sudah ditangani konselor" in text_of(client.get(page))


# --- the export and the erasure ----------------------------------------------------------

def test_export_holds_the_case_records_for_the_counselor_of_the_case(client, auth, world):
    login(auth, "wali.a")
    client.post("/wali/anekdot", data=anecdote(student=world["student_a"].id))
    login(auth, "guru.a")
    files = read_zip(client.get(f"/data-siswa/{world['student_a'].id}/ekspor.zip").data)
    assert SECRET in files["buku_kasus.csv"] and SHARED in files["buku_kasus.csv"]
    assert "Menangis di bangku belakang" in files["anekdot.csv"]
    assert "DISKUSI-RAHASIA" in files["konferensi_kasus.csv"]
    assert "TUJUAN-KUNJUNGAN" in files["kunjungan_rumah.csv"]
    rows = list(csv.DictReader(io.StringIO(files["alih_tangan_kasus.csv"])))
    assert rows[0]["kepada"] == "Puskesmas Pati I"
    login(auth, "guru.b")
    files = read_zip(client.get(f"/data-siswa/{world['student_a'].id}/ekspor.zip").data)
    assert "buku_kasus.csv" not in files


def test_erasure_removes_the_texts_of_the_case_records(client, auth, world):
    login(auth, "wali.a")
    client.post("/wali/anekdot", data=anecdote(student=world["student_a"].id))
    case = db.session.get(CounselingCase, world["case"])
    case.status = CaseStatus.CLOSED
    db.session.commit()
    login(auth, "guru.a")
    response = client.post(f"/data-siswa/{world['student_a'].id}/hapus",
                           data={"username": "siswa.a", "understood": "y"})
    assert response.status_code == 303
    db.session.expire_all()
    assert {e.body for e in db.session.scalars(sa.select(CaseEntry))} == {""}
    assert db.session.scalar(sa.select(Anecdote.observation)) == ""
    conference = db.session.get(Conference, world["conference"])
    assert (conference.summary, conference.discussion) == ("", "")
    assert db.session.get(HomeVisit, world["visit"]).purpose == ""
    referral = db.session.get(OutwardReferral, world["referral"])
    assert (referral.reason, referral.shared, referral.addressee) == ("", "", "-")


def test_a_counselor_opens_a_case_from_the_student_record(client, auth, school):
    """A student noticed outside any booking (a sociogram's isolate): the record's button
    opens the counselor's case, once; the sociogram's names lead to that record."""
    student = school["student_a"]
    auth.login("guru.a")
    assert f'action="/bk/siswa/{student.id}/kasus"' in client.get(
        f"/bk/siswa/{student.id}").get_data(as_text=True)
    response = client.post(f"/bk/siswa/{student.id}/kasus")
    case = db.session.scalars(sa.select(CounselingCase)).one()
    assert response.status_code == 303 and response.location.endswith(f"/bk/kasus/{case.id}")
    assert (case.student_id, case.counselor_id, case.status) == (
        student.id, school["counselor"].id, CaseStatus.OPEN)
    # Again: the open case, not a second one.
    client.post(f"/bk/siswa/{student.id}/kasus")
    assert db.session.scalar(sa.select(sa.func.count(CounselingCase.id))) == 1
    assert db.session.scalar(sa.select(AuditEntry).where(
        AuditEntry.action == "create", AuditEntry.target_type == "case")) is not None
