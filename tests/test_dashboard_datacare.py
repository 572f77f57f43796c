"""Data care: retention settings and the purge, a student's data on request (export and
erasure), and the register of parents' consent."""

import csv
import io
import json
import zipfile
from datetime import date
from datetime import timedelta

import pytest
import sqlalchemy as sa

from cyberbk.accounts.models import Gender
from cyberbk.accounts.models import Role
from cyberbk.accounts.models import User
from cyberbk.assessments.models import Administration
from cyberbk.assessments.models import Participation
from cyberbk.assessments.models import Response
from cyberbk.assessments.results import counts
from cyberbk.audit.models import AuditEntry
from cyberbk.booking.models import Booking
from cyberbk.booking.models import BookingStatus
from cyberbk.booking.models import CaseStatus
from cyberbk.booking.models import CounselingCase
from cyberbk.booking.models import HelpBefore
from cyberbk.booking.models import Intake
from cyberbk.booking.models import Referral
from cyberbk.booking.models import SessionRecord
from cyberbk.chat.models import ChatMessage
from cyberbk.chat.models import ChatRoom
from cyberbk.common.schooltime import utcnow
from cyberbk.common.vocabulary import Mode
from cyberbk.dashboard import periods
from cyberbk.dashboard import reports
from cyberbk.dashboard import retention
from cyberbk.dashboard import student_data
from cyberbk.dashboard import targets
from cyberbk.dashboard.models import ParentConsent
from cyberbk.extensions import db
from cyberbk.problembox.models import ProblemMessage
from cyberbk.problembox.models import ProblemReport
from tests import factories
from tests.test_dashboard import add_evaluation
from tests.test_dashboard import add_record
from tests.test_dashboard import add_report
from tests.test_dashboard import builtin
from tests.test_dashboard import give_between

DAY = timedelta(days=1)


def add_booking(student, counselor, starts_at, story="", messages=(), case=None,
                status=BookingStatus.DONE, ended_at=None):
    """A chat booking with its intake story and chat messages [(from counselor, text)]."""
    booking = Booking(student_id=student.id, counselor_id=counselor.id, starts_at=starts_at,
                      ends_at=starts_at + timedelta(minutes=30), mode=Mode.CHAT, status=status,
                      phone_times="Sore hari", case=case)
    if story:
        booking.intake = Intake(student_name=student.full_name, description=story,
                                help_before=HelpBefore.NO)
    db.session.add(booking)
    db.session.flush()
    room = ChatRoom(booking_id=booking.id, ended_at=ended_at)
    db.session.add(room)
    db.session.flush()
    for from_counselor, text in messages:
        db.session.add(ChatMessage(room_id=room.id, from_counselor=from_counselor, body=text,
                                   sender_id=counselor.id if from_counselor else student.id))
    db.session.commit()
    return booking


def closed_case(student, counselor, closed_at):
    case = CounselingCase(student=student, counselor=counselor, status=CaseStatus.CLOSED,
                          closed_at=closed_at, closing_note="Sudah membaik")
    db.session.add(case)
    db.session.commit()
    return case


