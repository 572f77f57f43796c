"""The student record and the panggilan konseling (issue 19 §3, §4): the counselor, on a
1280x800 laptop, finds a student, opens their record and invites them; the student, on a
360x640 phone, states when they hold the phone, accepts with consent and gets an evening
slot (chat only) listed first; with and without JavaScript."""

import re

import pytest

from tests.e2e.conftest import axe_violations
from tests.e2e.conftest import login

LAPTOP = {"width": 1280, "height": 800}
MESSAGE = "Halo, Ibu ingin ngobrol sebentar denganmu. Pilih waktu yang pas, ya."


def invite(page, name, nis, check_accessibility=False):
    """As guru.bk: search by NIS, open the record, send the invitation."""
    login(page, "guru.bk")
    page.goto("/bk/siswa")
    with page.expect_response(lambda r: "/bk/siswa?q=" in r.url):
        page.get_by_label("Nama, NIS, atau kelas").fill(nis)
    page.get_by_role("link", name=name).click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == name
    if check_accessibility:
        assert axe_violations(page) == []
    page.get_by_role("link", name="Panggil siswa").click()
    page.wait_for_load_state()
    assert "Jam pegang HP siswa" in page.inner_text("main")
    if check_accessibility:
        assert axe_violations(page) == []
    page.get_by_label("Pesan untuk siswa").fill(MESSAGE)
    page.get_by_role("button", name="Kirim panggilan").click()
    page.wait_for_load_state()
    main = page.inner_text("main")
    assert "Panggilan terkirim" in main and "Menunggu jawaban siswa" in main


def test_counselor_searches_opens_the_record_and_invites(new_page):
    page = new_page(viewport=LAPTOP, bypass_csp=True)
    invite(page, "Fajar Anggraini", "20250022", check_accessibility=True)
    # The search page itself, with its results.
    page.goto("/bk/siswa?q=8A")
    assert page.get_by_role("link", name="Fajar Anggraini").count() == 1
    assert axe_violations(page) == []


@pytest.mark.parametrize("js,username,name,nis", [
    (True, "siswa.8a.07", "Gita Nugroho", "20250023"),
    (False, "siswa.8a.08", "Hana Maharani", "20250024"),
])
def test_student_accepts_an_invitation_with_consent_in_an_evening_slot(new_page, js, username,
                                                                       name, nis):
    invite(new_page(viewport=LAPTOP), name, nis)

    page = new_page(js=js, bypass_csp=True)
    login(page, username)
    assert MESSAGE in page.inner_text("main")
    if js:
        assert axe_violations(page) == []
    page.get_by_label("Senin–Jumat, malam setelah jam 19.00").check()
    page.get_by_role("button", name="Simpan jam pegang HP").click()
    page.wait_for_load_state()
    assert "Tersimpan" in page.inner_text("main")

    page.get_by_role("link", name="Pilih waktu", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Pas dengan jam kamu pegang HP").is_visible()
    if js:
        assert axe_violations(page) == []
    page.get_by_label("Chat", exact=True).check()
    first = page.locator("#slots input[type=radio]").first
    assert re.search(r"\b(19|20)\.\d\d\b", first.locator("xpath=..").inner_text())
    assert "chat saja" in first.locator("xpath=..").inner_text()
    first.check()
    page.get_by_label("Aku ikut konseling ini karena mauku sendiri").check()
    page.get_by_label("Aku paham ceritaku dijaga rahasia").check()
    page.get_by_label("Aku paham sesi ini tidak direkam").check()
    page.get_by_role("button", name="Aku setuju, pilih waktu ini").click()
    page.wait_for_load_state()
    main = page.inner_text("main")
    assert "Sudah dikonfirmasi" in main
    assert re.search(r"\b(19|20)\.\d\d\b", main)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    # The invitation has left the home: it was answered.
    page.goto("/siswa")
    assert MESSAGE not in page.inner_text("main")
