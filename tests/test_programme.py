"""The BK programme, per role: the counselor drafts the Program Tahunan from a class's AKPD,
opens an RPL from a row, logs what was held, and prints the month's hours sheet. Every
number below is counted by hand from the fixtures."""

from datetime import date
from datetime import datetime
from datetime import timedelta

import pytest
import sqlalchemy as sa

from cyberbk.accounts.models import Role
from cyberbk.assessments import services as assessments
from cyberbk.assessments.models import Answer
from cyberbk.assessments.models import Participation
from cyberbk.assessments.models import Response
from cyberbk.audit.models import AuditEntry
from cyberbk.booking.models import CaseStatus
from cyberbk.booking.models import CounselingCase
from cyberbk.booking.models import Outcome
from cyberbk.booking.models import SessionRecord
from cyberbk.common.schooltime import to_utc
from cyberbk.common.schooltime import utcnow
from cyberbk.common.vocabulary import Mode
from cyberbk.common.vocabulary import ServiceField
from cyberbk.extensions import db
from cyberbk.outreach.models import ServiceComponent
from cyberbk.outreach.models import ServicePlan
from cyberbk.programme import drafting
from cyberbk.programme import hours
from cyberbk.programme import services
from cyberbk.programme.models import Activity
from cyberbk.programme.models import ActivityKind
from cyberbk.programme.models import ProgrammeRow
from cyberbk.programme.models import Semester
from tests import factories

# What four students of 7A ticked in the AKPD: (section code, option index).
TICKS = (
    [("PRI", 0), ("PRI", 2), ("BEL", 1), ("KAR", 2), ("SGR", 0)],
    [("PRI", 0), ("PRI", 2), ("BEL", 1), ("KAR", 2)],
    [("PRI", 0), ("SOS", 1), ("KAR", 2)],
    [("PRI", 2), ("SOS", 1)],
)


def no_token(_page):
    """Tests run with CSRF off (conftest); the forms still name the field."""
    return ""


def answer_akpd(school_class, counselor, students):
    instrument = assessments.ensure_builtin_instruments()["akpd"]
    administration = assessments.create_administration(
        instrument, counselor, "AKPD awal tahun", utcnow() - timedelta(days=2),
        utcnow() + timedelta(days=5), "classes", class_ids=[school_class.id], slug="akpd-7a")
    db.session.flush()
    items = {section.code: section.items[0] for section in instrument.sections}
    for student, ticks in zip(students, TICKS):
        response = Response(administration=administration, user_id=student.id,
                            class_id=school_class.id, submitted_at=utcnow(), saved_at=utcnow())
        response.answers = [Answer(item_id=items[code].id, choice=choice)
                            for code, choice in ticks]
        db.session.add(response)
        db.session.add(Participation(administration_id=administration.id, user_id=student.id))
    db.session.commit()
    return administration


@pytest.fixture
def profiled(school):
    """Class 7A of four students (siswa.a and three more) who answered the AKPD."""
    class_a = school["class_a"]
    students = [school["student_a"]] + [
        factories.make_user(Role.STUDENT, f"siswa.a{n}", f"Siswa A{n}", school_class=class_a)
        for n in (2, 3, 4)]
    answer_akpd(class_a, school["counselor"], students)
    return school


def test_akpd_and_start_of_year_check_are_built_in_templates(app):
    builtin = assessments.ensure_builtin_instruments()
    akpd = builtin["akpd"]
    assert [s.code for s in akpd.sections] == ["PRI", "SOS", "BEL", "KAR", "SGR"]
    assert all(len(s.items[0].options) == 6 for s in akpd.sections[:4])
    check = builtin["cek-awal-tahun"]
    assert check.sections[0].code == "KSJ"
    assert all(item.type.is_likert for item in check.sections[0].items)


