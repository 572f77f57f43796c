"""Issue #20 §3, per role: the laiseg a class answers after a classical or group service
(anonymous, its figures only from a closed laiseg of MIN_GROUP_SIZE respondents), and the
laporan pelaksanaan program of a month, a semester or a year, whose numbers are counted
by hand from the fixtures below, in HTML and in XLSX. The counting tests run on SQLite and
on PostgreSQL (`database`)."""

import io
import re
from datetime import date
from datetime import timedelta

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from cyberbk.accounts.models import Role
from cyberbk.assessments.models import Administration
from cyberbk.assessments.models import Participation
from cyberbk.assessments.models import Response
from cyberbk.audit.models import AuditEntry
from cyberbk.common import signals
from cyberbk.common.schooltime import utcnow
from cyberbk.dashboard import periods
from cyberbk.dashboard import programme_report
from cyberbk.dashboard.models import ReportNote
from cyberbk.extensions import db
from cyberbk.outreach.models import ServiceComponent
from cyberbk.programme.models import Activity
from cyberbk.programme.models import ActivityKind
from cyberbk.programme.models import ProgrammeRow
from cyberbk.programme.models import Semester
from tests import factories
from tests.test_assessments import add_response

MIN = 5


@pytest.fixture
def big_class(school):
    """Class 7A with six students (siswa.a and five more)."""
    for n in range(2, 7):
        factories.make_user(Role.STUDENT, f"siswa.a{n}", f"Siswa A{n}",
                            school_class=school["class_a"])
    db.session.commit()
    return school


def log_classical(school, held_on=None, counselor=None):
    activity = Activity(counselor_id=(counselor or school["counselor"]).id,
                        kind=ActivityKind.CLASSICAL, held_on=held_on or date.today(), jp=2,
                        class_id=school["class_a"].id)
    db.session.add(activity)
    db.session.commit()
    return activity


def open_laiseg(client, activity):
    response = client.post(f"/bk/kegiatan/{activity.id}/laiseg")
    assert response.status_code == 303
    db.session.refresh(activity)
    return db.session.get(Administration, activity.laiseg_id)


def answer_anonymously(administration, school_class, choices):
    items = administration.instrument.items
    add_response(administration, answers=list(zip(items, choices)), school_class=school_class)


def result_of(app, administration):
    with app.test_request_context():  # the answer link is a URL of this server
        return signals.answer(signals.laiseg_results, app,
                              administration_ids=[administration.id])[administration.id]


def close(administration):
    now = utcnow()
    administration.opens_at, administration.closes_at = now - timedelta(hours=1), now
    db.session.commit()


# --- the laiseg ------------------------------------------------------------------------------

def test_counselor_opens_a_laiseg_with_a_qr_code_for_the_class(client, auth, big_class):
    activity = log_classical(big_class)
    auth.login("guru.a")
    administration = open_laiseg(client, activity)
    assert administration.anonymous and administration.instrument.builtin_key == "laiseg"
    assert [t.class_id for t in administration.targets] == [big_class["class_a"].id]
    assert administration.closes_at - administration.opens_at == timedelta(minutes=30)
    page = client.get(f"/bk/kegiatan/{activity.id}/laiseg").get_data(as_text=True)
    link = re.search(r'<figcaption><a href="([^"]+)"', page).group(1)
    assert f"/asesmen/{administration.slug}/k/" in link
    assert "<svg" in page and 'class="qr"' in page
    # A second press shows the same laiseg; none is opened twice.
    open_laiseg(client, activity)
    assert db.session.scalar(sa.select(sa.func.count(Administration.id))) == 1
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id)).where(
        AuditEntry.target_type == "laiseg")) == 1


