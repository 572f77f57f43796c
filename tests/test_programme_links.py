"""Every service that happens counts as the delivery of its Program Tahunan row (issue 20
§2): a session record, a case conference, a home visit or a referral out names the row
when it is recorded, and the row, the laporan and the hours sheet count it. Each number
below is counted by hand from the fixtures."""

from datetime import date

import pytest
import sqlalchemy as sa

from cyberbk.booking.models import CaseStatus
from cyberbk.booking.models import CounselingCase
from cyberbk.booking.models import Outcome
from cyberbk.booking.models import SessionRecord
from cyberbk.casebook.models import Conference
from cyberbk.casebook.models import ConferenceParticipant
from cyberbk.casebook.models import HomeVisit
from cyberbk.casebook.models import OutwardReferral
from cyberbk.casebook.models import Receiver
from cyberbk.common.schooltime import utcnow
from cyberbk.common.vocabulary import ServiceField
from cyberbk.dashboard import periods
from cyberbk.dashboard import programme_report
from cyberbk.dashboard import reports
from cyberbk.extensions import db
from cyberbk.outreach.models import ServiceComponent
from cyberbk.outreach.models import ServicePlan
from cyberbk.programme import hours
from cyberbk.programme import services
from cyberbk.programme.models import Activity
from cyberbk.programme.models import ActivityKind
from cyberbk.programme.models import ProgrammeRow
from cyberbk.programme.models import Semester
from tests.test_booking import record_data

TOPIC = "Konseling pribadi siswa kelas 7A"


def add_row(year, topic=TOPIC, component=ServiceComponent.RESPONSIVE, month=11):
    row = ProgrammeRow(school_year=year, component=component, topic=topic, month=month,
                       semester=Semester.ODD if month >= 7 else Semester.EVEN, jp=4,
                       target_group="Siswa kelas 7A")
    db.session.add(row)
    db.session.commit()
    return row


@pytest.fixture
def casefile(school):
    case = CounselingCase(student=school["student_a"], counselor=school["counselor"])
    db.session.add(case)
    db.session.commit()
    return {**school, "case": case, "row": add_row(2026)}


def text_of(response):
    return response.get_data(as_text=True)


def test_a_session_record_linked_to_a_row_counts_on_it_in_the_report_and_hours(
        client, auth, casefile):
    row, case = casefile["row"], casefile["case"]
    auth.login("guru.a")
    # "Catat pelaksanaan" of a responsive row says where its sessions are recorded.
    assert "dicatat di berkas kasus siswanya" in text_of(client.get(f"/bk/kegiatan?baris={row.id}"))
    form = text_of(client.get(f"/bk/kasus/{case.id}/catatan?baris={row.id}"))
    # Opened from the row: the row is chosen already.
    assert f'<option selected value="{row.id}">{TOPIC}' in form
    response = client.post(f"/bk/kasus/{case.id}/catatan", data=record_data(
        held_on="2026-11-05", programme_row_id=str(row.id)))
    assert response.status_code == 303
    record = db.session.scalar(sa.select(SessionRecord))
    assert record.programme_row_id == row.id
    # One unlinked session the same month: on the hours sheet, not on the row.
    assert client.post(f"/bk/kasus/{case.id}/catatan", data=record_data(
        held_on="2026-11-20")).status_code == 303

    assert services.deliveries(2026) == {row.id: services.Delivered(1, 2, [date(2026, 11, 5)])}
    page = text_of(client.get("/bk/program?tahun=2026"))
    assert "1× · 2 JP" in page and "5 Nov" in page
    assert "1× · 2 JP" in text_of(client.get("/bk/program/semester?tahun=2026&semester=ganjil"))
    # The case file shows the row it delivered, and leads to it.
    assert f"/bk/program?tahun=2026#baris-{row.id}" in text_of(
        client.get(f"/bk/kasus/{case.id}"))

    part = programme_report.programme_part(periods.parse_month("2026-11"))
    lines = {line.component: (line.planned_rows, line.planned_jp, line.delivered,
                              line.delivered_jp) for line in part.lines}
    assert lines[ServiceComponent.RESPONSIVE] == (1, 4, 1, 2)
    assert lines[None] == (0, 0, 1, 2)
    assert [(s.held_on.day, s.kind, s.topic) for s in part.services] == [
        (5, ActivityKind.INDIVIDUAL, TOPIC), (20, ActivityKind.INDIVIDUAL, "")]
    report = text_of(client.get("/bk/laporan?periode=2026-11"))
    assert TOPIC in report and "Konseling perorangan" in report

    sheet = hours.sheet(casefile["counselor"], date(2026, 11, 1))
    individual = next(line for line in sheet.lines if line.kind == ActivityKind.INDIVIDUAL)
    assert [tuple(week) for week in individual.weeks] == [(1, 2), (0, 0), (1, 2), (0, 0)]
    assert (sheet.total_frequency, sheet.total_jp) == (2, 4)
    # Report and sheet count the same services.
    assert part.total.delivered == sheet.total_frequency


