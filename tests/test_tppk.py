"""The TPPK lane (issue 21 §3, Permendikbudristek 46/2023), per role: who reads what reached
the lane, the 30-day clock, the report for the Dinas, and a student's own report."""

from datetime import datetime

import pytest
import sqlalchemy as sa

from cyberbk.accounts.models import Role
from cyberbk.audit.models import AuditEntry
from cyberbk.booking.models import CounselingCase
from cyberbk.common import schooltime
from cyberbk.common import signals
from cyberbk.extensions import db
from cyberbk.school.services import get_settings
from cyberbk.tppk import services
from cyberbk.tppk.models import Source
from cyberbk.tppk.models import Step
from cyberbk.tppk.models import TppkCase
from cyberbk.tppk.models import TppkMember
from tests import factories

STORY = "Aku dipukul kakak kelas di belakang kantin, katanya besok aku dihajar lagi."
THREAD_REPLY = "Rahasia di percakapan: aku takut sekali pulang sekolah."


@pytest.fixture
def lane(school):
    """A school with its TPPK: an account of the role, and a counselor listed as a member."""
    school["tppk"] = factories.make_user(Role.TPPK, "tppk.a", "Bu Sari TPPK")
    db.session.add(TppkMember(user_id=school["counselor_b"].id))
    db.session.commit()
    return school


def routed_story(client, auth, body=STORY, share_words=False, author=None):
    """A counselor routes a problem-box story to the TPPK, as from its page."""
    report, _code = factories.make_report(body, author=author)
    from cyberbk.problembox import services as problembox

    problembox.add_counselor_reply(report, user_named("guru.a"), "Terima kasih sudah cerita.")
    problembox.add_student_reply(report, THREAD_REPLY)
    db.session.commit()
    auth.login("guru.a")
    data = {"summary": "Siswa kelas 7 dipukul kakak kelas dua kali minggu ini.",
            "student_told": "y"}
    if share_words:
        data["share_words"] = "y"
    response = client.post(f"/tppk/teruskan/kotak/{report.id}", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)
    auth.logout()
    return report, db.session.scalars(sa.select(TppkCase)).one()


def user_named(username):
    from cyberbk.accounts.models import User

    return db.session.scalars(sa.select(User).where(User.username == username)).one()


def test_a_counselor_routes_a_story_and_the_member_reads_only_the_shared_summary(
        client, auth, lane):
    report, case = routed_story(client, auth)
    assert case.source == Source.STORY and case.student_told and case.student_words is None
    # An anonymous story keeps its anonymity in the lane: no person, hours only.
    assert case.is_anonymous and case.student_id is None
    assert case.received_at.minute == 0 and case.received_at.second == 0
    auth.login("tppk.a")
    page = client.get(f"/tppk/{case.id}").get_data(as_text=True)
    assert "dipukul kakak kelas dua kali" in page
    assert STORY not in page and THREAD_REPLY not in page
    # The counseling thread itself stays closed to the member.
    assert client.get(f"/bk/kotak/{report.id}").status_code == 403


def test_the_students_words_go_only_when_the_counselor_ticks_it(client, auth, lane):
    _report, case = routed_story(client, auth, share_words=True)
    auth.login("tppk.a")
    page = client.get(f"/tppk/{case.id}").get_data(as_text=True)
    assert STORY in page and THREAD_REPLY not in page


def test_routing_needs_the_student_told_beforehand(client, auth, lane):
    report, _code = factories.make_report(STORY)
    auth.login("guru.a")
    response = client.post(f"/tppk/teruskan/kotak/{report.id}", data={"summary": "Ringkasan."})
    assert response.status_code == 400
    assert "Beri tahu siswa lebih dulu" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(TppkCase.id))) == 0


def test_a_story_flagged_for_violence_shows_the_tppk_button_prominently(client, auth, lane):
    report, _code = factories.make_report(STORY)
    auth.login("guru.a")
    page = client.get(f"/bk/kotak/{report.id}").get_data(as_text=True)
    assert "Cerita ini menyebut kekerasan" in page
    assert page.index('id="tppk"') < page.index(STORY)
    calm, _code = factories.make_report("Aku bingung memilih SMA.")
    page = client.get(f"/bk/kotak/{calm.id}").get_data(as_text=True)
    assert "Cerita ini menyebut kekerasan" not in page and "Teruskan ke TPPK" in page


