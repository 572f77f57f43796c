"""Data care pages: the audit log (counselors with content, admins without), retention
settings, a student's data on request, and parents' consent letters and register."""

from math import ceil

from flask import Response as FileResponse
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ..accounts.decorators import roles_required
from ..accounts.models import Role
from ..accounts.models import SchoolClass
from ..accounts.models import User
from ..audit.services import record
from ..common import numbers
from ..common.forms import EmptyForm
from ..common.schooltime import local_today
from ..extensions import db
from ..tppk.models import is_member
from . import audit_log
from . import bp
from . import consent
from . import retention
from . import student_data
from .forms import ConsentForm
from .forms import EraseForm
from .forms import RetentionForm


def page_number():
    page = request.args.get("halaman", "1")
    if not numbers.is_id(page) or not 1 <= int(page) <= numbers.LAST_PAGE:
        abort(400)
    return int(page)


def audit_page(template):
    page = page_number()
    target_type = request.args.get("jenis") or None
    rows, total = audit_log.page_of_entries(page, target_type)
    return render_template(template, rows=rows, page=page, target_type=target_type,
                           pages=max(1, ceil(total / audit_log.PER_PAGE)), total=total,
                           target_types=audit_log.target_types_in_use(),
                           action_label=lambda v: audit_log.label(audit_log.ACTIONS, v),
                           type_label=lambda v: audit_log.label(audit_log.TARGET_TYPES, v))


@bp.route("/bk/audit")
@roles_required(Role.COUNSELOR)
def audit():
    """Who read or exported what, and when, with the entry's content-free summary."""
    return audit_page("dashboard/audit.html")


@bp.route("/admin/audit")
@roles_required(Role.ADMIN)
def admin_audit():
    """The same log for the operator: action, kind of record, who and when; nothing else."""
    return audit_page("dashboard/admin_audit.html")


@bp.route("/bk/retensi", methods=["GET", "POST"])
@roles_required(Role.COUNSELOR)
def retention_settings():
    settings = retention.current_settings()
    form = RetentionForm(obj=settings)
    # The TPPK lane's reports are the members' to keep or let go; others read the setting.
    member = is_member(current_user)
    if not member:
        del form.closed_tppk_days
    if form.validate_on_submit():
        retention.save_settings(current_user, form.closed_reports_days.data,
                                form.chat_days.data, form.closed_cases_days.data,
                                *([form.closed_tppk_days.data] if member else []))
        db.session.commit()
        flash(_("Pengaturan retensi disimpan. Data lama dihapus saat operator menjalankan "
                "perintah purge."), "success")
        return redirect(url_for("dashboard.retention_settings"), 303)
    return render_template("dashboard/retention.html", form=form, settings=settings), \
        400 if form.errors else 200


# A student's data on request.

def get_student_or_404(student_id):
    student = db.session.get(User, student_id)
    if student is None or student.role != Role.STUDENT:
        abort(404)
    return student


def is_counselor():
    return current_user.role == Role.COUNSELOR


@bp.route("/data-siswa")
@roles_required(Role.COUNSELOR, Role.ADMIN)
def student_requests():
    query = (request.args.get("q") or "").strip()[:80]
    class_id = request.args.get("kelas", "")
    if class_id and not numbers.is_id(class_id):
        abort(400)
    class_id = int(class_id) if class_id else None
    counselor = current_user if is_counselor() else None
    students = (student_data.find_students(query, class_id, counselor=counselor)
                if query or class_id is not None else [])
    return render_template("dashboard/student_requests.html", query=query, class_id=class_id,
                           students=students, classes=all_classes())


def all_classes():
    return db.session.scalars(db.select(SchoolClass)
                              .order_by(SchoolClass.grade, SchoolClass.name)).all()


def full_export_allowed(student):
    return is_counselor() and student_data.counsels(current_user, student)


def render_student(student, form=None, status=200):
    full = full_export_allowed(student)
    return render_template("dashboard/student_record.html", student=student, full=full,
                           counts=student_data.summary(student, current_user) if full else None,
                           erased=student_data.is_erased(student),
                           consent=consent.consent_of(student.id),
                           form=form or EraseForm(formdata=None)), status


@bp.route("/data-siswa/<int:student_id>")
@roles_required(Role.COUNSELOR, Role.ADMIN)
def student_record(student_id):
    return render_student(get_student_or_404(student_id))


