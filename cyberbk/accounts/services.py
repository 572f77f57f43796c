import re
import secrets
import unicodedata
from datetime import timedelta

import sqlalchemy as sa

from ..audit.models import AuditEntry
from ..common import signals
from ..common.schooltime import utcnow
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


def create_user(username, full_name, role, password, must_change_password=True,
                password_hash=None, **profile):
    """Add a user (and a student profile for students) to the session; the caller commits.
    `password_hash`: `password` hashed already (an import hashes ahead, see importer)."""
    user = User(username=username, full_name=full_name, role=role,
                must_change_password=must_change_password, phone=profile.pop("phone", None))
    if password_hash is None:
        user.set_password(password)
    else:
        user.password_hash = password_hash
    if role == Role.STUDENT:
        user.student_profile = StudentProfile(**profile)
    db.session.add(user)
    return user


def reset_password(user, by=None):
    """Give the user a new generated password to change at next login; returns it, shown
    once. Their sessions end, and so (account_signed_out) does what other features keep
    open for them. `by`: the operator, named to the owner at their next sign-in (a reset
    is how an operator could sign in as a counselor). The caller commits."""
    password = generate_password()
    user.set_password(password)
    user.must_change_password = True
    user.password_reset_at = utcnow()
    user.password_reset_by_id = by.id if by else None
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


# Counselor confirmation: the operator makes accounts, only counselors make counselors.

RESET_SHOWN_DAYS = 30


class ConfirmationRefused(ValueError):
    pass


def pending_counselors():
    """Active counselor accounts that wait for a counselor's confirmation."""
    return db.session.scalars(
        sa.select(User).where(User.role == Role.COUNSELOR, User.is_active_account.is_(True),
                              User.counselor_confirmed_at.is_(None))
        .order_by(User.created_at)).all()


def confirmed_counselor_count():
    return db.session.scalar(sa.select(sa.func.count(User.id)).where(
        User.role == Role.COUNSELOR, User.is_active_account.is_(True),
        User.counselor_confirmed_at.is_not(None)))


def confirm_counselor(counselor, by=None):
    """`by` (an active, confirmed counselor; None only for the server command that
    confirms a school's first counselor) vouches for `counselor`. The caller audits and
    commits."""
    if not counselor.awaits_confirmation or not counselor.is_active_account:
        raise ConfirmationRefused("not a counselor account awaiting confirmation")
    if by is not None and (by.id == counselor.id or not by.has_role(Role.COUNSELOR)
                           or not by.is_active_account):
        raise ConfirmationRefused("only another active counselor confirms")
    counselor.counselor_confirmed_at = utcnow()
    counselor.counselor_confirmed_by_id = by.id if by else None


def take_reset_notice(user):
    """(when, operator's name) of a password reset the owner has not been told of, or
    None; told once, at sign-in. The caller commits."""
    if user.password_reset_at is None:
        return None
    by = db.session.get(User, user.password_reset_by_id) if user.password_reset_by_id else None
    notice = (user.password_reset_at, by.full_name if by else None)
    user.password_reset_at = None
    user.password_reset_by_id = None
    return notice


def recent_counselor_resets(now=None, days=RESET_SHOWN_DAYS):
    """Password resets of counselor accounts in the last `days`, newest first, as
    (when, counselor, operator or None): every counselor sees them on their home."""
    since = (now or utcnow()) - timedelta(days=days)
    entries = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "reset_password",
                                    AuditEntry.target_type == "account",
                                    AuditEntry.at >= since)
        .order_by(AuditEntry.at.desc())).all()
    resets = []
    for entry in entries:
        target = db.session.get(User, int(entry.target_id)) if entry.target_id else None
        if target is not None and target.role == Role.COUNSELOR:
            actor = db.session.get(User, entry.actor_id) if entry.actor_id else None
            resets.append((entry.at, target, actor))
    return resets


def homeroom_students(teacher):
    """The active students of the homeroom teacher's class(es), by class and name: whom
    they may refer to BK or write an anecdote about."""
    return db.session.scalars(
        sa.select(User).join(StudentProfile).join(SchoolClass)
        .where(SchoolClass.homeroom_teacher_id == teacher.id, User.is_active_account.is_(True))
        .order_by(SchoolClass.name, User.full_name)).all()
