"""Request logs: requests that serve an anonymous reporter leave no line, the files every
page loads leave one without the client, everything else is logged as configured; and
deploy/nginx.conf keeps exactly the same paths out of nginx's logs."""

import logging
import re
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn.config import Config
from gunicorn.glogging import Logger
from werkzeug.exceptions import MethodNotAllowed

from cyberbk import create_app
from cyberbk import accesslog
from cyberbk.accesslog import AnonymousAccessFilter

ADDRESS = "198.51.100.23"
FORWARDED = "203.0.113.45"
MARKER = "CyberBK-Log-Test/ua-7f3e"
# Everything a custom gunicorn format could print about the client.
FORMAT = ('%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" '
          '%({x-forwarded-for}i)s %({user-agent}i)s %({remote_addr}e)s %({http_user_agent}e)s')


@pytest.fixture
def gunicorn_access_log(app, tmp_path):
    """A real gunicorn logger writing the access log to a file, as `--access-logfile` does."""
    path = tmp_path / "access.log"
    config = Config()
    config.set("accesslog", str(path))
    config.set("access_log_format", FORMAT)
    logger = Logger(config)
    access = logging.getLogger("gunicorn.access")
    propagate = access.propagate

    def request(method, uri):
        """The access-log lines this one request adds."""
        path_info = uri.split("?")[0]
        environ = {"REMOTE_ADDR": ADDRESS, "REQUEST_METHOD": method, "RAW_URI": uri,
                   "PATH_INFO": path_info, "QUERY_STRING": "", "SERVER_PROTOCOL": "HTTP/1.1",
                   "HTTP_USER_AGENT": MARKER, "HTTP_REFERER": f"https://wa.me/{MARKER}",
                   "HTTP_X_FORWARDED_FOR": FORWARDED}
        headers = [("USER-AGENT", MARKER), ("X-FORWARDED-FOR", FORWARDED)]
        response = SimpleNamespace(status="303 SEE OTHER", sent=0, headers=[])
        before = path.read_text().splitlines() if path.exists() else []
        logger.access(response, SimpleNamespace(headers=headers), environ,
                      timedelta(milliseconds=12))
        for handler in access.handlers:
            handler.flush()
        return path.read_text().splitlines()[len(before):]

    yield request
    for handler in list(access.handlers):
        access.removeHandler(handler)
        handler.close()
    access.propagate = propagate


@pytest.mark.parametrize("method,uri", [
    ("GET", "/kotak"), ("POST", "/kotak"), ("GET", "/kotak/terkirim"), ("POST", "/kotak/cek"),
    ("POST", "/kotak/cek/balas"), ("GET", "/static/js/problembox.js?v=1a2b"),
    # The thread gone live: its page, its sends, the keep-alive, its socket, the quick exit.
    ("GET", "/konseling/kotak"), ("POST", "/konseling/kotak/kirim"),
    ("POST", "/konseling/aktif"), ("POST", "/masih-aktif"), ("POST", "/keluar-cepat"),
    ("GET", "/socket.io/?EIO=4&transport=polling&t=abc"),
    ("POST", "/socket.io/?EIO=4&transport=polling&sid=x"),
])
def test_gunicorn_logs_no_line_for_a_request_serving_an_anonymous_reporter(gunicorn_access_log, method, uri):
    assert gunicorn_access_log(method, uri) == []


@pytest.mark.parametrize("uri", ["/static/css/app.css?v=1", "/static/js/htmx.min.js", "/logo"])
def test_gunicorn_logs_shared_assets_without_the_client(gunicorn_access_log, uri):
    [line] = gunicorn_access_log("GET", uri)
    assert f"GET {uri} HTTP/1.1" in line
    for secret in (ADDRESS, FORWARDED, MARKER):
        assert secret not in line
    assert ":00:00 " in line  # time rounded down to the hour


@pytest.mark.parametrize("uri", ["/login", "/kotakan", "/bk/kotak/3", "/bk/konseling/kotak/3",
                                 "/konseling/12"])
def test_other_requests_are_logged_as_configured(gunicorn_access_log, uri):
    [line] = gunicorn_access_log("GET", uri)
    assert line.startswith(ADDRESS) and MARKER in line