def test_counselor_drafts_the_programme_from_a_class_profile(client, auth, profiled):
    auth.login("guru.a")
    year = services.current_year()
    page = client.get(f"/bk/program?tahun={year}")
    response = client.post(f"/bk/program/susun?tahun={year}", data={
        "threshold": "50", "csrf_token": no_token(page)})
    assert response.status_code == 303
    rows = db.session.scalars(sa.select(ProgrammeRow)).all()
    # 50 %: PRI 0 and 2 (3 of 4), BEL 1 and SOS 1 (2 of 4) in layanan dasar; KAR 2 (3 of 4)
    # in peminatan; SGR 0 (1 of 4 ≥ 10 %) responsive, 2 JP for one student; three rows of
    # dukungan sistem at 2 JP.
    by_component = {c: sorted(r.topic for r in rows if r.component == c)
                    for c in services.COMPONENTS}
    assert by_component[ServiceComponent.BASIC] == sorted([
        "Tahu apa yang menjadi kekuatanku", "Menenangkan diri saat marah atau kecewa",
        "Membuat jadwal belajar dan menepatinya",
        "Tahu harus berbuat apa kalau aku atau temanku dirundung"])
    assert by_component[ServiceComponent.PLANNING] == [
        "Memilih sekolah lanjutan (SMA, SMK, MA) dengan yakin"]
    assert by_component[ServiceComponent.RESPONSIVE] == [
        "Konseling: Perasaanku atau keadaan di rumah"]
    assert len(by_component[ServiceComponent.SYSTEM]) == 3
    planning = next(r for r in rows if r.component == ServiceComponent.PLANNING)
    assert planning.field == ServiceField.CAREER and planning.semester == Semester.EVEN
    assert planning.need == "75% siswa kelas 7A (3 dari 4)"
    # 8 + 2 + 2 + 6 = 18 JP.
    shares = {s.component: s for s in services.shares(year)}
    assert [shares[c].jp for c in services.COMPONENTS] == [8, 2, 2, 6]
    assert shares[ServiceComponent.BASIC].percent == pytest.approx(100 * 8 / 18)
    assert shares[ServiceComponent.PLANNING].percent == pytest.approx(100 * 2 / 18)
    assert shares[ServiceComponent.SYSTEM].percent == pytest.approx(100 * 6 / 18)
    assert [shares[c].inside for c in services.COMPONENTS] == [True, False, False, False]
    page = client.get(f"/bk/program?tahun={year}").get_data(as_text=True)
    assert "44%" in page and page.count('class="pg-bar-out"') == 3
    # Drafting again proposes nothing twice.
    client.post(f"/bk/program/susun?tahun={year}", data={
        "threshold": "50", "csrf_token": no_token(client.get("/bk/program"))})
    assert db.session.scalar(sa.select(sa.func.count(ProgrammeRow.id))) == len(rows)
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id)).where(
        AuditEntry.target_type == "class_profile")) == 2


@pytest.mark.parametrize("today, odd, even", [
    # Before the year: every month as drafted.
    (date(2026, 6, 20), [8, 9, 10, 11, 7], [1, 2, 3]),
    # In October: August and September's rows (and July's) go to October and November.
    (date(2026, 10, 2), [10, 11, 10, 11, 10], [1, 2, 3]),
    # In December: no month of the odd semester is ahead; the even ones stay.
    (date(2026, 12, 6), [None] * 5, [1, 2, 3]),
    # In March: the even semester's January and February rows go to March and April.
    (date(2027, 3, 1), [None] * 5, [3, 4, 3]),
])
def test_a_programme_drafted_late_plans_no_month_already_over(today, odd, even):
    rows = [ProgrammeRow(semester=Semester.ODD, month=m) for m in (8, 9, 10, 11, 7)] + [
        ProgrammeRow(semester=Semester.EVEN, month=m) for m in (1, 2, 3)]
    drafting.ahead_of_today(rows, 2026, today)
    assert [r.month for r in rows] == odd + even


def test_a_higher_threshold_proposes_fewer_rows(app, profiled):
    year = services.current_year()
    drafting.draft(year, 60, profiled["counselor"])
    shares = {s.component: s.jp for s in services.shares(year)}
    # Only the needs of 3 of 4 (75 %) remain: two basic rows, one in peminatan.
    assert shares == {ServiceComponent.BASIC: 4, ServiceComponent.PLANNING: 2,
                      ServiceComponent.RESPONSIVE: 2, ServiceComponent.SYSTEM: 6}


def test_shares_of_an_empty_year_are_zero_and_outside(app, school):
    assert [(s.jp, s.percent, s.inside) for s in services.shares(2030)] == [(0, 0.0, False)] * 4


def add_row(year=None, **values):
    values.setdefault("component", ServiceComponent.BASIC)
    row = ProgrammeRow(school_year=year or services.current_year(), topic=values.pop(
        "topic", "Mengelola emosi"), semester=values.pop("semester", Semester.ODD), **values)
    db.session.add(row)
    db.session.commit()
    return row


