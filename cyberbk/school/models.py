import sqlalchemy as sa
import sqlalchemy.orm as so

from ..extensions import db


class SchoolSettings(db.Model):
    """One row: the school this server runs for."""

    __tablename__ = "school_settings"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(160))
    address: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    counselor_contacts: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    service_hours: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    #: File name under instance/uploads/, or None for no logo.
    logo_filename: so.Mapped[str | None] = so.mapped_column(sa.String(64))


class CrisisContact(db.Model):
    """Who a student can reach at once when they are not safe (shown on crisis screens)."""

    __tablename__ = "crisis_contacts"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    contact: so.Mapped[str] = so.mapped_column(sa.String(120))
    description: so.Mapped[str] = so.mapped_column(sa.String(240), default="")
    position: so.Mapped[int] = so.mapped_column(default=0)