def werkzeug_record(request_line):
    """A record as Werkzeug's development server logs a request."""
    return logging.getLogger("werkzeug").makeRecord(
        "werkzeug", logging.INFO, __file__, 1,
        f'{ADDRESS} - - [28/Nov/2026 10:11:12] "%s" %s %s\n', (request_line, "303", "-"), None)


def test_development_server_drops_problembox_requests_and_scrubs_assets():
    assert not AnonymousAccessFilter().filter(werkzeug_record("POST /kotak/cek HTTP/1.1"))
    record = werkzeug_record("GET /static/css/app.css HTTP/1.1")
    assert AnonymousAccessFilter().filter(record)
    message = record.getMessage()
    assert ADDRESS not in message and "10:11:12" not in message
    assert "GET /static/css/app.css HTTP/1.1" in message


def test_development_server_line_of_another_request_is_unchanged():
    record = werkzeug_record("\x1b[32mGET /login HTTP/1.1\x1b[0m")
    assert AnonymousAccessFilter().filter(record)
    assert record.getMessage().startswith(ADDRESS)


def test_the_app_installs_the_filter_once_however_often_it_is_created(app, app_config):
    create_app(app_config)
    for name in ("gunicorn.access", "werkzeug"):
        filters = logging.getLogger(name).filters
        assert sum(isinstance(f, AnonymousAccessFilter) for f in filters) == 1


ROOT = Path(__file__).resolve().parent.parent
# What serves a reporter without an account, read from the URL map: the problem box's
# pages outside /bk, the thread's live pages, and what those pages send by themselves.
REPORTER_ENDPOINTS = {"chat.thread", "chat.thread_send", "chat.keepalive", "auth.quick_exit",
                      "auth.still_here",
                      # a student's own report of violence to the TPPK, anonymous or named
                      "tppk.report_violence"}


def serves_anonymous_reporter(rule):
    if rule.rule.startswith("/bk/"):
        return False
    return rule.endpoint.startswith("problembox.") or rule.endpoint in REPORTER_ENDPOINTS


def test_every_route_that_serves_an_anonymous_reporter_is_left_out_of_the_log(app):
    rules = list(app.url_map.iter_rules())
    reporter_rules = [rule for rule in rules if serves_anonymous_reporter(rule)]
    assert {rule.endpoint for rule in reporter_rules} >= REPORTER_ENDPOINTS
    for rule in reporter_rules:
        # Any number stands for a converter: /kotak/<x> is /kotak/1 as logged.
        path = re.sub(r"<[^>]+>", "1", rule.rule)
        assert accesslog.is_unlogged(path), rule.rule


#: Left out of the log for the secret in their path, not for a reporter.
SECRET_PATH_ENDPOINTS = {"booking.feed"}


def test_the_list_leaves_no_counselor_or_booking_route_out_of_the_log(app):
    for rule in app.url_map.iter_rules():
        path = re.sub(r"<[^>]+>", "1", rule.rule)
        if (rule.endpoint != "static" and not serves_anonymous_reporter(rule)
                and rule.endpoint not in SECRET_PATH_ENDPOINTS):
            assert not accesslog.is_unlogged(path), rule.rule


def test_a_calendar_feed_address_is_not_logged(app):
    """Its token is the key to a counselor's agenda: a log reader could subscribe."""
    assert accesslog.is_unlogged("/kalender/rahasia.ics")


def test_every_listed_path_is_served_by_the_app(app):
    """No stale entry: each path names a route, each prefix begins one (or is Socket.IO's)."""
    adapter = app.url_map.bind("localhost")
    rules = [rule.rule for rule in app.url_map.iter_rules()]
    for paths in (accesslog.UNLOGGED, accesslog.SCRUBBED):
        for path in paths.exact:
            try:
                adapter.match(path)
            except MethodNotAllowed:
                pass  # served, to a POST
        for prefix in paths.prefixes:
            assert prefix == "/socket.io/" or any(r.startswith(prefix) for r in rules), prefix


def nginx_quiet_locations():
    """(modifier, path) of every location of deploy/nginx.conf with its logs off."""
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    found = set()
    for modifier, path, body in re.findall(r"location\s+(=\s+)?(\S+)\s*\{([^}]*)\}", text):
        if "access_log off;" in body:
            assert "error_log /dev/null;" in body, path
            found.add((modifier.strip(), path))
    return found


def test_nginx_leaves_exactly_the_listed_paths_out_of_its_logs():
    assert nginx_quiet_locations() == accesslog.nginx_locations()
