"""CyberBK: online school counseling (layanan BK daring) for an Indonesian SMP."""

import logging
import os
from pathlib import Path

import sqlalchemy.orm as so
from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import accesslog
from . import admission
from . import config
from . import devices
from . import logscrub
from . import message_queue
from . import ratelimit
from . import socket_limits
from .extensions import babel
from .extensions import compress
from .extensions import csrf
from .extensions import db
from .extensions import htmx
from .extensions import login_manager
from .extensions import socketio

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config=None):
    app = Flask(
        __name__,
        instance_path=config.instance_path(),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    private_instance_folder(Path(app.instance_path))
    config.load(app, test_config)
    (Path(app.instance_path) / "uploads").mkdir(mode=0o700, exist_ok=True)
    from . import sessions
    from .common import database
    from .common import languages
    from .common import numbers
    from .common import scheduling
    from .common import schooltime
    from .common import text
    from . import models  # noqa: F401  (every table known to Alembic and create_all)

    db.init_app(app)
    database.init_app(app)
    numbers.init_app(app)
    text.init_app(app)
    sessions.init_app(app)
    csrf.init_app(app)
    htmx.init_app(app)
    babel.init_app(
        app,
        locale_selector=languages.select_locale,
        timezone_selector=schooltime.school_timezone,
        default_translation_directories=str(ROOT / "translations"),
    )
    languages.install_template_gettext(app)
    init_login(app)
    ratelimit.init_app(app)
    devices.init_app(app)
    socketio.init_app(
        app,
        message_queue=app.config["SOCKETIO_MESSAGE_QUEUE"],
        **message_queue.client_manager(app),
        async_mode=app.config["SOCKETIO_ASYNC_MODE"],
        cors_allowed_origins=app.config["SOCKETIO_CORS_ALLOWED_ORIGINS"],
        max_http_buffer_size=socket_limits.BUFFER_BYTES,
    )
    app.wsgi_app = socket_limits.PollingSizeLimit(app.wsgi_app)
    socket_limits.quiet_malformed_frames()

    from . import security

    security.init_app(app)
    compress.init_app(app)

    from .admin import bp as admin_bp
    from .alerts import bp as alerts_bp
    from .assessments import bp as assessments_bp
    from .auth import bp as auth_bp
    from .booking import bp as booking_bp
    from .casebook import bp as casebook_bp
    from .chat import bp as chat_bp
    from .dashboard import bp as dashboard_bp
    from .errors import bp as errors_bp
    from .main import bp as main_bp
    from .outreach import bp as outreach_bp
    from .problembox import bp as problembox_bp
    from .programme import bp as programme_bp
    from .sociometry import bp as sociometry_bp
    from .tppk import bp as tppk_bp

    app.register_blueprint(errors_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(main_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(assessments_bp)
    app.register_blueprint(problembox_bp)
    app.register_blueprint(booking_bp)
    app.register_blueprint(casebook_bp)
    app.register_blueprint(outreach_bp)
    app.register_blueprint(chat_bp)
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(programme_bp)
    app.register_blueprint(alerts_bp)
    app.register_blueprint(sociometry_bp)
    app.register_blueprint(tppk_bp)

    from . import cli

    cli.init_app(app)
    app.jinja_env.add_extension("jinja2.ext.do")
    # A moment in a sentence: the word between day and time comes from the catalog.
    app.jinja_env.filters["day_and_time"] = schooltime.day_and_time

    scheduling.init_app(app)
    # The proxy's view of the client address, host and scheme, before anything reads them.
    if app.config["PROXY_COUNT"]:
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    # Outermost: a request turned away costs nothing, not even the proxy's headers.
    admission.init_app(app)

    accesslog.install()
    logscrub.install()
    logging.getLogger("cyberbk").setLevel(logging.INFO)
    return app


def private_instance_folder(path):
    """The instance folder holds the database and its write-ahead log, the secret key and
    the uploads: only the app's own user may read them. Everything the process creates
    from now on is 0600 (folders 0700), and what an older version or a copy left wider is
    narrowed."""
    os.umask(0o077)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)
    for folder, folders, files in os.walk(path):
        for names, mode in ((folders, 0o700), (files, 0o600)):
            for name in names:
                entry = os.path.join(folder, name)
                if not os.path.islink(entry):  # a link's target is not ours to change
                    os.chmod(entry, mode)


def init_login(app):
    from .accounts.models import SchoolClass
    from .accounts.models import StudentProfile
    from .accounts.models import User

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(login_id):
        user_id, _, nonce = login_id.partition(":")
        if not user_id.isdigit():
            return None
        # A student's every page shows their class and homeroom teacher: loaded with the
        # account in one query instead of three lazy ones.
        user = db.session.get(User, int(user_id), options=[
            so.joinedload(User.student_profile).joinedload(StudentProfile.school_class)
            .joinedload(SchoolClass.homeroom_teacher)])
        if user is None or not user.is_active or user.session_nonce != nonce:
            return None
        return user
