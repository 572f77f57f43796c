from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_babel import format_datetime
from flask_babel import ngettext
from flask_login import current_user
from flask_login import login_required
from werkzeug.security import check_password_hash

from .. import ratelimit
from .. import sessions
from ..accounts import services as accounts
from ..accounts.models import Role
from ..accounts.models import User
from ..common.redirects import safe_next
from ..extensions import csrf
from ..extensions import db
from ..common.forms import EmptyForm
from . import bp
from . import delays
from . import services
from .forms import ChangePasswordForm
from .forms import LoginForm

IDLE_EXIT_SLACK_SECONDS = 5
# Requests that must go through even before a forced password change.
PASSWORD_CHANGE_EXEMPT = {"auth.change_password", "auth.logout", "auth.quick_exit",
                          "auth.idle_exit", "static", "main.healthz", "main.set_language"}


def password_matches(user, password):
    """Whether `password` is `user`'s; for no user a hash is checked all the same, so
    that the answer takes as long for a username nobody has."""
    if user is None:
        check_password_hash(current_app.extensions["dummy_password_hash"], password)
        return False
    return user.check_password(password)


def too_many_tries(seconds):
    flash(_("Terlalu banyak percobaan. Tunggu %(num)d detik, lalu coba lagi.", num=seconds),
          "error")


def too_many_failed_logins(request_limit):
    too_many_tries(ratelimit.seconds_to_wait(request_limit))
    return ratelimit.refused((render_template("auth/login.html", form=LoginForm()), 429),
                             request_limit)


@bp.route("/login", methods=["GET", "POST"])
# Failed logins of one device, whatever the username: one device sweeping many.
@ratelimit.guard_posts("LOGIN_FAILURE_LIMIT", too_many_failed_logins,
                       deduct_when=lambda response: response.status_code == 401)
def login():
    if current_user.is_authenticated:
        return redirect(url_for(current_user.home_endpoint))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        username = form.username.data.strip().lower()
        user = db.session.scalar(db.select(User).where(User.username == username))
        wait = delays.wait_seconds(username)
        if wait:
            too_many_tries(wait)
            status = 429
        elif password_matches(user, form.password.data) and user.is_active:
            delays.forget(username)
            reset = accounts.take_reset_notice(user)  # cleared by sign_in's commit
            services.sign_in(user)
            if reset:
                tell_of_reset(*reset)
            next_page = safe_next(request.args.get("next"))
            if user.must_change_password:
                return redirect(url_for("auth.change_password"))
            return redirect(next_page or url_for(user.home_endpoint))
        else:
            delays.record_failure(username)
            # One message for every failure: it must not tell which usernames exist.
            flash(_("Nama pengguna atau kata sandi salah."), "error")
            status = 401
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


def tell_of_reset(when, operator):
    """The owner learns of the operator's reset at once: if they did not ask for it,
    someone else may have signed in as them."""
    flash(_("Kata sandi akun ini direset oleh operator %(operator)s pada %(when)s. Jika "
            "bukan Anda yang memintanya, segera beri tahu kepala sekolah.",
            operator=operator or _("(akun yang sudah dihapus)"),
            when=format_datetime(when, "d MMMM yyyy, HH.mm")), "error")


@bp.before_app_request
def enforce_idle_timeout():
    if request.endpoint == "static" or not current_user.is_authenticated:
        return None
    if services.idle_expired(current_user):
        services.sign_out()
        db.session.commit()
        flash(_("Keluar otomatis karena lama tidak ada aktivitas. Silakan masuk lagi."),
              "info")
        return redirect(url_for("auth.login"))
    services.touch_last_seen(current_user)
    return None


@bp.before_app_request
def enforce_password_change():
    if (current_user.is_authenticated and current_user.must_change_password
            and request.endpoint not in PASSWORD_CHANGE_EXEMPT):
        return redirect(url_for("auth.change_password"))
    return None


@bp.route("/logout", methods=["POST"])
def logout():
    services.sign_out()
    db.session.commit()
    flash(_("Sudah keluar."), "info")
    return redirect(url_for("main.index"), 303)


@bp.route("/keluar-cepat", methods=["POST"])
@csrf.exempt
def quick_exit():
    """The quick-exit button: end the session at once and leave for a neutral site.

    Exempt from CSRF on purpose: an escape must never fail on an expired token,
    and the worst a forged request can do is log someone out.
    """
    services.sign_out()
    db.session.commit()
    return redirect(current_app.config["QUICK_EXIT_URL"], 303)


@bp.route("/keluar-otomatis")
def idle_exit():
    """Where a student's page goes by itself once the idle time has passed (a refresh in
    the page, no script needed), so that the screen shows nothing of it. By then the idle
    check before every request (enforce_idle_timeout) has ended the session and sent the
    browser to the sign-in page; if the student was active in another tab meanwhile, the
    session goes on and this page goes home, where the timer starts again. Changes
    nothing itself: a forged link to it does nothing."""
    if current_user.is_authenticated:
        return redirect(url_for(current_user.home_endpoint), 303)
    return redirect(url_for("main.index"), 303)


@bp.route("/masih-aktif", methods=["POST"])
def still_here():
    """Sent by the page's script while a student types (keys reach no server otherwise):
    the idle check before every request renews the idle clock, so that a long story is
    not met by a sign-out when it is finally sent."""
    return "", 204


@bp.app_context_processor
def idle_exit_timer():
    if current_user.is_authenticated and current_user.role == Role.STUDENT:
        # A little past the limit, so that the idle check finds the time has passed.
        return {"idle_exit_seconds": services.idle_limit_seconds(current_user)
                + IDLE_EXIT_SLACK_SECONDS}
    return {}


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
            services.end_other_sign_ins(current_user._get_current_object())
            db.session.commit()
            flash(_("Kata sandi baru sudah disimpan."), "success")
            return redirect(url_for(current_user.home_endpoint))
    return render_template("auth/change_password.html", form=form)


@bp.route("/akun/sesi", methods=["GET", "POST"])
@login_required
def sign_ins():
    """A staff member's open sign-ins, and one button to end all but this one."""
    if current_user.role == Role.STUDENT:
        abort(404)
    form = EmptyForm()
    if form.validate_on_submit():
        ended = services.end_other_sign_ins(current_user._get_current_object())
        db.session.commit()
        flash(ngettext("%(num)d sesi lain sudah diakhiri.", "%(num)d sesi lain sudah diakhiri.",
                       ended), "success")
        return redirect(url_for(".sign_ins"), 303)
    return render_template("auth/sign_ins.html", form=form,
                           rows=services.open_sign_ins(current_user),
                           this_session=sessions.current_id())
