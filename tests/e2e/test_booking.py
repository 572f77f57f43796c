"""On a 360x640 phone: a student books a chat slot with intake and consent, the counselor
confirms, and the student sees the confirmation; with and without JavaScript."""

import re

import pytest

from tests.e2e.conftest import axe_violations
from tests.e2e.conftest import login

COUNSELOR_NAME = "Rina Kurniawati, S.Pd."
PROBLEM = "Aku sering bertengkar dengan teman sebangku."


def choose_counselor(page, js):
    select = page.get_by_label("Guru BK", exact=True)
    if js:
        # HTMX swaps the slot list in place when the counselor changes.
        with page.expect_response(lambda r: "/jadwal?guru=" in r.url):
            select.select_option(label=COUNSELOR_NAME)
    else:
        select.select_option(label=COUNSELOR_NAME)
        page.get_by_role("button", name="Tampilkan waktunya").click()
        page.wait_for_load_state()


def book_a_chat(page, js=True):
    """Walks the booking flow and returns the confirmation page's path."""
    page.goto("/jadwal")
    choose_counselor(page, js)
    page.get_by_label("Chat", exact=True).check()
    page.get_by_label("Sosial", exact=True).check()
    first_slot = page.locator("#slots input[type=radio]").first
    first_slot.check()
    page.get_by_label("Kapan biasanya kamu pegang HP?").fill("Sore, HP gantian dengan kakak")
    page.get_by_role("button", name="Lanjut").click()
    page.wait_for_load_state()

    assert page.get_by_role("heading", level=1).inner_text() == "Data awal dan persetujuan"
    assert COUNSELOR_NAME in page.inner_text("main")
    page.get_by_label("Ceritakan singkat apa yang ingin kamu bicarakan").fill(PROBLEM)
    page.get_by_label("Belum pernah").check()
    page.get_by_label("Tidak", exact=True).check()
    page.get_by_label("Lewat kalender HP (berkas .ics)").check()
    page.get_by_role("button", name="Kirim permintaan jadwal").click()
    page.wait_for_load_state()
    # Without consent the booking is refused, with a message at each box.
    assert page.locator(".error", has_text="Centang ini kalau kamu setuju.").count() == 3
    page.get_by_label("Aku ikut konseling ini karena mauku sendiri").check()
    page.get_by_label("Aku paham ceritaku dijaga rahasia").check()
    page.get_by_label("Aku paham sesi ini tidak direkam").check()
    page.get_by_role("button", name="Kirim permintaan jadwal").click()
    page.wait_for_load_state()

    assert page.get_by_role("heading", level=1).inner_text() == "Permintaan jadwalmu terkirim"
    assert "Menunggu konfirmasi Guru BK" in page.inner_text("main")
    return re.search(r"/jadwal/\d+", page.url).group(0)


def confirm_as_counselor(new_page, js, booking_path):
    page = new_page(js=js)
    login(page, "guru.bk")
    page.goto("/bk/jadwal")
    booking_id = booking_path.rsplit("/", 1)[1]
    page.locator(f"a[href='/bk/jadwal/{booking_id}']").first.click()
    page.wait_for_load_state()
    assert PROBLEM in page.inner_text("main")
    assert "Sore, HP gantian dengan kakak" in page.inner_text("main")
    page.get_by_label("Pesan untuk siswa").fill("Sampai ketemu di chat, ya.")
    page.get_by_role("button", name="Konfirmasi").click()
    page.wait_for_load_state()
    assert "Jadwal dikonfirmasi" in page.inner_text("main")


@pytest.mark.parametrize("js,student", [(True, "siswa.7b.02"), (False, "siswa.7b.03")])
def test_student_books_counselor_confirms_student_sees_it(new_page, js, student):
    page = new_page(js=js)
    login(page, student)
    booking_path = book_a_chat(page, js=js)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0

    confirm_as_counselor(new_page, js, booking_path)

    page.goto(booking_path)
    main = page.inner_text("main")
    assert "Sudah dikonfirmasi" in main and "Sampai ketemu di chat, ya." in main
    page.goto("/siswa")
    assert "Sudah dikonfirmasi" in page.inner_text("main")


def test_saying_unsafe_shows_crisis_contacts_at_once(new_page):
    page = new_page()
    login(page, "siswa.8a.04")
    page.goto("/jadwal")
    page.get_by_label("Chat", exact=True).check()
    page.get_by_label("Pribadi").check()
    page.locator("#slots input[type=radio]").first.check()
    page.get_by_role("button", name="Lanjut").click()
    page.wait_for_load_state()
    contacts = page.locator("[data-crisis-contacts]")
    assert not contacts.is_visible()
    page.get_by_label("Ya", exact=True).check()
    assert contacts.is_visible()
    assert "TPPK" in contacts.inner_text()
    page.get_by_label("Tidak", exact=True).check()
    assert not contacts.is_visible()


@pytest.mark.parametrize("username,path", [
    ("siswa.9a.05", "/jadwal"), ("siswa.9a.05", "/jadwal/saya"), (None, "/jadwal"),
    (None, "/jadwal/orang-tua"), ("guru.bk", "/bk/jadwal"), ("guru.bk", "/bk/jadwal/jam"),
    ("guru.bk", "/bk/kasus"), ("guru.bk", "/bk/kasus/1"), ("guru.bk", "/bk/jadwal/1"),
    ("wali.7a", "/wali/rujukan"),
])
def test_booking_pages_have_no_serious_accessibility_issue(new_page, username, path):
    page = new_page(bypass_csp=True)
    if username:
        login(page, username)
    page.goto(path)
    assert axe_violations(page) == []
