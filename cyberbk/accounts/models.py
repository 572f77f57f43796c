import enum
import secrets
from datetime import date
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app
from flask_login import UserMixin
from werkzeug.security import check_password_hash
from werkzeug.security import generate_password_hash

from ..common.scheduling import NativeThreads
from ..common.schooltime import utcnow
from ..extensions import db
from ..extensions import enum_column


class Role(str, enum.Enum):
    STUDENT = "student"
    HOMEROOM = "homeroom"
    COUNSELOR = "counselor"
    ADMIN = "admin"
    #: A member of the school's TPPK (tim pencegahan dan penanganan kekerasan,
    #: Permendikbudristek 46/2023) who is no counselor: opens the TPPK lane only.
    TPPK = "tppk"


#: A sign-in's or a reset's password hash (scrypt: ~0.1 s of a core and 32 MB) runs beside
#: the serving loop, two at a time at most: a class signing in at once queues here, not in
#: memory, and every other page goes on meanwhile.
PASSWORD_THREADS = NativeThreads(2)
#: An import's hundreds of hashes: one at a time, at the lowest priority (scheduling).
BATCH_PASSWORD_THREADS = NativeThreads(1, low_priority=True)


def hash_password(password, batch=False):
    """The stored form of `password` (PASSWORD_HASH_METHOD), hashed off the loop."""
    threads = BATCH_PASSWORD_THREADS if batch else PASSWORD_THREADS
    return threads.run(generate_password_hash, password,
                       current_app.config["PASSWORD_HASH_METHOD"])


HOME_ENDPOINTS = {
    Role.STUDENT: "main.student_home",
    Role.HOMEROOM: "main.homeroom_home",
    Role.COUNSELOR: "main.counselor_home",
    Role.ADMIN: "admin.home",
    Role.TPPK: "tppk.index",
}


class Gender(str, enum.Enum):
    MALE = "L"
    FEMALE = "P"


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    username: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    full_name: so.Mapped[str] = so.mapped_column(sa.String(120))
    role: so.Mapped[Role] = so.mapped_column(
        enum_column(Role)
    )
    password_hash: so.Mapped[str] = so.mapped_column(sa.String(256))
    is_active_account: so.Mapped[bool] = so.mapped_column(default=True)
    must_change_password: so.Mapped[bool] = so.mapped_column(default=False)
    #: Part of the login cookie; rotating it ends every session of this user.
    session_nonce: so.Mapped[str] = so.mapped_column(
        sa.String(32), default=lambda: secrets.token_hex(8)
    )
    phone: so.Mapped[str | None] = so.mapped_column(sa.String(32))
    #: Where a counselor's email alerts go (optional; the person or the operator sets it).
    email: so.Mapped[str | None] = so.mapped_column(sa.String(254))
    #: A staff member's NIP, as the school writes it ("19700101 199503 1 001"), under their
    #: name where they sign a printed page (an RPL, a class's results); "" for none.
    nip: so.Mapped[str] = so.mapped_column(sa.String(32), default="", server_default="")
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    last_login_at: so.Mapped[datetime | None]
    #: When an active counselor confirmed this counselor account (None: not yet). An
    #: account made a counselor by the operator opens no counseling content before it.
    counselor_confirmed_at: so.Mapped[datetime | None]
    counselor_confirmed_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))
    #: The operator's last reset of this password not yet told to its owner: shown at the
    #: next sign-in, then cleared (the audit log keeps the history).
    password_reset_at: so.Mapped[datetime | None]
    password_reset_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))

    student_profile: so.Mapped["StudentProfile | None"] = so.relationship(
        back_populates="user", cascade="all, delete-orphan", uselist=False
    )
    homeroom_of: so.Mapped[list["SchoolClass"]] = so.relationship(
        back_populates="homeroom_teacher"
    )

    def set_password(self, password):
        self.password_hash = hash_password(password)

    def check_password(self, password):
        return PASSWORD_THREADS.run(check_password_hash, self.password_hash, password)

    def end_sessions(self):
        self.session_nonce = secrets.token_hex(8)

    def get_id(self):
        return f"{self.id}:{self.session_nonce}"

    @property
    def is_active(self):
        return self.is_active_account

    @property
    def awaits_confirmation(self):
        """A counselor account no active counselor has confirmed yet."""
        return self.role == Role.COUNSELOR and self.counselor_confirmed_at is None

    @property
    def acting_role(self):
        """The role this account may act in now: the one check of who may open what
        (roles_required, the chat's seats). A counselor awaiting confirmation acts in
        none, so an account the operator made a counselor opens no counseling content."""
        return None if self.awaits_confirmation else self.role

    def has_role(self, *roles):
        return self.acting_role in roles

    @property
    def home_endpoint(self):
        return HOME_ENDPOINTS[self.role]

    @property
    def school_class(self):
        return self.student_profile.school_class if self.student_profile else None

    def __repr__(self):
        return f"<User {self.username} {self.role.value}>"


@sa.event.listens_for(User.role, "set")
def role_changed(user, value, oldvalue, initiator):
    """Made a counselor (by any path, now or later): confirmation starts afresh."""
    if value == Role.COUNSELOR and oldvalue != Role.COUNSELOR:
        user.counselor_confirmed_at = None
        user.counselor_confirmed_by_id = None


class SchoolClass(db.Model):
    """A rombel such as 7A."""

    __tablename__ = "school_classes"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(16), unique=True)
    grade: so.Mapped[int]
    homeroom_teacher_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )

    homeroom_teacher: so.Mapped[User | None] = so.relationship(back_populates="homeroom_of")
    students: so.Mapped[list["StudentProfile"]] = so.relationship(back_populates="school_class")

    __table_args__ = (sa.CheckConstraint("grade BETWEEN 1 AND 12", name="grade_range"),)

    def __repr__(self):
        return f"<SchoolClass {self.name}>"


class StudentProfile(db.Model):
    __tablename__ = "student_profiles"

    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    class_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("school_classes.id", ondelete="SET NULL"), index=True
    )
    nis: so.Mapped[str | None] = so.mapped_column(sa.String(20), unique=True)
    nisn: so.Mapped[str | None] = so.mapped_column(sa.String(20), unique=True)
    gender: so.Mapped[Gender | None] = so.mapped_column(
        enum_column(Gender, length=1)
    )
    #: From the Dapodik roster (accounts.dapodik), the one column of its many besides name,
    #: numbers, sex and class that the school's counselors use (a referral letter names it).
    birth_date: so.Mapped[date | None]

    user: so.Mapped[User] = so.relationship(back_populates="student_profile")
    school_class: so.Mapped[SchoolClass | None] = so.relationship(back_populates="students")
