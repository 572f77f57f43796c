"""The counselor's agenda as a calendar feed: the page that makes and revokes its private
address, and the feed itself."""

from flask import Response
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...accounts.decorators import roles_required
from ...accounts.models import Role
from ...common.forms import EmptyForm
from ...extensions import db
from .. import bp
from ..services import feeds
from ..services import reminders


@bp.route("/bk/jadwal/kalender")
@roles_required(Role.COUNSELOR)
def calendar_feed():
    return render_feed_page()


@bp.route("/bk/jadwal/kalender", methods=["POST"])
@roles_required(Role.COUNSELOR)
def renew_calendar_feed():
    """A new address, shown on this answer only: the database keeps no way to show it again."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    token = feeds.renew(current_user)
    db.session.commit()
    return render_feed_page(url_for("booking.feed", token=token, _external=True))


@bp.route("/bk/jadwal/kalender/hapus", methods=["POST"])
@roles_required(Role.COUNSELOR)
def revoke_calendar_feed():
    if not EmptyForm().validate_on_submit():
        abort(400)
    feeds.revoke(current_user)
    db.session.commit()
    flash(_("Alamat kalender dihapus. Kalender di ponsel tidak lagi menerima jadwal."), "success")
    return redirect(url_for("booking.calendar_feed"), 303)


def render_feed_page(address=None):
    return render_template("booking/counselor/calendar_feed.html",
                           feed=feeds.feed_of(current_user), address=address,
                           action_form=EmptyForm())


@bp.route("/kalender/<token>.ics")
def feed(token):
    """The feed a phone calendar fetches, without a session: the token is the key. A
    wrong or revoked one is an address that names nothing (404)."""
    counselor = feeds.counselor_for(token)
    if counselor is None or not counselor.is_active_account \
            or not counselor.has_role(Role.COUNSELOR):
        abort(404)
    body = reminders.agenda_calendar(feeds.confirmed_sessions(counselor),
                                     url_for("booking.agenda", _external=True),
                                     request.host.split(":")[0],
                                     parent_meetings=feeds.parent_meetings(counselor))
    return Response(body, mimetype="text/calendar")