def test_the_story_page_says_when_it_was_routed(client, auth, lane):
    report, _case = routed_story(client, auth)
    auth.login("guru.a")
    page = client.get(f"/bk/kotak/{report.id}").get_data(as_text=True)
    assert "Diteruskan ke TPPK pada" in page
    # Routed once: a second routing goes back to the story.
    assert client.get(f"/tppk/teruskan/kotak/{report.id}").status_code == 303


def test_a_counselor_routes_their_own_case_with_a_summary_only(client, auth, lane):
    counseling_case = CounselingCase(student_id=lane["student_a"].id,
                                     counselor_id=lane["counselor"].id)
    db.session.add(counseling_case)
    db.session.commit()
    auth.login("guru.b")  # not the case's counselor
    assert client.get(f"/tppk/teruskan/kasus/{counseling_case.id}").status_code == 404
    auth.logout()
    auth.login("guru.a")
    assert "Teruskan ke TPPK" in client.get(f"/bk/kasus/{counseling_case.id}").get_data(
        as_text=True)
    response = client.post(f"/tppk/teruskan/kasus/{counseling_case.id}",
                           data={"summary": "Perundungan di kelas.", "student_told": "y"})
    assert response.status_code == 303
    case = db.session.scalars(sa.select(TppkCase)).one()
    assert case.source == Source.CASE and case.student_id == lane["student_a"].id


def test_a_tppk_member_sees_only_what_was_routed_and_every_reading_is_audited(
        client, auth, lane):
    _report, case = routed_story(client, auth)
    for username in ("tppk.a", "guru.b"):  # by role, and a counselor listed as member
        auth.login(username)
        assert f"/tppk/{case.id}" in client.get("/tppk").get_data(as_text=True)
        assert client.get(f"/tppk/{case.id}").status_code == 200
        auth.logout()
    reads = db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.target_type == "tppk_case", AuditEntry.action == "read")).all()
    assert {entry.actor_id for entry in reads} == {lane["tppk"].id, lane["counselor_b"].id}


@pytest.mark.parametrize("username", ["guru.a", "wali.a", "siswa.a", "operator"])
def test_nobody_but_a_member_opens_a_tppk_case(client, auth, lane, username):
    """Not the counselor who routed it (no member), a homeroom teacher, a student, the
    operator."""
    _report, case = routed_story(client, auth)
    auth.login(username)
    for path in (f"/tppk/{case.id}", f"/tppk/{case.id}/cetak"):
        assert client.get(path).status_code in (403, 404)
    listing = client.get("/tppk")
    assert listing.status_code in (200, 403)
    assert f"/tppk/{case.id}" not in listing.get_data(as_text=True)


def test_homeroom_teacher_and_student_see_nothing_of_the_lane(client, auth, lane):
    _report, case = routed_story(client, auth)
    for username in ("wali.a", "siswa.a"):
        auth.login(username)
        assert client.get("/tppk").status_code == 403
        assert client.post(f"/tppk/{case.id}/catatan", data={"note-body": "x"}).status_code == 403
        auth.logout()


def test_a_counselor_taken_off_the_member_list_opens_nothing(client, auth, lane):
    _report, case = routed_story(client, auth)
    db.session.delete(db.session.get(TppkMember, lane["counselor_b"].id))
    db.session.commit()
    auth.login("guru.b")
    assert client.get(f"/tppk/{case.id}").status_code == 404
    assert "Anda bukan anggota TPPK" in client.get("/tppk").get_data(as_text=True)


def at_school(monkeypatch, year, month, day, hour=9):
    """The clock the lane reads (schooltime.utcnow), set to a wall-clock time at school."""
    moment = schooltime.to_utc(datetime(year, month, day, hour))
    monkeypatch.setattr(schooltime, "utcnow", lambda: moment)


