"""The audit log: every staff read of confidential content and every export leaves an
entry; counselors read the log with its summaries, admins without any content."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from cyberbk.audit.models import AuditEntry
from cyberbk.audit.services import record
from cyberbk.booking.models import Booking
from cyberbk.booking.models import BookingStatus
from cyberbk.booking.models import CounselingCase
from cyberbk.booking.services.rules import CONSENT_VERSION
from cyberbk.common.schooltime import utcnow
from cyberbk.common.vocabulary import Mode
from cyberbk.extensions import db
from tests import test_assessments as assessment_helpers
from tests.test_dashboard import add_report

SUMMARY = "Membuka berkas kasus siswa"


@pytest.fixture
def confidential(school):
    """One of each confidential thing about siswa.a, all in guru.a's hands."""
    student, counselor = school["student_a"], school["counselor"]
    report = add_report(utcnow().replace(minute=0, second=0, microsecond=0),
                        body="Rahasia sekali")
    case = CounselingCase(student=student, counselor=counselor)
    starts = utcnow() + timedelta(hours=1)
    booking = Booking(student_id=student.id, counselor_id=counselor.id, starts_at=starts,
                      ends_at=starts + timedelta(minutes=30), mode=Mode.CHAT,
                      status=BookingStatus.CONFIRMED, consent_version=CONSENT_VERSION,
                      consented_at=utcnow(), case=case)
    db.session.add(booking)
    instrument = assessment_helpers.make_instrument()
    administration = assessment_helpers.give(instrument, [school["class_a"]])
    item = next(i for i in instrument.items if i.type.is_choice)
    assessment_helpers.add_response(administration, student, [(item, 0)])
    db.session.commit()
    return {"report": report.id, "case": case.id, "booking": booking.id,
            "administration": administration.id, "student": student.id}


READS_AND_EXPORTS = [
    (lambda d: f"/bk/kotak/{d['report']}", "read", "problem_report"),
    (lambda d: f"/bk/kasus/{d['case']}", "read", "case"),
    (lambda d: f"/konseling/{d['booking']}", "read", "chat"),
    (lambda d: f"/bk/asesmen/{d['administration']}/siswa/{d['student']}", "read",
     "assessment_response"),
    (lambda d: f"/bk/asesmen/{d['administration']}/ekspor.xlsx", "export", "assessment"),
    (lambda d: f"/bk/asesmen/{d['administration']}/ekspor.csv", "export", "assessment"),
    (lambda d: "/bk/laporan.xlsx", "export", "service_report"),
    (lambda d: f"/data-siswa/{d['student']}/ekspor.zip", "export", "student_data"),
]


def entries(action, target_type):
    return db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.action == action, AuditEntry.target_type == target_type)).all()


@pytest.mark.parametrize("url,action,target_type", READS_AND_EXPORTS)
def test_each_confidential_read_and_export_writes_an_audit_entry(client, auth, school,
                                                                 confidential, url, action,
                                                                 target_type):
    auth.login("guru.a")
    before = len(entries(action, target_type))
    response = client.get(url(confidential))
    assert response.status_code == 200
    written = entries(action, target_type)
    assert len(written) == before + 1
    assert written[-1].actor_id == school["counselor"].id
    assert "Rahasia" not in written[-1].summary


def test_admin_export_of_a_student_is_audited_too(client, auth, school):
    auth.login("operator")
    client.get(f"/data-siswa/{school['student_a'].id}/ekspor.zip")
    [entry] = entries("export", "student_data")
    assert entry.actor_id == school["admin"].id


@pytest.fixture
def logged(school):
    record(school["counselor"], "read", "case", 4242, summary=SUMMARY)
    record(None, "purge", "chat", summary="3 pesan chat lebih dari 60 hari dihapus")
    db.session.commit()
    return school


def test_counselors_see_who_read_what_and_when(client, auth, logged):
    auth.login("guru.b")
    page = client.get("/bk/audit").get_data(as_text=True)
    assert "Guru BK A" in page and "Berkas kasus #4242" in page and SUMMARY in page
    assert "Sistem" in page and "Penghapusan otomatis" in page
    filtered = client.get("/bk/audit?jenis=chat").get_data(as_text=True)
    assert SUMMARY not in filtered and "3 pesan chat" in filtered


def test_admins_see_the_log_without_any_content(client, auth, logged):
    auth.login("operator")
    page = client.get("/admin/audit").get_data(as_text=True)
    main = page[page.index("<main"):]
    assert "Guru BK A" in main and "Membuka" in main and "Berkas kasus" in main
    assert SUMMARY not in main
    assert "4242" not in main
    assert "3 pesan chat" not in main


def test_the_log_pages_through_old_entries(client, auth, school):
    for number in range(60):
        record(school["counselor"], "read", "case", number, summary=f"entri-{number}")
    db.session.commit()
    auth.login("guru.a")
    first = client.get("/bk/audit").get_data(as_text=True)
    assert "entri-59" in first and "entri-5<" not in first and "Halaman 1 dari 2" in first
    second = client.get("/bk/audit?halaman=2").get_data(as_text=True)
    assert "entri-0<" in second and "entri-59" not in second
    assert client.get("/bk/audit?halaman=nol").status_code == 400


def test_the_audit_log_is_append_only_from_the_app(app):
    """No route of the app changes or deletes audit entries: the log pages only read."""
    for rule in app.url_map.iter_rules():
        if "audit" in rule.rule or "audit" in rule.endpoint:
            assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule.rule


@pytest.mark.parametrize("person,counselor_page,admin_page", [
    (None, 302, 302), ("siswa.a", 403, 403), ("wali.a", 403, 403), ("guru.a", 200, 403),
    ("operator", 403, 200)])
def test_who_may_read_the_log(client, auth, school, person, counselor_page, admin_page):
    if person:
        auth.login(person)
    assert client.get("/bk/audit").status_code == counselor_page
    assert client.get("/admin/audit").status_code == admin_page


def test_audit_pages_draw_no_inline_styles(client, auth, logged):
    auth.login("guru.a")
    assert not re.search(r"\sstyle=", client.get("/bk/audit").get_data(as_text=True))
