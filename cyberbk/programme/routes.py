"""Counselors only: the Program Tahunan and Semester, the log of services, the hours sheet.

The programme is the school's, as RPLs are: any counselor may edit any row. The log is
each counselor's own: the hours sheet is their workload.
"""

import re
from datetime import date
from datetime import timedelta

import sqlalchemy as sa
from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..accounts.decorators import roles_required
from ..accounts.models import Role
from ..accounts.models import SchoolClass
from ..audit.services import record
from ..common import signals
from ..common.forms import EmptyForm
from ..common.links import public_address
from ..common.numbers import is_id
from ..common.qr import qr_svg
from ..common.schooltime import local_today
from ..common.schooltime import school_year_of
from ..common.vocabulary import LAISEG_ASPECTS
from ..extensions import db
from ..outreach.models import ServiceComponent
from ..outreach.models import ServicePlan
from . import bp
from . import drafting
from . import hours
from . import services
from .forms import MONTH_NAMES
from .forms import ActivityForm
from .forms import DraftForm
from .forms import RowForm
from .models import EQUIVALENT_JP
from .models import Activity
from .models import ActivityKind
from .models import ProgrammeRow
from .models import Semester

counselors_only = roles_required(Role.COUNSELOR)
MONTH_KEY = re.compile(r"^(\d{4})-(\d{2})$")
YEARS = range(2000, 2099)


@bp.context_processor
def programme_helpers():
    return {"component_labels": services.COMPONENT_LABELS,
            "semester_labels": services.SEMESTER_LABELS, "field_label": services.field_label,
            "year_label": services.year_label, "month_names": MONTH_NAMES,
            "kind_labels": hours.KIND_LABELS}


def requested_year():
    """?tahun=2026 (the school year 2026/2027); the current one without it; 400 otherwise."""
    value = request.args.get("tahun")
    if value is None:
        return services.current_year()
    if not value.isdigit() or int(value) not in YEARS:
        abort(400)
    return int(value)


def requested_month():
    """?bulan=2026-11, this month without it; 400 for anything else."""
    value = request.args.get("bulan")
    if value is None:
        return local_today().replace(day=1)
    match = MONTH_KEY.match(value)
    if not match or int(match[1]) not in YEARS or not 1 <= int(match[2]) <= 12:
        abort(400)
    return date(int(match[1]), int(match[2]), 1)


def get_row_or_404(row_id):
    return db.get_or_404(ProgrammeRow, row_id)


def get_own_activity_or_404(activity_id):
    """An activity of the counselor's own log; another's does not exist for them."""
    activity = db.session.get(Activity, activity_id)
    if activity is None or activity.counselor_id != current_user.id:
        abort(404)
    return activity


def all_classes():
    return db.session.scalars(sa.select(SchoolClass).order_by(SchoolClass.grade,
                                                              SchoolClass.name)).all()


def year_choices(year):
    current = services.current_year()
    return sorted({current - 1, current, current + 1, year}, reverse=True)


@bp.route("/bk/program")
@counselors_only
def year():
    year = requested_year()
    rows = services.rows_of(year)
    return render_template(
        "programme/year.html", year=year, years=year_choices(year),
        shares=services.shares(year), components=services.by_component(rows),
        total_jp=sum(row.jp for row in rows), delivered=services.deliveries(year),
        plans=services.plans_of(year), draft_form=DraftForm(), delete_form=EmptyForm())


@bp.route("/bk/program/susun", methods=["POST"])
@counselors_only
def draft():
    year = requested_year()
    form = DraftForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
        return redirect(url_for(".year", tahun=year), 303)
    result = drafting.draft(year, form.threshold.data, current_user)
    for school_class in result.classes_read:
        record(current_user, "read", "class_profile", school_class.id,
               summary="Programme drafted from the class's needs profile")
    record(current_user, "create", "programme", year,
           summary=f"Draft of the programme {year}: {len(result.added)} rows")
    db.session.commit()
    if result.added:
        flash(ngettext("%(num)d baris diusulkan. Periksa dan ubah sesuai keadaan sekolah.",
                       "%(num)d baris diusulkan. Periksa dan ubah sesuai keadaan sekolah.",
                       len(result.added)), "success")
    else:
        flash(_("Tidak ada usulan baru."), "info")
    if result.classes_without_profile:
        flash(_("Belum ada hasil angket kebutuhan (AKPD) atau cek awal tahun pada tahun "
                "pelajaran ini untuk kelas: %(names)s.",
                names=", ".join(c.name for c in result.classes_without_profile)), "info")
    return redirect(url_for(".year", tahun=year), 303)


