from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import send_file
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts import dapodik
from ..accounts import promotion
from ..accounts import services as accounts
from ..accounts.decorators import roles_required
from ..accounts.models import Role
from ..accounts.models import SchoolClass
from ..accounts.models import User
from ..audit.services import record
from ..common import jobs
from ..common import listing
from ..common import numbers
from ..common.forms import EmptyForm
from ..common.fragments import wants_fragment
from ..extensions import db
from ..school.models import CrisisContact
from ..school import services as school_services
from . import bp
from . import services
from . import backup as backups
from .forms import AccountFilterForm
from .forms import BackupForm
from .forms import CrisisContactForm
from .forms import HomeroomForm
from .forms import ImportForm
from .forms import SettingsForm
from .forms import StaffNipForm

#: The element the accounts list swaps (search, order, pages).
ACCOUNTS_LIST = "akun-daftar"


@bp.before_request
@roles_required(Role.ADMIN)
def require_admin():
    """Every page of this blueprint is for the school operator only."""


@bp.route("/")
def home():
    return render_template("admin/home.html", classes=services.all_classes())


@bp.route("/kelas/<int:class_id>", methods=["GET", "POST"])
def school_class(class_id):
    """A class: its homeroom teacher, chosen from the active homeroom accounts (a class a
    Dapodik roster made has none until it is set here)."""
    school_class = db.get_or_404(SchoolClass, class_id)
    teachers = services.homeroom_choices()
    form = HomeroomForm(homeroom=str(school_class.homeroom_teacher_id or ""))
    form.homeroom.choices = [("", _("Belum ada wali kelas"))] + [
        (str(t.id), f"{t.full_name} ({t.username})") for t in teachers]
    if form.validate_on_submit():
        chosen = next((t for t in teachers if str(t.id) == form.homeroom.data), None)
        school_class.homeroom_teacher = chosen
        record(current_user, "assign_homeroom", "school_class", school_class.id,
               summary=f"Wali kelas {school_class.name}: "
                       f"{chosen.username if chosen else 'dikosongkan'}")
        db.session.commit()
        flash(_("Wali kelas %(name)s disimpan.", name=school_class.name), "success")
        return redirect(url_for("admin.home"), 303)
    return render_template("admin/school_class.html", school_class=school_class, form=form), \
        400 if form.errors else 200


@bp.route("/akun")
def accounts_list():
    form = AccountFilterForm(request.args)
    form.role.choices = [("", _("Semua peran"))] + [(r.value, label) for r, label in role_labels()]
    form.school_class.choices = [("", _("Semua kelas"))] + [
        (str(c.id), c.name) for c in services.all_classes()]
    role = Role(form.role.data) if form.role.data in {r.value for r in Role} else None
    class_id = int(form.school_class.data) if numbers.is_id(form.school_class.data) else None
    accounts_list = services.accounts_page(listing.wanted(services.ACCOUNT_SORTS, "nama"),
                                           role, class_id)
    template = "admin/_accounts_list.html" if wants_fragment(ACCOUNTS_LIST) \
        else "admin/accounts.html"
    return render_template(template, form=form, listing=accounts_list, target=ACCOUNTS_LIST,
                           action_form=EmptyForm(), role_labels=dict(role_labels()))


def role_labels():
    return [(Role.STUDENT, _("Siswa")), (Role.HOMEROOM, _("Wali kelas")),
            (Role.COUNSELOR, _("Guru BK")), (Role.ADMIN, _("Operator")),
            (Role.TPPK, _("Anggota TPPK"))]


def get_user_or_404(user_id):
    return db.get_or_404(User, user_id)


