"""Staff pages at a laptop's 1280×800 and a student's page at 360×640 (issue 19 §1, §2)."""

import re

import pytest

from .conftest import PHONE
from .conftest import axe_violations
from .conftest import login

LAPTOP = {"width": 1280, "height": 800}


def test_counselor_pages_use_the_laptop_width(new_page):
    page = new_page(viewport=LAPTOP)
    login(page, "guru.bk")
    page.goto("/bk")
    menu = page.get_by_role("navigation", name="Bagian")
    for section in ("Hari ini", "Kotak masalah", "Jadwal", "Rujukan", "Chat", "Kasus"):
        assert menu.get_by_role("link", name=section).is_visible()
    # The menu stands beside the content, and the content takes most of the screen.
    nav_box = menu.bounding_box()
    main_box = page.locator("main").bounding_box()
    assert nav_box["x"] + nav_box["width"] <= main_box["x"]
    assert main_box["width"] >= 950
    for heading in ("Konseling hari ini", "Besok", "Kotak masalah", "Menunggu jawaban Anda",
                    "Chat konseling", "Angket yang sedang dibuka", "Target semester"):
        # A heading may carry its count ("Chat konseling · 1 pesan belum dibaca") when an
        # earlier test of the shared demo school left something waiting.
        title = re.compile(rf"^{re.escape(heading)}( · .*)?$")
        assert page.get_by_role("heading", name=title).is_visible()
    # Sections stand side by side, not in one column.
    today = page.get_by_role("heading", name="Konseling hari ini").bounding_box()
    box = page.get_by_role("heading", name="Kotak masalah", exact=True).bounding_box()
    assert abs(today["y"] - box["y"]) < 5 and box["x"] > today["x"]
    assert page.get_by_role("link", name="Agenda seminggu").is_visible()
    assert page.get_by_role("link", name="Di kalender ponsel").is_visible()


@pytest.mark.parametrize("user, path", [("admin", "/admin/akun"), ("guru.bk", "/bk/kasus"),
                                        ("guru.bk", "/bk")])
def test_table_headers_never_break_a_word(new_page, user, path):
    page = new_page(viewport=LAPTOP)
    login(page, user)
    page.goto(path)
    headers = page.evaluate("""() => [...document.querySelectorAll('main th')].map(th => {
        const style = getComputedStyle(th);
        const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.5;
        const inner = th.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
        return {text: th.innerText, wrap: style.whiteSpace, lines: Math.round(inner / line),
                sticky: style.position};
    })""")
    assert headers
    for header in headers:
        assert header["wrap"] == "nowrap" and header["lines"] == 1, header
    if path != "/bk":
        assert {header["sticky"] for header in headers} == {"sticky"}


def test_a_sorted_list_swaps_in_place_and_keeps_its_address(new_page):
    page = new_page(viewport=LAPTOP)
    login(page, "admin")
    page.goto("/admin/akun")
    page.get_by_role("link", name="Nama pengguna").click()
    page.wait_for_url("**/admin/akun?sort=username")
    assert page.locator("th[aria-sort=ascending]").inner_text().startswith("Nama pengguna")
    page.get_by_label("Cari nama atau nama pengguna").fill("wali")
    page.wait_for_url("**q=wali**")
    assert page.locator("tbody tr").count() == page.locator("tbody tr", has_text="wali.").count()


@pytest.mark.parametrize("user, path", [("guru.bk", "/bk"), ("guru.bk", "/bk/kotak"),
                                        ("guru.bk", "/bk/kasus"),
                                        ("guru.bk", "/bk/jadwal/kalender"),
                                        ("admin", "/admin/akun")])
def test_changed_staff_pages_pass_axe(new_page, user, path):
    page = new_page(viewport=LAPTOP, bypass_csp=True)
    login(page, user)
    page.goto(path)
    assert axe_violations(page) == []


def test_a_student_page_keeps_its_phone_layout(new_page):
    page = new_page(viewport=PHONE)
    login(page, "siswa.7a.01")
    page.goto("/siswa")
    assert page.locator("body").get_attribute("class") is None
    assert page.locator(".staff-nav").count() == 0
    assert page.locator("link[href*='staff.css']").count() == 0
    main = page.locator("main").bounding_box()
    assert main["x"] == 0 and main["width"] == PHONE["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