def test_a_student_answers_through_the_class_link_and_no_account_is_kept(client, auth, app,
                                                                          big_class):
    activity = log_classical(big_class)
    auth.login("guru.a")
    administration = open_laiseg(client, activity)
    page = client.get(f"/bk/kegiatan/{activity.id}/laiseg").get_data(as_text=True)
    link = re.search(r'<figcaption><a href="http://[^/]+([^"]+)"', page).group(1)
    auth.logout()
    # Signed in or not: a signed-in student is sent to the questionnaire and answers it
    # with no account beside the answers.
    auth.login("siswa.a")
    assert client.get(link).status_code == 302
    slug = administration.slug
    items = administration.instrument.items
    assert client.post(f"/asesmen/{slug}/bagian/1",
                       data={f"q{item.id}": "3" for item in items}).status_code == 303
    assert client.post(f"/asesmen/{slug}/kirim").status_code == 303
    [response] = db.session.scalars(sa.select(Response)).all()
    assert response.user_id is None and response.is_anonymous and response.submitted_at
    assert db.session.get(Participation, (administration.id, big_class["student_a"].id))
    auth.logout()
    # Without an account, from the class's own link.
    visitor = app.test_client()
    assert visitor.get(link).status_code == 200
    assert visitor.post(link + "/mulai", data={"school_class": big_class["class_a"].id}
                        ).status_code == 303
    assert visitor.post(f"/asesmen/{slug}/bagian/1",
                        data={f"q{item.id}": "2" for item in items}).status_code == 303
    assert visitor.post(f"/asesmen/{slug}/kirim").status_code == 303
    assert result_of(app, administration).submitted == 2


def test_the_laiseg_aggregate_needs_a_closed_laiseg_of_the_minimum_group(database, client, auth,
                                                                         app, big_class):
    assert app.config["MIN_GROUP_SIZE"] == MIN
    class_a = big_class["class_a"]
    auth.login("guru.a")
    activity = log_classical(big_class)
    administration = open_laiseg(client, activity)
    # Four answers (understanding, comfort, action; 0 = Sangat tidak setuju ... 3).
    for choices in ((3, 3, 2), (2, 3, 2), (3, 2, 1), (2, 2, 3)):
        answer_anonymously(administration, class_a, choices)
    result = result_of(app, administration)
    assert (result.submitted, result.shown) == (4, False)
    page = client.get(f"/bk/kegiatan/{activity.id}/laiseg").get_data(as_text=True)
    assert "4 siswa sudah menjawab." in page and "Rata-rata (1–4)" not in page
    # The fifth answer: enough, but still open.
    answer_anonymously(administration, class_a, (3, 3, 3))
    assert not result_of(app, administration).shown
    # Closed: the means (1–4) and the share who agreed.
    assert client.post(f"/bk/kegiatan/{activity.id}/laiseg/tutup").status_code == 303
    db.session.refresh(administration)
    close(administration)
    result = result_of(app, administration)
    assert result.submitted == 5 and result.shown
    # Understanding 3,2,3,2,3 +1 → 4,3,4,3,4 = 3.6; comfort 4,4,3,3,4 = 3.6;
    # action 3,3,2,4,4 = 3.2. Agreed (choice ≥ 2): 5/5, 5/5, 4/5.
    assert result.means == pytest.approx((3.6, 3.6, 3.2))
    assert result.agreed == pytest.approx((100.0, 100.0, 80.0))
    page = client.get(f"/bk/kegiatan/{activity.id}/laiseg").get_data(as_text=True)
    assert "Rata-rata (1–4)" in page and "3,6" in page and "80%" in page

    # Another service whose laiseg closed with four answers gives no figures.
    other = log_classical(big_class)
    small = open_laiseg(client, other)
    for choices in ((3, 3, 3),) * 4:
        answer_anonymously(small, class_a, choices)
    close(small)
    assert (result_of(app, small).submitted, result_of(app, small).shown) == (4, False)


def test_the_counselor_closes_a_laiseg_early(client, auth, big_class):
    activity = log_classical(big_class)
    auth.login("guru.a")
    administration = open_laiseg(client, activity)
    # Opened a while ago: closing in the second it was opened is the next second's.
    administration.opens_at -= timedelta(minutes=5)
    db.session.commit()
    client.post(f"/bk/kegiatan/{activity.id}/laiseg/tutup")
    db.session.refresh(administration)
    assert administration.status == "closed"


