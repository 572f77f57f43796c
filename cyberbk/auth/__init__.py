import secrets

from flask import Blueprint
from werkzeug.security import generate_password_hash

bp = Blueprint("auth", __name__)


@bp.record_once
def setup(state):
    # A hash of nobody's password, made with the accounts' method: a login for a
    # username nobody has checks against it, and so takes as long as one for an account.
    state.app.extensions["dummy_password_hash"] = generate_password_hash(
        secrets.token_urlsafe(16), method=state.app.config["PASSWORD_HASH_METHOD"])


from . import routes  # noqa: E402,F401
