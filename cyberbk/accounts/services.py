import re
import secrets
import unicodedata

import sqlalchemy as sa

from ..common import signals
from ..extensions import db
from .models import Role
from .models import SchoolClass
from .models import StudentProfile
from .models import User

# No 0/o, 1/l/i: slips are read off paper and typed on a phone.
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
ROMAN_GRADES = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8,
                "IX": 9, "X": 10, "XI": 11, "XII": 12}
CLASS_NAME = re.compile(r"^(?P<grade>\d{1,2}|[IVX]{1,4})\s*[-.]?\s*(?P<group>[A-Z0-9]{0,4})$")
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")


def generate_password():
    chunk = lambda: "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(4))  # noqa: E731
    return f"{chunk()}-{chunk()}"


def parse_class_name(raw):
    """'7a', 'VII A', '7-A' -> ('7A', 7); None when it is not a class name."""
    cleaned = " ".join(str(raw or "").upper().split())
    match = CLASS_NAME.match(cleaned)
    if not match:
        return None
    grade_text = match["grade"]
    grade = int(grade_text) if grade_text.isdigit() else ROMAN_GRADES.get(grade_text)
    if not grade or not 1 <= grade <= 12:
        return None
    return f"{grade}{match['group']}", grade


def slugify(text):
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", ".", ascii_text.lower()).strip(".")


def username_taken(username):
    return db.session.scalar(sa.select(User.id).where(User.username == username)) is not None


def unique_username(base, reserved):
    """base, base2, base3 ... free both in the database and in this import."""
    base = (base or "pengguna")[:56]
    candidate, number = base, 1
    while candidate in reserved or username_taken(candidate):
        number += 1
        candidate = f"{base}{number}"
    reserved.add(candidate)
    return candidate


def suggested_username(full_name, role, class_name=None, nis=None):
    words = slugify(full_name).split(".")
    if role == Role.STUDENT:
        if nis:
            return nis
        return f"{words[0]}.{class_name.lower()}" if class_name else words[0]
    return ".".join(words[:2])


def get_or_create_class(name, grade):
    school_class = db.session.scalar(sa.select(SchoolClass).where(SchoolClass.name == name))
    if school_class is None:
        school_class = SchoolClass(name=name, grade=grade)
        db.session.add(school_class)
        db.session.flush()
    return school_class


def create_user(username, full_name, role, password, must_change_password=True, **profile):
    """Add a user (and a student profile for students) to the session; the caller commits."""
    user = User(username=username, full_name=full_name, role=role,
                must_change_password=must_change_password, phone=profile.pop("phone", None))
    user.set_password(password)
    if role == Role.STUDENT:
        user.student_profile = StudentProfile(**profile)
    db.session.add(user)
    return user


def reset_password(user):
    """Give the user a new generated password to change at next login; returns it, shown
    once. Their sessions end, and so (account_signed_out) does what other features keep
    open for them. The caller commits."""
    password = generate_password()
    user.set_password(password)
    user.must_change_password = True
    user.end_sessions()
    signals.account_signed_out.send(user)
    return password


def set_active(user, active):
    """Activate or deactivate; a deactivated account's sessions end (as in reset_password).
    The caller commits."""
    user.is_active_account = active
    if not active:
        user.end_sessions()
        signals.account_signed_out.send(user)
