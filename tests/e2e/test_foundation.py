"""Every demo role logs in on a phone and lands on its home; pages pass axe-core."""

import re

import pytest

from tests.e2e.conftest import axe_violations
from tests.e2e.conftest import login

ROLE_HOMES = [
    ("siswa.7a.01", "/siswa", "Halo, "),
    ("wali.7a", "/wali", "Beranda wali kelas"),
    ("guru.bk", "/bk", "Beranda Guru BK"),
    ("admin", "/admin/", "Beranda operator sekolah"),
]


def test_home_page_is_indonesian_and_offers_login(page):
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "id"
    assert page.get_by_role("heading", level=1).inner_text() == "Layanan BK daring"
    page.get_by_role("link", name="Masuk").first.click()
    assert page.url.endswith("/login")


@pytest.mark.parametrize("username,path,heading", ROLE_HOMES)
def test_each_demo_role_logs_in_and_sees_its_home(page, live_server, username, path, heading):
    login(page, username)
    assert page.url == live_server + path
    assert heading in page.get_by_role("heading", level=1).inner_text()


@pytest.mark.parametrize("username,path,heading", ROLE_HOMES)
def test_login_works_with_javascript_off(new_page, live_server, username, path, heading):
    page = new_page(js=False)
    login(page, username)
    assert page.url == live_server + path
    assert heading in page.get_by_role("heading", level=1).inner_text()


def test_wrong_password_gets_a_clear_message(page):
    login(page, "siswa.7a.02", "salah-sandi")
    assert "Nama pengguna atau kata sandi salah." in page.inner_text("main")


def test_quick_exit_ends_the_session(new_page, live_server):
    page = new_page(js=False)
    login(page, "siswa.7a.03")
    page.route("https://www.google.com/**", lambda route: route.fulfill(body="netral"))
    page.get_by_role("button", name="Keluar cepat").click()
    page.wait_for_url("https://www.google.com/**")
    page.goto(live_server + "/siswa")
    assert "/login" in page.url


def test_language_switch_to_english(page):
    page.goto("/login")
    page.get_by_role("button", name="English").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Log in"


@pytest.mark.parametrize("username,path", [(None, "/"), (None, "/login")]
                         + [(u, p) for u, p, _ in ROLE_HOMES]
                         + [("admin", "/admin/akun"), ("admin", "/admin/impor"),
                            ("admin", "/admin/pengaturan")])
def test_pages_have_no_serious_accessibility_issue(new_page, username, path):
    page = new_page(bypass_csp=True)
    if username:
        login(page, username)
    page.goto(path)
    assert axe_violations(page) == []


def test_page_reflows_at_200_percent_text(new_page):
    page = new_page(bypass_csp=True)
    page.goto("/login")
    page.add_style_tag(content="html { font-size: 200% !important; }")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    assert page.get_by_role("button", name="Masuk").is_visible()


def test_operator_imports_a_class_list_and_prints_one_slip_sheet_per_class(new_page, tmp_path):
    page = new_page(js=False)
    login(page, "admin")
    csv_file = tmp_path / "kelas-baru.csv"
    csv_file.write_text("nama,kelas,nis,jenis_kelamin\nLina Marlina,7C,9101,P\nOki Setiawan,7C,9102,L\n"
                        "Tari Ayu,8C,9103,P\n")
    page.goto("/admin/impor")
    page.get_by_label("Berkas daftar siswa dan guru (.csv atau .xlsx)").set_input_files(str(csv_file))
    page.get_by_role("button", name="Periksa dan impor").click()
    # On a busy machine the import outlasts the POST: the progress page (JS off) reloads
    # itself until the outcome shows.
    page.get_by_role("heading", name="Impor berhasil").wait_for(timeout=60_000)
    assert page.locator(".slip").count() == 3
    pdf = page.pdf(format="A4")
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 2
