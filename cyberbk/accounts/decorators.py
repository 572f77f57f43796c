"""Access policy as decorators, so every route states who may use it."""

from functools import wraps

from flask import abort
from flask import render_template
from flask_login import current_user

from ..common.fragments import wants_fragment
from ..extensions import login_manager


def roles_required(*roles):
    """Logged-out full-page requests go to the login page; HTMX or the wrong role get 403.

    The role is the one the account may act in (User.acting_role): a counselor account
    no active counselor has confirmed yet gets, instead of any counselor page, the page
    that says it waits for that confirmation.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                if wants_fragment():
                    abort(401)
                return login_manager.unauthorized()
            if not current_user.has_role(*roles):
                if current_user.awaits_confirmation and not wants_fragment():
                    return render_template("accounts/awaiting_confirmation.html"), 403
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
