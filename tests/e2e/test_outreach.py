"""Outreach in a phone browser: the guide and its tap-to-load video, slides, poster, share kit."""

import re
from urllib.parse import parse_qs
from urllib.parse import urlsplit

import pytest

from tests.e2e.conftest import axe_violations
from tests.e2e.conftest import login

SLIDES = ("# Mengenal Guru BK\n\nHalo!\n\n---\n\n## Rahasia\n\nCeritamu aman.\n\n---\n\n"
          "## Cara\n\nLewat HP.")


def counselor_page(new_page):
    page = new_page(viewport={"width": 1280, "height": 800})
    login(page, "guru.bk")
    return page


def set_youtube_guide(new_page):
    page = counselor_page(new_page)
    page.goto("/bk/panduan")
    page.get_by_label("Tautan video YouTube").fill("https://youtu.be/dQw4w9WgXcQ")
    page.get_by_role("button", name="Pakai video YouTube ini").click()
    page.wait_for_load_state()
    assert "Video YouTube terpasang" in page.content()


def publish_material(new_page, title, body=SLIDES):
    page = counselor_page(new_page)
    page.goto("/bk/materi/baru")
    page.get_by_label("Judul").fill(title)
    page.get_by_label("Isi materi").fill(body)
    page.get_by_role("button", name="Simpan").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Terbitkan").click()
    page.wait_for_load_state()
    assert "Materi terbit" in page.content()
    return re.search(r'href="/materi/([a-z0-9-]+)/slide"', page.content()).group(1)


def test_guide_video_is_a_placeholder_until_tapped(new_page, live_server):
    set_youtube_guide(new_page)
    page = new_page()
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto("/panduan")
    assert page.locator(".op-step").count() == 5
    assert page.get_by_role("heading", name="Pilih waktu").is_visible()
    placeholder = page.get_by_role("link", name=re.compile("Ketuk untuk memutar video"))
    assert placeholder.is_visible()
    assert page.locator("iframe").count() == 0
    assert all(url.startswith(live_server) for url in requested), requested
    placeholder.click()
    frame = page.locator("#video iframe")
    frame.wait_for(state="attached")
    assert frame.get_attribute("src").startswith("https://www.youtube-nocookie.com/embed/"
                                                 "dQw4w9WgXcQ")
    assert page.url.endswith("/panduan")


def test_guide_steps_and_video_link_work_without_javascript(new_page):
    set_youtube_guide(new_page)
    page = new_page(js=False)
    page.goto("/panduan")
    assert page.locator(".op-step").count() == 5
    page.get_by_role("link", name=re.compile("Ketuk untuk memutar video")).click()
    page.wait_for_load_state()
    assert page.locator("#video iframe").count() == 1
    assert page.locator(".op-step").count() == 5


def test_material_is_shown_as_slides_on_a_phone(new_page):
    slug = publish_material(new_page, "Mengenal Guru BK di HP")
    page = new_page()
    page.goto(f"/materi/{slug}/slide")
    slides = page.locator(".op-slide")
    assert slides.count() == 3
    assert slides.nth(0).is_visible() and not slides.nth(1).is_visible()
    page.keyboard.press("ArrowRight")
    assert slides.nth(1).is_visible() and not slides.nth(0).is_visible()
    assert page.url.endswith("#slide-2")
    page.mouse.click(300, 300)
    assert slides.nth(2).is_visible()
    page.mouse.click(30, 300)
    assert slides.nth(1).is_visible()
    page.keyboard.press("Home")
    assert slides.nth(0).is_visible()
    assert page.get_by_role("button", name="Layar penuh").is_visible()


def test_slides_without_javascript_are_stacked_with_links(new_page):
    slug = publish_material(new_page, "Slide tanpa JavaScript")
    page = new_page(js=False)
    page.goto(f"/materi/{slug}/slide")
    assert page.locator(".op-slide").count() == 3
    assert page.get_by_role("heading", name="Cara").count() == 1
    page.get_by_role("link", name=re.compile("Berikutnya")).first.click()
    assert page.url.endswith("#slide-2")


def test_counselor_picks_a_story_poster_to_the_problem_box_and_downloads_it(new_page):
    page = new_page(viewport={"width": 1280, "height": 800}, js=False)
    login(page, "guru.bk")
    page.goto("/poster")
    page.get_by_label("Story 9:16").check()
    page.get_by_label("Kotak masalah").check()
    page.get_by_role("button", name="Tampilkan pratinjau").click()
    page.wait_for_load_state()
    assert "bentuk=story" in page.url and "tujuan=kotak" in page.url
    preview = page.get_by_role("img", name=re.compile("Pratinjau poster Story 9:16"))
    preview.wait_for()
    page.wait_for_function("() => [...document.images].every(i => i.complete)")
    assert preview.evaluate("i => [i.naturalWidth, i.naturalHeight]") == [1080, 1920]
    box = preview.bounding_box()
    assert box["y"] + box["height"] <= 800 * 1.5 and box["x"] + box["width"] <= 1280
    for name, mimetype in (("Unduh gambar (PNG)", "image/png"), ("Unduh PDF", "application/pdf")):
        href = page.get_by_role("link", name=name).get_attribute("href")
        response = page.request.get(href)
        assert response.ok and response.headers["content-type"] == mimetype
        assert "attachment" in response.headers["content-disposition"]


def test_homeroom_teacher_sends_the_problem_box_link_in_one_tap(new_page, live_server):
    page = new_page()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    login(page, "wali.7a")
    message = page.locator("#pesan-kotak").input_value()
    assert message.startswith("Halo, anak-anak kelas 7A!") and message.endswith("/kotak")
    whatsapp = page.get_by_role("link", name="Kirim lewat WhatsApp").first.get_attribute("href")
    assert parse_qs(urlsplit(whatsapp).query)["text"] == [message]
    page.get_by_role("button", name="Salin pesan").first.click()
    page.get_by_role("button", name="Tersalin").first.wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == message


def test_share_kit_without_javascript_leaves_the_message_to_copy_by_hand(new_page):
    page = new_page(js=False)
    login(page, "wali.7a")
    assert page.get_by_role("button", name="Salin pesan").count() == 0
    assert page.locator("#pesan-kotak").is_visible()
    assert page.get_by_text("tekan lama pada kotak pesan").first.is_visible()


@pytest.mark.parametrize("path", ["/", "/layanan", "/panduan", "/materi", "/poster"])
def test_public_outreach_pages_pass_axe(new_page, path):
    page = new_page(bypass_csp=True)
    page.goto(path)
    assert axe_violations(page) == []


def test_material_slides_and_share_kit_pass_axe(new_page):
    slug = publish_material(new_page, "Materi untuk axe")
    page = new_page(bypass_csp=True)
    for path in (f"/materi/{slug}", f"/materi/{slug}/slide"):
        page.goto(path)
        assert axe_violations(page) == [], path
    login(page, "wali.7a")
    assert axe_violations(page) == []