def test_a_laiseg_is_for_classical_and_group_services_and_the_counselors_own(client, auth,
                                                                           big_class):
    visit = Activity(counselor_id=big_class["counselor"].id, kind=ActivityKind.HOME_VISIT,
                     held_on=date.today(), jp=2)
    others = log_classical(big_class, counselor=big_class["counselor_b"])
    db.session.add(visit)
    db.session.commit()
    auth.login("guru.a")
    assert client.post(f"/bk/kegiatan/{visit.id}/laiseg").status_code == 404
    assert client.post(f"/bk/kegiatan/{others.id}/laiseg").status_code == 404
    assert client.get(f"/bk/kegiatan/{others.id}/laiseg").status_code == 404
    assert db.session.scalar(sa.select(Administration)) is None


def test_homeroom_teacher_never_sees_a_laiseg(client, auth, big_class):
    activity = log_classical(big_class)
    auth.login("guru.a")
    administration = open_laiseg(client, activity)
    auth.logout()
    auth.login("wali.a")
    assert administration.title not in client.get("/wali/asesmen").get_data(as_text=True)
    assert administration.title not in client.get("/wali").get_data(as_text=True)
    assert client.get(f"/wali/asesmen/{administration.id}/kelas/{big_class['class_a'].id}"
                      ).status_code == 404
    assert client.get(f"/asesmen/{administration.slug}").status_code == 404


def test_the_session_evaluation_still_needs_an_invitation(client, auth, app, big_class):
    """Splitting "about counseling" from "by invitation" leaves the evaluation as it was."""
    from cyberbk.assessments import services as assessments

    instrument = assessments.ensure_builtin_instruments()["evaluasi-sesi"]
    evaluation = assessments.create_administration(
        instrument, None, "Evaluasi", utcnow() - timedelta(hours=1),
        utcnow() + timedelta(days=1), "classes", class_ids=[big_class["class_a"].id],
        anonymous=True, slug="evaluasi-uji")
    db.session.commit()
    auth.login("siswa.a")
    assert client.get("/asesmen/evaluasi-uji").status_code == 404
    assert "evaluasi-uji" not in client.get("/asesmen/").get_data(as_text=True)


# --- the report -------------------------------------------------------------------------------

NOVEMBER = periods.parse_month("2026-11")
ODD_2026 = periods.parse_semester("2026-ganjil")
YEAR_2026 = periods.parse_year("2026")


def row(component, month, jp, semester=Semester.ODD, topic="Layanan"):
    planned = ProgrammeRow(school_year=2026, component=component, topic=topic,
                           semester=semester, month=month, jp=jp, target_group="Siswa kelas 7A")
    db.session.add(planned)
    return planned