def count(model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


# Retention and the purge.

@pytest.fixture
def aged_data(school):
    """Content on both sides of the retention settings (reports 30, chat 60, cases 90 days)."""
    counselor, a, b = school["counselor"], school["student_a"], school["student_b"]
    now = utcnow()
    retention.save_settings(counselor, 30, 60, 90)
    due = add_report(now - 400 * DAY, closed_at=now - 40 * DAY, answered_after=DAY,
                     counselor=counselor, body="Lama dan selesai")
    add_report(now - 400 * DAY, closed_at=now - 10 * DAY, body="Baru ditutup")
    add_report(now - 400 * DAY, body="Lama tapi masih dibuka")
    add_booking(a, counselor, now - 70 * DAY, messages=[(False, "halo"), (True, "hai")])
    add_booking(b, counselor, now - 10 * DAY, messages=[(False, "masih baru")])
    add_booking(a, counselor, now - 5 * DAY, ended_at=now - 65 * DAY,
                messages=[(False, "sesi ditutup lebih dulu")])
    old_case = closed_case(a, counselor, now - 100 * DAY)
    add_record(a, counselor, now - 120 * DAY, case=old_case)
    add_record(a, counselor, now - 110 * DAY, case=old_case)
    add_booking(a, counselor, now - 120 * DAY, story="Cerita lama", case=old_case)
    db.session.add(Referral(student_id=a.id, referrer_id=school["homeroom_a"].id,
                            reason="Sering murung", case=old_case))
    add_booking(b, counselor, now - 120 * DAY, story="Ditolak dulu", status=BookingStatus.DECLINED)
    add_booking(b, counselor, now - 20 * DAY, story="Dibatalkan baru-baru ini",
                status=BookingStatus.CANCELLED)
    recent_case = closed_case(b, counselor, now - 50 * DAY)
    add_record(b, counselor, now - 55 * DAY, case=recent_case)
    open_case = CounselingCase(student=b, counselor=counselor, opened_at=now - 500 * DAY)
    db.session.add(open_case)
    db.session.commit()
    return {"due_report": due.id, "old_case": old_case.id}


def test_purge_removes_only_what_is_due(aged_data, runner):
    result = runner.invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    assert "closed problem reports (older than 30 days): 1 report(s)" in result.output
    assert "chat content (older than 60 days): 3 chat message(s) removed" in result.output
    assert ("closed case files (older than 90 days): 1 case file(s) with 2 session record(s), "
            "and 1 booking(s) outside a case removed" in result.output)

    bodies = set(db.session.scalars(sa.select(ProblemReport.body)))
    assert bodies == {"Baru ditutup", "Lama tapi masih dibuka"}
    assert db.session.scalar(sa.select(sa.func.count(ProblemMessage.id))) == 0
    assert set(db.session.scalars(sa.select(ChatMessage.body))) == {"masih baru"}
    assert db.session.get(CounselingCase, aged_data["old_case"]) is None
    assert count(CounselingCase) == 2
    assert count(SessionRecord) == 1
    assert set(db.session.scalars(sa.select(Intake.description))) == {"Dibatalkan baru-baru ini"}
    assert db.session.scalar(sa.select(sa.func.count(Referral.id))) == 0
    # Bookings of purged chats remain; only the content went.
    assert count(Booking) == 4
    purges = db.session.scalars(sa.select(AuditEntry.target_type)
                                .where(AuditEntry.action == "purge")).all()
    assert sorted(purges) == ["case", "chat", "problem_report", "tppk_case"]

    again = runner.invoke(args=["purge"])
    assert "0 report(s)" in again.output and "0 chat message(s)" in again.output


def test_purge_keeps_everything_without_a_setting(aged_data, runner, school):
    retention.save_settings(school["counselor"], None, None, None)
    db.session.commit()
    result = runner.invoke(args=["purge"])
    assert result.output.count("no retention set, everything kept") == 3
    assert count(ProblemReport) == 3 and count(ChatMessage) == 4 and count(CounselingCase) == 3
    assert count(Booking) == 6


def test_reports_purge_reuses_the_problem_box_rule(aged_data, monkeypatch, runner):
    rule, cutoffs = ProblemReport.closed_before, []
    monkeypatch.setattr(ProblemReport, "closed_before",
                        lambda cutoff: cutoffs.append(cutoff) or rule(cutoff))
    runner.invoke(args=["purge"])
    [cutoff] = cutoffs
    assert abs(utcnow() - timedelta(days=30) - cutoff) < timedelta(minutes=1)


def test_defaults_before_counselors_save_come_from_the_configuration(app, school):
    app.config["PROBLEMBOX_RETENTION_DAYS"] = 200
    settings = retention.current_settings()
    assert (settings.closed_reports_days, settings.chat_days, settings.closed_cases_days) == \
        (200, retention.DEFAULT_CHAT_DAYS, retention.DEFAULT_CASE_DAYS)


def test_counselor_edits_retention_and_it_is_logged(client, auth, school):
    auth.login("guru.a")
    page = client.get("/bk/retensi").get_data(as_text=True)
    assert "flask --app wsgi purge" in page
    response = client.post("/bk/retensi", data={"closed_reports_days": "180", "chat_days": "",
                                                 "closed_cases_days": "1095"})
    assert response.status_code == 303
    settings = retention.current_settings()
    assert (settings.closed_reports_days, settings.chat_days, settings.closed_cases_days) == \
        (180, None, 1095)
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.target_type == "retention"))
    assert entry.actor_id == school["counselor"].id
    assert client.post("/bk/retensi", data={"chat_days": "0"}).status_code == 400


