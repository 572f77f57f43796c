from urllib.parse import urlsplit

from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required
from flask_login import login_user
from flask_login import logout_user

from ..accounts.models import User
from ..accounts.models import utcnow
from ..chat.services import close_sockets
from ..chat.services import forget_session_sockets
from ..extensions import csrf
from ..extensions import db
from ..pagecache import cacheable
from . import bp
from . import throttle
from .forms import ChangePasswordForm
from .forms import LoginForm


def safe_next(target):
    """Only same-site paths, so ?next= cannot send a student to another site."""
    if not target:
        return None
    try:
        parts = urlsplit(target)
    except ValueError:  # e.g. an unclosed "[" read as an IPv6 host
        return None
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") \
            or "\\" in target:
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@cacheable
def login():
    if current_user.is_authenticated:
        return redirect(url_for(current_user.home_endpoint))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        address = request.remote_addr or "-"
        user = db.session.scalar(
            db.select(User).where(User.username == form.username.data.strip().lower())
        )
        if throttle.address_blocked(address) or (user and throttle.account_locked(user)):
            flash(_("Terlalu banyak percobaan masuk. Tunggu beberapa menit, lalu coba lagi."),
                  "error")
            status = 429
        elif user and user.is_active and user.check_password(form.password.data):
            throttle.record_account_success(user)
            user.last_login_at = utcnow()
            db.session.commit()
            session.clear()
            login_user(user)
            next_page = safe_next(request.args.get("next"))
            if user.must_change_password:
                return redirect(url_for("auth.change_password"))
            return redirect(next_page or url_for(user.home_endpoint))
        else:
            throttle.record_address_failure(address)
            if user:
                throttle.record_account_failure(user)
                db.session.commit()
            # One message for every failure: it must not tell which usernames exist.
            flash(_("Nama pengguna atau kata sandi salah."), "error")
            status = 401
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


def close_chat_sockets():
    """Whoever signs out here leaves the chat on every device: their sockets are forgotten,
    committed, and only then closed (see close_sockets())."""
    sockets = forget_session_sockets()
    db.session.commit()
    close_sockets(sockets)


@bp.route("/logout", methods=["POST"])
def logout():
    close_chat_sockets()
    logout_user()
    session.clear()
    flash(_("Kamu sudah keluar."), "info")
    return redirect(url_for("main.index"), 303)


@bp.route("/keluar-cepat", methods=["POST"])
@csrf.exempt
def quick_exit():
    """The quick-exit button: end the session at once and leave for a neutral site.

    Exempt from CSRF on purpose: an escape must never fail on an expired token,
    and the worst a forged request can do is log someone out.
    """
    close_chat_sockets()
    logout_user()
    session.clear()
    return redirect(current_app.config["QUICK_EXIT_URL"], 303)


@bp.route("/akun/kata-sandi", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.current_password.data):
            form.current_password.errors.append(_("Kata sandi sekarang salah."))
        else:
            current_user.set_password(form.new_password.data)
            current_user.must_change_password = False
            current_user.end_sessions()
            db.session.commit()
            login_user(current_user._get_current_object())
            flash(_("Kata sandi baru sudah disimpan."), "success")
            return redirect(url_for(current_user.home_endpoint))
    return render_template("auth/change_password.html", form=form)
