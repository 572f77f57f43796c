"""Deployment: deploy/nginx.conf in front of gunicorn as deploy/cyberbk.service runs it.

Debian's nginx (`.ci/run` installs it; these tests skip without it) serves the real server
block, changed only in its listen port and its upstream's address. gunicorn starts with the
unit's ExecStartPre, ExecStart and Environment, serving wsgi:app plus one route that tells
what Flask believes about a request (tests/deploy_echo.py). Clients connect from 127.0.0.2
while nginx reaches gunicorn from 127.0.0.1, so the address the app sees tells them apart."""

import grp
import http.client
import json
import os
import re
import pwd
import resource
import runpy
import shlex
import shutil
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

import pytest
import requests
import websocket

from cyberbk.chat.services.rules import DEFAULTS as CHAT_DEFAULTS

ROOT = Path(__file__).resolve().parent.parent
NGINX_CONF = ROOT / "deploy" / "nginx.conf"
UNIT = ROOT / "deploy" / "cyberbk.service"
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
# Any 127.x address is this machine; nginx itself connects to gunicorn from 127.0.0.1.
CLIENT = "127.0.0.2"
FORGED_FOR = {"X-Forwarded-For": "1.2.3.4"}
FORGED_PROTO_AND_HOST = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example"}
MIB = 1024 * 1024


def unit_settings():
    """deploy/cyberbk.service as {section: {key: [values]}}: unlike configparser's INI,
    systemd lets a key come more than once (Environment=)."""
    settings = {}
    section = None
    for line in UNIT.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            section = settings.setdefault(line.strip("[]"), {})
        else:
            key, value = line.split("=", 1)
            section.setdefault(key, []).append(value)
    return settings


def service(key):
    return unit_settings()["Service"][key]


def service_command(key):
    (command,) = service(key)
    return shlex.split(command)


def service_environment():
    return dict(item.split("=", 1) for value in service("Environment") for item in shlex.split(value))


def service_bind():
    command = service_command("ExecStart")
    return command[command.index("--bind") + 1]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port, path, headers=None):
    """GET from CLIENT; returns (status, body as text)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10,
                                            source_address=(CLIENT, 0))
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def post_declaring(port, path, length):
    """POST from CLIENT that declares a body of `length` bytes and sends none: nginx
    answers a body it refuses from the declared length alone. Returns the status."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10,
                                            source_address=(CLIENT, 0))
    try:
        connection.putrequest("POST", path)
        connection.putheader("Content-Length", str(length))
        connection.endheaders()
        return connection.getresponse().status
    finally:
        connection.close()


def seen(port, headers=None):
    """What Flask believes about a GET from CLIENT: remote_addr, scheme and host."""
    status, body = get(port, "/_test/request", headers)
    assert status == 200, body
    return json.loads(body)


def wait_until_healthy(port, process, log):
    deadline = time.monotonic() + 30
    while True:
        try:
            if get(port, "/healthz")[0] == 200:
                return
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(log.read_text())
        time.sleep(0.2)


@contextmanager
def gunicorn(instance, proxy_count=None, start=None):
    """gunicorn as the unit starts it, on a migrated `instance` and a free port, serving
    tests/deploy_echo.py; PROXY_COUNT is the unit's unless given; `start` runs in the new
    process before gunicorn does. Yields the port and the process."""
    port = free_port()
    env = {**os.environ, **service_environment(), "CYBERBK_INSTANCE_PATH": str(instance)}
    if proxy_count is not None:
        env["PROXY_COUNT"] = str(proxy_count)
    env.pop("DATABASE_URL", None)
    env.pop("SOCKETIO_MESSAGE_QUEUE", None)
    migrate = service_command("ExecStartPre")
    subprocess.run([sys.executable, "-m", "flask", *migrate[1:]], cwd=ROOT, env=env,
                   check=True, capture_output=True)
    arguments = service_command("ExecStart")[1:]
    arguments[arguments.index(service_bind())] = f"127.0.0.1:{port}"
    arguments[arguments.index("wsgi:app")] = "tests.deploy_echo:app"
    log_path = instance / "gunicorn.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen([sys.executable, "-m", "gunicorn", *arguments], cwd=ROOT,
                                   env=env, stdout=log, stderr=subprocess.STDOUT,
                                   preexec_fn=start)
        try:
            wait_until_healthy(port, process, log_path)
            yield port, process
        finally:
            process.terminate()
            process.wait(timeout=10)