@pytest.fixture
def logged(school):
    """The programme 2026/2027 and what was held, counted by hand below.

    Rows: basic Nov 2 JP + Nov 2 JP + Oct 4 JP; planning Nov 2 JP; responsive any time in
    the odd semester 6 JP; system Feb (even) 2 JP.
    Held in November: two classical for the first basic row (2 + 2 JP), one for the second
    (2 JP), a group counseling for the responsive row (2), a home visit without a row (2);
    in October: one classical for the October row (2 JP); in March 2027: the system row (2).
    """
    counselor, other = school["counselor"], school["counselor_b"]
    basic_a = row(ServiceComponent.BASIC, 11, 2, topic="Mengelola emosi")
    basic_b = row(ServiceComponent.BASIC, 11, 2, topic="Cara belajar")
    basic_oct = row(ServiceComponent.BASIC, 10, 4, topic="Perundungan")
    row(ServiceComponent.PLANNING, 11, 2, topic="Memilih SMA")
    responsive = row(ServiceComponent.RESPONSIVE, None, 6, topic="Konseling kelompok")
    system = row(ServiceComponent.SYSTEM, 2, 2, semester=Semester.EVEN, topic="MGBK")
    row(ServiceComponent.BASIC, 11, 8).school_year = 2025  # another year: never counted
    db.session.flush()
    held = [
        (counselor, ActivityKind.CLASSICAL, date(2026, 11, 3), basic_a, school["class_a"]),
        (other, ActivityKind.CLASSICAL, date(2026, 11, 10), basic_a, school["class_b"]),
        (counselor, ActivityKind.CLASSICAL, date(2026, 11, 17), basic_b, school["class_a"]),
        (counselor, ActivityKind.GROUP_COUNSELING, date(2026, 11, 20), responsive, None),
        (counselor, ActivityKind.HOME_VISIT, date(2026, 11, 25), None, None),
        (counselor, ActivityKind.CLASSICAL, date(2026, 10, 6), basic_oct, school["class_a"]),
        (counselor, ActivityKind.CASE_CONFERENCE, date(2027, 3, 2), system, None),
    ]
    for who, kind, day, planned, school_class in held:
        db.session.add(Activity(counselor_id=who.id, kind=kind, held_on=day, jp=2,
                                row_id=planned.id if planned else None,
                                class_id=school_class.id if school_class else None))
    db.session.commit()
    return school


def lines_of(part):
    return {line.component: (line.planned_rows, line.planned_jp, line.delivered,
                             line.delivered_jp) for line in part.lines}


def test_month_report_compares_delivered_with_planned_per_component(database, app, logged):
    part = programme_report.programme_part(NOVEMBER)
    assert lines_of(part) == {
        ServiceComponent.BASIC: (2, 4, 3, 6),
        ServiceComponent.PLANNING: (1, 2, 0, 0),
        # Planned for the whole semester: no month's.
        ServiceComponent.RESPONSIVE: (0, 0, 1, 2),
        ServiceComponent.SYSTEM: (0, 0, 0, 0),
        None: (0, 0, 1, 2),
    }
    total = part.total
    assert (total.planned_rows, total.planned_jp, total.delivered, total.delivered_jp) == \
        (3, 6, 5, 10)
    assert [s.held_on.day for s in part.services] == [3, 10, 17, 20, 25]
    assert part.lines[0].percent == pytest.approx(150.0)


def test_semester_and_year_reports_count_their_own_rows_and_services(database, app, logged):
    assert lines_of(programme_report.programme_part(ODD_2026)) == {
        ServiceComponent.BASIC: (3, 8, 4, 8),
        ServiceComponent.PLANNING: (1, 2, 0, 0),
        ServiceComponent.RESPONSIVE: (1, 6, 1, 2),
        ServiceComponent.SYSTEM: (0, 0, 0, 0),
        None: (0, 0, 1, 2),
    }
    assert lines_of(programme_report.programme_part(YEAR_2026)) == {
        ServiceComponent.BASIC: (3, 8, 4, 8),
        ServiceComponent.PLANNING: (1, 2, 0, 0),
        ServiceComponent.RESPONSIVE: (1, 6, 1, 2),
        ServiceComponent.SYSTEM: (1, 2, 1, 2),
        None: (0, 0, 1, 2),
    }


def component_rows(html):
    """{label: [cells]} of the report's first table (per component)."""
    table = html[html.index('id="lap-kegiatan"'):html.index('id="lap-waktu"')]
    found = {}
    for label, cells in re.findall(r'<tr><th scope="row">([^<]+)</th>(.*?)</tr>', table):
        found[label] = re.findall(r"<td>([^<]*)</td>", cells)
    return found