@pytest.mark.parametrize("person", ["siswa.a", "wali.a", "operator"])
def test_only_counselors_edit_retention(client, auth, school, person):
    auth.login(person)
    assert client.get("/bk/retensi").status_code == 403
    assert client.post("/bk/retensi", data={"chat_days": "1"}).status_code == 403


# A student's data on request.

@pytest.fixture
def two_students(school):
    """Everything the app can hold about siswa.a, and the same kinds of things about siswa.b."""
    counselor = school["counselor"]
    evaluation = give_between(builtin("evaluasi-sesi"), utcnow() - 10 * DAY, utcnow() + DAY)
    for student, word in ((school["student_a"], "ALFA"), (school["student_b"], "BRAVO")):
        case = CounselingCase(student=student, counselor=counselor)
        add_record(student, counselor, utcnow() - DAY, summary=f"Ringkasan {word}", case=case)
        case.records[0].private_note = f"Catatan pribadi {word}"
        add_booking(student, counselor, utcnow() - 2 * DAY, story=f"Cerita {word}", case=case,
                    messages=[(False, f"Pesan {word}"), (True, f"Balasan untuk {word}")])
        db.session.add(Referral(student_id=student.id, referrer_id=school["homeroom_a"].id,
                                reason=f"Rujukan {word}", case=case))
        add_report(utcnow() - DAY, author=student, body=f"Laporan {word}",
                   answered_after=timedelta(hours=1), counselor=counselor)
        add_evaluation(evaluation, student, [3, 2], utcnow() - DAY)
    add_report(utcnow() - DAY, body="Laporan tanpa nama")
    return school


def read_zip(data):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name).decode("utf-8-sig") for name in archive.namelist()}


def test_student_export_contains_their_records_and_nobody_elses(client, auth, two_students):
    auth.login("guru.a")
    student = two_students["student_a"]
    response = client.get(f"/data-siswa/{student.id}/ekspor.zip")
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    files = read_zip(response.data)
    assert set(files) == {"LIHAT-SAYA.txt", "profil.json", "jadwal.csv", "kasus.csv",
                          "catatan_sesi.csv", "rujukan.csv", "kotak_masalah.csv", "angket.csv",
                          "chat.csv", "buku_kasus.csv", "anekdot.csv", "konferensi_kasus.csv",
                          "kunjungan_rumah.csv", "alih_tangan_kasus.csv"}
    everything = "\n".join(files.values())
    for mine in ("Ringkasan ALFA", "Cerita ALFA", "Pesan ALFA", "Balasan untuk ALFA",
                 "Rujukan ALFA", "Laporan ALFA", "Sangat setuju"):
        assert mine in everything, mine
    for other in ("BRAVO", "Siswa B", "1002", "Laporan tanpa nama", "Catatan pribadi"):
        assert other not in everything, other
    profile = json.loads(files["profil.json"])
    assert (profile["nama"], profile["kelas"], profile["nis"]) == ("Siswa A", "7A", "1001")
    records = list(csv.DictReader(io.StringIO(files["catatan_sesi.csv"])))
    assert [r["ringkasan"] for r in records] == ["Ringkasan ALFA"]
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "export"))
    assert (entry.target_type, entry.target_id) == ("student_data", str(student.id))


def test_admin_exports_only_the_account_part(client, auth, two_students):
    auth.login("operator")
    student = two_students["student_a"]
    page = client.get(f"/data-siswa/{student.id}").get_data(as_text=True)
    assert "Hapus data pribadi" not in page
    files = read_zip(client.get(f"/data-siswa/{student.id}/ekspor.zip").data)
    assert set(files) == {"LIHAT-SAYA.txt", "profil.json"}
    assert "ALFA" not in "\n".join(files.values())
    assert client.post(f"/data-siswa/{student.id}/hapus",
                       data={"username": "siswa.a", "understood": "y"}).status_code == 403


