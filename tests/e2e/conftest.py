"""Browser tests: the real app served by gunicorn (as in production) on the demo school,
driven by Playwright in Debian's Chromium at a 360x640 phone viewport."""

import fcntl
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import zlib
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CYBERBK_CHROMIUM", "/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 360, "height": 640}
DEMO_PASSWORD = "cyberbk-demo"

PDF_OBJECT = re.compile(rb"(\d+) 0 obj(.*?)endobj", re.S)
PDF_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
PDF_TEXT = re.compile(rb"/([\w.+-]+)\s+[\d.]+\s+Tf|<([0-9A-Fa-f]*)>|\bET\b")

def pytest_collection_modifyitems(items):
    # Marks every test below this folder `e2e` (pytest.ini), so that -m "not e2e" leaves
    # the browser out; a `pytestmark` in a conftest would mark nothing.
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_flask(args, env):
    subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env,
                   check=True, capture_output=True)


def flask_env(instance, **variables):
    env = {**os.environ, "CYBERBK_INSTANCE_PATH": str(instance), **variables}
    env.pop("DATABASE_URL", None)
    env.pop("SOCKETIO_MESSAGE_QUEUE", None)
    return env


@pytest.fixture(scope="session")
def demo_instance(tmp_path_factory):
    """An instance folder migrated and seeded with the demo school, made once per run and
    copied for each server: seeding hashes some forty passwords with scrypt, as production
    does, about fifteen seconds on this machine, and each xdist worker starts up to three
    servers. The workers share the one folder under the run's temporary root; a lock makes
    the first to come make it."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    # With xdist each worker's base folder lies in one folder of the run's own.
    root = tmp_path_factory.getbasetemp()
    if worker:
        root = root.parent
    instance = root / "demo-instance"
    with open(root / "demo-instance.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (instance / "seeded").exists():
            shutil.rmtree(instance, ignore_errors=True)
            instance.mkdir()
            env = flask_env(instance)
            run_flask(["db", "upgrade"], env)
            run_flask(["seed-demo"], env)
            (instance / "seeded").touch()
    return instance


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, demo_instance):
    """Base URL of a gunicorn server on a fresh instance folder holding the demo school."""
    with serve(tmp_path_factory.mktemp("instance"), demo_instance) as base_url:
        yield base_url


@contextmanager
def serve(instance, demo_instance, gunicorn_options=(), log_name="server.log"):
    """gunicorn as production runs it, on `instance` given a copy of `demo_instance`
    (migrated, demo school seeded; its secret key too, which the seeded rows may depend
    on); its output goes to instance/`log_name`. Yields the base URL. `demo_instance`
    None: a second process on an instance that another one serves already."""
    port = free_port()
    env = flask_env(instance, PORT=str(port))
    if demo_instance is not None:
        shutil.copytree(demo_instance, instance, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("seeded"))
    log = open(instance / log_name, "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "deploy/gunicorn.conf.py",
         "--bind", f"127.0.0.1:{port}", *gunicorn_options, "wsgi:app"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(base_url + "/healthz", timeout=2) as response:
                if json.load(response)["status"] == "ok":
                    break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise RuntimeError(Path(log.name).read_text())
            time.sleep(0.2)
    try:
        yield base_url
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield browser
        browser.close()


@contextmanager
def page_factory(browser, base_url, timeout=10_000):
    """make(js=True, bypass_csp=False, viewport=PHONE): a page of a new context on
    `base_url`, in Indonesian at school's time; every context closes at the end."""
    contexts = []

    def make(js=True, bypass_csp=False, viewport=PHONE):
        context = browser.new_context(viewport=viewport, java_script_enabled=js,
                                      bypass_csp=bypass_csp, base_url=base_url,
                                      locale="id-ID", timezone_id="Asia/Jakarta")
        context.set_default_timeout(timeout)
        contexts.append(context)
        return context.new_page()

    try:
        yield make
    finally:
        for context in contexts:
            context.close()


@pytest.fixture
def new_page(browser, live_server):
    """Factory for phone pages: new_page(js=True, bypass_csp=False, viewport=PHONE)."""
    with page_factory(browser, live_server) as make:
        yield make


@pytest.fixture
def page(new_page):
    return new_page()


def login(page, username, password=DEMO_PASSWORD):
    page.goto("/login")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_load_state()


def axe_violations(page, impacts=("serious", "critical")):
    """Run axe-core in the page (needs a context with bypass_csp=True) and return the
    violations at the given impacts, as 'rule: selector' strings."""
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail("axe-core is missing in CI (npm ci at the project root installs it)")
        pytest.skip("axe-core is not installed (run `npm ci` at the project root)")
    page.evaluate(AXE.read_text())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']}: {', '.join(n['target'][0] for n in v['nodes'])}"
            for v in result["violations"] if v["impact"] in impacts]


def pdf_text(pdf):
    """The text of a PDF that Chromium wrote (Skia: Type0 fonts with a ToUnicode map,
    text drawn as hex glyph strings), one line per text run, in the order drawn.
    Enough to check what a printed page says, without a PDF library."""
    objects = {int(number): body for number, body in PDF_OBJECT.findall(pdf)}

    def stream(number):
        found = PDF_STREAM.search(objects[number])
        return zlib.decompress(found.group(1)) if found else b""

    def unicode_map(number):
        cmap, text = {}, stream(number)
        for block in re.findall(rb"beginbfchar(.*?)endbfchar", text, re.S):
            for code, char in re.findall(rb"<(\w+)>\s*<(\w+)>", block):
                cmap[int(code, 16)] = bytes.fromhex(char.decode()).decode("utf-16-be")
        for block in re.findall(rb"beginbfrange(.*?)endbfrange", text, re.S):
            for low, high, first in re.findall(rb"<(\w+)>\s*<(\w+)>\s*<(\w+)>", block):
                start = int(first, 16)
                for offset in range(int(high, 16) - int(low, 16) + 1):
                    cmap[int(low, 16) + offset] = chr(start + offset)
        return cmap

    fonts = {}
    for body in objects.values():
        for name, number in re.findall(rb"/([\w.+-]+) (\d+) 0 R", body):
            to_unicode = re.search(rb"/ToUnicode (\d+) 0 R", objects.get(int(number), b""))
            if to_unicode:
                fonts[name] = unicode_map(int(to_unicode.group(1)))
    lines = []
    for body in objects.values():
        if not re.search(rb"/Type /Page\b", body):
            continue
        for contents in re.findall(rb"/Contents (\d+) 0 R", body):
            font, line = {}, ""
            for match in PDF_TEXT.finditer(stream(int(contents))):
                if match.group(1):
                    font = fonts.get(match.group(1), {})
                elif match.group(2) is not None:
                    glyphs = bytes.fromhex(match.group(2).decode())
                    line += "".join(font.get(int.from_bytes(glyphs[i:i + 2], "big"), "")
                                    for i in range(0, len(glyphs), 2))
                else:
                    lines.append(line)
                    line = ""
    return "\n".join(lines)
