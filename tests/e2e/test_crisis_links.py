"""Crisis help one tap away, on a 360x640 phone: after an urgent story the confirmation page
says calmly what happens next and what to do now, and every contact is a tel: or wa.me link
that works with JavaScript off."""

import pytest

from tests.e2e.conftest import axe_violations
from tests.e2e.conftest import serve

URGENT = "rasanya pengen nyudahin hidup aja"


@pytest.fixture(scope="module")
def live_server(tmp_path_factory, demo_instance):
    """A server of this module's own: every browser here is 127.0.0.1, and the per-client
    report limit is unit-tested."""
    instance = tmp_path_factory.mktemp("crisis-instance")
    (instance / "config.py").write_text('PROBLEMBOX_REPORT_LIMIT = "100 per 15 minutes"\n')
    with serve(instance, demo_instance) as base_url:
        yield base_url


def send(page, text):
    page.goto("/kotak")
    page.get_by_label("Ceritakan masalahmu").fill(text)
    page.get_by_role("button", name="Kirim ke Guru BK").click()
    # With scripts on, htmx swaps the page in: wait for it.
    page.get_by_role("heading", name="Ceritamu sudah terkirim").wait_for()


def test_urgent_confirmation_links_call_and_whatsapp_without_javascript(new_page):
    page = new_page(js=False)
    send(page, URGENT)
    assert page.get_by_role("heading", name="Ceritamu akan segera dibaca").is_visible()
    assert page.get_by_text("Kalau sekarang kamu sedang dalam bahaya").is_visible()
    calls = page.locator("a[href^='tel:']")
    chats = page.locator("a[href^='https://wa.me/']")
    hrefs = [calls.nth(i).get_attribute("href") for i in range(calls.count())]
    assert "tel:129" in hrefs and "tel:119,8" in hrefs and "tel:+6281200000001" in hrefs
    chat_hrefs = [chats.nth(i).get_attribute("href") for i in range(chats.count())]
    assert "https://wa.me/628111129129" in chat_hrefs
    # Big enough to tap, and on the screen of a small phone without scripts.
    box = page.get_by_role("link", name="Telepon 129").first.bounding_box()
    assert box["height"] >= 24 and box["x"] >= 0 and box["x"] + box["width"] <= 360
    # No alarm: the page never calls the story urgent.
    assert "mendesak" not in page.content().lower()


def test_ordinary_confirmation_shows_no_crisis_block(new_page):
    page = new_page(js=False)
    send(page, "aku bingung milih ekskul")
    assert page.locator("a[href^='tel:']").count() == 0


def test_urgent_confirmation_has_no_serious_accessibility_issue(new_page):
    page = new_page(bypass_csp=True)
    send(page, URGENT)
    assert page.locator("a[href^='tel:']").count() >= 3
    assert axe_violations(page) == []


