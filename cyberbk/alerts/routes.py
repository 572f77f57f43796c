"""/bk/notifikasi: a counselor's alert settings, devices and test; the service worker;
the operator's form for a staff account's email address."""

from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import send_from_directory
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..accounts.decorators import roles_required
from ..accounts.models import Role
from ..accounts.models import User
from ..audit.services import record
from ..common.forms import EmptyForm
from ..extensions import db
from . import bp
from . import push
from . import services
from .forms import AccountEmailForm
from .forms import AlertSettingsForm
from .models import Channel

CHANNEL_LABELS = {Channel.PUSH: _l("notifikasi perangkat"), Channel.EMAIL: _l("email")}


@bp.app_context_processor
def labels():
    return {"alert_channel_labels": CHANNEL_LABELS, "alert_waiting": services.waiting_text}


@bp.route("/bk/notifikasi")
@roles_required(Role.COUNSELOR)
def settings():
    settings = services.settings_for(current_user)
    form = AlertSettingsForm(obj=settings, email=current_user.email)
    return render_settings(form)


def render_settings(form, status=200):
    return render_template(
        "alerts/settings.html", form=form, action_form=EmptyForm(),
        subscriptions=services.subscriptions(current_user),
        application_server_key=push.application_server_key(),
        email_available=services.email_available(),
        undelivered=services.undelivered(current_user)), status


@bp.route("/bk/notifikasi", methods=["POST"])
@roles_required(Role.COUNSELOR)
def save_settings():
    form = AlertSettingsForm()
    if not form.validate_on_submit():
        return render_settings(form, 400)
    settings = services.saved_settings(current_user)
    form.populate_obj(settings)
    current_user.email = form.email.data or None
    db.session.commit()
    flash(_("Pengaturan notifikasi sudah disimpan."), "success")
    return redirect(url_for(".settings"), 303)


@bp.route("/bk/notifikasi/perangkat", methods=["POST"])
@roles_required(Role.COUNSELOR)
def subscribe():
    """The settings page's script hands over this browser's push subscription (JSON)."""
    data = request.get_json(silent=True)
    data = data if isinstance(data, dict) else {}
    keys = data.get("keys") if isinstance(data.get("keys"), dict) else {}
    endpoint, p256dh, auth = data.get("endpoint"), keys.get("p256dh"), keys.get("auth")
    label = data.get("label") if isinstance(data.get("label"), str) else ""
    if not (isinstance(endpoint, str) and endpoint.startswith("https://") and len(endpoint) <= 1000
            and isinstance(p256dh, str) and 0 < len(p256dh) <= 200
            and isinstance(auth, str) and 0 < len(auth) <= 100):
        return {"error": _("Langganan notifikasi dari peramban ini tidak bisa dibaca.")}, 400
    services.subscribe(current_user, endpoint, p256dh, auth, label[:80])
    db.session.commit()
    return {"ok": True}, 201


@bp.route("/bk/notifikasi/perangkat/<int:subscription_id>/hapus", methods=["POST"])
@roles_required(Role.COUNSELOR)
def unsubscribe(subscription_id):
    if not EmptyForm().validate_on_submit():
        abort(400)
    subscription = next((s for s in services.subscriptions(current_user)
                         if s.id == subscription_id), None)
    if subscription is None:
        abort(404)
    db.session.delete(subscription)
    db.session.commit()
    flash(_("Perangkat itu tidak lagi menerima notifikasi."), "success")
    return redirect(url_for(".settings"), 303)


@bp.route("/bk/notifikasi/tes", methods=["POST"])
@roles_required(Role.COUNSELOR)
def send_test():
    if not EmptyForm().validate_on_submit():
        abort(400)
    channels = services.send_test(current_user)
    db.session.commit()
    if channels:
        flash(_("Tes dikirim lewat %(channels)s. Biasanya sampai dalam satu menit.",
                channels=", ".join(str(CHANNEL_LABELS[c]) for c in channels)), "success")
    else:
        flash(_("Belum ada saluran notifikasi yang aktif: isi alamat email atau aktifkan "
                "notifikasi di perangkat ini dulu."), "error")
    return redirect(url_for(".settings"), 303)


@bp.route("/bk/notifikasi/gagal/<int:alert_id>/tutup", methods=["POST"])
@roles_required(Role.COUNSELOR)
def dismiss(alert_id):
    if not EmptyForm().validate_on_submit():
        abort(400)
    if not services.dismiss(current_user, alert_id):
        abort(404)
    db.session.commit()
    return redirect(request.referrer if request.referrer else url_for("main.counselor_home"), 303)


@bp.route("/bk/sw.js")
def service_worker():
    """The service worker, served under /bk/ so that it may control the counselor's pages
    (a script's scope is its own folder) and no student page."""
    response = send_from_directory(current_app.static_folder, "js/sw.js", max_age=0)
    response.headers["Service-Worker-Allowed"] = "/bk/"
    return response


@bp.route("/admin/akun/<int:user_id>/email", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def account_email(user_id):
    """The operator sets a staff account's email address (students get none: nothing is
    ever sent to a student)."""
    user = db.get_or_404(User, user_id)
    if user.role == Role.STUDENT:
        abort(404)
    form = AccountEmailForm(obj=user)
    if form.validate_on_submit():
        user.email = form.email.data or None
        record(current_user, "set_email", "account", user.id,
               summary=f"Alamat email {user.username} diubah")
        db.session.commit()
        flash(_("Alamat email %(name)s sudah disimpan.", name=user.full_name), "success")
        return redirect(url_for("admin.accounts_list"), 303)
    return render_template("alerts/account_email.html", form=form, user=user), \
        400 if form.errors else 200
