"""The TPPK lane in a browser: a student reports violence from the problem box on a
360×640 phone with JavaScript off, anonymously; a TPPK member finds it at a laptop's
1280×800 with its 30-day clock (issue 21 §3)."""

import uuid

from .conftest import axe_violations
from .conftest import login

LAPTOP = {"width": 1280, "height": 800}


def test_a_student_reports_violence_and_a_tppk_member_sees_it(new_page):
    words = f"Aku dipalak dan didorong kakak kelas di tangga {uuid.uuid4().hex[:8]}."
    # axe runs in the page's own JavaScript: the same pages on a phone with it on.
    checked = new_page(bypass_csp=True)
    checked.goto("/kotak/kekerasan")
    assert axe_violations(checked) == []
    # Nothing wider than the phone.
    assert checked.evaluate("document.documentElement.scrollWidth") <= 360

    phone = new_page(js=False)
    phone.goto("/kotak")
    phone.get_by_role("link", name="Laporkan kekerasan").click()
    phone.wait_for_url("**/kotak/kekerasan")
    assert "30 hari" in phone.inner_text("main")
    assert "wajib melindungimu" in phone.inner_text("main")
    phone.get_by_label("Apa yang terjadi?").fill(words)
    phone.get_by_role("button", name="Kirim ke TPPK").click()
    phone.get_by_role("heading", name="Laporanmu sudah terkirim ke TPPK").wait_for()
    assert "tidak bisa membalasmu" in phone.inner_text("main")

    checked.get_by_label("Apa yang terjadi?").fill("Aku diancam lewat pesan oleh teman sekelas.")
    checked.get_by_role("button", name="Kirim ke TPPK").click()
    checked.get_by_role("heading", name="Laporanmu sudah terkirim ke TPPK").wait_for()
    assert axe_violations(checked) == []

    laptop = new_page(viewport=LAPTOP, bypass_csp=True)
    login(laptop, "tppk")
    laptop.goto("/tppk")
    rows = laptop.locator("tr", has_text="Laporan langsung dari siswa")
    assert rows.count() >= 2
    row = rows.first
    assert "30 hari lagi" in row.inner_text() and "anonim" in row.inner_text()
    assert axe_violations(laptop) == []
    row.get_by_role("link").click()
    laptop.get_by_role("heading", name="Kata-kata siswa").wait_for()
    assert words in laptop.inner_text("main") and "Anonim" in laptop.inner_text("main")
    assert axe_violations(laptop) == []
