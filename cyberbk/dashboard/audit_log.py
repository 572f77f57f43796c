"""Reading the audit log: newest first, a page at a time, in words people use."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..accounts.models import User
from ..audit.models import AuditEntry
from ..extensions import db

PER_PAGE = 50

ACTIONS = {
    "read": _l("Membuka"),
    "export": _l("Mengekspor"),
    "purge": _l("Penghapusan otomatis (retensi)"),
    "erase": _l("Menghapus data pribadi"),
    "handover": _l("Mengalihkan"),
    "settings": _l("Mengubah pengaturan"),
    "consent": _l("Mencatat persetujuan"),
    "consent_removed": _l("Menghapus catatan persetujuan"),
    # The operator's account work and the counselors' answer to it (issue 17 §4).
    "import": _l("Mengimpor akun"),
    "reset_password": _l("Mereset kata sandi"),
    "activate": _l("Mengaktifkan akun"),
    "deactivate": _l("Menonaktifkan akun"),
    "promote_year": _l("Menerapkan tahun pelajaran baru"),
    "assign_homeroom": _l("Menetapkan wali kelas"),
    "confirm_counselor": _l("Mengonfirmasi akun Guru BK"),
    "backup": _l("Membuat cadangan"),
    "download_backup": _l("Mengunduh cadangan"),
    "restore": _l("Memulihkan dari cadangan"),
    # Case records (issue 21 §1): writing them is logged as reading them is.
    "create": _l("Menulis"),
    "update": _l("Mengubah"),
    # The TPPK lane (issue 21 §3).
    "route": _l("Meneruskan ke TPPK"),
    "change": _l("Mengubah"),
    "print": _l("Mencetak"),
}
TARGET_TYPES = {
    "problem_report": _l("Laporan kotak masalah"),
    "case": _l("Berkas kasus"),
    "chat": _l("Chat konseling"),
    "booking": _l("Jadwal dan data awal"),
    "referral": _l("Rujukan wali kelas"),
    "parent_requests": _l("Permintaan orang tua"),
    "assessment_results": _l("Hasil asesmen"),
    "assessment_response": _l("Jawaban satu siswa"),
    "assessment": _l("Jawaban asesmen"),
    "class_profile": _l("Profil kebutuhan kelas"),
    "service_report": _l("Laporan pelaksanaan program"),
    "student_data": _l("Data pribadi siswa"),
    "student_record": _l("Rekam siswa"),
    "student": _l("Akun siswa"),
    "retention": _l("Pengaturan retensi"),
    "parent_consent": _l("Persetujuan orang tua"),
    "account": _l("Akun"),
    "accounts": _l("Akun dari impor"),
    "school": _l("Pengaturan sekolah"),
    "crisis_contact": _l("Kontak darurat"),
    "school_year": _l("Tahun pelajaran"),
    "school_class": _l("Kelas"),
    "backup": _l("Cadangan data"),
    "case_book": _l("Buku kasus"),
    "anecdote": _l("Catatan anekdot"),
    "case_conference": _l("Konferensi kasus"),
    "case_conference_summary": _l("Ringkasan konferensi kasus"),
    "home_visit": _l("Kunjungan rumah"),
    "outward_referral": _l("Alih tangan kasus"),
    "tppk_case": _l("Laporan TPPK"),
    "tppk_member": _l("Anggota TPPK"),
    "school_settings": _l("Pengaturan sekolah"),
}


def label(labels, value):
    return labels.get(value, value)


def page_of_entries(page, target_type=None):
    """(rows of (entry, actor name or None), total entries) for one page, newest first."""
    statement = sa.select(AuditEntry, User.full_name).outerjoin(User,
                                                                User.id == AuditEntry.actor_id)
    if target_type:
        statement = statement.where(AuditEntry.target_type == target_type)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(
        statement.order_by(None).subquery()))
    rows = db.session.execute(statement.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
                              .limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    return rows, total


def target_types_in_use():
    return db.session.scalars(sa.select(AuditEntry.target_type).distinct()
                              .order_by(AuditEntry.target_type)).all()
