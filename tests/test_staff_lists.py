"""Staff lists that grow: 50 a page, sorted by a column, searched (common/listing.py), and
the staff menu every staff page carries (issue 19 §1)."""

import re

import pytest
from werkzeug.datastructures import MultiDict

from cyberbk.accounts.models import Role
from cyberbk.accounts.models import User
from cyberbk.common import listing
from cyberbk.extensions import db
from tests import factories

SORTS = {"nama": (User.full_name, User.id), "username": (User.username,)}


@pytest.mark.parametrize("args, expected", [
    ({}, (1, "nama", False, "", {})),
    ({"page": "3", "sort": "-username", "q": "  siti   aminah ", "role": "student"},
     (3, "username", True, "siti aminah", {"role": "student"})),
    # A stale or tampered link falls back to the list's defaults instead of failing.
    ({"page": "-2", "sort": "password"}, (1, "nama", False, "", {})),
    ({"page": "99999999999999999999999"}, (1, "nama", False, "", {})),
    ({"q": "x" * 100}, (1, "nama", False, "x" * listing.SEARCH_MAX, {})),
])
def test_wanted_reads_page_order_and_search(app, args, expected):
    assert tuple(listing.wanted(SORTS, "nama", MultiDict(args))) == expected


def test_paginate_gives_fifty_rows_a_page_in_the_chosen_order(app):
    for number in range(120):
        factories.make_user(Role.STUDENT, f"siswa{number:03d}", f"Siswa {119 - number:03d}")
    db.session.commit()
    statement = db.select(User).where(User.role == Role.STUDENT)
    with app.test_request_context("/admin/akun"):
        first = listing.paginate(statement, SORTS, listing.wanted(SORTS, "nama", MultiDict()))
        last = listing.paginate(statement, SORTS, listing.wanted(
            SORTS, "nama", MultiDict({"page": "3", "sort": "-username"})))
    assert (first.total, first.pages, len(first.rows), len(last.rows)) == (120, 3, 50, 20)
    assert first.rows[0][0].full_name == "Siswa 000"
    assert [row[0].username for row in last.rows][:2] == ["siswa019", "siswa018"]


def test_matching_needs_every_word_and_escapes_wildcards(app):
    factories.make_user(Role.STUDENT, "siti.a", "Siti Aminah")
    factories.make_user(Role.STUDENT, "siti.b", "Siti Badriah")
    factories.make_user(Role.STUDENT, "persen", "Nama 100% Benar")
    db.session.commit()

    def found(search):
        return sorted(db.session.scalars(db.select(User.username).where(
            listing.matching(search, User.full_name, User.username))))

    assert found("SITI") == ["siti.a", "siti.b"]
    assert found("siti amin") == ["siti.a"]
    assert found("%") == ["persen"] and found("_") == []


def test_listing_links_keep_filters_and_turn_the_order_round(app):
    with app.test_request_context("/admin/akun?role=student&sort=nama&q=siti&page=2"):
        from flask import request
        rows = listing.Listing([], 120, 50, listing.wanted(SORTS, "nama", request.args))
        assert rows.sort_url("nama") == "/admin/akun?role=student&q=siti&sort=-nama"
        assert rows.sort_url("username") == "/admin/akun?role=student&q=siti&sort=username"
        assert rows.page_url(3) == "/admin/akun?role=student&q=siti&sort=nama&page=3"
        assert rows.aria_sort("nama") == "ascending" and rows.aria_sort("username") is None


def test_accounts_list_pages_sorts_and_searches(client, auth, school):
    for number in range(60):
        factories.make_user(Role.STUDENT, f"murid{number:02d}", f"Murid {number:02d}")
    db.session.commit()
    auth.login("operator")
    first = client.get("/admin/akun").get_data(as_text=True)
    assert "halaman 1 dari 2" in first and 'aria-sort="ascending"' in first
    assert first.count("<tr>") == 51  # the header row and fifty accounts
    backwards = client.get("/admin/akun?sort=-username").get_data(as_text=True)
    assert backwards.index("wali.b") < backwards.index("siswa.b") < backwards.index("murid59")
    found = client.get("/admin/akun?q=murid+07", headers={"HX-Request": "true",
                                                           "HX-Target": "akun-daftar"})
    text = found.get_data(as_text=True)
    assert "<html" not in text and "murid07" in text and "murid08" not in text
    assert "HX-Request" in found.headers["Vary"]


