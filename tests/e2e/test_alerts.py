"""A counselor's alerts on a laptop (issue 18 §1): the urgent story a student sends from a
phone is at the top of the counselor's home until opened; the notification settings
page is usable and accessible."""

from tests.e2e.conftest import axe_violations
from tests.e2e.conftest import login
from tests.e2e.test_crisis_links import send

LAPTOP = {"width": 1280, "height": 800}


def test_an_urgent_story_waits_at_the_top_of_the_counselors_home_until_opened(new_page):
    send(new_page(), "udah pengen nyudahin semuanya, capek banget")
    counselor = new_page(viewport=LAPTOP)
    login(counselor, "guru.bk2")
    waiting = counselor.get_by_role("region", name="belum dibuka")
    assert waiting.is_visible()
    first_card = counselor.locator("main .card").first
    assert "belum dibuka" in first_card.inner_text()
    links = waiting.get_by_role("link")
    count = links.count()
    links.last.click()
    counselor.wait_for_load_state()
    assert "/bk/kotak/" in counselor.url
    counselor.goto("/bk")
    now_waiting = counselor.get_by_role("region", name="belum dibuka")
    assert now_waiting.count() == 0 or now_waiting.get_by_role("link").count() == count - 1


def test_counselor_sets_quiet_hours_on_an_accessible_settings_page(new_page):
    counselor = new_page(viewport=LAPTOP, bypass_csp=True)
    login(counselor, "guru.bk")
    counselor.get_by_role("link", name="Notifikasi").click()
    assert counselor.get_by_label("Alamat email Anda").input_value() == "guru.bk@smpn-contoh.sch.id"
    assert axe_violations(counselor) == []
    counselor.get_by_label("Jam tenang mulai").fill("21:00")
    counselor.get_by_label("Jam tenang selesai").fill("05:30")
    counselor.get_by_role("button", name="Simpan pengaturan notifikasi").click()
    assert counselor.get_by_text("Pengaturan notifikasi sudah disimpan.").is_visible()
    assert counselor.get_by_label("Jam tenang mulai").input_value() == "21:00"
    # On 127.0.0.1 the browser offers Web Push: the button to turn it on is there.
    assert counselor.get_by_role("button", name="Aktifkan notifikasi di perangkat ini").is_visible()
