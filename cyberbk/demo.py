"""The demo school "SMP Negeri Contoh", so a new user sees a working service at once."""

import sqlalchemy as sa

from .accounts import services as accounts
from .accounts.models import Gender
from .accounts.models import Role
from .accounts.models import User
from .assessments import demo as assessments_demo
from .booking import demo as booking_demo
from .outreach import demo as outreach_demo
from .programme import demo as programme_demo
from .common.schooltime import utcnow
from .extensions import db
from .school.services import add_crisis_contact
from .school.services import add_national_crisis_contacts
from .school.services import get_settings
from .tppk.models import TppkMember

DEMO_PASSWORD = "cyberbk-demo"
CLASSES = (("7A", 7), ("7B", 7), ("8A", 8), ("9A", 9))
STUDENTS_PER_CLASS = 8
HOMEROOM_TEACHERS = {
    "7A": "Sri Wahyuni, S.Pd.", "7B": "Agus Santoso, S.Pd.",
    "8A": "Dewi Lestari, S.Pd.", "9A": "Bambang Prasetyo, S.Pd.",
}
COUNSELORS = (("guru.bk", "Rina Kurniawati, S.Pd."), ("guru.bk2", "Hendra Wijaya, S.Pd."))
FIRST_NAMES = ("Adit", "Bunga", "Cahya", "Dimas", "Eka", "Fajar", "Gita", "Hana", "Irfan",
               "Joko", "Kirana", "Laras", "Made", "Nanda", "Putri", "Rizki")
LAST_NAMES = ("Pratama", "Sari", "Nugroho", "Wulandari", "Saputra", "Maharani", "Hidayat",
              "Anggraini")


class AlreadySeeded(RuntimeError):
    pass


def seed_demo():
    """Fill an empty database with the demo school; refuses when people exist."""
    if db.session.scalar(sa.select(sa.func.count(User.id))):
        raise AlreadySeeded("the database already holds people")
    settings = get_settings()
    settings.name = "SMP Negeri Contoh"
    settings.address = "Jl. Pendidikan No. 1, Pati, Jawa Tengah"
    settings.counselor_contacts = ("Ibu Rina Kurniawati (Guru BK kelas 7): 0812-0000-0001\n"
                                   "Bapak Hendra Wijaya (Guru BK kelas 8–9): 0812-0000-0002")
    settings.service_hours = "Senin–Jumat 07.30–14.00, ruang BK lantai 1"
    settings.tppk_contact = "Ibu Sari Wulandari (Ketua TPPK): 0812-0000-0009, ruang guru lantai 1"
    settings.principal_name, settings.principal_nip = ("Drs. Bambang Sutrisno, M.Pd.",
                                                       "19690315 199403 1 004")
    settings.coordinator_name, settings.coordinator_nip = ("Rina Kurniawati, S.Pd.",
                                                           "19820704 200801 2 011")
    add_crisis_contact("Guru BK SMP Negeri Contoh", "0812-0000-0001 (Bu Rina)",
                       "Hubungi saat jam sekolah atau kirim pesan WhatsApp.",
                       "+6281200000001", "6281200000001")
    add_crisis_contact("TPPK SMP Negeri Contoh", "0812-0000-0009",
                       "Tim Pencegahan dan Penanganan Kekerasan di sekolah.",
                       "+6281200000009", "6281200000009")
    add_national_crisis_contacts()

    def add(username, full_name, role, **profile):
        return accounts.create_user(username, full_name, role, DEMO_PASSWORD,
                                    must_change_password=False, **profile)

    add("admin", "Operator Sekolah", Role.ADMIN)
    # The TPPK: a teacher of the role, and the second counselor listed as a member below.
    add("tppk", "Sari Wulandari, S.Pd. (TPPK)", Role.TPPK)
    for username, name in COUNSELORS:
        # The demo's counselors vouch for each other as a real school's would.
        counselor = add(username, name, Role.COUNSELOR)
        counselor.counselor_confirmed_at = utcnow()
        counselor.email = f"{username}@smpn-contoh.sch.id"
        if username == "guru.bk2":
            db.session.flush()
            db.session.add(TppkMember(user_id=counselor.id))
    person = 0
    for class_name, grade in CLASSES:
        school_class = accounts.get_or_create_class(class_name, grade)
        school_class.homeroom_teacher = add(f"wali.{class_name.lower()}",
                                            HOMEROOM_TEACHERS[class_name], Role.HOMEROOM)
        for number in range(1, STUDENTS_PER_CLASS + 1):
            first = FIRST_NAMES[person % len(FIRST_NAMES)]
            last = LAST_NAMES[(person * 3) % len(LAST_NAMES)]
            add(f"siswa.{class_name.lower()}.{number:02d}", f"{first} {last}", Role.STUDENT,
                school_class=school_class, nis=f"2025{person + 1:04d}",
                gender=Gender.FEMALE if first in ("Bunga", "Cahya", "Eka", "Gita", "Hana",
                                                  "Kirana", "Laras", "Nanda", "Putri")
                else Gender.MALE)
            person += 1
    booking_demo.seed()
    assessments_demo.seed()
    outreach_demo.seed()
    programme_demo.seed()
