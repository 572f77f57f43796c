"""Questionnaires in a phone browser: a counselor builds and shares one, a student answers it
at 360x640 (with and without JavaScript, and through a dropped connection), and the counselor
reads the result."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import axe_violations
from tests.e2e.conftest import login


def build_two_section_instrument(page, title):
    """Through the editor (HTMX when scripts run, plain posts otherwise); returns its URL."""
    login(page, "guru.bk")
    page.goto("/bk/asesmen/instrumen/baru")
    page.get_by_label("Judul angket").fill(title)
    page.get_by_role("button", name="Buat dan tambah pertanyaan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    editor_url = page.url.split("#")[0]

    first = page.locator("section.as-editor-section").nth(0)
    first.get_by_text("Tambah pertanyaan di bagian ini").click()
    first.get_by_label("Jenis pertanyaan").select_option("single")
    first.get_by_label("Pertanyaan atau pernyataan").fill("Kamu paling suka belajar kapan?")
    first.get_by_label("Pilihan jawaban, satu per baris").fill("Pagi\nSiang\nMalam")
    first.get_by_label("Wajib dijawab").check()
    first.get_by_role("button", name="Tambah pertanyaan").click()
    expect(page.locator("#editor")).to_contain_text("Kamu paling suka belajar kapan?")

    page.get_by_text("Tambah bagian (satu layar untuk siswa)").click()
    page.get_by_label("Judul bagian").fill("Ceritamu")
    page.get_by_role("button", name="Tambah bagian").click()
    second = page.locator("section.as-editor-section").nth(1)
    expect(second).to_contain_text("Ceritamu")
    second.get_by_text("Tambah pertanyaan di bagian ini").click()
    second.get_by_label("Jenis pertanyaan").select_option("short_text")
    second.get_by_label("Pertanyaan atau pernyataan").fill("Satu kata tentang sekolahmu")
    second.get_by_role("button", name="Tambah pertanyaan").click()
    expect(page.locator("#editor")).to_contain_text("Satu kata tentang sekolahmu")
    return editor_url


def share_with_class(page, instrument_title, title, class_name):
    """Give the instrument to one class from the counselor's pages; returns the share path."""
    page.goto("/bk/asesmen/berikan")
    page.get_by_label("Angket", exact=True).select_option(label=instrument_title)
    page.get_by_label("Nama pemberian angket").fill(title)
    page.get_by_label("Kelas tertentu").check()
    page.get_by_label(class_name, exact=True).check()
    page.get_by_role("button", name="Bagikan angket").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    share_url = page.get_by_label("Salin dan kirim ke grup WhatsApp kelas:").input_value()
    return re.sub(r"^https?://[^/]+", "", share_url), page.url


@pytest.mark.parametrize("js,student", [(True, "siswa.7a.08"), (False, "siswa.7a.07")])
def test_student_answers_on_a_phone_and_the_counselor_sees_it(new_page, js, student):
    counselor = new_page(js=js)
    title = f"Angket kebiasaan belajar {'js' if js else 'tanpa js'}"
    build_two_section_instrument(counselor, title)
    share_path, administration_url = share_with_class(counselor, title, f"{title} 7A", "7A")

    phone = new_page(js=js)
    login(phone, student)
    phone.goto("/siswa")
    phone.get_by_role("link", name=f"{title} 7A").click()
    phone.get_by_role("link", name="Mulai mengisi").click()
    expect(phone.get_by_text("Bagian 1 dari 2")).to_be_visible()
    phone.get_by_role("button", name="Simpan dan lanjut").click()
    expect(phone.locator("#isi p.error")).to_have_text("Pertanyaan ini wajib dijawab.")
    phone.get_by_label("Malam").check()
    phone.get_by_role("button", name="Simpan dan lanjut").click()
    expect(phone.get_by_text("Bagian 2 dari 2")).to_be_visible()
    phone.get_by_label("Satu kata tentang sekolahmu").fill("Seru")
    phone.get_by_role("button", name="Simpan dan periksa").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Periksa jawabanmu")
    expect(phone.locator("main")).to_contain_text("Malam")
    phone.get_by_role("button", name="Kirim jawaban").click()
    expect(phone.get_by_text("Terima kasih! Jawabanmu sudah terkirim.")).to_be_visible()
    assert phone.url.endswith(share_path)
    overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0

    counselor.goto(administration_url)
    expect(counselor.locator("main")).to_contain_text(re.compile(r"1 dari \d+ siswa sudah mengisi"))
    counselor.get_by_role("link", name="Lihat hasil").click()
    main = counselor.locator("main")
    expect(main).to_contain_text("1 siswa mengirim jawaban.")
    expect(main.locator("li", has_text="Malam")).to_contain_text("1 · 100%")
    expect(main).to_contain_text("Seru")


def test_answers_given_offline_are_sent_when_the_connection_returns(new_page):
    counselor = new_page()
    login(counselor, "guru.bk")
    share_path, _url = share_with_class(counselor, "Pemahaman layanan BK dan peran Guru BK",
                                        "Pemahaman BK uji sinyal", "9A")
    phone = new_page()
    login(phone, "siswa.9a.08")
    phone.goto(share_path + "/bagian/1")
    for question in range(5):
        phone.locator(".as-question").nth(question).get_by_label("Setuju", exact=True).check()
    phone.context.set_offline(True)
    phone.get_by_role("button", name="Simpan dan lanjut").click()
    expect(phone.get_by_text("Sinyal terputus.")).to_be_visible()
    assert phone.url.endswith("/bagian/1")
    phone.context.set_offline(False)
    phone.wait_for_url(re.compile(r"/bagian/2$"))
    phone.goto(share_path + "/bagian/1")
    expect(phone.locator(".as-question").nth(4).get_by_label("Setuju", exact=True)).to_be_checked()


@pytest.mark.parametrize("username,path", [
    ("siswa.7b.06", "/asesmen/cek-masalah"),
    ("siswa.7b.06", "/asesmen/cek-masalah/bagian/1"),
    ("guru.bk", "/bk/asesmen"),
    ("guru.bk", "/bk/asesmen/bandingkan"),
    ("guru.bk", "/bk/asesmen/1"),
    ("guru.bk", "/bk/asesmen/berikan"),
    ("guru.bk", "/bk/asesmen/instrumen/2"),
    ("guru.bk", "/bk/asesmen/kelas/1"),
    ("wali.7a", "/wali/asesmen"),
    ("wali.7a", "/wali/asesmen/3/kelas/1"),
])
def test_assessment_pages_have_no_serious_accessibility_issue(new_page, username, path):
    page = new_page(bypass_csp=True)
    login(page, username)
    page.goto(path)
    assert axe_violations(page) == []


def test_demo_results_charts_render_on_a_phone(new_page):
    page = new_page(bypass_csp=True)
    login(page, "guru.bk")
    page.goto("/bk/asesmen")
    page.get_by_role("link", name="Daftar cek masalah – semester ganjil").click()
    page.get_by_role("link", name="Lihat hasil").click()
    expect(page.locator("svg.as-bar").first).to_be_visible()
    assert axe_violations(page) == []
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