def test_the_examination_clock_counts_30_days_and_turns_red_when_overdue(
        app, client, auth, lane, monkeypatch):
    at_school(monkeypatch, 2026, 9, 1)
    _report, case = routed_story(client, auth)
    assert case.deadline == datetime(2026, 10, 1).date()
    auth.login("tppk.a")
    at_school(monkeypatch, 2026, 9, 11)
    assert case.days_left() == 20
    assert "20 hari lagi" in client.get("/tppk").get_data(as_text=True)
    at_school(monkeypatch, 2026, 10, 1)
    assert "Batas pemeriksaan hari ini" in client.get(f"/tppk/{case.id}").get_data(as_text=True)
    at_school(monkeypatch, 2026, 10, 4)
    assert case.overdue()
    page = client.get("/tppk").get_data(as_text=True)
    assert "tppk-overdue" in page and "Lewat 3 hari dari batas 30 hari" in page
    # The examination recorded stops the clock.
    response = client.post(f"/tppk/{case.id}/langkah", data={
        "step": "examination", "done_on": "2026-10-03", "note": "Saksi diperiksa."})
    assert response.status_code == 303
    page = client.get("/tppk").get_data(as_text=True)
    assert "tppk-overdue" not in page and "Pemeriksaan selesai 3 Okt 2026" in page


def test_steps_record_who_did_what_and_when(client, auth, lane):
    _report, case = routed_story(client, auth)
    auth.login("guru.b")
    client.post(f"/tppk/{case.id}/langkah", data={
        "step": "parents", "done_on": "2026-09-02", "note": "Orang tua ditelepon."})
    step = case.steps[0]
    assert step.step == Step.PARENTS and step.by_id == lane["counselor_b"].id
    page = client.get(f"/tppk/{case.id}").get_data(as_text=True)
    assert "Orang tua diberi tahu" in page and "Orang tua ditelepon." in page
    bad = client.post(f"/tppk/{case.id}/langkah", data={"step": "apa", "done_on": "kemarin"})
    assert bad.status_code == 400 and "Pilih langkahnya." in bad.get_data(as_text=True)


def test_the_report_for_the_dinas_prints_with_the_letterhead_and_signatures(
        client, auth, lane):
    settings = get_settings()
    settings.name, settings.principal_name = "SMP Negeri Contoh", "Drs. Budi"
    db.session.commit()
    _report, case = routed_story(client, auth)
    auth.login("tppk.a")
    page = client.get(f"/tppk/{case.id}/cetak")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'class="print-letterhead"' in text and "SMP Negeri Contoh" in text
    assert "print-signatures" in text and "Drs. Budi" in text and "Ketua TPPK" in text
    assert "Dinas Pendidikan" in text and "Pemeriksaan" in text
    assert STORY not in text
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id)).where(
        AuditEntry.action == "print", AuditEntry.target_type == "tppk_case")) == 1


@pytest.fixture
def alerts_told():
    told = []

    def listen(_sender, **values):
        told.append(values)

    signals.counselor_alert.connect(listen)
    yield told
    signals.counselor_alert.disconnect(listen)


def test_a_student_reports_violence_anonymously(client, lane, alerts_told):
    form = client.get("/kotak/kekerasan").get_data(as_text=True)
    assert "30 hari" in form and "wajib melindungimu" in form and "include_name" not in form
    assert "/kotak/kekerasan" in client.get("/kotak").get_data(as_text=True)
    response = client.post("/kotak/kekerasan", data={"body": STORY, "submission": "abc"})
    assert response.status_code == 200
    assert "sudah terkirim ke TPPK" in response.get_data(as_text=True)
    case = db.session.scalars(sa.select(TppkCase)).one()
    assert case.is_anonymous and case.student_id is None and case.student_words == STORY
    assert case.received_at.minute == 0 and case.received_at.second == 0
    # The counselors hear that a report waits, nothing of it.
    [alert] = alerts_told
    assert alert["kind"] == "tppk" and alert["anonymous"] is True
    assert STORY not in repr(alert)
    # The same filling-in sent again is stored once.
    client.post("/kotak/kekerasan", data={"body": STORY, "submission": "abc"})
    assert db.session.scalar(sa.select(sa.func.count(TppkCase.id))) == 1