def test_case_records_linked_to_a_row_count_once_each(client, auth, casefile):
    row, case = casefile["row"], casefile["case"]
    auth.login("guru.a")
    assert f'<option selected value="{row.id}">' in text_of(
        client.get(f"/bk/kasus/{case.id}/konferensi?baris={row.id}"))
    assert client.post(f"/bk/kasus/{case.id}/konferensi", data={
        "held_on": "2026-11-10", "summary": "Ringkasan", "programme_row_id": str(row.id),
    }).status_code == 303
    visit = HomeVisit(case=case, planned_on=date(2026, 11, 12), purpose="Tujuan",
                      visitors="Guru BK A")
    db.session.add(visit)
    db.session.commit()
    assert client.post(f"/bk/kasus/kunjungan/{visit.id}", data={
        "visited_on": "2026-11-13", "met_with": "Ibu siswa", "findings": "Hasil",
        "programme_row_id": str(row.id)}).status_code == 303
    response = client.post(f"/bk/kasus/{case.id}/alih-tangan", data={
        "receiver": "puskesmas", "addressee": "Puskesmas Pati I", "reason": "Alasan",
        "consent_by": "parent", "consent_on": "2026-11-20", "programme_row_id": str(row.id)})
    assert response.status_code == 303
    referral = db.session.scalar(sa.select(OutwardReferral))
    assert client.post(f"/bk/kasus/alih-tangan/{referral.id}", data={
        "status": "sent", "sent_on": "2026-11-23"}).status_code == 303
    # The case is closed as a referral too: the letter counts, not the closing as well.
    case.status, case.outcome, case.closed_at = CaseStatus.CLOSED, Outcome.REFERRAL, utcnow()
    db.session.commit()

    assert services.deliveries(2026)[row.id] == services.Delivered(
        3, 6, [date(2026, 11, 10), date(2026, 11, 13), date(2026, 11, 23)])
    sheet = hours.sheet(casefile["counselor"], date(2026, 11, 1))
    counted = {line.kind: line.frequency for line in sheet.lines if line.frequency}
    assert counted == {ActivityKind.CASE_CONFERENCE: 1, ActivityKind.HOME_VISIT: 1,
                       ActivityKind.REFERRAL: 1}
    for path in (f"/bk/kasus/konferensi/{db.session.scalar(sa.select(Conference.id))}",
                 f"/bk/kasus/kunjungan/{visit.id}", f"/bk/kasus/alih-tangan/{referral.id}"):
        assert f"#baris-{row.id}" in text_of(client.get(path)), path


