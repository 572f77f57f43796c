"""Request logs: problem-box requests leave no line, the files every page loads leave one
without the client, everything else is logged as configured."""

import logging
from datetime import timedelta
from types import SimpleNamespace

import pytest
from gunicorn.config import Config
from gunicorn.glogging import Logger

from cyberbk import create_app
from cyberbk.problembox.logging import ProblemboxAccessFilter

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
])
def test_gunicorn_logs_no_line_for_a_problembox_request(gunicorn_access_log, method, uri):
    assert gunicorn_access_log(method, uri) == []


@pytest.mark.parametrize("uri", ["/static/css/app.css?v=1", "/static/js/htmx.min.js", "/logo"])
def test_gunicorn_logs_shared_assets_without_the_client(gunicorn_access_log, uri):
    [line] = gunicorn_access_log("GET", uri)
    assert f"GET {uri} HTTP/1.1" in line
    for secret in (ADDRESS, FORWARDED, MARKER):
        assert secret not in line
    assert ":00:00 " in line  # time rounded down to the hour


@pytest.mark.parametrize("uri", ["/login", "/kotakan", "/bk/kotak/3"])
def test_other_requests_are_logged_as_configured(gunicorn_access_log, uri):
    [line] = gunicorn_access_log("GET", uri)
    assert line.startswith(ADDRESS) and MARKER in line


def werkzeug_record(request_line):
    """A record as Werkzeug's development server logs a request."""
    return logging.getLogger("werkzeug").makeRecord(
        "werkzeug", logging.INFO, __file__, 1,
        f'{ADDRESS} - - [28/Nov/2026 10:11:12] "%s" %s %s\n', (request_line, "303", "-"), None)


def test_development_server_drops_problembox_requests_and_scrubs_assets():
    assert not ProblemboxAccessFilter().filter(werkzeug_record("POST /kotak/cek HTTP/1.1"))
    record = werkzeug_record("GET /static/css/app.css HTTP/1.1")
    assert ProblemboxAccessFilter().filter(record)
    message = record.getMessage()
    assert ADDRESS not in message and "10:11:12" not in message
    assert "GET /static/css/app.css HTTP/1.1" in message


def test_development_server_line_of_another_request_is_unchanged():
    record = werkzeug_record("\x1b[32mGET /login HTTP/1.1\x1b[0m")
    assert ProblemboxAccessFilter().filter(record)
    assert record.getMessage().startswith(ADDRESS)


def test_the_app_installs_the_filter_once_however_often_it_is_created(app, app_config):
    create_app(app_config)
    for name in ("gunicorn.access", "werkzeug"):
        filters = logging.getLogger(name).filters
        assert sum(isinstance(f, ProblemboxAccessFilter) for f in filters) == 1