def test_export_cells_that_look_like_formulas_are_defused(school):
    student = school["student_a"]
    add_booking(student, school["counselor"], utcnow(), story="=HYPERLINK(\"x\")")
    text = student_data.bookings_csv(student, school["counselor"])
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[1][11] == "'=HYPERLINK(\"x\")"


def aggregates():
    """What the reports and results are made of: none of it may change on erasure."""
    administration = db.session.scalar(sa.select(Administration))
    report = reports.service_report(periods.current_semester())
    return {
        "report": (report.by_field, report.by_mode, report.by_class, report.by_grade),
        "sessions": targets.individual_sessions(periods.current_semester()).value,
        "evaluation": targets.evaluation_score(periods.current_semester()).value,
        "respondents": counts.respondents(administration, by="class"),
        "means": counts.item_means(administration),
    }


def test_erasure_leaves_aggregates_unchanged(client, auth, two_students):
    student = two_students["student_a"]
    student.student_profile.gender = Gender.FEMALE
    student.phone = "081234567890"
    db.session.add(ParentConsent(student_id=student.id, received_on=date.today()))
    for case in db.session.scalars(sa.select(CounselingCase)):
        case.status, case.closed_at = CaseStatus.CLOSED, utcnow()
    db.session.commit()
    before = aggregates()

    auth.login("guru.a")
    response = client.post(f"/data-siswa/{student.id}/hapus",
                           data={"username": "siswa.a", "understood": "y"})
    assert response.status_code == 303
    db.session.expire_all()
    assert aggregates() == before

    erased = db.session.get(User, student.id)
    assert erased.full_name == f"Siswa terhapus #{student.id}"
    assert erased.username == f"terhapus-{student.id}"
    assert not erased.is_active_account and erased.phone is None
    assert erased.student_profile.nis is None and erased.student_profile.gender is None
    assert erased.student_profile.class_id == two_students["class_a"].id
    # Answers stay, without the link to the student.
    assert db.session.scalar(sa.select(sa.func.count(Response.id))
                             .where(Response.user_id == student.id)) == 0
    assert db.session.scalar(sa.select(sa.func.count(Response.id))) == 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Participation)
                             .where(Participation.user_id == student.id)) == 0
    # What they told is gone; the other student's is untouched.
    texts = "\n".join(db.session.scalars(sa.select(SessionRecord.summary))) + "\n".join(
        db.session.scalars(sa.select(ChatMessage.body))) + "\n".join(
        db.session.scalars(sa.select(Intake.description))) + "\n".join(
        db.session.scalars(sa.select(Referral.reason)))
    assert "ALFA" not in texts and "BRAVO" in texts
    assert db.session.get(ParentConsent, student.id) is None
    # The account can no longer sign in.
    client.post("/logout")
    assert auth.login("siswa.a").status_code != 302
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "erase"))
    assert (entry.target_type, entry.target_id) == ("student", str(student.id))
    # A second request finds nothing left to erase.
    auth.login("guru.a")
    assert "sudah dihapus" in client.get(f"/data-siswa/{student.id}").get_data(as_text=True)


@pytest.mark.parametrize("data", [{}, {"username": "siswa.a"}, {"understood": "y"},
                                  {"username": "siswa.b", "understood": "y"}])
def test_erasure_needs_the_confirmation(client, auth, school, data):
    auth.login("guru.a")
    response = client.post(f"/data-siswa/{school['student_a'].id}/hapus", data=data)
    assert response.status_code == 400
    assert db.session.get(User, school["student_a"].id).full_name == "Siswa A"


def test_erasure_waits_for_open_cases_to_close(client, auth, school):
    db.session.add(CounselingCase(student=school["student_a"], counselor=school["counselor"]))
    db.session.commit()
    student_id = school["student_a"].id
    auth.login("guru.a")
    response = client.post(f"/data-siswa/{student_id}/hapus",
                           data={"username": "siswa.a", "understood": "y"})
    # The blueprint's answer to a refused change: back to the student, with the reason.
    assert response.status_code == 303
    assert response.headers["Location"] == f"/data-siswa/{student_id}"
    assert "Tutup kasusnya dulu" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert db.session.get(User, student_id).is_active_account
    # The audit entry was added before the erasure was refused: it went with it.
    assert db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "erase")) is None


