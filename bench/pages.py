"""Page weight and time-to-usable as a student's phone gets them (Chromium at 360x640)."""

import time

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SLOW = {"offline": False, "latency": 400, "downloadThroughput": 400 * 1024 / 8,
        "uploadThroughput": 400 * 1024 / 8}


class Phone:
    """One browser context (one phone); counts bytes and requests of each visit."""

    def __init__(self, browser, base):
        self.context = browser.new_context(viewport={"width": 360, "height": 640}, is_mobile=True,
                                           has_touch=True, base_url=base)
        self.page = self.context.new_page()
        self.cdp = self.context.new_cdp_session(self.page)
        self.cdp.send("Network.enable")
        self.bytes = 0
        self.requests = 0
        self.cdp.on("Network.loadingFinished", self._finished)
        self.cdp.on("Network.requestWillBeSent", self._sent)

    def _finished(self, event):
        self.bytes += event["encodedDataLength"]

    def _sent(self, _event):
        self.requests += 1

    def login(self, username, password="cyberbk-demo"):
        self.page.goto("/login")
        self.page.fill("#username", username)
        self.page.fill("#password", password)
        with self.page.expect_navigation(wait_until="load"):
            self.page.click("main button[type=submit]")
        # The home page's own late requests (its icon) must not count for the next page.
        self.page.wait_for_load_state("networkidle")
        self.cdp.send("Network.clearBrowserCache")

    def visit(self, path):
        """(KB, requests, HTTP status) of one full load of `path`."""
        self.bytes = self.requests = 0
        response = self.page.goto(path, wait_until="load")
        self.page.wait_for_timeout(300)
        return self.bytes / 1024, self.requests, response.status if response else 0

    def slow_down(self):
        self.cdp.send("Network.emulateNetworkConditions", SLOW)
        self.cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})

    def seconds_until_usable(self, path, selector):
        started = time.monotonic()
        self.page.goto(path, wait_until="commit")
        self.page.wait_for_selector(selector, state="visible", timeout=30_000)
        self.page.wait_for_function(
            "s => getComputedStyle(document.querySelector(s)).display !== 'inline'", arg=selector)
        return time.monotonic() - started

    def close(self):
        self.context.close()


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
