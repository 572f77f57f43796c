"""#19 section 5 in a browser: a counselor saves the results and the service report as PDF
(Chromium's print, as "Save as PDF" makes it) and the PDF says what the principal signs:
the school, the filter, the date, the names and NIPs; no menu, no buttons."""

import re

from tests.e2e.conftest import login
from tests.e2e.conftest import pdf_text

LAPTOP = {"width": 1280, "height": 800}
PRINCIPAL = ("Drs. Bambang Sutrisno, M.Pd.", "NIP. 19690315 199403 1 004")
COORDINATOR = ("Rina Kurniawati, S.Pd.", "NIP. 19820704 200801 2 011")
TODAY = re.compile(r"Tanggal cetak: \d{1,2} \w+ 20\d\d")


def assert_signed(text):
    assert "SMP NEGERI CONTOH" in text  # the letterhead writes the name in capitals
    assert "Jl. Pendidikan No. 1, Pati, Jawa Tengah" in text
    assert TODAY.search(text)
    assert "Mengetahui," in text and "Kepala Sekolah" in text and "Koordinator BK" in text
    for line in PRINCIPAL + COORDINATOR:
        assert line in text
    # The screen's menu and buttons stay off the paper.
    assert "Cetak / simpan PDF" not in text and "Kata sandi" not in text


def test_printed_results_carry_letterhead_filter_and_signatures(new_page):
    page = new_page(viewport=LAPTOP)
    login(page, "guru.bk")
    page.goto("/bk/asesmen")
    page.get_by_role("link", name="Daftar cek masalah – semester ganjil").click()
    page.get_by_role("link", name="Lihat hasil").click()
    page.get_by_label("Kelas", exact=True).select_option(label="7A")
    page.get_by_role("button", name="Tampilkan").click()
    page.wait_for_load_state()
    assert page.get_by_role("button", name="Cetak / simpan PDF").is_visible()
    text = pdf_text(page.pdf(format="A4"))
    assert_signed(text)
    assert "Kelas: 7A · Jenis kelamin: Semua · Pengisian " in text
    assert "Hasil: Daftar cek masalah – semester ganjil" in text


def test_printed_service_report_carries_its_period_and_signatures(new_page):
    page = new_page(viewport=LAPTOP)
    login(page, "guru.bk")
    page.goto("/bk/laporan")
    period = page.locator(".db-picker select").evaluate("s => s.selectedOptions[0].text")
    text = pdf_text(page.pdf(format="A4"))
    assert_signed(text)
    assert f"Periode: {period}" in text
    assert "Layanan menurut bidang dan cara" in text


def test_without_javascript_the_page_says_how_to_print(new_page):
    page = new_page(js=False, viewport=LAPTOP)
    login(page, "guru.bk")
    page.goto("/bk/laporan")
    # Playwright's text search skips <noscript>; the page's text holds what it shows.
    assert "pilih Cetak di menu peramban (Ctrl+P)" in page.inner_text("main")
    assert not page.get_by_role("button", name="Cetak / simpan PDF").is_visible()