def test_request_page_finds_students_by_name_or_nis(client, auth, school):
    auth.login("guru.a")
    page = client.get("/data-siswa?q=1002").get_data(as_text=True)
    assert "Siswa B" in page and "Siswa A" not in page
    page = client.get(f"/data-siswa?kelas={school['class_a'].id}").get_data(as_text=True)
    assert "Siswa A" in page and "Siswa B" not in page
    assert client.get("/data-siswa?kelas=tujuh").status_code == 400
    # Staff ids are not students: nothing to show.
    assert client.get(f"/data-siswa/{school['counselor'].id}").status_code == 404


# Parents' consent.

def test_operator_records_consent_and_the_case_file_shows_it(client, auth, school):
    student, other = school["student_a"], factories.make_user(
        Role.STUDENT, "siswa.a2", "Siswa A Dua", school_class=school["class_a"])
    case = CounselingCase(student=student, counselor=school["counselor"])
    db.session.add(case)
    db.session.commit()

    auth.login("guru.a")
    page = client.get(f"/bk/kasus/{case.id}").get_data(as_text=True)
    assert "Persetujuan orang tua" in page and "Belum tercatat" in page
    assert f"/persetujuan/surat?siswa={student.id}" in page
    client.post("/logout")

    auth.login("operator")
    register = client.get("/admin/persetujuan").get_data(as_text=True)
    assert "7A" in register
    response = client.post(f"/admin/persetujuan?kelas={school['class_a'].id}",
                           data={"students": [str(student.id)], "received_on": "2025-08-04"})
    assert response.status_code == 303
    consent = db.session.get(ParentConsent, student.id)
    assert consent.received_on == date(2025, 8, 4)
    assert consent.recorded_by_id == school["admin"].id
    assert db.session.get(ParentConsent, other.id) is None
    page = client.get(f"/admin/persetujuan?kelas={school['class_a'].id}").get_data(as_text=True)
    assert "Diterima 4 Agu 2025" in page and "dicatat oleh Operator" in page
    client.post("/logout")

    auth.login("guru.a")
    assert "Diterima 4 Agustus 2025" in client.get(f"/bk/kasus/{case.id}").get_data(as_text=True)


def test_a_wrong_entry_can_be_removed(client, auth, school):
    student = school["student_a"]
    db.session.add(ParentConsent(student_id=student.id, received_on=date(2025, 8, 4)))
    db.session.commit()
    auth.login("operator")
    url = f"/admin/persetujuan?kelas={school['class_a'].id}"
    assert client.post(url, data={"hapus": str(school["student_b"].id)}).status_code == 404
    assert client.post(url, data={"hapus": str(student.id)}).status_code == 303
    assert db.session.get(ParentConsent, student.id) is None


@pytest.mark.parametrize("data", [{"received_on": "2025-08-04"},
                                  {"students": ["999"], "received_on": "2025-08-04"},
                                  {"students": ["1"], "received_on": "besok"}])
def test_consent_register_refuses_bad_input(client, auth, school, data):
    auth.login("operator")
    response = client.post(f"/admin/persetujuan?kelas={school['class_a'].id}", data=data)
    assert response.status_code == 400
    assert count(ParentConsent) == 0


def test_letters_print_one_page_per_student_of_a_class(client, auth, school):
    factories.make_user(Role.STUDENT, "siswa.a2", "Siswa A Dua", school_class=school["class_a"])
    for person in ("operator", "guru.a"):
        auth.login(person)
        page = client.get(f"/persetujuan/surat?kelas={school['class_a'].id}").get_data(
            as_text=True)
        assert page.count('class="db-letter"') == 2
        assert "Siswa A Dua" in page and "Siswa B" not in page
        assert "Undang-Undang Nomor 27 Tahun 2022" in page
        assert "style=" not in page
        client.post("/logout")


@pytest.mark.parametrize("person", ["siswa.a", "wali.a", "guru.a"])
def test_only_the_operator_keeps_the_register(client, auth, school, person):
    auth.login(person)
    assert client.get("/admin/persetujuan").status_code == 403
    assert client.post(f"/admin/persetujuan?kelas={school['class_a'].id}",
                       data={"students": [str(school["student_a"].id)],
                             "received_on": "2025-08-04"}).status_code == 403
