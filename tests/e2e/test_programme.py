"""Issue #20's chain in the browser, on a server of its own (the import changes the
school's roster, which the other browser tests share): the operator imports the
Dapodik-style file; the counselor gives the AKPD to a class the import made; its students
answer on their phones (360x640, no JavaScript, through the class's link); the counselor
drafts the year's programme from the class profile, opens an RPL from a row, delivers it
with a laiseg the students answer, and opens the month's report and hours sheet, each on
the school's letterhead, in Indonesian, with nothing wider than a laptop's 1280 px.

CYBERBK_E2E_SHOTS=<folder> keeps a screenshot of each step there."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.data import make_dapodik
from tests.e2e.conftest import DEMO_PASSWORD
from tests.e2e.conftest import PHONE
from tests.e2e.conftest import page_factory
from tests.e2e.conftest import serve

LAPTOP = {"width": 1280, "height": 800}
TOPIC = "Tahu apa yang menjadi kekuatanku"
#: Words of the English catalog that would show a string left untranslated in Indonesian.
ENGLISH = re.compile(r"\b(Delivered|Programme|Annual programme|Hours sheet|Report)\b")


@pytest.fixture
def own_server(tmp_path, demo_instance):
    with serve(tmp_path / "instance", demo_instance) as base_url:
        yield base_url


@pytest.fixture
def open_page(browser, own_server):
    with page_factory(browser, own_server, 15_000) as make:
        yield make


def shot(page, name):
    folder = os.environ.get("CYBERBK_E2E_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def fits(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


def indonesian(page):
    text = page.locator("main").inner_text()
    assert not ENGLISH.search(text), (page.url, ENGLISH.search(text))


def sign_in(page, username):
    page.goto("/login")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_load_state()


def on_letterhead(page):
    expect(page.locator(".print-letterhead .print-school")).to_have_text("SMP Negeri Contoh")
    expect(page.locator(".print-signatures")).to_contain_text("Kepala Sekolah")


def answer_on_phone(open_page, link, answer, name=None):
    """A student of the class, on a phone without JavaScript, answers through the link;
    `answer(phone)` fills each part."""
    phone = open_page(js=False)
    phone.goto(link)
    phone.get_by_role("button", name="Mulai mengisi").click()
    while True:
        answer(phone)
        if name:
            shot(phone, name)
            name = None
        button = phone.get_by_role("button", name=re.compile("lanjut|periksa", re.I))
        last = "periksa" in button.inner_text().lower()
        button.click()
        if last:
            break
    phone.get_by_role("button", name="Kirim jawaban").click()
    expect(phone.get_by_text("Terima kasih! Jawabanmu sudah terkirim.")).to_be_visible()
    fits(phone, PHONE["width"])
    phone.context.close()


def tick_first_two(phone):
    boxes = phone.locator("main form input[type=checkbox]")
    for index in range(min(2, boxes.count())):
        boxes.nth(index).check()


def agree(phone):
    for group in phone.locator("main form fieldset").all():
        group.get_by_label("Setuju", exact=True).check()


def test_the_programme_chain_from_the_dapodik_file_to_the_report(open_page):
    # 1. The operator imports the roster: a new class 7C among it.
    operator = open_page(viewport=LAPTOP)
    sign_in(operator, "admin")
    operator.goto("/admin/impor")
    operator.get_by_label("Berkas daftar siswa dan guru").set_input_files(
        str(make_dapodik.FIRST_FILE))
    operator.get_by_role("button", name="Periksa dan impor").click()
    expect(operator.get_by_role("heading", name="Pratinjau data Dapodik")).to_be_visible()
    shot(operator, "01-pratinjau-dapodik")
    operator.get_by_role("button", name="Terapkan perubahan").first.click()
    # Sixty accounts, each password hashed as production does: a minute or more on this
    # machine. The page refreshes itself while the import runs.
    expect(operator.get_by_role("heading", name="Impor berhasil")).to_be_visible(
        timeout=240_000)
    shot(operator, "02-impor-berhasil")

    # 2. The counselor gives the AKPD to 7C, anonymous, answered through the class's link.
    counselor = open_page(viewport=LAPTOP)
    sign_in(counselor, "guru.bk")
    counselor.goto("/bk/asesmen/berikan")
    counselor.get_by_label("Angket", exact=True).select_option(
        label="Angket kebutuhan peserta didik (AKPD)")
    counselor.get_by_label("Nama pemberian angket").fill("AKPD kelas 7C")
    counselor.get_by_label("7C", exact=True).check()
    counselor.get_by_label(re.compile("Tanpa nama")).check()
    counselor.get_by_role("button", name="Bagikan angket").click()
    expect(counselor.get_by_text("Angket siap dibagikan.")).to_be_visible()
    link = re.search(r"7C: https?://[^/]+(\S+)", counselor.locator("main").inner_text())[1]
    shot(counselor, "03-akpd-dibagikan")

    # 3. Six students of 7C answer on their phones.
    for number in range(6):
        answer_on_phone(open_page, link, tick_first_two,
                        "04-siswa-akpd" if number == 0 else None)

    # 4. The year's programme, drafted from the class profiles.
    counselor.goto("/bk/program")
    counselor.get_by_role("button", name="Susun usulan dari profil kelas").click()
    expect(counselor.get_by_text(re.compile(r"\d+ baris diusulkan"))).to_be_visible()
    row = counselor.locator("section[aria-labelledby=komponen-basic] tr", has_text=TOPIC).filter(
        has_text="kelas 7C")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("100% siswa kelas 7C (6 dari 6)")
    fits(counselor, LAPTOP["width"])
    indonesian(counselor)
    on_letterhead(counselor)
    shot(counselor, "05-program-tahunan")

    # 5. An RPL from the row, then its delivery and the laiseg.
    row.get_by_role("link", name="Buat RPL").click()
    expect(counselor.get_by_text("RPL ini dibuat dari baris Program Tahunan")).to_be_visible()
    expect(counselor.get_by_label("Judul RPL")).to_have_value(f"{TOPIC} (kelas 7C)")
    counselor.get_by_role("button", name="Simpan RPL").click()
    expect(counselor.get_by_text("RPL tersimpan.")).to_be_visible()
    expect(counselor.get_by_role("link", name=f"Baris program: {TOPIC}")).to_be_visible()
    shot(counselor, "06-rpl")
    counselor.get_by_role("link", name="Catat pelaksanaan dan laiseg").click()
    expect(counselor.get_by_label("Jenis kegiatan")).to_have_value("classical")
    counselor.get_by_role("button", name="Catat kegiatan").click()
    expect(counselor.get_by_text("Kegiatan tercatat.")).to_be_visible()
    counselor.locator("tr", has_text=f"RPL: {TOPIC} (kelas 7C)").get_by_role(
        "button", name="Buka laiseg (QR)").click()
    expect(counselor.locator(".pg-laiseg-qr svg.qr")).to_be_visible()
    fits(counselor, LAPTOP["width"])
    shot(counselor, "07-laiseg-qr")
    laiseg_link = re.sub(r"^https?://[^/]+", "", counselor.locator(
        ".pg-laiseg-qr figcaption a").get_attribute("href"))
    for number in range(5):
        answer_on_phone(open_page, laiseg_link, agree,
                        "08-siswa-laiseg" if number == 0 else None)
    counselor.get_by_role("button", name="Tutup laiseg sekarang").click()
    expect(counselor.get_by_text("5 siswa menjawab.")).to_be_visible()
    expect(counselor.locator("main table")).to_contain_text("Pemahaman")
    shot(counselor, "09-laiseg-hasil")

    # 6. The row counts its delivery; the month's report and hours sheet count it too.
    counselor.get_by_role("link", name="Lihat di program tahunan").click()
    row = counselor.locator("section[aria-labelledby=komponen-basic] tr", has_text=TOPIC).filter(
        has_text="kelas 7C")
    expect(row).to_contain_text("1× · 2 JP")
    counselor.go_back()
    counselor.get_by_role("link", name="Laporan bulan ini").click()
    expect(counselor.get_by_role("heading", name="Laporan pelaksanaan program BK")).to_be_visible()
    expect(counselor.locator("main")).to_contain_text(f"{TOPIC} (kelas 7C)")
    on_letterhead(counselor)
    fits(counselor, LAPTOP["width"])
    indonesian(counselor)
    shot(counselor, "10-laporan")
    delivered = int(counselor.locator("tr", has_text="Jumlah").first.locator("td").nth(2)
                    .inner_text())
    counselor.go_back()
    counselor.get_by_role("link", name="Jam kegiatan bulan ini").click()
    expect(counselor.get_by_role("heading", name="Perhitungan jam kegiatan pelayanan BK")
           ).to_be_visible()
    on_letterhead(counselor)
    fits(counselor, LAPTOP["width"])
    indonesian(counselor)
    shot(counselor, "11-jam-kegiatan")
    classical = counselor.locator("tr", has_text="Bimbingan klasikal").locator("td")
    assert int(classical.nth(classical.count() - 2).inner_text()) >= 1
    # The demo school's services of the month are all guru.bk's: the report (every
    # counselor's) and the sheet (hers) count the same services.
    frequency = counselor.locator("tfoot tr, tr", has_text="Jumlah JP").last.locator("td")
    assert int(frequency.nth(frequency.count() - 2).inner_text()) == delivered
