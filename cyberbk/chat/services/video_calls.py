"""Video: the Jitsi room of a chat, what the call shows and its token."""

import secrets
import time

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from ...extensions import db
from ..models import ChatRoom
from .rules import Side
from .rules import config


def video_room(chat):
    """The chat's Jitsi room name, made once; both participants always get the same one."""
    room = chat.room()
    if room.video_room is None:
        db.session.execute(
            sa.update(ChatRoom).where(ChatRoom.id == room.id, ChatRoom.video_room.is_(None))
            .values(video_room="bk" + secrets.token_hex(20))
            .execution_options(synchronize_session=False))
        db.session.refresh(room, ["video_room"])
    return room.video_room


def embeds_video():
    configured = config("JITSI_EMBED")
    if configured is not None:
        return bool(configured)
    return current_app.config["JITSI_DOMAIN"] != "meet.jit.si"


def video_name(seat):
    """What the call shows: a display name only (the student's first name), never an email."""
    if seat.user is None:
        return _("Siswa")
    if seat.side == Side.STUDENT:
        return seat.user.full_name.split()[0]
    return seat.user.full_name


def jitsi_token(room_name, display_name, moderator, now=None):
    """An HS256 JWT for a self-hosted Jitsi with token authentication, or None if not set up."""
    app_id, secret = config("JITSI_APP_ID"), config("JITSI_APP_SECRET")
    if not (app_id and secret):
        return None
    issued = int(now if now is not None else time.time())
    claims = {"iss": app_id, "aud": "jitsi", "sub": current_app.config["JITSI_DOMAIN"],
              "room": room_name, "iat": issued, "nbf": issued - 60, "exp": issued + 4 * 3600,
              "context": {"user": {"name": display_name, "moderator": moderator}}}
    # Imported here: PyJWT loads cryptography's compiled bindings, some 7 MB of every
    # worker, for schools that use a Jitsi server of their own.
    import jwt

    return jwt.encode(claims, secret, algorithm="HS256")
