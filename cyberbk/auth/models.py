"""Staff sign-ins, so that a counselor can see where they are signed in and end the rest."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..accounts.models import utcnow
from ..extensions import db


class StaffSignIn(db.Model):
    """One browser where a staff member is signed in. Students have none: a row with a
    time beside a student's account could be set against the hour of an anonymous story."""

    __tablename__ = "staff_sign_ins"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: Flask-Session's id of the browser's session, to delete it when ended from elsewhere.
    session_id: so.Mapped[str] = so.mapped_column(sa.String(255), unique=True)
    #: The account's session nonce at sign-in: a password change or a deactivation
    #: renews the nonce, which ends every sign-in made before it.
    nonce: so.Mapped[str] = so.mapped_column(sa.String(32))
    device: so.Mapped[str] = so.mapped_column(sa.String(80))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    last_seen_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
