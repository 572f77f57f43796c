import time
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from flask import abort
from flask import current_app
from flask_babel import gettext as _

from ..accounts import dapodik
from ..accounts import importer
from ..accounts.models import Role
from ..accounts.models import SchoolClass
from ..accounts.models import StudentProfile
from ..accounts.models import User
from ..audit.services import record
from ..common import files
from ..common import jobs
from ..common import listing
from ..common import signals
from ..extensions import db
from ..school.services import get_settings
from . import backup as backups

LOGO_SIGNATURES = {b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpg"}
IMPORT_JOB = "import_people"
#: How long the upload's own page waits for its import: a small class list is shown done
#: at once, a long one moves on to its progress page.
IMPORT_WAIT_SECONDS = 1
#: At most one progress commit a second while the passwords are hashed.
PROGRESS_SECONDS = 1
#: Initial passwords wait this long in memory for the operator who started the import.
SLIPS_KEPT_SECONDS = 3600
#: Job id -> (operator's id, the slips, when they are dropped). In this process's memory
#: only, never in the database (docs/privacy.md): taken by their operator's first look at
#: the finished import, or dropped unseen after SLIPS_KEPT_SECONDS or a restart.
_slips = {}
#: A roster's preview waits this long for the operator to apply it.
ROSTER_KEPT_SECONDS = 3600
#: Preview job id -> (operator's id, the roster, when it is dropped). The roster holds the
#: whitelisted columns only (accounts.dapodik), and like the slips it stays in this
#: process's memory: the job's row keeps counts, never a name or a number from the file.
_rosters = {}


#: The orders of the accounts list, each ending in a unique column (common/listing.py).
ACCOUNT_SORTS = {
    "nama": (User.full_name, User.id),
    "username": (User.username,),
    "peran": (User.role, User.full_name, User.id),
    "kelas": (SchoolClass.name, User.full_name, User.id),
    "status": (User.is_active_account, User.full_name, User.id),
}


@signals.waiting_counts.connect
def waiting_part(user):
    """What waits for the operator, in one statement: imports still running, and
    passwords the operator reset that their owner has not signed in with yet (they still
    have to reach the owner, on a slip or through a teacher)."""
    if user.acting_role != Role.ADMIN:
        return {}
    imports, resets = db.session.execute(sa.select(
        sa.select(sa.func.count(jobs.Job.id))
        .where(jobs.Job.kind == IMPORT_JOB,
               jobs.Job.status.in_((jobs.Status.QUEUED, jobs.Status.RUNNING)))
        .scalar_subquery(),
        sa.select(sa.func.count(User.id))
        .where(User.password_reset_at.is_not(None), User.is_active_account.is_(True))
        .scalar_subquery(),
    )).one()
    return {"imports_running": imports, "passwords_reset": resets}


def accounts_page(want, role=None, class_id=None):
    """One page of (account, class name) rows, found by name or username."""
    statement = (sa.select(User, SchoolClass.name)
                 .outerjoin(StudentProfile, StudentProfile.user_id == User.id)
                 .outerjoin(SchoolClass, SchoolClass.id == StudentProfile.class_id))
    if role:
        statement = statement.where(User.role == role)
    if class_id:
        statement = statement.where(StudentProfile.class_id == class_id)
    if want.search:
        statement = statement.where(listing.matching(want.search, User.full_name, User.username))
    return listing.paginate(statement, ACCOUNT_SORTS, want)


def all_classes():
    return db.session.scalars(sa.select(SchoolClass).order_by(SchoolClass.grade,
                                                              SchoolClass.name)).all()


def homeroom_choices():
    """The active homeroom accounts a class may be given, by name."""
    return db.session.scalars(sa.select(User).where(User.role == Role.HOMEROOM,
                                                    User.is_active_account.is_(True))
                              .order_by(User.full_name, User.id)).all()


def save_logo(storage):
    """Store an uploaded logo after checking what the bytes are, not what the name says."""
    data = storage.read(current_app.config["LOGO_MAX_BYTES"] + 1)
    if len(data) > current_app.config["LOGO_MAX_BYTES"]:
        return _("Logo terlalu besar. Paling besar 512 KB.")
    kind = next((k for sig, k in LOGO_SIGNATURES.items() if data.startswith(sig)), None)
    if kind is None:
        return _("Berkas ini bukan gambar PNG atau JPG.")
    uploads = Path(current_app.instance_path) / "uploads"
    settings = get_settings()
    filename = f"logo.{kind}"
    files.save(uploads / filename, data)
    settings.logo_filename = filename
    return None


def backup_directory():
    configured = current_app.config.get("BACKUP_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "backups"


def make_backup(passphrase):
    return backups.backup(current_app.config["SQLALCHEMY_DATABASE_URI"],
                          current_app.instance_path, backup_directory(), passphrase)


def backup_error_text(error):
    if "passphrase" in str(error):
        return _("Sandi cadangan paling sedikit 12 karakter.")
    if "SQLite" in str(error):
        return _("Basis data ini PostgreSQL: cadangkan dengan pg_dump di server.")
    return _("Cadangan gagal dibuat: %(reason)s", reason=str(error))


def backup_overview():
    """Where backups go, the archives there, and how old the newest is."""
    directory = backup_directory()
    archives = [(path.name, datetime.fromtimestamp(path.stat().st_mtime), path.stat().st_size)
                for path in backups.archives(directory)]
    newest_age = (datetime.now() - archives[0][1]) if archives else None
    return {"directory": directory, "archives": archives, "newest_age": newest_age,
            "sqlite": backups.sqlite_path(current_app.config["SQLALCHEMY_DATABASE_URI"]) is not None}


def backup_archive_or_404(name):
    """An archive in the backup folder by its exact name, never a path elsewhere."""
    match = next((path for path in backups.archives(backup_directory()) if path.name == name), None)
    if match is None:
        abort(404)
    return match


# Import of a class list, as a job (common.jobs): the upload's request starts it and shows
# its progress; the accounts are written once every password is hashed.

def start_import(filename, data, operator):
    """The import's job, finished if it took no longer than IMPORT_WAIT_SECONDS."""
    job = jobs.start(IMPORT_JOB, run_import, filename, data, operator.id, by=operator)
    return jobs.wait(job, IMPORT_WAIT_SECONDS)


def run_import(job, filename, data, operator_id):
    """The job's work: problems in the file, or the accounts and an audit entry committed
    with the job's outcome (slips kept for the operator, see _slips)."""
    last_commit = time.monotonic()

    def progress(done, total):
        nonlocal last_commit
        job.advance(done, total)
        if time.monotonic() - last_commit >= PROGRESS_SECONDS:
            db.session.commit()
            last_commit = time.monotonic()

    try:
        upload = dapodik.read(filename, data)
        if isinstance(upload, dapodik.Roster):
            return preview_roster(job, upload, operator_id)
        result = importer.import_table(upload, progress)
    except importer.ImportFileError as error:
        job.finish(failed=True, file_error=str(error))
        db.session.commit()
        return
    if not result.ok:
        job.finish(failed=True, errors=result.errors)
        db.session.commit()
        return
    counselors = sum(1 for entry in result.created if entry["user"].role == Role.COUNSELOR)
    record(db.session.get(User, operator_id), "import", "accounts",
           summary=f"{len(result.created)} akun dibuat, {counselors} di antaranya Guru BK "
                   "(menunggu konfirmasi Guru BK aktif)")
    job.finish(created=len(result.created))
    db.session.commit()
    forget_expired_slips()
    _slips[job.id] = (operator_id, slips(result.created), time.monotonic() + SLIPS_KEPT_SECONDS)


def preview_roster(job, roster, operator_id):
    """A roster is not applied at once: its plan is the job's outcome (counts only), and the
    roster waits in memory for the operator to look at the preview and apply it."""
    planned = dapodik.plan(roster)
    if not planned.ok:
        job.finish(failed=True, errors=planned.errors)
        db.session.commit()
        return
    job.finish(preview=planned.counts())
    db.session.commit()
    forget_expired_slips()
    _rosters[job.id] = (operator_id, roster, time.monotonic() + ROSTER_KEPT_SECONDS)


def roster_for(job, operator):
    """The roster a finished preview job waits to apply, for the operator who uploaded it;
    else None (another operator, applied already, expired, or the server restarted)."""
    forget_expired_slips()
    kept = _rosters.get(job.id)
    if kept is None or kept[0] != operator.id:
        return None
    return kept[1]


def start_roster(preview_job, operator):
    """Apply a previewed roster, as a job of its own (its new accounts' passwords are
    hashed like an import's); None when the preview is no longer there."""
    if roster_for(preview_job, operator) is None:
        return None
    roster = _rosters.pop(preview_job.id)[1]
    job = jobs.start(IMPORT_JOB, run_roster, roster, operator.id, by=operator)
    return jobs.wait(job, IMPORT_WAIT_SECONDS)


def run_roster(job, roster, operator_id):
    last_commit = time.monotonic()

    def progress(done, total):
        nonlocal last_commit
        job.advance(done, total)
        if time.monotonic() - last_commit >= PROGRESS_SECONDS:
            db.session.commit()
            last_commit = time.monotonic()

    applied = dapodik.apply(roster, progress)
    if not applied.ok:
        job.finish(failed=True, errors=applied.errors)
        db.session.commit()
        return
    counts = applied.plan.counts()
    record(db.session.get(User, operator_id), "import", "accounts", summary=dapodik.summary(counts))
    job.finish(created=len(applied.created), roster=counts)
    db.session.commit()
    forget_expired_slips()
    _slips[job.id] = (operator_id, slips(applied.created), time.monotonic() + SLIPS_KEPT_SECONDS)


def slips(created):
    """Login slips grouped by class ("" for teachers and staff), plain values only."""
    groups = {}
    for entry in created:
        groups.setdefault(entry["class_name"] or "", []).append(
            {"full_name": entry["user"].full_name, "username": entry["user"].username,
             "password": entry["password"]})
    return groups


def take_slips(job, operator):
    """The finished import's slips, once, for the operator who started it; else None."""
    forget_expired_slips()
    kept = _slips.get(job.id)
    if kept is None or kept[0] != operator.id:
        return None
    return _slips.pop(job.id)[1]


def forget_expired_slips():
    now = time.monotonic()
    for kept_here in (_slips, _rosters):
        for job_id in [job_id for job_id, kept in kept_here.items() if kept[2] < now]:
            del kept_here[job_id]


def import_job_or_404(job_id):
    job = db.session.get(jobs.Job, job_id)
    if job is None or job.kind != IMPORT_JOB:
        abort(404)
    return job