@bp.route("/data-siswa/<int:student_id>/ekspor.zip")
@roles_required(Role.COUNSELOR, Role.ADMIN)
def export_student(student_id):
    student = get_student_or_404(student_id)
    full = full_export_allowed(student)
    data, added = student_data.export_zip(student, current_user if full else None,
                                          reader=current_user if is_counselor() else None)
    summary = ("Ekspor data satu siswa yang boleh dibuka Guru BK ini, atas permintaan"
               if full else "Ekspor data akun satu siswa atas permintaan")
    # The audit says what left: also the files another lane gave this reader (tppk.csv).
    record(current_user, "export", "student_data", student.id,
           summary=summary + (f" (dengan {', '.join(added)})" if added else ""))
    db.session.commit()
    return FileResponse(data, mimetype="application/zip", headers={
        "Content-Disposition": f'attachment; filename="data-siswa-{student.id}.zip"'})


@bp.errorhandler(student_data.NotAllowed)
def refused(error):
    """A rule forbids the erasure: none of it is kept, nor its audit entry, and the
    counselor is back on the student's page with the reason."""
    db.session.rollback()
    flash(str(error), "error")
    return redirect(url_for("dashboard.student_record", **request.view_args), 303)


@bp.route("/data-siswa/<int:student_id>/hapus", methods=["POST"])
@roles_required(Role.COUNSELOR)
def erase_student(student_id):
    student = get_student_or_404(student_id)
    form = EraseForm()
    if not form.validate_on_submit():
        return render_student(student, form, 400)
    if student_data.is_erased(student):
        flash(_("Data siswa ini sudah dihapus sebelumnya."), "info")
        return redirect(url_for("dashboard.student_record", student_id=student.id), 303)
    if form.username.data.strip().lower() != student.username:
        form.username.errors.append(_("Nama pengguna tidak cocok. Periksa lagi, ya."))
        return render_student(student, form, 400)
    record(current_user, "erase", "student", student.id,
           summary="Data pribadi satu siswa dihapus atas permintaan")
    student_data.erase(student)
    db.session.commit()
    flash(_("Data pribadi siswa dihapus. Angka laporan dan hasil angket tetap utuh."), "success")
    return redirect(url_for("dashboard.student_record", student_id=student.id), 303)


# Parents' consent.

@bp.app_template_global("parent_consent")
def parent_consent(student_id):
    """The consent record of a student, for other features' pages (the case file)."""
    return consent.consent_of(student_id)


@bp.route("/persetujuan/surat")
@roles_required(Role.COUNSELOR, Role.ADMIN)
def consent_letters():
    """Letters to print: one per student of a class (?kelas=) or for one student (?siswa=)."""
    class_id, student_id = request.args.get("kelas", ""), request.args.get("siswa", "")
    if not (class_id or student_id):
        return render_template("dashboard/consent_choose.html", classes=all_classes())
    if not numbers.is_id(student_id or class_id):
        abort(400)
    if student_id:
        students = [get_student_or_404(int(student_id))]
    else:
        school_class = db.get_or_404(SchoolClass, int(class_id))
        students = [student for student, _consent in consent.class_students(school_class)]
    return render_template("dashboard/consent_letters.html", students=students)


@bp.route("/admin/persetujuan", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def consent_register():
    """Which parents' letters came back: the operator ticks them off per class."""
    class_id = request.args.get("kelas", "")
    if not class_id:
        return render_template("dashboard/consent_register.html", school_class=None,
                               classes=consent.classes_with_counts())
    if not numbers.is_id(class_id):
        abort(400)
    school_class = db.get_or_404(SchoolClass, int(class_id))
    rows = consent.class_students(school_class)
    students = {student.id: student for student, _consent in rows}
    form = ConsentForm()
    form.students.choices = [SelectChoice(student.id, student.full_name)
                             for student in students.values()]
    status = 200
    if request.method == "POST" and "hapus" in request.form:
        removed = request.form["hapus"]
        if not EmptyForm().validate_on_submit():
            abort(400)
        if not removed.isdigit() or int(removed) not in students:
            abort(404)
        consent.remove(students[int(removed)], current_user)
        db.session.commit()
        flash(_("Catatan persetujuan dihapus."), "success")
        return redirect(url_for("dashboard.consent_register", kelas=school_class.id), 303)
    if form.validate_on_submit():
        consent.record_received([students[sid] for sid in form.students.data],
                                form.received_on.data, current_user)
        db.session.commit()
        flash(_("Surat persetujuan dicatat sudah diterima."), "success")
        return redirect(url_for("dashboard.consent_register", kelas=school_class.id), 303)
    if request.method == "POST":
        status = 400
    elif form.received_on.data is None:
        form.received_on.data = local_today()
    return render_template("dashboard/consent_register.html", school_class=school_class,
                           rows=rows, form=form), status