def test_cases_list_is_searched_by_student_name(client, auth, school):
    from cyberbk.booking.services import casework

    casework.open_case(school["student_a"], school["counselor"])
    casework.open_case(school["student_b"], school["counselor"])
    db.session.commit()
    auth.login("guru.a")
    page = client.get("/bk/kasus?q=siswa+b").get_data(as_text=True)
    assert "Siswa B" in page and "Siswa A" not in page
    assert 'aria-sort="descending"' in page  # newest first unless asked otherwise


def test_staff_pages_carry_the_roles_menu_with_what_waits(client, auth, school):
    factories.make_report("aku dipukul di kelas")
    factories.make_report("nilai turun")
    auth.login("guru.a")
    page = client.get("/bk/kasus").get_data(as_text=True)
    assert 'class="staff"' in page and "css/staff.css" in page
    menu = page[page.index('class="staff-nav"'):page.index("</nav>", page.index('class="staff-nav"'))]
    for section in ("Hari ini", "Kotak masalah", "Jadwal", "Rujukan", "Kasus", "Asesmen"):
        assert section in menu
    assert '<span class="visually-hidden"> cerita baru</span>' in menu
    assert 'href="/bk/kasus" aria-current="page"' in menu


def test_students_pages_keep_their_layout(client, auth, school):
    auth.login("siswa.a")
    page = client.get("/siswa").get_data(as_text=True)
    assert "staff" not in page


def test_counselors_bookings_list_pages_sorts_searches_and_filters(client, auth, school):
    from datetime import timedelta

    from cyberbk.booking.models import BookingStatus
    from tests.test_booking import make_booking

    class_b = school["class_b"]
    first = make_booking(school["student_a"], school["counselor"])
    for number in range(55):
        student = factories.make_user(Role.STUDENT, f"murid{number:02d}", f"Murid {number:02d}",
                                      school_class=class_b)
        make_booking(student, school["counselor"], status=BookingStatus.DONE,
                     starts_at=first.starts_at - timedelta(days=number + 1))
    # Another counselor's booking is not this counselor's to open (may_open).
    make_booking(school["student_b"], school["counselor_b"])
    auth.login("guru.a")
    page = client.get("/bk/jadwal/semua").get_data(as_text=True)
    assert "56 jadwal" in page and "halaman 1 dari 2" in page
    assert page.count("<tr>") == 51 and "Siswa B" not in page
    assert page.index("Siswa A") < page.index("Murid 00")  # newest first
    assert 'href="/bk/jadwal/semua?sort=-waktu&amp;page=2"' in page
    by_name = client.get("/bk/jadwal/semua?sort=-siswa").get_data(as_text=True)
    assert by_name.index("Siswa A") < by_name.index("Murid 54") < by_name.index("Murid 53")
    waiting = client.get("/bk/jadwal/semua?status=pending").get_data(as_text=True)
    assert "1 jadwal" in waiting and "Murid" not in waiting.split("<tbody>")[1]
    # A stale status is the whole list, not an error.
    assert client.get("/bk/jadwal/semua?status=hilang").status_code == 200
    found = client.get("/bk/jadwal/semua?q=murid+07", headers={
        "HX-Request": "true", "HX-Target": "jadwal-daftar"})
    text = found.get_data(as_text=True)
    assert "<html" not in text and "Murid 07" in text and "Murid 08" not in text
    assert "HX-Request" in found.headers["Vary"]
    by_class = client.get("/bk/jadwal/semua?q=7A").get_data(as_text=True)
    assert "1 jadwal" in by_class and "Siswa A" in by_class


