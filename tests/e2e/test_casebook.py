"""Case records in a browser (issue 21 §1): on a 1280x800 laptop, the counselor opens the
demo case from the cases list, plans a home visit from the case book, records it, and
prints its berita acara: the PDF carries the letterhead and the lines the family and the
school sign; each page passes axe."""

import re
from datetime import date

from tests.e2e.conftest import axe_violations
from tests.e2e.conftest import login
from tests.e2e.conftest import pdf_text
from tests.e2e.test_printing import PRINCIPAL

LAPTOP = {"width": 1280, "height": 800}


def test_home_visit_to_its_printed_berita_acara(new_page):
    page = new_page(bypass_csp=True, viewport=LAPTOP)
    login(page, "guru.bk")
    page.goto("/bk/kasus")
    page.locator("#kasus-daftar tbody a").first.click()
    page.wait_for_load_state()
    page.get_by_role("link", name=re.compile("^Buku kasus")).click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Buku kasus")
    assert axe_violations(page) == []

    page.get_by_role("link", name="Rencanakan kunjungan rumah").click()
    page.wait_for_load_state()
    page.get_by_label("Tanggal rencana kunjungan").fill(date.today().isoformat())
    page.get_by_label("Tujuan kunjungan").fill("Mengenal suasana belajar di rumah")
    page.get_by_label("Yang berkunjung").fill("Guru BK dan wali kelas 7A")
    page.get_by_label("Alamat yang dikunjungi").fill("Jl. Melati 3, Pati")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Simpan rencana").click()
    page.wait_for_load_state()
    assert "Rencana kunjungan rumah disimpan" in page.inner_text("main")

    page.get_by_label("Bertemu dengan").fill("Ibu kandung siswa")
    page.get_by_role("textbox", name="Hasil kunjungan").fill(
        "Siswa belajar di ruang tamu bersama adiknya.")
    page.get_by_label("Kesepakatan dengan keluarga").fill("Orang tua menyediakan jam belajar.")
    page.get_by_role("button", name="Simpan hasil kunjungan").click()
    page.wait_for_load_state()
    assert axe_violations(page) == []

    page.get_by_role("link", name="Cetak berita acara").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text().lower() == \
        "berita acara kunjungan rumah"
    assert axe_violations(page) == []
    text = pdf_text(page.pdf(format="A4"))
    assert "SMP NEGERI CONTOH" in text and "Jl. Pendidikan No. 1, Pati, Jawa Tengah" in text
    assert re.search(r"Tanggal cetak: \d{1,2} \w+ 20\d\d", text)
    assert "Mengetahui," in text and all(line in text for line in PRINCIPAL)
    assert "Guru BK" in text and "Rina Kurniawati, S.Pd." in text
    assert "Cetak / simpan PDF" not in text and "Kata sandi" not in text
    assert "Pihak keluarga," in text and "Orang tua/wali siswa" in text
    assert "Siswa belajar di ruang tamu bersama adiknya." in text
