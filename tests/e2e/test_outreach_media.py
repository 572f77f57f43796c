"""A counselor's PDF presented full screen on a laptop and read on a phone; the demo's guide
video tapped and played on a phone, after a first visit that stayed light."""

import os
import re
from pathlib import Path

import pytest

from tests.e2e.conftest import PHONE
from tests.e2e.conftest import axe_violations
from tests.e2e.conftest import login
from tests.e2e.conftest import serve
from tests.test_outreach_slides import THREE_PAGES
from tests.test_outreach_slides import needs_poppler

LAPTOP = {"width": 1280, "height": 800}
#: A student page's first visit (bench/pages.py): bytes on the wire and requests.
FIRST_VISIT_BYTES = 30 * 1024
FIRST_VISIT_REQUESTS = 6
MB = 1024 * 1024


@pytest.fixture(scope="module")
def media_server(tmp_path_factory, demo_instance):
    """A server of its own: the shared one's guide may have been given a YouTube video."""
    with serve(tmp_path_factory.mktemp("media-instance"), demo_instance) as base_url:
        yield base_url


@pytest.fixture
def open_page(browser, media_server):
    contexts = []

    def make(viewport=PHONE, js=True, bypass_csp=False):
        context = browser.new_context(viewport=viewport, java_script_enabled=js,
                                      bypass_csp=bypass_csp, base_url=media_server,
                                      locale="id-ID", timezone_id="Asia/Jakarta")
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def until(page, expression, seconds=15):
    """Poll `expression` in the page: wait_for_function would evaluate a string, which the
    app's CSP (no unsafe-eval) rightly refuses."""
    for _ in range(seconds * 5):
        if page.evaluate(expression):
            return
        page.wait_for_timeout(200)
    raise AssertionError(f"never true: {expression}")


def screenshot(page, name):
    """Kept where CYBERBK_SCREENSHOTS points, for a person to look at."""
    folder = os.environ.get("CYBERBK_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"))


def demo_video(demo_instance):
    found = sorted((demo_instance / "uploads" / "outreach").glob("panduan-*.mp4"))
    if not found:
        pytest.skip("the seed made no guide video (ffmpeg is not installed)")
    return found[0]


def test_demo_guide_video_stays_unloaded_until_tapped_then_plays_with_captions(
        open_page, demo_instance, media_server):
    video = demo_video(demo_instance)
    assert video.stat().st_size <= 2 * MB
    assert video.with_suffix(".vtt").read_text().startswith("WEBVTT")

    page = open_page()
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    weight = {"bytes": 0, "requests": []}
    cdp.on("Network.loadingFinished",
           lambda event: weight.__setitem__("bytes", weight["bytes"] + event["encodedDataLength"]))
    cdp.on("Network.requestWillBeSent",
           lambda event: weight["requests"].append(event["request"]["url"]))
    page.goto("/panduan", wait_until="load")
    page.wait_for_load_state("networkidle")
    assert weight["bytes"] <= FIRST_VISIT_BYTES, weight
    assert len(weight["requests"]) <= FIRST_VISIT_REQUESTS, weight["requests"]
    assert not any("/media/video/" in url for url in weight["requests"])
    placeholder = page.get_by_role("link", name=re.compile("Ketuk untuk memutar video panduan"))
    assert placeholder.is_visible()
    assert re.search(r"Video [\d,]+ MB, dengan teks", placeholder.inner_text())
    # At the top: the player's place is above the first step.
    assert placeholder.bounding_box()["y"] < page.locator(".op-step").first.bounding_box()["y"]
    assert page.locator(".op-step").count() == 5
    screenshot(page, "panduan-phone")

    placeholder.click()
    player = page.locator("#video video")
    player.wait_for()
    until(page, "document.querySelector('#video video').duration > 0")
    # Its first frame drawn: the browser has the current frame's data.
    until(page, "document.querySelector('#video video').readyState >= 2")
    duration = page.evaluate("document.querySelector('#video video').duration")
    assert 30 <= duration <= 100
    track = page.evaluate("""() => {
        const track = document.querySelector('#video video').textTracks[0];
        return {language: track.language, kind: track.kind, mode: track.mode};
    }""")
    assert track == {"language": "id", "kind": "captions", "mode": "showing"}
    until(page, "document.querySelector('#video video').textTracks[0].cues?.length > 0")
    assert "Langkah 1." in page.evaluate(
        "Array.from(document.querySelector('#video video').textTracks[0].cues)"
        ".map(cue => cue.text).join(' ')")
    page.evaluate("document.querySelector('#video video').pause()")
    screenshot(page, "panduan-phone-tapped")