def test_counselor_edits_and_deletes_rows(client, auth, school):
    auth.login("guru.a")
    year = services.current_year()
    page = client.get(f"/bk/program/baris/baru?tahun={year}")
    token = no_token(page)
    form = {"component": "responsive", "field": "sosial", "topic": "Mediasi teman sekelas",
            "semester": "ganjil", "month": "3", "jp": "4", "csrf_token": token}
    bad = client.post(f"/bk/program/baris/baru?tahun={year}", data=form)
    assert bad.status_code == 400
    assert "Bulan ini tidak termasuk semester yang dipilih." in bad.get_data(as_text=True)
    assert client.post(f"/bk/program/baris/baru?tahun={year}",
                       data={**form, "month": "9"}).status_code == 303
    row = db.session.scalar(sa.select(ProgrammeRow))
    assert (row.component, row.month, row.jp) == (ServiceComponent.RESPONSIVE, 9, 4)
    client.post(f"/bk/program/baris/{row.id}/ubah", data={**form, "month": "", "jp": "6"})
    db.session.refresh(row)
    assert (row.month, row.jp) == (None, 6)
    client.post(f"/bk/program/baris/{row.id}/hapus", data={"csrf_token": token})
    assert db.session.scalar(sa.select(ProgrammeRow)) is None