def worker_of(master):
    """The one worker of a gunicorn master process."""
    (pid,) = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()
    return int(pid)


def replace_once(text, old, new):
    assert text.count(old) == 1, f"deploy/nginx.conf should hold {old!r} once"
    return text.replace(old, new)


class Nginx(NamedTuple):
    port: int
    access_log: Path
    error_log: Path


@contextmanager
def nginx(folder, upstream_port):
    """Debian's nginx, unprivileged and in the foreground, with deploy/nginx.conf listening
    on a free port of 127.0.0.1 and sending to gunicorn on upstream_port."""
    port = free_port()
    server = replace_once(NGINX_CONF.read_text(), "listen 80;", f"listen 127.0.0.1:{port};")
    server = replace_once(server, f"server {service_bind()};",
                          f"server 127.0.0.1:{upstream_port};")
    (folder / "cyberbk.conf").write_text(server)
    temporary = "\n".join(f"    {kind}_temp_path {folder / kind};"
                          for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    # As root, nginx would run its workers as nobody, who cannot enter the test's folders.
    user = f"{pwd.getpwuid(os.geteuid()).pw_name} {grp.getgrgid(os.getegid()).gr_name}"
    (folder / "nginx.conf").write_text(f"""\
daemon off;
pid {folder / "nginx.pid"};
error_log {folder / "error.log"};
user {user};
events {{
    worker_connections 64;
}}
http {{
    access_log {folder / "access.log"};
{temporary}
    include {folder / "cyberbk.conf"};
}}
""")
    log_path = folder / "nginx.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen([NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf")],
                                   stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_until_healthy(port, process, log_path)
            yield Nginx(port, folder / "access.log", folder / "error.log")
        finally:
            process.terminate()
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def behind_nginx(tmp_path_factory):
    if NGINX is None:
        pytest.skip("Debian's nginx is not installed (apt-get install nginx; .ci/run does)")
    with gunicorn(tmp_path_factory.mktemp("instance")) as (app_port, _process):
        with nginx(tmp_path_factory.mktemp("nginx"), app_port) as proxy:
            yield proxy


def test_behind_nginx_the_app_sees_the_real_client_address(behind_nginx):
    port = behind_nginx.port
    assert seen(port) == {"remote_addr": CLIENT, "scheme": "http", "host": f"127.0.0.1:{port}"}


def test_a_forged_x_forwarded_for_is_not_believed(behind_nginx):
    # nginx appends the address it sees: "1.2.3.4, 127.0.0.2"; the app takes the last one.
    assert seen(behind_nginx.port, FORGED_FOR)["remote_addr"] == CLIENT


def test_a_forged_x_forwarded_proto_or_host_is_not_believed(behind_nginx):
    port = behind_nginx.port
    seen_request = seen(port, FORGED_PROTO_AND_HOST)
    assert (seen_request["scheme"], seen_request["host"]) == ("http", f"127.0.0.1:{port}")


def test_websocket_upgrade_works_through_nginx(behind_nginx):
    url = f"ws://127.0.0.1:{behind_nginx.port}/socket.io/?EIO=4&transport=websocket"
    connection = websocket.create_connection(url, timeout=10)
    try:
        assert connection.getstatus() == 101
        opened = connection.recv()
        assert opened.startswith("0") and json.loads(opened[1:])["sid"]
        # Both ways: Socket.IO answers a connect to its default namespace.
        connection.send("40")
        assert connection.recv().startswith('40{"sid":')
    finally:
        connection.close()