def test_a_signed_in_student_is_anonymous_unless_they_give_their_name(
        client, auth, lane, alerts_told):
    auth.login("siswa.a")
    assert 'name="include_name"' in client.get("/kotak/kekerasan").get_data(as_text=True)
    client.post("/kotak/kekerasan", data={"body": "Aku diancam di grup kelas."})
    client.post("/kotak/kekerasan", data={"body": "Aku dipalak tiap hari.", "include_name": "y"})
    anonymous, named = db.session.scalars(sa.select(TppkCase).order_by(TppkCase.id)).all()
    assert anonymous.student_id is None and named.student_id == lane["student_a"].id
    assert [alert["anonymous"] for alert in alerts_told] == [True, False]
    auth.logout()
    auth.login("tppk.a")
    assert "Siswa A" in client.get(f"/tppk/{named.id}").get_data(as_text=True)
    assert "Anonim" in client.get(f"/tppk/{anonymous.id}").get_data(as_text=True)


def test_an_empty_report_is_refused_with_a_message(client, lane):
    response = client.post("/kotak/kekerasan", data={"body": "   "})
    assert response.status_code == 400
    assert "Tulis dulu apa yang terjadi" in response.get_data(as_text=True)


def test_the_operator_lists_the_members_and_the_violence_contact(client, auth, lane):
    auth.login("operator")
    page = client.get("/admin/tppk").get_data(as_text=True)
    assert "Bu Sari TPPK" in page and "Guru BK B" in page
    client.post("/admin/tppk", data={"contact-tppk_contact": "Bu Sari, 0812-0000-0009"})
    assert get_settings().tppk_contact == "Bu Sari, 0812-0000-0009"
    client.post("/admin/tppk/anggota", data={"member-user_id": str(lane["counselor"].id)})
    assert db.session.get(TppkMember, lane["counselor"].id) is not None
    client.post(f"/admin/tppk/anggota/{lane['counselor'].id}/hapus")
    assert db.session.get(TppkMember, lane["counselor"].id) is None
    auth.logout()
    assert "Bu Sari, 0812-0000-0009" in client.get("/kotak/kekerasan").get_data(as_text=True)


def staff_menu(page):
    """The side menu of a staff page (templates/_staff_nav.html)."""
    start = page.index('<nav class="staff-nav"')
    return page[start:page.index("</nav>", start)]


def test_the_side_menu_shows_the_lane_to_its_members_only(client, auth, lane, monkeypatch):
    at_school(monkeypatch, 2026, 9, 1)
    routed_story(client, auth)
    at_school(monkeypatch, 2026, 10, 5)
    services.report_violence("Aku diancam kakak kelas.")  # today: waiting, not overdue
    db.session.commit()
    for username, home in (("tppk.a", "/tppk"), ("guru.b", "/bk")):
        auth.login(username)
        menu = staff_menu(client.get(home).get_data(as_text=True))
        assert 'href="/tppk"' in menu
        # Two wait for their examination, one of them past the 30 days (red).
        assert "staff-count-urgent\">1<" in menu and ">2<span class=\"visually-hidden\"> " \
            "belum diperiksa" in menu
        # The lane's pages keep that one menu, with their section marked: no menu of their own.
        case_page = client.get("/tppk/1").get_data(as_text=True)
        assert 'href="/tppk" aria-current="true"' in staff_menu(case_page)
        main_menu = case_page[case_page.index('<nav class="nav"'):]
        assert "/tppk\"" not in main_menu[:main_menu.index("</nav>")]
        auth.logout()
    auth.login("guru.a")  # a counselor who is no member
    menu = staff_menu(client.get("/bk").get_data(as_text=True))
    assert "/tppk" not in menu and "TPPK" not in menu
    # Routing a story to the TPPK is part of the problem box for them.
    report, _code = factories.make_report("Aku dipukul di kelas.")
    route_page = client.get(f"/tppk/teruskan/kotak/{report.id}").get_data(as_text=True)
    assert 'href="/bk/kotak" aria-current="true"' in staff_menu(route_page)