def test_rpl_opened_from_a_row_is_prefilled_and_links_back(client, auth, school):
    row = add_row(topic="Menenangkan diri saat marah", class_id=school["class_a"].id,
                  field=ServiceField.PERSONAL, target_group="Siswa kelas 7A",
                  method="Bimbingan klasikal", need="75% siswa kelas 7A (3 dari 4)", jp=2)
    auth.login("guru.a")
    page = client.get(f"/bk/rpl/baru?baris={row.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'value="Menenangkan diri saat marah"' in html and "75% siswa kelas 7A" in html
    assert f'name="programme_row_id" type="hidden" value="{row.id}"' in html
    assert client.get("/bk/rpl/baru?baris=999999").status_code == 404
    response = client.post("/bk/rpl/baru", data={
        "title": "Menenangkan diri (kelas 7A)", "class_id": str(school["class_a"].id),
        "component": "basic", "field": "pribadi", "topic": row.topic,
        "programme_row_id": str(row.id), "csrf_token": no_token(page)})
    assert response.status_code == 303
    plan = db.session.scalar(sa.select(ServicePlan))
    assert plan.programme_row_id == row.id
    back = f"/bk/program?tahun={row.school_year}#baris-{row.id}"
    assert back in client.get(f"/bk/rpl/{plan.id}").get_data(as_text=True)
    assert f"/bk/rpl/{plan.id}" in client.get(
        f"/bk/program?tahun={row.school_year}").get_data(as_text=True)
    # Its delivery, logged with the RPL, counts for the row.
    page = client.get(f"/bk/kegiatan?baris={row.id}")
    assert client.post("/bk/kegiatan", data={
        "kind": "classical", "held_on": date.today().isoformat(), "jp": "2",
        "plan_id": str(plan.id), "csrf_token": no_token(page)}).status_code == 303
    assert services.deliveries(row.school_year) == {
        row.id: services.Delivered(1, 2, [date.today()])}


def local(*args):
    return to_utc(datetime(*args))


def test_hours_sheet_counts_the_months_logged_activities(client, auth, school):
    counselor, other = school["counselor"], school["counselor_b"]
    for kind, day, jp in [(ActivityKind.CLASSICAL, 3, 2), (ActivityKind.CLASSICAL, 10, 2),
                          (ActivityKind.HOME_VISIT, 12, 2), (ActivityKind.CASE_CONFERENCE, 25, 2),
                          (ActivityKind.GROUP_COUNSELING, 30, 2)]:
        db.session.add(Activity(counselor_id=counselor.id, kind=kind,
                                held_on=date(2026, 11, day), jp=jp))
    # Not this counselor's, not this month's.
    db.session.add(Activity(counselor_id=other.id, kind=ActivityKind.CLASSICAL,
                            held_on=date(2026, 11, 4), jp=2))
    db.session.add(Activity(counselor_id=counselor.id, kind=ActivityKind.HOME_VISIT,
                            held_on=date(2026, 12, 1), jp=2))
    case = CounselingCase(student=school["student_a"], counselor=counselor)
    for held_at in (local(2026, 11, 5, 9), local(2026, 11, 5, 13), local(2026, 11, 16, 10),
                    local(2026, 12, 1, 0, 30)):
        db.session.add(SessionRecord(case=case, counselor_id=counselor.id, held_at=held_at,
                                     mode=Mode.CHAT, field=ServiceField.PERSONAL, topic="Topik",
                                     summary="Ringkasan"))
    db.session.add(CounselingCase(student=school["student_b"], counselor=counselor,
                                  status=CaseStatus.CLOSED, outcome=Outcome.REFERRAL,
                                  closed_at=local(2026, 11, 20, 11)))
    db.session.commit()

    sheet = hours.sheet(counselor, date(2026, 11, 1))
    lines = {line.kind: [tuple(week) for week in line.weeks] for line in sheet.lines}
    assert lines[ActivityKind.CLASSICAL] == [(1, 2), (1, 2), (0, 0), (0, 0)]
    assert lines[ActivityKind.INDIVIDUAL] == [(2, 4), (0, 0), (1, 2), (0, 0)]
    assert lines[ActivityKind.HOME_VISIT] == [(0, 0), (1, 2), (0, 0), (0, 0)]
    assert lines[ActivityKind.REFERRAL] == [(0, 0), (0, 0), (1, 2), (0, 0)]
    assert lines[ActivityKind.CASE_CONFERENCE] == [(0, 0), (0, 0), (0, 0), (1, 2)]
    assert lines[ActivityKind.GROUP_COUNSELING] == [(0, 0), (0, 0), (0, 0), (1, 2)]
    assert [sheet.week_jp(n) for n in range(4)] == [6, 4, 4, 4]
    assert (sheet.total_frequency, sheet.total_jp) == (9, 18)
    assert sheet.weekly_average == 4.5 and not sheet.meets_workload

    auth.login("guru.a")
    page = client.get("/bk/jam?bulan=2026-11").get_data(as_text=True)
    assert "Rata-rata per minggu: 4,5 JP dari 24 JP." in page
    assert "Belum memenuhi beban kerja." in page
    # The other counselor's sheet holds only their own classical guidance.
    other_sheet = hours.sheet(other, date(2026, 11, 1))
    assert (other_sheet.total_frequency, other_sheet.total_jp) == (1, 2)


def test_bad_periods_are_a_400_not_a_500(client, auth, school):
    auth.login("guru.a")
    for url in ("/bk/program?tahun=20x5", "/bk/program?tahun=99999999999999999999",
                "/bk/jam?bulan=2026-13", "/bk/kegiatan?bulan=kemarin",
                "/bk/program/semester?semester=ketiga"):
        assert client.get(url).status_code == 400, url


def test_counselor_cannot_delete_another_counselors_activity(client, auth, school):
    activity = Activity(counselor_id=school["counselor_b"].id, kind=ActivityKind.HOME_VISIT,
                        held_on=date(2026, 11, 2), jp=2)
    db.session.add(activity)
    db.session.commit()
    auth.login("guru.a")
    token = no_token(client.get("/bk/kegiatan"))
    assert client.post(f"/bk/kegiatan/{activity.id}/hapus",
                       data={"csrf_token": token}).status_code == 404
    assert db.session.get(Activity, activity.id) is not None


def test_out_of_class_activities_count_two_jp_whatever_is_typed(client, auth, school):
    auth.login("guru.a")
    token = no_token(client.get("/bk/kegiatan"))
    assert client.post("/bk/kegiatan", data={"kind": "home_visit", "held_on": "2026-11-02",
                                             "jp": "9", "csrf_token": token}).status_code == 303
    assert db.session.scalar(sa.select(Activity.jp)) == 2
    assert client.post("/bk/kegiatan", data={"kind": "individual", "held_on": "2026-11-02",
                                             "csrf_token": token}).status_code == 400


ROUTES = ["/bk/program", "/bk/program/semester", "/bk/program/baris/baru", "/bk/kegiatan",
          "/bk/jam"]


@pytest.mark.parametrize("url", ROUTES)
@pytest.mark.parametrize("person", ["siswa.a", "wali.a", "operator"])
def test_only_counselors_open_the_programme_pages(client, auth, school, person, url):
    auth.login(person)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", ROUTES)
def test_anonymous_visitors_are_sent_to_login(client, school, url):
    response = client.get(url)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