def test_nginx_logs_no_line_for_the_problem_box(behind_nginx):
    marker = uuid.uuid4().hex
    get(behind_nginx.port, f"/kotak?{marker}")
    get(behind_nginx.port, f"/kotak/cek?{marker}")
    # Too large: an error line naming the client, were it logged.
    assert post_declaring(behind_nginx.port, f"/kotak?{marker}", 9 * MIB) == 413
    get(behind_nginx.port, f"/healthz?{marker}")
    # nginx logs a request once its answer is out; its one worker logs them in turn.
    deadline = time.monotonic() + 5
    while f"GET /healthz?{marker}" not in behind_nginx.access_log.read_text():
        assert time.monotonic() < deadline, "nginx logged no line for /healthz"
        time.sleep(0.05)
    logged = [line for log in (behind_nginx.access_log, behind_nginx.error_log)
              for line in log.read_text().splitlines() if marker in line]
    assert len(logged) == 1


def hidden_fields(html):
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))


def wait_for_logged(proxy, marker):
    """nginx logs a request once its answer is out: wait for the line of /healthz?marker."""
    deadline = time.monotonic() + 5
    while f"GET /healthz?{marker}" not in proxy.access_log.read_text():
        assert time.monotonic() < deadline, "nginx logged no line for /healthz"
        time.sleep(0.05)


def test_an_anonymous_report_and_its_live_chat_leave_no_line_in_nginxs_logs(behind_nginx):
    base = f"http://127.0.0.1:{behind_nginx.port}"
    before = behind_nginx.access_log.read_text().splitlines()
    phone = requests.Session()
    # The unit's cookies are Secure (HTTPS in production); this nginx speaks plain HTTP.
    phone.hooks["response"].append(lambda response, **_: phone.cookies.update(
        {cookie.name: cookie.value for cookie in response.cookies}))
    form = hidden_fields(phone.get(f"{base}/kotak", timeout=10).text)
    sent = phone.post(f"{base}/kotak", data={**form, "body": "Aku dirundung di grup kelas."},
                      timeout=10)
    assert sent.status_code == 200, sent.text
    code = re.search(r"BK(?:-[2-9A-HJKMNP-Z]{4}){4}", sent.text).group(0)
    form = hidden_fields(phone.get(f"{base}/kotak/cek", timeout=10).text)
    assert phone.post(f"{base}/kotak/cek", data={**form, "code": code}, timeout=10,
                      allow_redirects=False).status_code == 303
    form = hidden_fields(phone.get(f"{base}/konseling/kotak", timeout=10).text)
    assert phone.post(f"{base}/konseling/kotak/kirim", data={**form, "body": "Bu, aku online"},
                      timeout=10, allow_redirects=False).status_code == 303
    # The same thread over Socket.IO, as chat.js talks: connect to /chat, send, get the ack.
    cookies = "; ".join(f"{name}={value}" for name, value in phone.cookies.items())
    connection = websocket.create_connection(
        f"ws://127.0.0.1:{behind_nginx.port}/socket.io/?EIO=4&transport=websocket",
        timeout=10, header=[f"Cookie: {cookies}"])
    try:
        connection.recv()
        connection.send('40/chat,{"chat":"k"}')
        assert connection.recv().startswith('40/chat,{"sid":')
        connection.send('42/chat,1["send",{"body":"lewat soket","ref":"r-1"}]')
        answer = connection.recv()
        while not answer.startswith("43/chat,1"):
            answer = connection.recv()
        assert '"ok":true' in answer
    finally:
        connection.close()
    marker = uuid.uuid4().hex
    get(behind_nginx.port, f"/healthz?{marker}")
    wait_for_logged(behind_nginx, marker)
    added = behind_nginx.access_log.read_text().splitlines()[len(before):]
    assert [line for line in added if marker not in line] == []
    assert behind_nginx.error_log.read_text().count("kotak") == 0


