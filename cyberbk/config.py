"""Configuration: defaults in code, then instance/config.py, then the environment.

Tests pass a mapping to create_app() which wins over everything else.
"""

import os
import secrets
from pathlib import Path

DEFAULTS = {
    "SECRET_KEY": None,
    "SQLALCHEMY_DATABASE_URI": None,
    "SOCKETIO_MESSAGE_QUEUE": None,
    "SOCKETIO_ASYNC_MODE": None,
    "SOCKETIO_CORS_ALLOWED_ORIGINS": None,
    "JITSI_DOMAIN": "meet.jit.si",
    "HOST": "127.0.0.1",
    "PORT": 5000,
    "CYBERBK_TIMEZONE": "Asia/Jakarta",
    "BABEL_DEFAULT_LOCALE": "id",
    "LANGUAGES": ("id", "en"),
    # Phones are shared between siblings: students are logged out quickly.
    "STUDENT_IDLE_MINUTES": 15,
    "STAFF_IDLE_MINUTES": 240,
    # Wrong passwords for one account from one device before each next try from that
    # device waits: 1, 2, 4 … seconds, at most LOGIN_MAX_DELAY_SECONDS. No lock: the
    # owner on another device logs in.
    "LOGIN_FREE_FAILURES": 5,
    "LOGIN_MAX_DELAY_SECONDS": 300,
    # Failed logins of one device whatever the username (one device sweeping many).
    "LOGIN_FAILURE_LIMIT": "30 per 10 minutes",
    # Where the rate limits count (ratelimit.py): None is the Redis of
    # SOCKETIO_MESSAGE_QUEUE when there is one, so that every worker counts alike, else
    # this process's memory ("memory://").
    "RATELIMIT_STORAGE_URI": None,
    "RATELIMIT_ENABLED": True,
    # Per address whatever the device, against floods only: a whole school may be one
    # address (its Wi-Fi, a carrier's CGNAT).
    "RATELIMIT_ADDRESS_CEILING": "300 per minute; 3000 per hour",
    # A browser without its device cookie is counted by its address, at this many times
    # a device's limit.
    "RATELIMIT_NO_DEVICE_FACTOR": 3,
    "QUICK_EXIT_URL": "https://www.google.com/",
    # How many reverse proxies (nginx) stand in front and set X-Forwarded-*.
    "PROXY_COUNT": 0,
    "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
    "LOGO_MAX_BYTES": 512 * 1024,
    # Students pay for every kilobyte of mobile data. Browsers offer brotli over HTTPS
    # only, so gzip stays, for static files too: they are streamed, and Flask-Compress's
    # algorithms for streams leave gzip out by default.
    "COMPRESS_MIMETYPES": ("text/html", "text/css", "text/javascript", "application/javascript",
                           "application/json", "image/svg+xml", "text/csv", "text/calendar",
                           "text/plain"),
    "COMPRESS_MIN_SIZE": 512,
    "COMPRESS_ALGORITHM": ("br", "gzip"),
    "COMPRESS_ALGORITHM_STREAMING": ("br", "gzip"),
    # At Flask-Compress's default of 4, brotli made the style sheet and htmx larger than
    # gzip; 6 makes them smaller for about the same time.
    "COMPRESS_BR_LEVEL": 6,
    "PASSWORD_HASH_METHOD": "scrypt",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_NAME": "cyberbk_session",
    "REMEMBER_COOKIE_DURATION": 0,
    # A form's token is good for an hour; a form older than that is sent back with what
    # was typed in it and a fresh token (errors.csrf_error), so nothing is lost.
    "WTF_CSRF_TIME_LIMIT": 3600,
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    # Where the operator's backups go (None: instance/backups), and the passphrase that
    # encrypts them when the operator is not asked for one (None: asked every time).
    "BACKUP_DIR": None,
    "BACKUP_PASSPHRASE": None,
    # How long a SQLite write waits for another writer before the request gets a 503.
    "SQLITE_BUSY_TIMEOUT_MS": 5000,
    # Class results anyone but the counselor sees (homeroom pages, their print, exports of
    # anonymous questionnaires) need this many respondents in a group, and in each cell of
    # a breakdown: fewer would let a reader who knows the class pick out one student.
    "MIN_GROUP_SIZE": 5,
    # Answers without logging in come only through a class's own link; each link takes
    # this many starts (across every device), and never more than the class has students.
    "ASSESSMENT_CLASS_LINK_LIMIT": "40 per hour",
    # Starts per device through class links.
    "ASSESSMENT_VISITOR_LIMIT": "3 per hour",
    # How long after a counseling session ended its student is offered the evaluation.
    "ASSESSMENT_EVALUATION_DAYS": 14,
    # Requests one worker serves at once (cyberbk/admission.py; 0: no limit). Below the
    # database pool's 15 connections, so an admitted request never waits for one.
    # Six, not the pool's fifteen: at ten times a school's peak the bench's p95 was 0.8 s
    # with twelve slots and a line of 24, 0.42 s with six and twelve (one core serves
    # about six at a time without each taking longer).
    "ADMISSION_SLOTS": 6,
    # How many wait for a slot before the rest are told "busy, try again": pages being
    # opened, and forms being sent (a longer line: what a student typed is worth more).
    "ADMISSION_QUEUE": 12,
    "ADMISSION_SENDING_QUEUE": 48,
    # How long a page waits in line, and a sent form: a page answered "busy" reloads itself
    # (after Retry-After), a form must be sent again by hand. Two seconds, not one: on these
    # shared machines even a bare Flask app's p99 reaches 0.6 s, and with one second such a
    # hiccup turned about 60 of every 1,000 pages into "busy" answers (bench, 16 at a time).
    "ADMISSION_WAIT_SECONDS": 2,
    "ADMISSION_SENDING_WAIT_SECONDS": 5,
    # How long a laiseg (the immediate evaluation after a classical or group service) takes
    # answers once the counselor shows its QR code; they may close it sooner.
    "LAISEG_MINUTES": 30,
}