def render_row_form(form, row, year):
    return render_template("programme/row_form.html", form=form, row=row, year=year), \
        400 if form.errors else 200


@bp.route("/bk/program/baris/baru", methods=["GET", "POST"])
@counselors_only
def new_row():
    year = requested_year()
    form = RowForm(classes=all_classes())
    if form.validate_on_submit():
        row = ProgrammeRow(school_year=year, created_by_id=current_user.id)
        services.save_row(row, form)
        db.session.add(row)
        db.session.flush()
        record(current_user, "create", "programme_row", row.id)
        db.session.commit()
        flash(_("Baris program tersimpan."), "success")
        return redirect(url_for(".year", tahun=year, _anchor=f"baris-{row.id}"), 303)
    return render_row_form(form, None, year)


@bp.route("/bk/program/baris/<int:row_id>/ubah", methods=["GET", "POST"])
@counselors_only
def edit_row(row_id):
    row = get_row_or_404(row_id)
    form = RowForm(obj=row, classes=all_classes())
    if form.validate_on_submit():
        services.save_row(row, form)
        record(current_user, "update", "programme_row", row.id)
        db.session.commit()
        flash(_("Baris program tersimpan."), "success")
        return redirect(url_for(".year", tahun=row.school_year, _anchor=f"baris-{row.id}"), 303)
    return render_row_form(form, row, row.school_year)


@bp.route("/bk/program/baris/<int:row_id>/hapus", methods=["POST"])
@counselors_only
def delete_row(row_id):
    row = get_row_or_404(row_id)
    return delete(row, "programme_row", _("Baris program dihapus."),
                  url_for(".year", tahun=row.school_year))


def delete(thing, kind, message, back):
    """A delete button's POST: the row gone, with its audit entry; then back to `back`."""
    if EmptyForm().validate_on_submit():
        record(current_user, "delete", kind, thing.id)
        db.session.delete(thing)
        db.session.commit()
        flash(message, "success")
    return redirect(back, 303)


@bp.route("/bk/program/semester")
@counselors_only
def semester():
    year = requested_year()
    value = request.args.get("semester", Semester.ODD.value
                             if local_today().month >= 7 else Semester.EVEN.value)
    if value not in {s.value for s in Semester}:
        abort(400)
    chosen = Semester(value)
    return render_template("programme/semester.html", year=year, years=year_choices(year),
                           semester=chosen, table=services.semester_table(year, chosen),
                           jp_by_month=services.jp_by_month(year, chosen),
                           delivered=services.deliveries(year), plans=services.plans_of(year))


def month_activities(first):
    return db.session.scalars(
        sa.select(Activity).where(Activity.counselor_id == current_user.id,
                                  Activity.held_on >= first,
                                  Activity.held_on < hours.next_month(first))
        .order_by(Activity.held_on.desc(), Activity.id.desc())).all()


@bp.route("/bk/kegiatan", methods=["GET", "POST"])
@counselors_only
def activities():
    first = requested_month()
    plans = db.session.scalars(sa.select(ServicePlan).order_by(ServicePlan.updated_at.desc(),
                                                               ServicePlan.id.desc())).all()
    rows = services.rows_of(services.current_year())
    form = ActivityForm(rows=rows, plans=plans, classes=all_classes())
    opened = None
    if request.method == "GET":
        if is_id(request.args.get("baris")):
            row = opened = db.session.get(ProgrammeRow, int(request.args["baris"]))
            if row is not None:
                if row not in rows:
                    form = ActivityForm(rows=[row, *rows], plans=plans, classes=all_classes())
                form.row_id.data, form.class_id.data = row.id, row.class_id
                form.kind.data = ActivityKind.CLASSICAL if row.component in (
                    ServiceComponent.BASIC, ServiceComponent.PLANNING) else None
                linked = next((p for p in plans if p.programme_row_id == row.id), None)
                form.plan_id.data = linked.id if linked else None
        elif is_id(request.args.get("rpl")):
            # Its delivery, from the RPL's page: then its laiseg from the list below.
            plan = db.session.get(ServicePlan, int(request.args["rpl"]))
            if plan is not None:
                form.plan_id.data, form.class_id.data = plan.id, plan.class_id
                form.row_id.data = plan.programme_row_id if plan.programme_row_id in {
                    r.id for r in rows} else None
                form.kind.data = ActivityKind.CLASSICAL
        form.held_on.data = form.held_on.data or local_today()
    if form.validate_on_submit():
        activity = Activity(counselor_id=current_user.id, kind=form.kind.data,
                            held_on=form.held_on.data, row_id=form.row_id.data,
                            plan_id=form.plan_id.data, class_id=form.class_id.data,
                            note=form.note.data or "")
        activity.jp = (form.jp.data or 2) if activity.kind == ActivityKind.CLASSICAL \
            else EQUIVALENT_JP
        row = db.session.get(ServicePlan, activity.plan_id).programme_row \
            if activity.row_id is None and activity.plan_id is not None else None
        if row is not None and row.school_year == school_year_of(activity.held_on):
            # An RPL opened from a row of this school year delivers that row.
            activity.row_id = row.id
        db.session.add(activity)
        db.session.flush()
        record(current_user, "create", "programme_activity", activity.id)
        db.session.commit()
        flash(_("Kegiatan tercatat.") + (" " + _("Buka laiseg-nya dari daftar di bawah di akhir "
                                                  "layanan.") if activity.takes_laiseg else ""),
              "success")
        return redirect(url_for(".activities", bulan=f"{activity.held_on:%Y-%m}"), 303)
    return render_template("programme/activities.html", form=form, first=first, opened=opened,
                           previous=(first - timedelta(days=1)).replace(day=1),
                           logged=month_activities(first), delete_form=EmptyForm()), \
        400 if form.errors else 200


