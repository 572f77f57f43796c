"""The problem box on a 360x640 phone: an anonymous visitor sends a problem with JavaScript off
and on, writes the code down, a counselor replies, the visitor reads the reply with the code and
answers back; afterwards neither the database nor the server's logs name the visitor."""

import re
import time
import uuid
from types import SimpleNamespace

import pytest

from tests.e2e.conftest import PHONE
from tests.e2e.conftest import axe_violations
from tests.e2e.conftest import login
from tests.e2e.conftest import serve

CODE = re.compile(r"BK(?:-[2-9A-HJKMNP-Z]{4}){4}")
STUDENT_AGENT = f"Mozilla/5.0 (Linux; Android 10) CyberBK-e2e-{uuid.uuid4().hex}"


@pytest.fixture(scope="module")
def served(tmp_path_factory, demo_instance):
    """Like conftest's server, plus gunicorn's access log and an instance folder this module
    can read: a test checks what the served app writes about a visitor."""
    instance = tmp_path_factory.mktemp("problembox-instance")
    # Every browser here is 127.0.0.1; the per-client limits are unit-tested.
    (instance / "config.py").write_text('PROBLEMBOX_REPORT_LIMIT = "100 per 15 minutes"\n')
    with serve(instance, demo_instance, ("--access-logfile", "-")) as base_url:
        yield SimpleNamespace(url=base_url, instance=instance)


@pytest.fixture(scope="module")
def live_server(served):
    """conftest's page fixtures (new_page) use this module's server."""
    return served.url


@pytest.fixture
def student_page(browser, live_server):
    """A phone of an anonymous visitor, with a user agent no other request carries."""
    contexts = []

    def make(js=True):
        context = browser.new_context(viewport=PHONE, java_script_enabled=js,
                                      base_url=live_server, user_agent=STUDENT_AGENT,
                                      locale="id-ID", timezone_id="Asia/Jakarta")
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def send_problem(page, text):
    page.goto("/kotak")
    page.get_by_label("Ceritakan masalahmu").fill(text)
    page.get_by_label("Pribadi").check()
    page.get_by_role("button", name="Kirim ke Guru BK").click()
    # The code is the answer to the POST itself (with JavaScript, htmx puts /kotak/terkirim in
    # the address bar, where a reload finds the code gone).
    page.locator(".pb-code").wait_for()
    # The student writes the code down, exactly as shown.
    return CODE.search(page.locator(".pb-code").inner_text()).group(0)


def open_thread(page, code):
    page.goto("/kotak/cek")
    page.get_by_label("Kode balasan").fill(code)
    page.get_by_role("button", name="Buka percakapan").click()
    page.wait_for_url("**/kotak/cek")


def counselor_opens_newest(page, text):
    """The inbox shows no report text: the counselor opens the newest ordinary new report."""
    login(page, "guru.bk")
    page.goto("/bk/kotak?status=new&urgent=0")
    page.locator(".pb-row").first.get_by_role("link").click()
    assert text in page.inner_text("main")


def wait_for_log(path, needle, timeout=5):
    """Gunicorn writes the access line just after the response; wait for it, briefly."""
    deadline = time.monotonic() + timeout
    while needle not in path.read_text() and time.monotonic() < deadline:
        time.sleep(0.05)
    return path.read_text()


@pytest.mark.parametrize("js", [False, True], ids=["no-js", "js"])
def test_anonymous_student_and_counselor_talk_through_the_problem_box(student_page, new_page,
                                                                        js):
    text = f"Aku sering diejek teman sekelas ({'tanpa' if not js else 'dengan'} JS)."
    student = student_page(js=js)
    code = send_problem(student, text)
    assert "satu-satunya jalan" in student.inner_text("main")
    # A reload must not show the code again.
    student.reload()
    assert not CODE.search(student.inner_text("main"))

    counselor = new_page(js=js)
    counselor_opens_newest(counselor, text)
    counselor.get_by_role("link", name="Terima kasih sudah bercerita").click()
    reply = counselor.get_by_label("Balasan untuk siswa")
    assert "Itu langkah yang berani." in reply.input_value()
    reply.fill(reply.input_value() + " Kapan kamu bisa ke ruang BK?")
    counselor.get_by_role("button", name="Kirim balasan").click()
    thread = counselor.locator("#kotak-percakapan")
    thread.get_by_text("Kapan kamu bisa ke ruang BK?").wait_for()
    assert "Diproses" in counselor.locator("#kotak-status").inner_text()

    open_thread(student, code.lower().replace("-", " "))
    assert "Kapan kamu bisa ke ruang BK?" in student.inner_text("main")
    student.get_by_label("Balasanmu").fill("Besok istirahat kedua, Bu.")
    student.get_by_role("button", name="Kirim balasan").click()
    student.locator("#percakapan").get_by_text("Besok istirahat kedua, Bu.").wait_for()
    student.get_by_role("radio", name="Video").check()
    student.get_by_label("Kapan kamu bisa pegang HP? (boleh dikosongkan)").fill("sore")
    student.get_by_role("button", name="Kirim permintaan").click()
    student.get_by_text("Kamu sudah meminta sesi video.").wait_for()

    counselor.reload()
    assert "Besok istirahat kedua, Bu." in counselor.inner_text("#kotak-percakapan")
    assert "Siswa meminta sesi video." in counselor.inner_text("#kotak-status")
    counselor.get_by_label("Status", exact=True).select_option(label="Selesai")
    counselor.get_by_role("button", name="Simpan", exact=True).click()
    counselor.locator("#kotak-status .pb-tags").get_by_text("Selesai").wait_for()

    student.get_by_role("button", name="Tutup percakapan").click()
    assert "Besok istirahat kedua" not in student.inner_text("main")