REDIS_SCHEMES = ("redis://", "rediss://", "redis+unix://")

# Variables a deployment sets in the environment, and how to read them.
ENVIRONMENT = {
    "SECRET_KEY": str,
    "DATABASE_URL": str,
    "SOCKETIO_MESSAGE_QUEUE": str,
    "RATELIMIT_STORAGE_URI": str,
    "SOCKETIO_ASYNC_MODE": str,
    "SOCKETIO_CORS_ALLOWED_ORIGINS": str,
    "JITSI_DOMAIN": str,
    "HOST": str,
    "PORT": int,
    "CYBERBK_TIMEZONE": str,
    "STUDENT_IDLE_MINUTES": int,
    "SESSION_COOKIE_SECURE": lambda v: v.lower() in ("1", "true", "yes"),
    "PROXY_COUNT": int,
    "ADMISSION_SLOTS": int,
    "SESSION_REDIS_URL": str,
    "BACKUP_DIR": str,
    "BACKUP_PASSPHRASE": str,
    # The school's mail server for counselors' email alerts (Flask-Mail's names).
    "MAIL_SERVER": str,
    "MAIL_PORT": int,
    "MAIL_USERNAME": str,
    "MAIL_PASSWORD": str,
    "MAIL_USE_TLS": lambda v: v.lower() in ("1", "true", "yes"),
    "MAIL_USE_SSL": lambda v: v.lower() in ("1", "true", "yes"),
    "MAIL_DEFAULT_SENDER": str,
    "PUBLIC_URL": str,
    "URGENT_ESCALATION_MINUTES": int,
}


def instance_path():
    """The instance folder: CYBERBK_INSTANCE_PATH or ./instance beside the package."""
    configured = os.environ.get("CYBERBK_INSTANCE_PATH")
    if configured:
        return str(Path(configured).resolve())
    return str(Path(__file__).resolve().parent.parent / "instance")


def load(app, test_config=None):
    app.config.from_mapping(DEFAULTS)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        for name, parse in ENVIRONMENT.items():
            value = os.environ.get(name)
            if value:
                app.config[name] = parse(value)
        if app.config.get("DATABASE_URL"):
            app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(
                app.config["DATABASE_URL"]
            )
    else:
        app.config.update(test_config)

    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        database = Path(app.instance_path) / "cyberbk.sqlite"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{database}"
    # A database error's text (in the log, in a traceback) would otherwise carry the
    # statement's values, and they may be a student's story. Set here, after every source
    # of settings, so that no instance config can leave it out.
    options = {**app.config["SQLALCHEMY_ENGINE_OPTIONS"], "hide_parameters": True}
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        from .common.database import SQLiteConnection

        # A file on the same disk does not drop connections; the ping was one more
        # query on every request.
        options.pop("pool_pre_ping", None)
        options["connect_args"] = {**options.get("connect_args", {}),
                                   "factory": SQLiteConnection}
    if not app.config["RATELIMIT_STORAGE_URI"]:
        app.config["RATELIMIT_STORAGE_URI"] = limits_storage(app.config["SOCKETIO_MESSAGE_QUEUE"])
    if app.config["RATELIMIT_STORAGE_URI"].startswith(REDIS_SCHEMES):
        # A limit is checked on the way to every form: with Redis gone, a request must
        # not hang on it (the limits then count in memory, see ratelimit.py).
        app.config.setdefault("RATELIMIT_STORAGE_OPTIONS",
                              {"socket_connect_timeout": 1, "socket_timeout": 1})
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = instance_secret(app.instance_path)


def limits_storage(message_queue):
    """The rate limits' storage when none is configured: the message queue's Redis, or memory."""
    if message_queue and message_queue.startswith(REDIS_SCHEMES):
        return message_queue
    return "memory://"


def normalise_database_url(url):
    # Hosting panels still hand out postgres:// URLs, which SQLAlchemy 2 refuses.
    if url.startswith("postgres://"):
        return "postgresql://" + url[len("postgres://"):]
    return url


def instance_secret(folder):
    """Read the secret key from instance/secret_key, creating it on first run."""
    path = Path(folder) / "secret_key"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        # Another worker starting at the same moment may have written it.
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_hex(32))
    return path.read_text().strip()
