"""One rate limiter (ratelimit.py): the device cookie its keys come from, where it counts
(memory or Redis), and the problem box's limits for many students behind one address."""

import logging
import os
import secrets
import socket

import pytest
import sqlalchemy as sa
from flask import Flask
from limits import parse_many
from limits.storage import MemoryStorage
from limits.storage import RedisStorage

from cyberbk import config
from cyberbk import create_app
from cyberbk import devices
from cyberbk import ratelimit
from cyberbk.extensions import db
from cyberbk.extensions import limiter
from cyberbk.problembox.models import ProblemReport
from tests import factories

REDIS = os.environ.get("CYBERBK_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
SCHOOL_WIFI = "203.0.113.10"


def device_cookie(response):
    """The Set-Cookie header of the device cookie, or None."""
    return next((header for header in response.headers.getlist("Set-Cookie")
                 if header.startswith(devices.COOKIE + "=")), None)


def stories():
    return db.session.scalar(sa.select(sa.func.count(ProblemReport.id)))


def send_story(client, body="Aku sering sedih di rumah."):
    return client.post("/kotak", data={"body": body})


# The device cookie.

def test_a_first_visit_gets_a_device_cookie_and_keeps_it(client):
    cookie = device_cookie(client.get("/login"))
    assert devices.ID_PATTERN.fullmatch(cookie.split(";")[0].split("=", 1)[1])
    for attribute in ("HttpOnly", "SameSite=Lax", f"Max-Age={devices.MAX_AGE}", "Path=/"):
        assert attribute in cookie
    assert "Secure" not in cookie
    assert device_cookie(client.get("/login")) is None


def test_the_device_cookie_is_secure_with_the_session_cookie(app, client):
    app.config["SESSION_COOKIE_SECURE"] = True
    assert "Secure" in device_cookie(client.get("/login"))


def test_a_malformed_device_cookie_is_replaced(client):
    client.set_cookie(devices.COOKIE, "x" * 400)
    assert device_cookie(client.get("/login")) is not None


def test_static_files_carry_no_device_cookie(client):
    # Cached for a year by anyone on the way: one cached id would be every visitor's.
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert device_cookie(response) is None


# Where the limits count.

def loaded(test_config):
    app = Flask(__name__)
    config.load(app, {"SECRET_KEY": "x", **test_config})
    return app.config


def test_limits_count_in_memory_by_default(app):
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert isinstance(limiter.storage, MemoryStorage)


def test_limits_count_in_the_message_queues_redis_unless_told_otherwise():
    queue = "redis://queue.internal:6379/2"
    settings = loaded({"SOCKETIO_MESSAGE_QUEUE": queue})
    assert settings["RATELIMIT_STORAGE_URI"] == queue
    assert settings["RATELIMIT_STORAGE_OPTIONS"] == {"socket_connect_timeout": 1,
                                                     "socket_timeout": 1}
    own = "redis://limits.internal:6379/5"
    assert loaded({"SOCKETIO_MESSAGE_QUEUE": queue,
                   "RATELIMIT_STORAGE_URI": own})["RATELIMIT_STORAGE_URI"] == own


def test_the_storage_is_read_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("CYBERBK_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://limits.internal:6379/5")
    app = Flask(__name__, instance_path=str(tmp_path))
    config.load(app)
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://limits.internal:6379/5"


@pytest.fixture
def redis_prefix():
    """A key prefix of this test's own in the test Redis, its keys deleted afterwards."""
    try:
        import redis

        connection = redis.Redis.from_url(REDIS, socket_connect_timeout=3)
        connection.ping()
    except Exception as error:  # any failure to connect means: no Redis here
        pytest.skip(f"Redis is not reachable at {REDIS}: {error.__class__.__name__}")
    prefix = f"cyberbk-test-{secrets.token_hex(4)}"
    yield connection, prefix
    for key in connection.scan_iter(f"{prefix}:*"):
        connection.delete(key)


@pytest.mark.redis
def test_with_redis_every_worker_counts_alike_and_redis_holds_only_hashes(
        app_config, redis_prefix, tmp_path):
    connection, prefix = redis_prefix
    settings = {**app_config, "RATELIMIT_STORAGE_URI": REDIS,
                "RATELIMIT_STORAGE_OPTIONS": {"key_prefix": prefix}}
    first = create_app(settings)
    with first.app_context():
        db.create_all()
        assert isinstance(limiter.storage, RedisStorage)
        phone = first.test_client()
        phone.environ_base["REMOTE_ADDR"] = SCHOOL_WIFI
        device = devices.new_id()
        phone.set_cookie(devices.COOKIE, device)
        statuses = [send_story(phone).status_code for _ in range(11)]
        assert statuses == [200] * 10 + [429]
        chat_limit = ratelimit.item(first.config["CHAT_RATE_LIMIT"]).amount
        assert all(ratelimit.hit(first.config["CHAT_RATE_LIMIT"], "chat-message", "sid-1")
                   for _ in range(chat_limit))
    # A second worker, as a second process would be: the same counts.
    second = create_app(settings)
    with second.app_context():
        assert not ratelimit.hit(second.config["CHAT_RATE_LIMIT"], "chat-message", "sid-1")
        db.session.remove()
        db.drop_all()
        db.engine.dispose()
    keys = [key.decode() for key in connection.scan_iter(f"{prefix}:*")]
    assert any("chat-message" in key for key in keys)
    assert any("problembox.new" in key for key in keys)
    for secret in (device, SCHOOL_WIFI):
        assert not any(secret in key for key in keys), secret


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_with_redis_down_the_limits_count_in_memory(app_config, caplog, tmp_path):
    app = create_app({**app_config, "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{closed_port()}/0"})
    spec = app.config["CHAT_RATE_LIMIT"]
    with app.app_context(), caplog.at_level(logging.WARNING, "cyberbk.ratelimit"):
        answers = [ratelimit.hit(spec, "chat-message", "sid-1")
                   for _ in range(ratelimit.item(spec).amount + 1)]
    assert answers[-1] is False and all(answers[:-1])
    # Told once, then memory until the storage is tried again.
    assert caplog.text.count("rate-limit storage unreachable") == 1


def test_limits_can_be_switched_off(app_config, tmp_path):
    app = create_app({**app_config, "RATELIMIT_ENABLED": False,
                      "PROBLEMBOX_REPORT_LIMIT": "1 per hour"})
    with app.app_context():
        db.create_all()
        phone = app.test_client()
        assert [send_story(phone).status_code for _ in range(3)] == [200] * 3
        assert ratelimit.hit("1 per hour", "chat-message", "x")
        assert ratelimit.hit("1 per hour", "chat-message", "x")
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


# The problem box behind one address.

def test_ten_students_on_one_wifi_each_send_a_story_within_a_minute(browser, school):
    phones = [browser(SCHOOL_WIFI) for _ in range(10)]
    assert [send_story(phone, f"Cerita siswa {n}").status_code
            for n, phone in enumerate(phones)] == [200] * 10
    assert stories() == 10


def test_one_phone_sending_thirty_stories_in_a_minute_is_slowed_down(app, browser, school):
    phone = browser(SCHOOL_WIFI)
    limit = parse_many(app.config["PROBLEMBOX_REPORT_LIMIT"])[0].amount
    statuses = [send_story(phone, f"Cerita {n}").status_code for n in range(30)]
    assert statuses == [200] * limit + [429] * (30 - limit)
    assert stories() == limit
    refused = send_story(phone, "Yang ini jangan hilang.")
    text = refused.get_data(as_text=True)
    assert "Kamu sudah mengirim beberapa cerita barusan. Tunggu sekitar 10 menit" in text
    assert "Yang ini jangan hilang." in text
    # Classmates on the same Wi-Fi send theirs.
    assert send_story(browser(SCHOOL_WIFI)).status_code == 200


def test_a_client_refusing_cookies_is_counted_by_address_at_a_higher_limit(app, school):
    bot = app.test_client(use_cookies=False)
    bot.environ_base["REMOTE_ADDR"] = SCHOOL_WIFI
    device_limit = parse_many(app.config["PROBLEMBOX_REPORT_LIMIT"])[0].amount
    limit = device_limit * app.config["RATELIMIT_NO_DEVICE_FACTOR"]
    statuses = [send_story(bot, f"Spam {n}").status_code for n in range(limit + 1)]
    assert statuses == [200] * limit + [429]


def test_the_address_ceiling_stops_a_flood_of_fresh_devices(app, browser, school):
    app.config["RATELIMIT_ADDRESS_CEILING"] = "12 per minute"
    statuses = [send_story(browser(SCHOOL_WIFI)).status_code for _ in range(13)]
    assert statuses == [200] * 12 + [429]
    assert send_story(browser("198.51.100.20")).status_code == 200


def test_wrong_codes_from_everyone_together_meet_a_ceiling_that_is_logged(app, browser,
                                                                          school, caplog):
    app.config["PROBLEMBOX_WRONG_CODE_CEILING"] = "4 per hour"
    _report, code = factories.make_report("Cerita rahasia")
    wrong = "BK-2222-3333-4444-5555"
    for number in range(4):
        phone = browser(f"198.51.100.{number}")
        assert phone.post("/kotak/cek", data={"code": wrong}).status_code == 400
    caplog.set_level(logging.INFO)
    for number in range(2):
        refused = browser(f"192.0.2.{number}").post("/kotak/cek", data={"code": code})
        assert refused.status_code == 429
        assert "Terlalu banyak kode yang keliru dicoba barusan" in refused.get_data(as_text=True)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "wrong follow-up codes" in warnings[0]
    for secret in ("192.0.2.", code, wrong):
        assert secret not in caplog.text
