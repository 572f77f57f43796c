"""The counselor's dashboard and data care in a browser: the polled summary, semester
targets, the printable monthly report with its XLSX, and the operator's consent letters
(one page each) and register; with and without JavaScript."""

import re

from tests.e2e.conftest import axe_violations
from tests.e2e.conftest import login

LAPTOP = {"width": 1280, "height": 800}


def test_home_summary_polls_every_minute(new_page):
    page = new_page()
    page.clock.install()
    login(page, "guru.bk")
    summary = page.locator("#ringkasan-hari-ini")
    assert summary.get_by_role("heading", name="Ringkasan hari ini").is_visible()
    assert summary.get_by_role("link", name=re.compile("laporan mendesak")).is_visible()
    with page.expect_response(lambda r: r.url.endswith("/bk/ringkasan")) as polled:
        page.clock.run_for("01:05")
    assert polled.value.status == 200
    assert "<html" not in polled.value.text()
    page.wait_for_function("document.querySelectorAll('#ringkasan-hari-ini').length === 1")
    assert page.get_by_role("heading", name="Beranda Guru BK").is_visible()


def test_counselor_sets_a_target_and_watches_progress(new_page):
    page = new_page(bypass_csp=True)
    login(page, "guru.bk")
    page.get_by_role("link", name="Target semester").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Target semester").is_visible()
    page.get_by_label("Sesi konseling individu").fill("40")
    page.get_by_label("Rata-rata nilai evaluasi sesi").fill("3.2")
    page.get_by_role("button", name="Simpan target").click()
    page.wait_for_load_state()
    assert "disimpan" in page.inner_text(".flashes")
    assert page.locator(".db-targets svg.db-bar").count() == 2
    assert page.get_by_label("Sesi konseling individu").input_value() == "40"
    assert axe_violations(page) == []


def test_targets_form_works_without_javascript(new_page):
    page = new_page(js=False)
    login(page, "guru.bk2")
    page.goto("/bk/target")
    page.get_by_label("Bimbingan klasikal terlaksana").fill("6")
    page.get_by_role("button", name="Simpan target").click()
    page.wait_for_load_state()
    assert page.get_by_label("Bimbingan klasikal terlaksana").input_value() == "6"
    page.get_by_label("Siswa yang sudah mengisi daftar cek masalah").fill("150")
    page.get_by_role("button", name="Simpan target").click()
    page.wait_for_load_state()
    assert page.locator(".error", has_text="Isi angka dari 1 sampai 100").is_visible()


def test_monthly_report_prints_for_the_principal_and_downloads_as_xlsx(new_page):
    page = new_page(viewport=LAPTOP, bypass_csp=True)
    login(page, "guru.bk")
    page.goto("/bk/laporan")
    assert page.get_by_role("heading", name="Laporan pelaksanaan program BK").is_visible()
    assert page.get_by_role("button", name="Cetak").is_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh Excel (XLSX)").click()
    assert re.fullmatch(r"laporan-bk-\d{4}-\d{2}\.xlsx", download.value.suggested_filename)
    assert axe_violations(page) == []
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator(".db-picker").is_visible()
    assert page.get_by_role("heading", name="Layanan menurut bidang dan cara").is_visible()


def test_operator_prints_consent_letters_one_per_page_and_registers_them(new_page):
    page = new_page(viewport=LAPTOP)
    login(page, "admin")
    page.get_by_role("link", name=re.compile("Persetujuan orang tua")).click()
    page.wait_for_load_state()
    page.get_by_role("link", name="7A").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Cetak surat kelas ini").click()
    page.wait_for_load_state()
    letters = page.locator("article.db-letter").count()
    assert letters == 8
    pdf = page.pdf(format="A4")
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == letters

    nojs = new_page(js=False, viewport=LAPTOP)
    login(nojs, "admin")
    nojs.goto("/admin/persetujuan")
    nojs.get_by_role("link", name="7A").click()
    nojs.wait_for_load_state()
    boxes = nojs.locator("input[type=checkbox]")
    boxes.nth(0).check()
    boxes.nth(1).check()
    nojs.get_by_role("button", name="Catat sudah diterima").click()
    nojs.wait_for_load_state()
    assert nojs.locator("td", has_text="Diterima").count() == 2
    assert nojs.locator("td", has_text="dicatat oleh").count() == 2
