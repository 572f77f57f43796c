"""A staff list past one page at a laptop's 1280×800 (issue 19 §1): the counselor's list of
every booking turns its pages and searches in place with htmx, keeps each state in the
address, and works as plain links and a plain form without JavaScript."""

import re
import shutil
import subprocess
import sys

import pytest

from .conftest import ROOT
from .conftest import axe_violations
from .conftest import flask_env
from .conftest import login
from .conftest import serve

LAPTOP = {"width": 1280, "height": 800}
#: Past one page of fifty: the demo counselor's own bookings come on top.
EXTRA_BOOKINGS = 60

ADD_BOOKINGS = f"""
from datetime import timedelta
import sqlalchemy as sa
from wsgi import app
from cyberbk.accounts.models import Role, User
from cyberbk.booking.models import Booking, BookingStatus
from cyberbk.common.schooltime import utcnow
from cyberbk.common.vocabulary import Mode
from cyberbk.extensions import db
with app.app_context():
    counselor = db.session.scalar(sa.select(User).where(User.username == "guru.bk"))
    students = db.session.scalars(sa.select(User).where(User.role == Role.STUDENT)
                                  .order_by(User.id).limit(12)).all()
    start = utcnow().replace(hour=2, minute=0, second=0, microsecond=0) - timedelta(days=400)
    for number in range({EXTRA_BOOKINGS}):
        starts_at = start + timedelta(days=number)
        db.session.add(Booking(student_id=students[number % len(students)].id,
                               counselor_id=counselor.id, starts_at=starts_at,
                               ends_at=starts_at + timedelta(minutes=30), mode=Mode.CHAT,
                               status=BookingStatus.DONE))
    db.session.commit()
"""


@pytest.fixture(scope="module")
def crowded_server(tmp_path_factory, demo_instance):
    """A server of its own on the demo school with sixty more (past) bookings, so that the
    shared demo server's lists keep their length for the other tests."""
    instance = tmp_path_factory.mktemp("crowded")
    shutil.copytree(demo_instance, instance, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("seeded"))
    subprocess.run([sys.executable, "-c", ADD_BOOKINGS], cwd=ROOT, env=flask_env(instance),
                   check=True, capture_output=True)
    with serve(instance, None) as base_url:
        yield base_url


@pytest.fixture
def laptop_page(browser, crowded_server):
    contexts = []

    def make(js=True, bypass_csp=False):
        context = browser.new_context(viewport=LAPTOP, java_script_enabled=js,
                                      bypass_csp=bypass_csp, base_url=crowded_server,
                                      locale="id-ID", timezone_id="Asia/Jakarta")
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def rows(page):
    return page.locator("#jadwal-daftar tbody tr")


def test_the_bookings_list_turns_pages_and_searches_in_place(laptop_page):
    page = laptop_page()
    login(page, "guru.bk")
    page.goto("/bk/jadwal/semua")
    summary = page.locator("#jadwal-daftar p.muted").first
    total = int(re.match(r"(\d+) jadwal", summary.inner_text()).group(1))
    assert total > 50 and "halaman 1 dari 2" in summary.inner_text()
    assert rows(page).count() == 50
    # The page turns in place: the list is swapped, the address follows.
    page.evaluate("window.marker = 'same page'")
    page.get_by_role("navigation", name="Halaman").get_by_role("link", name="Berikutnya").click()
    page.wait_for_url("**page=2**")
    assert "halaman 2 dari 2" in summary.inner_text()
    assert rows(page).count() == total - 50
    assert page.evaluate("window.marker") == "same page"
    # Searching takes the list back to its first page, narrowed to one student.
    name = rows(page).first.locator("td").nth(1).inner_text().replace("Penting", "").strip()
    page.get_by_label("Cari nama siswa atau kelas").fill(name)
    page.wait_for_url(re.compile(r"q=[^&]+"))
    page.wait_for_function("!document.querySelector('#jadwal-daftar').textContent"
                           ".includes('halaman 2 dari')")
    names = rows(page).locator("td:nth-child(2)").all_inner_texts()
    assert names and all(name in text for text in names)
    assert page.evaluate("window.marker") == "same page"


def test_the_bookings_list_works_without_javascript(laptop_page):
    page = laptop_page(js=False)
    login(page, "guru.bk")
    page.goto("/bk/jadwal/semua?sort=siswa")
    page.get_by_role("navigation", name="Halaman").get_by_role("link", name="Berikutnya").click()
    page.wait_for_url("**sort=siswa&page=2")
    page.get_by_label("Status").select_option("done")
    page.get_by_role("button", name="Cari").click()
    page.wait_for_url("**status=done**")
    assert rows(page).count() == 50
    assert page.locator("th[aria-sort=ascending]").inner_text().startswith("Siswa")


def test_the_bookings_list_passes_axe(laptop_page):
    page = laptop_page(bypass_csp=True)
    login(page, "guru.bk")
    page.goto("/bk/jadwal/semua")
    assert axe_violations(page) == []
