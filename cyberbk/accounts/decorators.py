"""Access policy as decorators, so every route states who may use it."""

from functools import wraps

from flask import abort
from flask_login import current_user

from ..common.fragments import wants_fragment
from ..extensions import login_manager


def roles_required(*roles):
    """Logged-out full-page requests go to the login page; HTMX or the wrong role get 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                if wants_fragment():
                    abort(401)
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