def test_nginx_lets_only_the_guide_video_past_the_apps_form_limit(behind_nginx):
    assert post_declaring(behind_nginx.port, "/kotak", 9 * MIB) == 413
    connection = http.client.HTTPConnection("127.0.0.1", behind_nginx.port, timeout=30)
    try:
        connection.request("POST", "/bk/panduan/video", body=b"x" * (9 * MIB),
                           headers={"Content-Type": "application/octet-stream"})
        # The app's own answer to a visitor without a CSRF token, not nginx's 413.
        assert connection.getresponse().status == 400
    finally:
        connection.close()


def test_without_proxy_count_forwarded_headers_are_ignored(tmp_path):
    # gunicorn facing the clients itself, as with PROXY_COUNT=0 (the default).
    with gunicorn(tmp_path, proxy_count=0) as (port, _process):
        assert seen(port, {**FORGED_FOR, **FORGED_PROTO_AND_HOST}) == {
            "remote_addr": CLIENT, "scheme": "http", "host": f"127.0.0.1:{port}"}


def gunicorn_settings():
    return runpy.run_path(str(GUNICORN_CONF))


def test_the_service_runs_one_gevent_worker_behind_nginx():
    # One process keeps Socket.IO's clients (README); nginx is its only client.
    command = service_command("ExecStart")
    assert command == ["/srv/cyberbk/.venv/bin/gunicorn", "--config", "deploy/gunicorn.conf.py",
                       "--bind", "127.0.0.1:5000", "wsgi:app"]
    settings = gunicorn_settings()
    assert (settings["worker_class"], settings["workers"]) == ("gevent", 1)
    assert service_command("ExecStartPre") == ["/srv/cyberbk/.venv/bin/flask", "--app", "wsgi",
                                               "db", "upgrade"]
    assert service_environment()["PROXY_COUNT"] == "1"
    assert f"server {service_bind()};" in NGINX_CONF.read_text()


def test_make_run_and_the_service_share_gunicorns_settings():
    (run,) = [line for line in (ROOT / "Makefile").read_text().splitlines()
              if "/gunicorn " in line]
    assert "--config deploy/gunicorn.conf.py " in run
    assert shlex.split(run)[1:3] == service_command("ExecStart")[1:3]


def test_connections_and_open_files_stand_well_above_the_chat_budget():
    settings = gunicorn_settings()
    chat_sockets = CHAT_DEFAULTS["CHAT_SOCKETS_PER_WORKER"]
    # Room beside a full chat for pages, and for the files each connection and the
    # database need.
    assert settings["worker_connections"] >= 2 * chat_sockets
    assert settings["OPEN_FILES_NEEDED"] > settings["worker_connections"]
    (limit,) = service("LimitNOFILE")
    assert int(limit) >= settings["OPEN_FILES_NEEDED"]


def test_gunicorn_raises_its_open_file_limit_as_far_as_the_system_lets_it(tmp_path):
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard <= 1024:
        pytest.skip(f"the hard open-file limit here is {hard}: nothing to raise to")

    def as_systemd_by_default():
        resource.setrlimit(resource.RLIMIT_NOFILE, (1024, hard))

    with gunicorn(tmp_path, start=as_systemd_by_default) as (_port, process):
        limits = Path(f"/proc/{worker_of(process)}/limits").read_text()
    (line,) = [line for line in limits.splitlines() if line.startswith("Max open files")]
    assert line.split()[3:5] == [str(hard), str(hard)]


def test_the_service_may_write_only_its_instance_folder():
    assert service("ProtectSystem") == ["strict"]
    assert service("ReadWritePaths") == [service_environment()["CYBERBK_INSTANCE_PATH"]]
    assert service("WorkingDirectory") == ["/srv/cyberbk"]


def test_systemd_accepts_the_unit(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    # verify checks that the commands exist: point them at this checkout's virtualenv.
    unit = tmp_path / "cyberbk.service"
    unit.write_text(UNIT.read_text().replace("/srv/cyberbk/.venv/bin/",
                                             f"{Path(sys.executable).parent}/"))
    result = subprocess.run([analyze, "verify", "--man=no", str(unit)], capture_output=True,
                            text=True)
    # Unknown keys and bad values are only warned about, with the file's name.
    assert result.returncode == 0 and str(unit) not in result.stderr, result.stderr
