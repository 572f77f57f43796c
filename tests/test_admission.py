"""Admission: a worker serves a few requests at once; past a short line, a request is told
at once that the server is busy, and what was sent is said not to be stored."""

import threading

import pytest
from werkzeug.test import Client
from werkzeug.test import EnvironBuilder

from cyberbk import admission


class HeldApp:
    """A WSGI app whose requests stay inside until the test lets them go."""

    def __init__(self):
        self.inside = threading.Semaphore(0)
        self.go = threading.Event()
        self.served = 0

    def __call__(self, environ, start_response):
        self.inside.release()
        if not environ["PATH_INFO"].startswith("/cepat"):
            self.go.wait(10)
        self.served += 1
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]


def call(app, path="/siswa", method="GET"):
    environ = EnvironBuilder(path=path, method=method).get_environ()
    answer = {}

    def start_response(status, headers):
        answer["status"], answer["headers"] = status, dict(headers)

    body = app(environ, start_response)
    answer["body"] = b"".join(body)
    if hasattr(body, "close"):
        body.close()
    return answer


def in_background(app, count, path="/siswa", method="GET"):
    answers = []
    threads = [threading.Thread(target=lambda: answers.append(call(app, path, method)))
               for _ in range(count)]
    for thread in threads:
        thread.start()
    return threads, answers


def wait_inside(held, count):
    for _ in range(count):
        assert held.inside.acquire(timeout=5)


def admitted(app, pages, slots, queue, sending_queue, wait, sending_wait=None):
    """Admission around `app`; a sent form waits as long as a page unless told otherwise."""
    return admission.Admission(app, slots, queue, sending_queue, wait,
                               wait if sending_wait is None else sending_wait, pages)


@pytest.fixture
def pages(app):
    return admission.busy_pages(app)


@pytest.fixture
def held():
    held = HeldApp()
    yield held
    held.go.set()


def test_a_request_beyond_the_slots_waits_for_one_and_is_then_served(held, pages):
    app = admitted(held, pages, slots=2, queue=5, sending_queue=10, wait=5)
    threads, answers = in_background(app, 3)
    wait_inside(held, 2)
    assert held.served == 0 and not held.inside.acquire(timeout=0.2)
    held.go.set()
    for thread in threads:
        thread.join(5)
    assert [a["status"] for a in answers] == ["200 OK"] * 3


def test_a_page_opened_when_the_line_is_full_gets_the_busy_page_at_once(held, pages):
    app = admitted(held, pages, slots=1, queue=1, sending_queue=3, wait=5)
    threads, _ = in_background(app, 2)
    wait_inside(held, 1)
    while app.waiting < 1:
        threading.Event().wait(0.01)
    answer = call(app, "/kotak?kelas=7A")
    assert answer["status"] == "503 Service Unavailable"
    assert answer["headers"]["Retry-After"] == "5"
    assert answer["headers"]["Cache-Control"] == "no-store"
    page = answer["body"].decode()
    assert "<h1>Sedang ramai</h1>" in page and 'lang="id"' in page
    assert '<p lang="en">Many people are opening this page at once.' in page
    # Tries again by itself, also with JavaScript off.
    assert 'http-equiv="refresh" content="5;url=/kotak?kelas=7A"' in page


def test_a_story_being_sent_waits_in_the_longer_line_while_pages_are_turned_away(held, pages):
    app = admitted(held, pages, slots=1, queue=1, sending_queue=3, wait=5)
    in_background(app, 2)
    wait_inside(held, 1)
    while app.waiting < 1:
        threading.Event().wait(0.01)
    assert call(app)["status"].startswith("503")
    threads, answers = in_background(app, 1, "/kotak", "POST")
    while app.waiting < 2:
        threading.Event().wait(0.01)
    held.go.set()
    threads[0].join(5)
    assert answers[0]["status"] == "200 OK"


def test_a_form_turned_away_says_what_was_sent_was_not_stored(held, pages):
    app = admitted(held, pages, slots=1, queue=0, sending_queue=0, wait=5)
    in_background(app, 1)
    wait_inside(held, 1)
    answer = call(app, "/kotak", "POST")
    page = answer["body"].decode()
    assert answer["status"].startswith("503")
    assert "belum tersimpan" in page and "kirim lagi" in page
    # No reload: a reload would send the form again without the student knowing.
    assert "refresh" not in page


def test_a_sent_form_waits_longer_than_a_page_being_opened(held, pages):
    app = admitted(held, pages, slots=1, queue=5, sending_queue=5, wait=0.1, sending_wait=5)
    in_background(app, 1)
    wait_inside(held, 1)
    assert call(app)["status"].startswith("503")
    threads, answers = in_background(app, 1, "/kotak", "POST")
    threading.Event().wait(0.3)
    held.go.set()
    threads[0].join(5)
    assert answers[0]["status"] == "200 OK"


def test_nobody_waits_longer_than_the_wait(held, pages):
    app = admitted(held, pages, slots=1, queue=5, sending_queue=5, wait=0.2)
    in_background(app, 1)
    wait_inside(held, 1)
    assert call(app)["status"].startswith("503")


def test_chat_sockets_and_static_files_are_not_counted(held, pages):
    app = admitted(held, pages, slots=1, queue=0, sending_queue=0, wait=5)
    in_background(app, 1)
    wait_inside(held, 1)
    for path in ("/static/cepat.css", "/socket.io/cepat"):
        assert call(app, path)["status"] == "200 OK"


def test_the_slot_is_given_back_when_the_app_has_answered_or_failed(pages):
    def failing(environ, start_response):
        raise RuntimeError("boom")

    app = admitted(failing, pages, slots=1, queue=0, sending_queue=0, wait=0)
    for _ in range(3):
        with pytest.raises(RuntimeError):
            call(app)
    served = admitted(HeldApp(), pages, slots=1, queue=0, sending_queue=0, wait=0)
    for _ in range(3):
        assert call(served, "/cepat")["status"] == "200 OK"


def test_the_app_is_served_through_admission_unless_turned_off(app):
    assert isinstance(app.wsgi_app, admission.Admission)
    assert Client(app).get("/healthz").status_code == 200


def test_admission_can_be_turned_off(app_config):
    from cyberbk import create_app

    assert not isinstance(create_app({**app_config, "ADMISSION_SLOTS": 0}).wsgi_app,
                          admission.Admission)


def test_a_freed_slot_goes_to_the_request_that_waited_longest():
    slots = admission.Slots(1)
    assert slots.enter(5, 0)
    got = []

    def queue_up(name, place):
        thread = threading.Thread(target=lambda: got.append((name, slots.enter(5, 5))))
        thread.start()
        while slots.waiting < place:
            threading.Event().wait(0.01)
        return thread

    first, second = queue_up("first", 1), queue_up("second", 2)
    slots.leave()
    # A request arriving now finds no free slot: it went to the first in line.
    assert not slots.enter(5, 0)
    first.join(5)
    assert got == [("first", True)]
    slots.leave()
    second.join(5)
    assert got == [("first", True), ("second", True)]
    slots.leave()
    assert slots.enter(5, 0) and slots.waiting == 0
