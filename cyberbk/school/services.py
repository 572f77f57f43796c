from ..extensions import db
from .models import CrisisContact
from .models import SchoolSettings

DEFAULT_SCHOOL_NAME = "Sekolah Kami"

# Public national lines; the school adds its own counselors and TPPK.
# (name, how to reach them in words, description, phone as stored, WhatsApp as stored).
DEFAULT_CRISIS_CONTACTS = (
    ("SAPA 129 (KemenPPPA)", "Telepon 129 · WhatsApp 08111-129-129",
     "Layanan 24 jam untuk anak yang mengalami kekerasan.", "129", "628111129129"),
    ("Layanan kesehatan jiwa", "Telepon 119 ekstensi 8",
     "Untuk kamu yang sedang sangat tertekan atau ingin menyakiti diri.", "119,8", None),
)


def get_settings():
    """The school's settings row, written with defaults on first use: the caller's commit
    keeps it."""
    settings = db.session.get(SchoolSettings, 1)
    if settings is None:
        settings = SchoolSettings(id=1, name=DEFAULT_SCHOOL_NAME)
        db.session.add(settings)
        db.session.flush()  # the columns' defaults
    return settings


def crisis_contacts():
    return db.session.scalars(
        db.select(CrisisContact).order_by(CrisisContact.position, CrisisContact.id)
    ).all()


def add_crisis_contact(name, contact, description="", phone=None, whatsapp=None):
    """`phone` and `whatsapp` as phones.parse_phone and parse_whatsapp store them."""
    last = db.session.scalar(db.select(db.func.max(CrisisContact.position))) or 0
    entry = CrisisContact(name=name, contact=contact, description=description, position=last + 1,
                          phone=phone, whatsapp=whatsapp)
    db.session.add(entry)
    return entry


def add_national_crisis_contacts():
    for name, contact, description, phone, whatsapp in DEFAULT_CRISIS_CONTACTS:
        add_crisis_contact(name, contact, description, phone, whatsapp)


def ensure_default_crisis_contacts():
    if db.session.scalar(db.select(db.func.count(CrisisContact.id))) == 0:
        add_national_crisis_contacts()
