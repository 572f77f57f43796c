"""Model factories with sensible defaults; tests override what they care about."""

import itertools

from cyberbk.accounts import services as accounts
from cyberbk.accounts.models import Role
from cyberbk.common.schooltime import utcnow
from cyberbk.extensions import db

PASSWORD = "rahasia-123"
_numbers = itertools.count(1)


def make_class(name="7A", grade=None, homeroom=None):
    grade = grade or int("".join(ch for ch in name if ch.isdigit()) or 7)
    school_class = accounts.get_or_create_class(name, grade)
    if homeroom is not None:
        school_class.homeroom_teacher = homeroom
    db.session.commit()
    return school_class


def make_user(role=Role.STUDENT, username=None, full_name=None, school_class=None,
              password=PASSWORD, must_change_password=False, confirmed=True, **profile):
    """`confirmed`: a counselor already confirmed by another (as in every school past its
    first day); False for one the operator just made."""
    number = next(_numbers)
    username = username or f"{role.value}.{number}"
    if role == Role.STUDENT:
        profile.setdefault("school_class", school_class)
    user = accounts.create_user(username, full_name or f"Pengguna {number}", role, password,
                                must_change_password=must_change_password, **profile)
    if role == Role.COUNSELOR and confirmed:
        user.counselor_confirmed_at = utcnow()
    db.session.commit()
    return user


def make_report(body, field=None, author=None):
    """A problem-box report sent the way a student sends it, and its follow-up code."""
    from cyberbk.problembox import services as problembox

    report, code = problembox.send_report(body, field, author)
    db.session.commit()
    return report, code