@bp.route("/akun/<int:user_id>/reset-sandi", methods=["POST"])
def reset_password(user_id):
    user = get_user_or_404(user_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    password = accounts.reset_password(user, by=current_user)
    record(current_user, "reset_password", "account", user.id,
           summary=f"Reset kata sandi {user.username} ({user.role.value})")
    db.session.commit()
    return render_template("admin/password_reset.html", user=user, password=password)


#: The roles that sign printed pages under their own name.
SIGNING_ROLES = (Role.COUNSELOR, Role.HOMEROOM)


@bp.route("/akun/<int:user_id>/nip", methods=["GET", "POST"])
def account_nip(user_id):
    """The NIP under a Guru BK's or homeroom teacher's signature on printed pages."""
    user = get_user_or_404(user_id)
    if user.role not in SIGNING_ROLES:
        abort(404)
    form = StaffNipForm(obj=user)
    if form.validate_on_submit():
        user.nip = " ".join((form.nip.data or "").split())
        record(current_user, "set_nip", "account", user.id,
               summary=f"NIP {user.username} diubah")
        db.session.commit()
        flash(_("NIP %(name)s sudah disimpan.", name=user.full_name), "success")
        return redirect(url_for("admin.accounts_list"), 303)
    return render_template("admin/account_nip.html", form=form, user=user), \
        400 if form.errors else 200


@bp.route("/akun/<int:user_id>/status", methods=["POST"])
def toggle_active(user_id):
    user = get_user_or_404(user_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if user.id == current_user.id:
        flash(_("Anda tidak bisa menonaktifkan akun Anda sendiri."), "error")
    else:
        accounts.set_active(user, not user.is_active_account)
        record(current_user, "activate" if user.is_active_account else "deactivate", "account",
               user.id, summary=f"{user.username} ({user.role.value})")
        db.session.commit()
        flash(_("Akun %(name)s sekarang aktif.", name=user.full_name) if user.is_active_account
              else _("Akun %(name)s dinonaktifkan.", name=user.full_name), "success")
    return redirect(url_for("admin.accounts_list"), 303)


@bp.route("/impor", methods=["GET", "POST"])
def import_people():
    """Upload a class list. The import is a job (services.start_import): shown done at once
    when it is short, else the job's progress page follows."""
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        job = services.start_import(upload.filename, upload.read(), current_user)
        if not job.finished:
            return redirect(url_for("admin.import_job", job_id=job.id), 303)
        return show_import(job, form)
    return render_template("admin/import.html", form=form), 400 if form.errors else 200


@bp.route("/impor/<int:job_id>")
def import_job(job_id):
    """An import's progress (the whole page, or the polled fragment), then its outcome."""
    job = services.import_job_or_404(job_id)
    polled = wants_fragment("import-progress")
    if not job.finished:
        return render_template("admin/_import_progress.html" if polled
                               else "admin/import_progress.html", job=job)
    if polled:
        # Finished while polled: the page itself is reloaded, to show the outcome whole.
        return "", 200, {"HX-Refresh": "true"}
    return show_import(job, ImportForm())


def show_import(job, form):
    """A finished import: its problems beside the form (400: the file was refused), or the
    slips with the initial passwords, the one time they are shown."""
    outcome = job.outcome
    if job.status == jobs.Status.FAILED:
        if outcome.get("file_error"):
            form.file.errors.append(outcome["file_error"])
        return render_template("admin/import.html", form=form, errors=outcome.get("errors"),
                               failed=not outcome.get("file_error") and not outcome.get("errors"),
                               interrupted=outcome.get("interrupted")), 400
    if "preview" in outcome:
        return show_preview(job)
    return render_template("admin/import_result.html", total=outcome["created"],
                           roster=outcome.get("roster"),
                           created=services.take_slips(job, current_user))


def show_preview(job):
    """A roster's preview: what applying it would change, planned against the students as
    they are now, with the button that applies it."""
    roster = services.roster_for(job, current_user)
    planned = dapodik.plan(roster) if roster is not None else None
    if planned is not None and not planned.ok:
        # The students changed since the upload in a way the file now clashes with.
        return render_template("admin/import.html", form=ImportForm(),
                               errors=planned.errors), 400
    return render_template("admin/import_preview.html", job=job, plan=planned,
                           form=EmptyForm())


@bp.route("/impor/<int:job_id>/terapkan", methods=["POST"])
def apply_roster(job_id):
    """Apply a previewed roster (a job, as the upload's): moves, new accounts and their
    slips, leavers deactivated."""
    preview = services.import_job_or_404(job_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    job = services.start_roster(preview, current_user)
    if job is None:
        flash(_("Pratinjau ini sudah tidak tersedia (sudah diterapkan, atau kedaluwarsa). "
                "Unggah lagi berkasnya."), "error")
        return redirect(url_for("admin.import_people"), 303)
    if not job.finished:
        return redirect(url_for("admin.import_job", job_id=job.id), 303)
    return show_import(job, ImportForm())


#: The settings that sign printed reports, stored as typed.
SIGNER_FIELDS = ("principal_name", "principal_nip", "coordinator_name", "coordinator_nip")


@bp.route("/pengaturan", methods=["GET", "POST"])
def settings():
    school = school_services.get_settings()
    form = SettingsForm(obj=school)
    if form.validate_on_submit():
        error = services.save_logo(form.logo.data) if form.logo.data else None
        if error:
            form.logo.errors.append(error)
        else:
            school.name = form.name.data.strip()
            school.address = form.address.data or ""
            school.counselor_contacts = form.counselor_contacts.data or ""
            school.service_hours = form.service_hours.data or ""
            school.escalation_email = form.escalation_email.data or ""
            school.primary_colour = form.primary_colour.data
            school.accent_colour = form.accent_colour.data
            for signer in SIGNER_FIELDS:
                setattr(school, signer, (getattr(form, signer).data or "").strip())
            record(current_user, "settings", "school", summary="Pengaturan sekolah diubah")
            db.session.commit()
            flash(_("Pengaturan sekolah sudah disimpan."), "success")
            return redirect(url_for("admin.settings"), 303)
    return render_template("admin/settings.html", form=form, school=school,
                           contacts=school_services.crisis_contacts(), contact_form=CrisisContactForm(prefix="new"),
                           delete_form=EmptyForm()), 400 if form.errors else 200


@bp.route("/pengaturan/kontak-darurat", methods=["POST"])
def add_crisis_contact():
    form = CrisisContactForm(prefix="new")
    if form.validate_on_submit():
        school_services.add_crisis_contact(form.name.data.strip(), form.contact.data.strip(),
                                           (form.description.data or "").strip(), *form.numbers())
        record(current_user, "settings", "crisis_contact", summary="Kontak darurat ditambahkan")
        db.session.commit()
        flash(_("Kontak darurat ditambahkan."), "success")
    else:
        # The settings page shows the form's first error: a bad number says what was wrong.
        errors = [message for messages in form.errors.values() for message in messages]
        flash(str(errors[0]) if form.phone.errors or form.whatsapp.errors
              else _("Nama layanan dan nomornya wajib diisi."), "error")
    return redirect(url_for("admin.settings", _anchor="kontak-darurat"), 303)


@bp.route("/pengaturan/kontak-darurat/<int:contact_id>", methods=["GET", "POST"])
def edit_crisis_contact(contact_id):
    contact = db.get_or_404(CrisisContact, contact_id)
    form = CrisisContactForm(obj=contact)
    if request.method == "GET":
        form.phone.data = contact.phone_display
        form.whatsapp.data = contact.whatsapp_display
    if form.validate_on_submit():
        contact.phone, contact.whatsapp = form.numbers()
        contact.name = form.name.data.strip()
        contact.contact = form.contact.data.strip()
        contact.description = (form.description.data or "").strip()
        record(current_user, "settings", "crisis_contact", contact.id,
               summary="Kontak darurat diubah")
        db.session.commit()
        flash(_("Kontak darurat disimpan."), "success")
        return redirect(url_for("admin.settings", _anchor="kontak-darurat"), 303)
    return render_template("admin/crisis_contact.html", form=form, contact=contact), \
        400 if form.errors else 200


@bp.route("/pengaturan/kontak-darurat/<int:contact_id>/hapus", methods=["POST"])
def delete_crisis_contact(contact_id):
    contact = db.get_or_404(CrisisContact, contact_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    record(current_user, "settings", "crisis_contact", contact.id, summary="Kontak darurat dihapus")
    db.session.delete(contact)
    db.session.commit()
    flash(_("Kontak darurat dihapus."), "success")
    return redirect(url_for("admin.settings", _anchor="kontak-darurat"), 303)


@bp.route("/tahun-ajaran", methods=["GET", "POST"])
def new_school_year():
    moves = promotion.plan()
    clashes = promotion.clashes(moves)
    form = EmptyForm()
    if form.validate_on_submit() and not clashes:
        promotion.apply(moves)
        record(current_user, "promote_year", "school_year",
               summary="Tahun pelajaran baru diterapkan: kelas naik tingkat, kelas 9 lulus")
        db.session.commit()
        flash(_("Tahun pelajaran baru sudah diterapkan: kelas naik tingkat, kelas 9 lulus."),
              "success")
        return redirect(url_for("admin.home"), 303)
    return render_template("admin/new_school_year.html", moves=moves, clashes=clashes, form=form)


@bp.route("/cadangan", methods=["GET", "POST"])
def backup():
    """Make an encrypted backup on the server and download it at once."""
    form = BackupForm()
    configured = bool(current_app.config.get("BACKUP_PASSPHRASE"))
    if form.validate_on_submit():
        passphrase = current_app.config["BACKUP_PASSPHRASE"] if configured else form.passphrase.data
        try:
            archive = services.make_backup(passphrase)
        except backups.BackupError as error:
            form.passphrase.errors.append(services.backup_error_text(error))
        else:
            record(current_user, "backup", "backup", archive.name,
                   summary="Cadangan dibuat dan diunduh di peramban")
            db.session.commit()
            return send_file(archive, as_attachment=True, download_name=archive.name)
    elif request.method == "POST" and not form.errors:
        abort(400)
    return render_template("admin/backup.html", form=form, configured=configured,
                           **services.backup_overview()), 400 if form.errors else 200


@bp.route("/cadangan/<name>")
def download_backup(name):
    archive = services.backup_archive_or_404(name)
    record(current_user, "download_backup", "backup", archive.name,
           summary="Cadangan diunduh di peramban")
    db.session.commit()
    return send_file(archive, as_attachment=True, download_name=archive.name)
