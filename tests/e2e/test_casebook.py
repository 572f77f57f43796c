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


def test_from_a_sociograms_isolate_to_a_case_with_its_records(new_page):
    """Issue 21's walk: a sociometry in class 7A answered on phones (JavaScript off), the
    counselor follows an isolated student from the sociogram to their record, opens a case
    there, and records an anecdote and a case conference, then prints a referral letter.
    Every step a link or a button of the pages themselves."""
    counselor = new_page(bypass_csp=True, viewport=LAPTOP)
    login(counselor, "guru.bk")
    counselor.goto("/bk/sosiometri/baru")
    counselor.get_by_label("Kelas", exact=True).select_option(label="7A")
    counselor.get_by_role("button", name="Buka sosiometri").click()
    counselor.get_by_role("heading", name="Sosiogram kelas 7A").wait_for()
    results = counselor.url
    for number in range(1, 9):
        phone = new_page(js=False)
        login(phone, f"siswa.7a.{number:02d}")
        phone.locator("section", has=phone.get_by_role("heading", name="Pilih teman sekelas")) \
            .get_by_role("link", name="Jawab sekarang").click()
        classmates = phone.locator("input[type=checkbox]")
        # Everyone picks the first three classmates listed: the last ones are chosen by
        # nobody.
        for index in range(3):
            classmates.nth(index).check()
        phone.get_by_role("button", name="Kirim jawaban").click()
        phone.wait_for_load_state()
        assert "jawabanmu sudah terkirim" in phone.inner_text("main")
        phone.context.close()

    counselor.goto(results)
    isolates = counselor.locator("dt", has_text="Terisolir").locator(
        "xpath=following-sibling::dd[1]")
    student = isolates.get_by_role("link").last
    name = student.inner_text()
    student.click()
    counselor.get_by_role("heading", level=1, name=name).wait_for()
    counselor.get_by_role("button", name="Buka kasus untuk siswa ini").click()
    counselor.get_by_role("heading", name=f"Berkas kasus {name}").wait_for()
    assert axe_violations(counselor) == []
    counselor.get_by_role("link", name=re.compile("^Buku kasus")).click()
    counselor.wait_for_load_state()
    book = counselor.url

    counselor.get_by_label("Tanggal kejadian").fill(date.today().isoformat())
    counselor.get_by_label("Tempat dan situasi").fill("Kelas 7A, kerja kelompok IPA")
    counselor.get_by_label("Yang terlihat atau terdengar").fill(
        "Duduk sendiri; tidak ada kelompok yang mengajaknya.")
    counselor.get_by_role("button", name="Simpan catatan anekdot").click()
    counselor.wait_for_load_state()
    assert "Catatan anekdot disimpan" in counselor.inner_text("main")

    counselor.get_by_role("link", name="Catat konferensi kasus").click()
    counselor.get_by_label("Tanggal konferensi").fill(date.today().isoformat())
    counselor.get_by_label("Ringkasan untuk peserta").fill(
        "Siswa dilibatkan dalam kelompok belajar bergilir.")
    counselor.get_by_role("button", name="Simpan konferensi").click()
    counselor.wait_for_load_state()
    assert "Konferensi kasus disimpan" in counselor.inner_text("main")
    assert axe_violations(counselor) == []

    counselor.goto(book)
    counselor.get_by_role("link", name="Alih tangan kasus").click()
    counselor.get_by_label("Psikolog").check()
    counselor.get_by_label("Nama lembaga atau tenaga profesional").fill("Biro Psikologi Harapan")
    counselor.get_by_label("Alasan alih tangan kasus").fill("Perlu asesmen psikologis lanjutan.")
    counselor.get_by_role("button", name="Simpan").click()
    counselor.wait_for_load_state()
    counselor.get_by_role("link", name=re.compile("surat", re.I)).first.click()
    counselor.wait_for_load_state()
    text = pdf_text(counselor.pdf(format="A4"))
    assert "SMP NEGERI CONTOH" in text and "SURAT ALIH TANGAN KASUS" in text
    assert name in text and "Biro Psikologi Harapan" in text