def test_report_page_has_the_seven_parts_with_the_hand_counted_numbers(client, auth, logged):
    auth.login("guru.a")
    response = client.get("/bk/laporan?periode=2026-11")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for part in ("1. Kegiatan yang dilaksanakan", "2. Waktu pelaksanaan", "3. Sasaran",
                 "4. Hasil", "5. Analisis hasil", "6. Tindak lanjut",
                 "7. Faktor pendukung dan penghambat"):
        assert part in html
    assert component_rows(html) == {
        "Layanan dasar": ["2", "4", "3", "6", "150%"],
        "Peminatan dan perencanaan individual": ["1", "2", "0", "0", "0%"],
        "Layanan responsif": ["0", "0", "1", "2", "–"],
        "Dukungan sistem": ["0", "0", "0", "0", "–"],
        "Di luar program": ["0", "0", "1", "2", "–"],
        "Jumlah": ["3", "6", "5", "10", "167%"],
    }
    assert "Siswa kelas 7A" in html and "Mengelola emosi" in html
    assert "data-print" in html and "print-signer-name" in html
    assert "style=" not in html
    for key in ("2026-ganjil", "2026"):
        assert client.get(f"/bk/laporan?periode={key}").status_code == 200
    assert '<option value="2026" selected>' in client.get(
        "/bk/laporan?periode=2026").get_data(as_text=True)


def test_report_xlsx_holds_the_same_numbers(database, client, auth, logged):
    auth.login("guru.a")
    book = load_workbook(io.BytesIO(client.get("/bk/laporan.xlsx?periode=2026-11").data))
    assert book.sheetnames[:3] == ["Ringkasan", "Per kelas", "Per tingkat"]
    components = list(book["Per komponen"].iter_rows(values_only=True))
    assert components[0] == ("Komponen", "Baris direncanakan", "JP direncanakan",
                             "Layanan terlaksana", "JP terlaksana", "Ketercapaian JP (%)")
    assert components[1:] == [
        ("Layanan dasar", 2, 4, 3, 6, 150),
        ("Peminatan dan perencanaan individual", 1, 2, 0, 0, 0),
        ("Layanan responsif", 0, 0, 1, 2, None),
        ("Dukungan sistem", 0, 0, 0, 0, None),
        ("Di luar program", 0, 0, 1, 2, None),
        ("Jumlah", 3, 6, 5, 10, 166.7),
    ]
    services = list(book["Kegiatan"].iter_rows(values_only=True))
    assert [r[0] for r in services[1:]] == ["2026-11-03", "2026-11-10", "2026-11-17",
                                            "2026-11-20", "2026-11-25"]
    assert services[1][1:6] == ("Bimbingan klasikal", "Layanan dasar", "Mengelola emosi",
                                "Siswa kelas 7A", 2)


def test_the_report_carries_each_services_laiseg_when_shown(database, client, auth, app,
                                                             big_class):
    class_a = big_class["class_a"]
    auth.login("guru.a")
    shown = log_classical(big_class, held_on=date(2026, 11, 4))
    hidden = log_classical(big_class, held_on=date(2026, 11, 5))
    for activity, answers in ((shown, 5), (hidden, 3)):
        administration = open_laiseg(client, activity)
        for _n in range(answers):
            answer_anonymously(administration, class_a, (3, 2, 1))
        close(administration)
    with app.test_request_context():
        part = programme_report.programme_part(NOVEMBER)
    assert (part.laiseg_given, part.laiseg_shown) == (2, 1)
    assert part.laiseg_means == pytest.approx((4.0, 3.0, 2.0))
    html = client.get("/bk/laporan?periode=2026-11").get_data(as_text=True)
    assert "1 dari 2 layanan berlaiseg punya rekap" in html
    book = load_workbook(io.BytesIO(client.get("/bk/laporan.xlsx?periode=2026-11").data))
    services = list(book["Kegiatan"].iter_rows(values_only=True))
    assert services[1][6:] == (5, 4, 3, 2)
    assert services[2][6:] == (3, None, None, None)