def test_questionnaire_responses_list_pages_sorts_searches_and_invites(client, auth, school):
    from tests import test_assessments as helpers

    administration = helpers.give(helpers.make_instrument(), [school["class_a"]])
    helpers.add_response(administration, school["student_a"])
    for number in range(52):
        student = factories.make_user(Role.STUDENT, f"murid{number:02d}", f"Murid {number:02d}",
                                      school_class=school["class_a"])
        helpers.add_response(administration, student)
    auth.login("guru.a")
    url = f"/bk/asesmen/{administration.id}"
    page = client.get(url).get_data(as_text=True)
    assert "53 jawaban" in page and "halaman 1 dari 2" in page
    rows = page.split('id="jawaban-daftar"')[1].split("</tbody>")[0]
    assert rows.count("<tr>") == 51
    # Every row points at a student, so every row can invite them to talk.
    assert rows.count('/panggil">Panggil siswa') == 50
    backwards = client.get(url + "?sort=-nama").get_data(as_text=True)
    assert backwards.index("Siswa A") < backwards.index("Murid 51")
    found = client.get(url + "?q=murid+07", headers={"HX-Request": "true",
                                                      "HX-Target": "jawaban-daftar"})
    text = found.get_data(as_text=True)
    assert "<html" not in text and "Murid 07" in text and "Murid 08" not in text
    assert "1 jawaban" in text


def test_an_anonymous_questionnaire_has_no_list_of_names(client, auth, school):
    from tests import test_assessments as helpers

    administration = helpers.give(helpers.make_instrument(), [school["class_a"]], anonymous=True)
    helpers.add_response(administration, school["student_a"])
    auth.login("guru.a")
    page = client.get(f"/bk/asesmen/{administration.id}?q=siswa").get_data(as_text=True)
    assert 'id="jawaban-daftar"' not in page and "Siswa A" not in page


def menu_of(page):
    start = page.index('class="staff-nav"')
    return page[start:page.index("</nav>", start)]


def statements_during(call, user):
    """The SQL statements `call` runs, `user` loaded (and their role settled) before."""
    import sqlalchemy as sa

    assert user.acting_role is not None
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        result = call()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    return result, statements


def test_homeroom_teachers_menu_counts_answered_referrals_and_open_questionnaires(
        client, auth, school, app):
    from cyberbk.booking.models import Referral
    from cyberbk.booking.models import ReferralStatus
    from cyberbk.common import signals
    from tests import test_assessments as helpers

    for status in (ReferralStatus.RECEIVED, ReferralStatus.SCHEDULED, ReferralStatus.DONE):
        db.session.add(Referral(student_id=school["student_a"].id, status=status,
                                referrer_id=school["homeroom_a"].id, reason="Sering melamun"))
    # Another teacher's referral, and a questionnaire for another class, are not theirs.
    db.session.add(Referral(student_id=school["student_b"].id, status=ReferralStatus.DONE,
                            referrer_id=school["homeroom_b"].id, reason="Sering absen"))
    db.session.commit()
    helpers.give(helpers.make_instrument(), [school["class_a"]])
    helpers.give(helpers.make_instrument(), [school["class_b"]])
    auth.login("wali.a")
    menu = menu_of(client.get("/wali").get_data(as_text=True))
    assert '2<span class="visually-hidden"> dijawab BK minggu ini</span>' in menu
    assert '1<span class="visually-hidden"> angket sedang dibuka</span>' in menu
    with app.test_request_context():
        counts, statements = statements_during(
            lambda: signals.gather(signals.waiting_counts, school["homeroom_a"]), school["homeroom_a"])
    assert counts == {"referrals_answered": 2, "class_questionnaires": 1}
    assert len(statements) == 2  # one for each feature that has something waiting