@bp.route("/bk/kegiatan/<int:activity_id>/hapus", methods=["POST"])
@counselors_only
def delete_activity(activity_id):
    activity = get_own_activity_or_404(activity_id)
    return delete(activity, "programme_activity", _("Kegiatan dihapus."),
                  url_for(".activities", bulan=f"{activity.held_on:%Y-%m}"))


@bp.route("/bk/jam")
@counselors_only
def hours_sheet():
    first = requested_month()
    return render_template("programme/hours.html", sheet=hours.sheet(current_user, first),
                           first=first, weekly_jp=hours.WEEKLY_JP,
                           previous=(first - timedelta(days=1)).replace(day=1),
                           following=hours.next_month(first))


# --- laiseg ------------------------------------------------------------------

def get_laiseg_activity_or_404(activity_id):
    """The counselor's own activity of a kind a laiseg follows."""
    activity = get_own_activity_or_404(activity_id)
    if not activity.takes_laiseg:
        abort(404)
    return activity


def laiseg_title(activity):
    what = activity.plan.title if activity.plan else activity.row.topic if activity.row \
        else str(hours.KIND_LABELS[activity.kind])
    return _("Laiseg: %(what)s (%(day)s)", what=what,
             day=activity.held_on.strftime("%d-%m-%Y"))


@bp.route("/bk/kegiatan/<int:activity_id>/laiseg", methods=["GET", "POST"])
@counselors_only
def laiseg(activity_id):
    """POST opens the laiseg of a service (once); GET shows its QR code, its link and, once
    closed with enough answers, what the group said."""
    activity = get_laiseg_activity_or_404(activity_id)
    if request.method == "POST":
        if EmptyForm().validate_on_submit() and activity.laiseg_id is None:
            administration = signals.answer(
                signals.laiseg_opened, current_user._get_current_object(),
                title=laiseg_title(activity), class_id=activity.class_id)
            activity.laiseg_id = administration.id
            record(current_user, "create", "laiseg", administration.id,
                   summary=f"Laiseg of activity {activity.id}")
            db.session.commit()
        return redirect(url_for(".laiseg", activity_id=activity.id), 303)
    if activity.laiseg_id is None:
        return redirect(url_for(".activities", bulan=f"{activity.held_on:%Y-%m}"))
    result = signals.answer(signals.laiseg_results, current_app._get_current_object(),
                            administration_ids=[activity.laiseg_id])[activity.laiseg_id]
    address = public_address(result.link)
    return render_template("programme/laiseg.html", activity=activity, result=result,
                           address=address, qr=qr_svg(address), aspects=LAISEG_ASPECTS,
                           close_form=EmptyForm())


@bp.route("/bk/kegiatan/<int:activity_id>/laiseg/tutup", methods=["POST"])
@counselors_only
def close_laiseg(activity_id):
    activity = get_laiseg_activity_or_404(activity_id)
    if EmptyForm().validate_on_submit() and activity.laiseg is not None:
        signals.laiseg_closed.send(activity.laiseg)
        record(current_user, "update", "laiseg", activity.laiseg_id, summary="Closed")
        db.session.commit()
        flash(_("Laiseg ditutup."), "success")
    return redirect(url_for(".laiseg", activity_id=activity.id), 303)
