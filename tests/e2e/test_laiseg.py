"""Issue #20 §3 in the browser: the counselor (1280x800) logs a classical service for 7A
and shows its laiseg's QR code; a student of 7A opens the link on a phone (360x640, no
JavaScript, not signed in) and answers the three questions anonymously in a minute.

axe-core and the width check run scripts, which a page without JavaScript does not: they
run on the same pages opened by a second phone with JavaScript (its draft is never sent)."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import axe_violations
from tests.e2e.conftest import login

DESKTOP = {"width": 1280, "height": 800}
QUESTIONS = (("Aku memahami isi layanan tadi.", "Sangat setuju"),
             ("Aku merasa nyaman selama layanan tadi.", "Setuju"),
             ("Aku akan melakukan sesuatu dari yang kupelajari tadi.", "Setuju"))


def no_overflow(page):
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def test_student_answers_a_laiseg_on_a_phone_without_javascript(new_page):
    counselor = new_page(viewport=DESKTOP, bypass_csp=True)
    login(counselor, "guru.bk")
    counselor.goto("/bk/kegiatan")
    counselor.get_by_label("Jenis kegiatan").select_option(label="Bimbingan klasikal")
    counselor.get_by_label("Kelas", exact=True).select_option(label="7A")
    counselor.get_by_label("Keterangan").fill("Laiseg uji peramban")
    counselor.get_by_role("button", name="Catat kegiatan").click()
    expect(counselor.get_by_text("Kegiatan tercatat.")).to_be_visible()
    row = counselor.locator("tr", has_text="Laiseg uji peramban")
    row.get_by_role("button", name="Buka laiseg (QR)").click()
    expect(counselor.get_by_role("heading", level=1)).to_have_text("Laiseg (penilaian segera)")
    expect(counselor.locator(".pg-laiseg-qr svg.qr")).to_be_visible()
    assert axe_violations(counselor) == []
    link = counselor.locator(".pg-laiseg-qr figcaption a").get_attribute("href")
    path = re.sub(r"^https?://[^/]+", "", link)
    assert "/k/" in path

    phone = new_page(js=False)
    phone.goto(path)
    expect(phone.locator("main")).to_contain_text("Kelasmu: 7A")
    phone.get_by_role("button", name="Mulai mengisi").click()
    for question, answer in QUESTIONS:
        phone.get_by_role("group", name=re.compile(re.escape(question))).get_by_label(
            answer, exact=True).check()
    phone.get_by_role("button", name="Simpan dan periksa").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Periksa jawabanmu")
    phone.get_by_role("button", name="Kirim jawaban").click()
    expect(phone.get_by_text("Terima kasih! Jawabanmu sudah terkirim.")).to_be_visible()

    checker = new_page(bypass_csp=True)
    checker.goto(path)
    expect(checker.locator("main")).to_contain_text("Kelasmu: 7A")
    assert axe_violations(checker) == []
    no_overflow(checker)
    checker.get_by_role("button", name="Mulai mengisi").click()
    for question, answer in QUESTIONS:
        checker.get_by_role("group", name=re.compile(re.escape(question))).get_by_label(
            answer, exact=True).check()
    assert axe_violations(checker) == []
    no_overflow(checker)
    checker.get_by_role("button", name="Simpan dan periksa").click()
    expect(checker.get_by_role("heading", level=1)).to_have_text("Periksa jawabanmu")
    assert axe_violations(checker) == []
    no_overflow(checker)

    counselor.reload()
    expect(counselor.locator("main")).to_contain_text("1 siswa sudah menjawab.")
    # One answer is no group: nothing of it is shown, also once closed.
    counselor.get_by_role("button", name="Tutup laiseg sekarang").click()
    expect(counselor.get_by_text("Laiseg ditutup.")).to_be_visible()
    expect(counselor.locator("main")).to_contain_text("1 siswa menjawab.")
    expect(counselor.get_by_text("Rata-rata (1–4)")).to_have_count(0)
    # The side menu marks the programme's section on its pages.
    expect(counselor.locator(".staff-nav a[aria-current]")).to_have_text("Program BK")