def test_operators_menu_counts_running_imports_and_passwords_not_yet_used(
        client, auth, school, app):
    from cyberbk.accounts import services as accounts
    from cyberbk.admin import services as admin_services
    from cyberbk.common import jobs
    from cyberbk.common import signals

    accounts.reset_password(school["student_a"], by=school["admin"])
    accounts.reset_password(school["student_b"], by=school["admin"])
    db.session.add(jobs.Job(kind=admin_services.IMPORT_JOB, status=jobs.Status.RUNNING,
                            server="here", created_by_id=school["admin"].id))
    db.session.add(jobs.Job(kind=admin_services.IMPORT_JOB, status=jobs.Status.DONE,
                            server="here", created_by_id=school["admin"].id))
    db.session.commit()
    auth.login("operator")
    menu = menu_of(client.get("/admin/").get_data(as_text=True))
    assert '2<span class="visually-hidden"> sandi baru belum dipakai pemiliknya</span>' in menu
    assert '1<span class="visually-hidden"> impor sedang berjalan</span>' in menu
    with app.test_request_context():
        counts, statements = statements_during(
            lambda: signals.gather(signals.waiting_counts, school["admin"]), school["admin"])
    assert counts == {"imports_running": 1, "passwords_reset": 2}
    assert len(statements) == 1


def test_counselors_see_no_other_roles_counts(app, school):
    from cyberbk.common import signals

    with app.test_request_context():
        counts = signals.gather(signals.waiting_counts, school["counselor"])
    assert "passwords_reset" not in counts and "referrals_answered" not in counts


@pytest.mark.parametrize("path", ["/bk/target", "/bk/laporan", "/bk/audit", "/bk/retensi",
                                  "/data-siswa"])
def test_dashboard_pages_are_in_the_target_and_report_section_of_the_one_menu(
        client, auth, school, path):
    auth.login("guru.a")
    page = client.get(path).get_data(as_text=True)
    top = page[page.index('class="nav"'):page.index("</nav>", page.index('class="nav"'))]
    # The top bar keeps the account's links only; the sections are in the side menu.
    assert "/bk/laporan" not in top and "/bk/target" not in top and "/bk/siswa" not in top
    menu = menu_of(page)
    current = re.findall(r'<a href="([^"]+)" aria-current="(?:page|true)">\s*<span>([^<]+)',
                         menu)
    assert current == [("/bk/target", "Target dan laporan")]
    assert f'<a href="{path}" aria-current="page">' in menu  # its own page, under the section
    assert 'href="/bk/laporan"' in menu and 'href="/bk/retensi"' in menu


def test_the_student_search_is_a_section_of_the_counselors_menu(client, auth, school):
    auth.login("guru.a")
    menu = menu_of(client.get(f"/bk/siswa/{school['student_a'].id}").get_data(as_text=True))
    assert 'href="/bk/siswa" aria-current="true"' in menu
    # Other sections' pages are not listed while the section is not open.
    assert 'href="/bk/retensi"' not in menu and 'href="/bk/jam"' not in menu


@pytest.mark.parametrize("path", ["/bk/program", "/bk/program/semester", "/bk/kegiatan",
                                  "/bk/jam"])
def test_the_programme_pages_are_one_section_of_the_menu(client, auth, school, path):
    auth.login("guru.a")
    menu = menu_of(client.get(path).get_data(as_text=True))
    current = re.findall(r'<a href="([^"]+)" aria-current="(?:page|true)">\s*<span>([^<]+)',
                         menu)
    assert current == [("/bk/program", "Program BK")]
    assert f'<a href="{path}" aria-current="page">' in menu
    assert 'href="/bk/jam"' in menu and 'href="/bk/kegiatan"' in menu


def test_the_poster_page_is_in_the_outreach_section_of_the_menu(client, auth, school):
    auth.login("guru.a")
    menu = menu_of(client.get("/poster").get_data(as_text=True))
    current = re.findall(r'<a href="([^"]+)" aria-current="(?:page|true)">\s*<span>([^<]+)',
                         menu)
    assert [label for _url, label in current] == ["Sosialisasi"]


def test_operators_dashboard_pages_keep_the_operators_menu(client, auth, school):
    auth.login("operator")
    page = client.get("/data-siswa").get_data(as_text=True)
    assert 'href="/data-siswa" aria-current="page"' in menu_of(page)
    top = page[page.index('class="nav"'):page.index("</nav>", page.index('class="nav"'))]
    assert "/admin/akun" not in top