def test_a_counselor_cannot_link_to_a_row_of_another_school_year(client, auth, casefile):
    case, last_year = casefile["case"], add_row(2025, topic="Program tahun lalu")
    auth.login("guru.a")
    form = text_of(client.get(f"/bk/kasus/{case.id}/catatan"))
    assert "Program tahun lalu" not in form
    refused = client.post(f"/bk/kasus/{case.id}/catatan", data=record_data(
        held_on="2026-11-05", programme_row_id=str(last_year.id)))
    assert refused.status_code == 400
    assert "Baris ini bukan baris program tahun pelajaran saat layanan dilaksanakan." in \
        text_of(refused)
    assert db.session.scalar(sa.select(sa.func.count(SessionRecord.id))) == 0
    # Held in 2025/2026 it may deliver that year's row.
    assert client.post(f"/bk/kasus/{case.id}/catatan", data=record_data(
        held_on="2026-03-02", programme_row_id=str(last_year.id))).status_code == 303
    assert client.post(f"/bk/kasus/{case.id}/konferensi", data={
        "held_on": "2026-11-10", "summary": "Ringkasan",
        "programme_row_id": str(last_year.id)}).status_code == 400
    assert client.post("/bk/kegiatan", data={
        "kind": "home_visit", "held_on": "2026-11-10",
        "row_id": str(last_year.id)}).status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(Activity.id))) == 0
    assert client.post(f"/bk/kasus/{case.id}/catatan", data=record_data(
        held_on="2026-11-05", programme_row_id="999999")).status_code == 400


def test_a_homeroom_teacher_cannot_see_the_links_details(client, auth, casefile):
    row, case = casefile["row"], casefile["case"]
    conference = Conference(case=case, held_on=date(2026, 11, 10), summary="RINGKASAN",
                            programme_row_id=row.id)
    conference.participants.append(ConferenceParticipant(user_id=casefile["homeroom_a"].id,
                                                         accepted_at=utcnow()))
    db.session.add(conference)
    db.session.add(OutwardReferral(case=case, receiver=Receiver.PSYCHOLOGIST, addressee="X",
                                   reason="Alasan", programme_row_id=row.id))
    db.session.commit()
    auth.login("wali.a")
    summary = text_of(client.get(f"/konferensi/{conference.id}"))
    assert "RINGKASAN" in summary
    assert TOPIC not in summary and "/bk/program" not in summary
    assert "Baris program" not in summary
    for path in ("/bk/program?tahun=2026", f"/bk/kasus/konferensi/{conference.id}",
                 f"/bk/kasus/{case.id}/catatan"):
        assert client.get(path).status_code == 403, path
    assert TOPIC not in text_of(client.get("/"))
    # The counselor of the case sees it.
    auth.logout()
    auth.login("guru.a")
    assert TOPIC in text_of(client.get(f"/bk/kasus/konferensi/{conference.id}"))


def test_an_rpl_without_a_date_counts_as_held_by_its_logged_delivery(casefile):
    plan = ServicePlan(title="Tanpa tanggal", component=ServiceComponent.BASIC,
                       field=ServiceField.PERSONAL, programme_row_id=casefile["row"].id)
    db.session.add(plan)
    db.session.flush()
    db.session.add(Activity(counselor_id=casefile["counselor"].id, kind=ActivityKind.CLASSICAL,
                            held_on=date(2026, 11, 9), jp=2, plan_id=plan.id))
    db.session.commit()
    november = periods.parse_month("2026-11")
    assert reports.service_report(november).classroom_total == 1
    assert reports.service_report(periods.parse_month("2026-10")).classroom_total == 0


def test_rpl_and_material_pages_sit_under_sosialisasi_in_the_menu(client, auth, school):
    auth.login("guru.a")
    for path in ("/bk/rpl", "/bk/rpl/baru", "/bk/materi"):
        menu = text_of(client.get(path))
        assert 'href="/bk/outreach" aria-current="true"' in menu, path
        assert 'href="/bk" aria-current' not in menu, path


def test_the_hours_sheet_is_signed_with_the_counselors_nip(client, auth, school):
    school["counselor"].nip = "19820704 200801 2 011"
    db.session.commit()
    auth.login("guru.a")
    assert "NIP. 19820704 200801 2 011" in text_of(client.get("/bk/jam?bulan=2026-11"))


def test_a_row_shows_each_day_once_with_how_often(client, auth, casefile):
    row = casefile["row"]
    for day in (3, 3, 12):
        db.session.add(Activity(counselor_id=casefile["counselor"].id, held_on=date(2026, 11, day),
                                kind=ActivityKind.GROUP_COUNSELING, jp=2, row_id=row.id))
    db.session.commit()
    auth.login("guru.a")
    page = text_of(client.get("/bk/program?tahun=2026"))
    assert "3× · 6 JP" in page and "3 Nov (2×), 12 Nov" in page