def test_counselor_writes_the_analysis_of_a_period_beside_its_figures(client, auth, logged):
    auth.login("guru.a")
    page = client.get("/bk/laporan/catatan?periode=2026-11").get_data(as_text=True)
    assert "Angka periode ini" in page and "Layanan dasar" in page
    response = client.post("/bk/laporan/catatan?periode=2026-11", data={
        "analysis": "  Layanan dasar melampaui rencana.  ", "follow_up": "Konseling kelompok",
        "supporting": "Wali kelas mendukung", "hindering": "Jam BK terbatas"})
    assert response.status_code == 303
    note = db.session.scalar(sa.select(ReportNote))
    assert (note.period_key, note.analysis) == ("2026-11", "Layanan dasar melampaui rencana.")
    html = client.get("/bk/laporan?periode=2026-11").get_data(as_text=True)
    assert "Jam BK terbatas" in html and "Wali kelas mendukung" in html
    # Another period has its own words.
    assert "Jam BK terbatas" not in client.get("/bk/laporan?periode=2026-10").get_data(
        as_text=True)
    entry = db.session.scalar(sa.select(AuditEntry).where(
        AuditEntry.target_type == "report_note"))
    assert (entry.action, entry.target_id) == ("update", "2026-11")
    book = load_workbook(io.BytesIO(client.get("/bk/laporan.xlsx?periode=2026-11").data))
    assert list(book["Analisis"].iter_rows(values_only=True))[3] == (
        "Faktor penghambat", "Jam BK terbatas")
    too_long = client.post("/bk/laporan/catatan?periode=2026-11", data={"analysis": "x" * 4001})
    assert too_long.status_code == 400
    assert "paling banyak 4000 karakter" in too_long.get_data(as_text=True)
    assert client.get("/bk/laporan/catatan?periode=2026-13").status_code == 400


@pytest.mark.parametrize("url", ["/bk/laporan/catatan", "/bk/kegiatan/1/laiseg"])
@pytest.mark.parametrize("person", ["siswa.a", "wali.a", "operator"])
def test_only_counselors_open_the_report_notes_and_laisegs(client, auth, school, person, url):
    auth.login(person)
    assert client.get(url).status_code == 403


# --- the side menu ----------------------------------------------------------------------------

@pytest.mark.parametrize("path,section", [("/bk/jam", "Program BK"),
                                          ("/bk/kegiatan", "Program BK"),
                                          ("/bk/program/semester", "Program BK"),
                                          ("/bk/laporan", "Target dan laporan"),
                                          ("/bk", "Hari ini")])
def test_the_side_menu_marks_the_section_of_the_page(client, auth, school, path, section):
    auth.login("guru.a")
    html = client.get(path).get_data(as_text=True)
    nav = html[html.index('class="staff-nav"'):]
    nav = nav[:nav.index("</nav>")]
    current = re.findall(r'aria-current="[^"]+">\s*<span>([^<]+)</span>', nav)
    assert current == [section]


def test_an_rpls_delivery_is_logged_from_its_page_and_then_takes_a_laiseg(client, auth,
                                                                          big_class):
    from cyberbk.outreach.models import ServicePlan

    plan = ServicePlan(title="Mengelola emosi (kelas 7A)", class_id=big_class["class_a"].id,
                       author=big_class["counselor"])
    db.session.add(plan)
    db.session.commit()
    auth.login("guru.a")
    assert f"/bk/kegiatan?rpl={plan.id}" in client.get(f"/bk/rpl/{plan.id}").get_data(
        as_text=True)
    page = client.get(f"/bk/kegiatan?rpl={plan.id}").get_data(as_text=True)
    assert re.search(rf'<option selected value="{plan.id}">Mengelola emosi', page)
    assert '<option selected value="classical">' in page
    response = client.post("/bk/kegiatan", data={
        "kind": "classical", "held_on": date.today().isoformat(), "jp": "2",
        "plan_id": str(plan.id), "class_id": str(big_class["class_a"].id)},
        follow_redirects=True)
    assert "Buka laiseg-nya dari daftar" in response.get_data(as_text=True)
    activity = db.session.scalar(sa.select(Activity))
    administration = open_laiseg(client, activity)
    assert administration.title.startswith("Laiseg: Mengelola emosi (kelas 7A)")
