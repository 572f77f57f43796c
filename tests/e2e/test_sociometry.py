"""Sociometry in the browser (issue 21 §2): a counselor opens one for class 9A on a
1280x800 laptop, the students answer on 360x640 phones (one with JavaScript off), and the
counselor reads the sociogram: mutual pairs, the star and the isolate, drawn and in the
table."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import axe_violations
from tests.e2e.conftest import login

LAPTOP = {"width": 1280, "height": 800}
# The demo school's class 9A (cyberbk/demo.py): siswa.9a.01 … siswa.9a.08.
NAMES = ("Irfan Pratama", "Joko Wulandari", "Kirana Hidayat", "Laras Sari", "Made Saputra",
         "Nanda Anggraini", "Putri Nugroho", "Rizki Maharani")
#: Irfan, Joko and Kirana choose each other (a clique); Irfan is chosen by all (the star);
#: nobody chooses Rizki (the isolate).
CHOICES = {
    "Irfan Pratama": ("Joko Wulandari", "Kirana Hidayat", "Laras Sari"),
    "Joko Wulandari": ("Irfan Pratama", "Kirana Hidayat", "Made Saputra"),
    "Kirana Hidayat": ("Irfan Pratama", "Joko Wulandari", "Nanda Anggraini"),
    "Laras Sari": ("Irfan Pratama", "Made Saputra", "Nanda Anggraini"),
    "Made Saputra": ("Irfan Pratama", "Laras Sari", "Putri Nugroho"),
    "Nanda Anggraini": ("Irfan Pratama", "Laras Sari", "Made Saputra"),
    "Putri Nugroho": ("Irfan Pratama", "Made Saputra", "Nanda Anggraini"),
    "Rizki Maharani": ("Irfan Pratama", "Putri Nugroho", "Laras Sari"),
}


def answer(page, username, chosen, check_accessibility=False):
    login(page, username)
    section = page.locator("section", has=page.get_by_role("heading", name="Pilih teman sekelas"))
    section.get_by_role("link", name="Jawab sekarang").click()
    page.wait_for_load_state()
    if check_accessibility:
        assert axe_violations(page) == []
        # Phone width: nothing wider than the screen.
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # A fourth classmate is refused with a message in Indonesian, and nothing is sent.
    extra = next(n for n in NAMES if n not in chosen and page.get_by_label(n).count())
    for name in (*chosen, extra):
        page.get_by_label(name, exact=True).check()
    page.get_by_role("button", name="Kirim jawaban").click()
    page.wait_for_load_state()
    expect(page.locator("main")).to_contain_text("Pilih tepat 3 teman.")
    page.get_by_label(extra, exact=True).uncheck()
    page.get_by_role("button", name="Kirim jawaban").click()
    page.wait_for_load_state()
    expect(page.locator("main")).to_contain_text("jawabanmu sudah terkirim")


def test_students_answer_on_phones_and_the_counselor_reads_the_sociogram(new_page):
    counselor = new_page(viewport=LAPTOP, bypass_csp=True)
    login(counselor, "guru.bk")
    counselor.goto("/bk/sosiometri/baru")
    assert axe_violations(counselor) == []
    counselor.get_by_label("Kelas", exact=True).select_option(label="9A")
    expect(counselor.get_by_label("Pertanyaan", exact=True)).to_have_value(
        "Pilih 3 teman yang paling kamu ajak kerja kelompok")
    expect(counselor.get_by_label("Tambahkan pertanyaan penolakan")).not_to_be_checked()
    counselor.get_by_role("button", name="Buka sosiometri").click()
    expect(counselor.get_by_role("heading", level=1)).to_have_text("Sosiogram kelas 9A")
    results_url = counselor.url

    for number, name in enumerate(NAMES, 1):
        # The first with scripts and axe; then every other one with JavaScript off.
        first = number == 1
        phone = new_page(js=first or number % 2 == 0, bypass_csp=first)
        answer(phone, f"siswa.9a.{number:02d}", CHOICES[name], check_accessibility=first)
        phone.context.close()

    counselor.goto(results_url)
    svg = counselor.locator("svg.sm-sociogram")
    expect(svg).to_be_visible()
    assert axe_violations(counselor) == []
    def titles(selector):
        return [re.sub(r"^\d+\. | \(.*\)$", "", t) for t in
                svg.locator(f"{selector} > title").evaluate_all("ts => ts.map(t => t.textContent)")]

    assert titles("g.sm-star") == ["Irfan Pratama"]
    assert titles("g.sm-isolate") == ["Rizki Maharani"]
    # Irfan–Joko, Irfan–Kirana, Joko–Kirana, Laras–Made, Laras–Nanda, Made–Nanda... as drawn.
    assert svg.locator("line.sm-mutual").count() == len(
        {frozenset((a, b)) for a, chosen in CHOICES.items() for b in chosen
         if a in CHOICES[b]})
    assert svg.locator("polygon.sm-clique").count() >= 1
    table = counselor.get_by_role("table", name=re.compile("Indeks sosiometri kelas 9A"))
    expect(table.get_by_role("row", name=re.compile("Irfan Pratama"))).to_contain_text("Bintang")
    expect(table.get_by_role("row", name=re.compile("Rizki Maharani"))).to_contain_text(
        "Terisolir")
    # The whole picture fits the laptop's width, beside the staff menu.
    box = svg.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 1280