def test_counter_and_inline_errors_with_javascript(student_page):
    student = student_page(js=True)
    student.goto("/kotak")
    student.get_by_label("Ceritakan masalahmu").fill("halo")
    assert student.locator(".pb-counter").inner_text() == "4 / 3000"
    student.get_by_label("Ceritakan masalahmu").fill("   ")
    student.get_by_role("button", name="Kirim ke Guru BK").click()
    student.get_by_text("Tulis dulu ceritamu").wait_for()
    assert student.url.endswith("/kotak")


def test_urgent_problem_shows_crisis_contacts_calmly_and_stands_out_for_counselors(
        student_page, new_page):
    student = student_page(js=False)
    send_problem(student, "udah gk kuat lg, pengen bundir aja")
    main = student.inner_text("main")
    assert "SAPA 129" in main and "Kamu tidak sendirian" in main
    assert "mendesak" not in main.lower()
    counselor = new_page()
    login(counselor, "guru.bk")
    assert "laporan mendesak" in counselor.inner_text("main")
    counselor.goto("/bk/kotak")
    assert counselor.locator(".pb-row").first.locator(".pb-badge-urgent").is_visible()


def test_wrong_code_gets_the_generic_message(student_page):
    student = student_page(js=False)
    student.goto("/kotak/cek")
    student.get_by_label("Kode balasan").fill("BK-2222-3333-4444-5555")
    student.get_by_role("button", name="Buka percakapan").click()
    assert "Kode itu tidak cocok." in student.inner_text("main")


def test_served_app_keeps_no_trace_of_the_student(served, student_page, new_page):
    """The database file and the server's output (access log included) hold neither the
    student's user agent nor their address; the problem box's requests leave no access line."""
    student = student_page(js=True)
    code = send_problem(student, "Cerita untuk memeriksa log server.")
    open_thread(student, code)
    counselor = new_page()
    login(counselor, "guru.bk")
    counselor.goto("/bk/kotak?log-check")
    log = wait_for_log(served.instance / "server.log", "GET /bk/kotak?log-check ")
    stored = b"".join(p.read_bytes() for p in served.instance.glob("cyberbk.sqlite*"))
    assert b"memeriksa log server" in stored
    assert STUDENT_AGENT.encode() not in stored and code.encode() not in stored
    assert STUDENT_AGENT not in log and code not in log
    assert not re.search(r'"[A-Z]+ /kotak', log)
    for line in log.splitlines():
        if re.search(r'"GET /(static/|logo)', line):
            assert "127.0.0.1" not in line, line
    # Staff pages are logged as configured: the filter hides only what it must.
    assert re.search(r'^127\.0\.0\.1 .*"GET /bk/kotak\?log-check ', log, re.M)


@pytest.mark.parametrize("path,username", [
    ("/kotak", None), ("/kotak/cek", None), ("/kotak", "siswa.7a.05"), ("/bk/kotak", "guru.bk"),
    ("/bk/kotak/pengaturan", "guru.bk"),
])
def test_problembox_pages_have_no_serious_accessibility_issue(new_page, path, username):
    page = new_page(bypass_csp=True)
    if username:
        login(page, username)
    page.goto(path)
    assert axe_violations(page) == []


def test_code_thread_and_report_pages_have_no_serious_accessibility_issue(new_page):
    page = new_page(bypass_csp=True)
    text = "Cerita untuk memeriksa aksesibilitas."
    code = send_problem(page, text)
    assert axe_violations(page) == []
    open_thread(page, code)
    assert axe_violations(page) == []
    counselor = new_page(bypass_csp=True)
    counselor_opens_newest(counselor, text)
    assert axe_violations(counselor) == []


def test_form_reflows_at_200_percent_text(new_page):
    page = new_page(bypass_csp=True)
    page.goto("/kotak")
    page.add_style_tag(content="html { font-size: 200% !important; }")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert page.get_by_role("button", name="Kirim ke Guru BK").is_visible()


def test_a_signed_in_student_typing_a_long_story_keeps_the_session(new_page):
    """Keys reach no server: the page tells it, once a minute at most, so that a story
    written for longer than the idle time is not met by a sign-out when it is sent."""
    page = new_page()
    page.clock.install()
    login(page, "siswa.7a.02")
    page.goto("/kotak")
    story = page.get_by_label("Ceritakan masalahmu")
    story.press_sequentially("Aku")
    page.clock.run_for("01:01")
    with page.expect_response(lambda r: r.url.endswith("/masih-aktif")) as told:
        story.press_sequentially(" sedih")
    assert told.value.status == 204
    assert page.url.endswith("/kotak")