def test_without_javascript_the_video_link_opens_the_mp4(open_page, demo_instance):
    demo_video(demo_instance)
    page = open_page(js=False)
    page.goto("/panduan")
    href = page.get_by_role("link", name=re.compile("Ketuk untuk memutar")).get_attribute("href")
    assert re.fullmatch(r"/media/video/panduan-[0-9a-f]+\.mp4", href)
    assert page.locator(".op-step").count() == 5


def publish_with_pdf(page, title):
    page.goto("/bk/materi/baru")
    page.get_by_label("Judul").fill(title)
    page.get_by_label("Isi materi").fill("Ringkasan materi.")
    page.get_by_role("button", name="Simpan").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Terbitkan").click()
    page.wait_for_load_state()
    # "(PDF atau PPTX)" where LibreOffice is installed.
    page.get_by_label(re.compile(r"^Berkas slide \(PDF")).set_input_files(
        {"name": "Presentasi BK.pdf", "mimeType": "application/pdf", "buffer": THREE_PAGES})
    page.get_by_role("button", name="Unggah slide").click()
    page.wait_for_load_state()
    assert "Slide tersimpan: 3 halaman." in page.content()
    return re.search(r'href="/materi/([a-z0-9-]+)/slide"', page.content()).group(1)


@needs_poppler
def test_counselor_presents_an_uploaded_pdf_with_keys_and_students_read_it_on_a_phone(
        open_page):
    page = open_page(viewport=LAPTOP)
    login(page, "guru.bk")
    slug = publish_with_pdf(page, "Presentasi dari PDF")
    page.goto(f"/materi/{slug}/slide")
    slides = page.locator(".op-slide")
    assert slides.count() == 3
    counter = page.locator(".op-slide:not([hidden]) .op-slide-count")
    assert counter.inner_text() == "1 / 3"
    until(page, "document.querySelector('.op-slide img').naturalWidth > 0")
    picture = slides.nth(0).locator("img").bounding_box()
    assert picture["width"] > 900  # the stage fills the laptop's window
    screenshot(page, "slides-pdf-laptop")
    page.keyboard.press("ArrowRight")
    assert counter.inner_text() == "2 / 3"
    page.keyboard.press(" ")
    assert counter.inner_text() == "3 / 3"
    page.keyboard.press("Home")
    assert counter.inner_text() == "1 / 3"
    page.keyboard.press("End")
    assert counter.inner_text() == "3 / 3"
    deck = page.locator("[data-deck]").bounding_box()
    page.mouse.click(deck["x"] + 60, deck["y"] + 200)  # a tap on the left third goes back
    assert counter.inner_text() == "2 / 3"
    until(page, "document.querySelectorAll('.op-slide img')[1].naturalWidth > 0")

    phone = open_page(bypass_csp=True)
    phone.goto(f"/materi/{slug}")
    images = phone.locator(".op-page img")
    assert images.count() == 3
    assert all(images.nth(i).get_attribute("loading") == "lazy" for i in range(3))
    assert re.search(r"-640\.jpg$", images.nth(0).get_attribute("src"))
    assert "Halaman dua" in phone.locator(".op-page").nth(1).inner_text()  # for screen readers
    until(phone, "document.querySelector('.op-page img').naturalWidth > 0")
    screenshot(phone, "slides-pdf-phone")
    assert axe_violations(phone) == []


def test_markdown_slides_fit_a_16_9_stage_in_a_laptop_window(open_page):
    page = open_page(viewport=LAPTOP)
    page.goto("/materi/mengenal-layanan-bk/slide#slide-4")
    slide = page.locator(".op-slide:not([hidden])")
    box = slide.bounding_box()
    assert abs(box["width"] / box["height"] - 16 / 9) < 0.02
    assert box["x"] >= 0 and box["x"] + box["width"] <= LAPTOP["width"]
    # Nothing spills out of the stage, and the list's numbers sit inside the card.
    body = slide.locator(".op-slide-body")
    assert body.evaluate("el => el.scrollHeight <= el.clientHeight + 1")
    room = slide.locator("ol").evaluate("""ol => {
        const style = getComputedStyle(ol);
        return {left: ol.getBoundingClientRect().left, padding: parseFloat(style.paddingLeft),
                font: parseFloat(style.fontSize)};
    }""")
    assert room["left"] >= box["x"] and room["padding"] >= 1.5 * room["font"]
    screenshot(page, "slides-markdown-laptop")
