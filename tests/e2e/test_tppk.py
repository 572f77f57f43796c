"""The TPPK lane in a browser: a student reports violence from the problem box on a
360×640 phone with JavaScript off, anonymously; a TPPK member finds it at a laptop's
1280×800 with its 30-day clock (issue 21 §3)."""

import re
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


def test_a_bullying_story_routed_to_the_tppk_shows_on_a_members_list_and_nowhere_else(
        new_page):
    story = (f"Aku diejek dan didorong teman sekelas, barangku disembunyikan "
             f"{uuid.uuid4().hex[:8]}.")
    phone = new_page(js=False)
    phone.goto("/kotak")
    phone.get_by_label("Ceritakan masalahmu").fill(story)
    phone.get_by_role("button", name="Kirim ke Guru BK").click()
    phone.wait_for_load_state()

    counselor = new_page(viewport=LAPTOP, bypass_csp=True)
    login(counselor, "guru.bk")  # no TPPK member
    counselor.goto("/bk/kotak")
    counselor.locator("li.pb-row", has_text=story[-9:]).get_by_role("link").click()
    counselor.wait_for_load_state()
    assert story in counselor.inner_text("main")
    counselor.get_by_role("link", name=re.compile("Teruskan ke TPPK")).first.click()
    summary = "Siswa diejek dan didorong teman sekelas sejak awal semester."
    counselor.get_by_label("Ringkasan untuk TPPK").fill(summary)
    counselor.get_by_label(re.compile("Siswa sudah saya beri tahu")).check()
    assert axe_violations(counselor) == []
    counselor.get_by_role("button", name="Teruskan ke TPPK").click()
    counselor.wait_for_load_state()
    assert "Diteruskan ke TPPK" in counselor.inner_text("main")
    # Nowhere else: the counselor who routed it is no member, and has no TPPK menu.
    menu = counselor.locator("nav.staff-nav")
    assert "TPPK" not in menu.inner_text()
    counselor.goto("/tppk")
    assert "Anda bukan anggota TPPK" in counselor.inner_text("main")

    for username in ("tppk", "guru.bk2"):  # by role, and a counselor listed as member
        member = new_page(viewport=LAPTOP, bypass_csp=True)
        login(member, username)
        member.locator("nav.staff-nav").get_by_role("link", name=re.compile("TPPK")).click()
        row = member.locator("tr", has_text="Diteruskan Guru BK dari kotak masalah").first
        assert "30 hari lagi" in row.inner_text()
        row.get_by_role("link").click()
        member.get_by_role("heading", name="Ringkasan dari Guru BK").wait_for()
        assert summary in member.inner_text("main") and story not in member.inner_text("main")
        assert axe_violations(member) == []

    homeroom = new_page(viewport=LAPTOP)
    login(homeroom, "wali.7a")
    assert "TPPK" not in homeroom.inner_text("body")
    assert homeroom.goto("/tppk").status == 403
