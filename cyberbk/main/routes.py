from pathlib import Path

from flask import abort
from flask import current_app
from flask import flash
from flask import g
from flask import jsonify
from flask import redirect
from flask import render_template
from flask import request
from flask import send_from_directory
from flask import url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import text

from ..accounts import services as accounts
from ..accounts.decorators import roles_required
from ..accounts.models import Role
from ..accounts.models import User
from ..audit.services import record
from ..common.forms import EmptyForm
from ..common import signals
from ..common.redirects import safe_next
from ..common.schooltime import local_today
from ..extensions import db
from ..school.services import crisis_contacts
from ..school.services import get_settings
from . import bp
from . import services
from .forms import LanguageForm


@bp.route("/")
def index():
    if current_user.is_authenticated:
        return redirect(url_for(current_user.home_endpoint))
    return render_template("main/index.html", contacts=crisis_contacts())


@bp.route("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any database failure means "not healthy", never a 500 page
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")


@bp.route("/bahasa", methods=["POST"])
def set_language():
    form = LanguageForm()
    target = safe_next(request.form.get("next")) or url_for("main.index")
    response = redirect(target, 303)
    if form.validate_on_submit() and form.lang.data in current_app.config["LANGUAGES"]:
        response.set_cookie("lang", form.lang.data, max_age=365 * 24 * 3600, samesite="Lax",
                            httponly=True)
    return response


@bp.route("/siswa")
@roles_required(Role.STUDENT)
def student_home():
    return render_template("main/student_home.html", contacts=crisis_contacts(),
                           **home_parts())


@bp.route("/wali")
@roles_required(Role.HOMEROOM)
def homeroom_home():
    return render_template("main/homeroom_home.html",
                           classes=services.homeroom_classes(current_user), **home_parts())


@bp.route("/bk")
@roles_required(Role.COUNSELOR)
def counselor_home():
    return render_template("main/counselor_home.html", day=local_today(),
                           summary=services.school_summary(),
                           pending_counselors=accounts.pending_counselors(),
                           counselor_resets=accounts.recent_counselor_resets(),
                           confirm_form=EmptyForm(), **home_parts())


@bp.route("/bk/guru-bk/<int:user_id>/konfirmasi", methods=["POST"])
@roles_required(Role.COUNSELOR)
def confirm_counselor(user_id):
    """A counselor vouches for a new counselor account: only then may it open counseling
    content (the operator makes accounts, but cannot make a counselor alone)."""
    counselor = db.get_or_404(User, user_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        accounts.confirm_counselor(counselor, by=current_user._get_current_object())
    except accounts.ConfirmationRefused:
        abort(404)
    record(current_user, "confirm_counselor", "account", counselor.id,
           summary=f"Akun Guru BK {counselor.username} dikonfirmasi")
    db.session.commit()
    flash(_("Akun Guru BK %(name)s sudah dikonfirmasi.", name=counselor.full_name), "success")
    return redirect(url_for("main.counselor_home"), 303)


def home_parts():
    """What each feature shows on the signed-in person's home (signals.home_page)."""
    return signals.gather(signals.home_page, current_user._get_current_object())


@bp.route("/logo")
def logo():
    school = get_settings()
    if not school.logo_filename:
        abort(404)
    g.public_cache = True
    return send_from_directory(Path(current_app.instance_path) / "uploads", school.logo_filename,
                               max_age=3600)


STAFF_ROLES = (Role.COUNSELOR, Role.HOMEROOM, Role.ADMIN, Role.TPPK)


@bp.app_context_processor
def layout_context():
    """What the base layout needs on every page."""
    role = current_user.acting_role if current_user.is_authenticated else None
    return {
        "school": get_settings(),
        "current_locale": str(get_locale()),
        # Shared phones: students and visitors always have a way out at one tap.
        "show_quick_exit": not current_user.is_authenticated or current_user.role == Role.STUDENT,
        # Staff work at a laptop: their pages get the wide layout and a menu of every
        # section of their role (templates/_staff_nav.html).
        "staff_role": role.value if role in STAFF_ROLES else None,
        "waiting_counts": waiting_counts,
        # The date on a printed page's letterhead (templates/_print.html).
        "print_date": local_today,
    }


def waiting_counts():
    """What waits for the signed-in staff member, per feature (signals.waiting_counts).
    Called by the staff menu only, so fragments and students' pages ask nothing."""
    return signals.gather(signals.waiting_counts, current_user._get_current_object())
