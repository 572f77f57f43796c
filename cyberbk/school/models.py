import sqlalchemy as sa
import sqlalchemy.orm as so

from ..extensions import db
from . import phones

#: The app's own brand green and a warm yellow: the poster's colours until the school picks.
PRIMARY_COLOUR = "#0b5d55"
ACCENT_COLOUR = "#f2b632"


class SchoolSettings(db.Model):
    """One row: the school this server runs for."""

    __tablename__ = "school_settings"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(160))
    address: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    counselor_contacts: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    service_hours: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    #: Who hears of an urgent story no counselor opened in time (the koordinator BK or the
    #: principal), by email; empty for nobody beyond the counselors.
    escalation_email: so.Mapped[str] = so.mapped_column(sa.String(254), default="")
    #: File name under instance/uploads/, or None for no logo.
    logo_filename: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    #: Who signs printed reports (templates/_print.html): the principal acknowledges them,
    #: the koordinator BK answers for them. A NIP as the school writes it, with its spaces.
    principal_name: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    principal_nip: so.Mapped[str] = so.mapped_column(sa.String(32), default="")
    coordinator_name: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    coordinator_nip: so.Mapped[str] = so.mapped_column(sa.String(32), default="")
    #: How the school's TPPK takes violence reports besides this app (a phone, a room, a
    #: person), in the school's words: shown to a student reporting violence.
    tppk_contact: so.Mapped[str] = so.mapped_column(sa.String(240), default="")
    #: The school's colours on its posters, "#rrggbb": the background and the step numbers.
    #: Text on them is white or ink by contrast (common/colours.py), whatever is picked.
    primary_colour: so.Mapped[str] = so.mapped_column(sa.String(7), default=PRIMARY_COLOUR)
    accent_colour: so.Mapped[str] = so.mapped_column(sa.String(7), default=ACCENT_COLOUR)


class CrisisContact(db.Model):
    """Who a student can reach at once when they are not safe (shown on crisis screens)."""

    __tablename__ = "crisis_contacts"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    contact: so.Mapped[str] = so.mapped_column(sa.String(120))
    description: so.Mapped[str] = so.mapped_column(sa.String(240), default="")
    position: so.Mapped[int] = so.mapped_column(default=0)
    #: As phones.parse_phone stores it ("129", "119,8", "+62..."), for a tel: link.
    phone: so.Mapped[str | None] = so.mapped_column(sa.String(24))
    #: As phones.parse_whatsapp stores it ("628111129129"), for a wa.me link.
    whatsapp: so.Mapped[str | None] = so.mapped_column(sa.String(20))

    @property
    def tel_href(self):
        return phones.tel_href(self.phone) if self.phone else None

    @property
    def whatsapp_href(self):
        return phones.wa_href(self.whatsapp) if self.whatsapp else None

    @property
    def phone_display(self):
        return phones.display(self.phone) if self.phone else ""

    @property
    def whatsapp_display(self):
        return phones.display(self.whatsapp) if self.whatsapp else ""
