"""The service delivery report (laporan pelaksanaan program), counted with GROUP BY in the
database.

A delivered service is a session record (chat, video or face to face, with its bidang)
or a problem-box report received. A student's class is their class now; an anonymous
report has none.
"""

import io
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..accounts.models import SchoolClass
from ..accounts.models import StudentProfile
from ..booking.models import CounselingCase
from ..booking.models import SessionRecord
from ..common import vocabulary
from ..common.cells import keep_as_text
from ..common.scheduling import off_loop
from ..common.schooltime import local_today
from ..common.vocabulary import LAISEG_ASPECTS
from ..common.vocabulary import Mode
from ..common.vocabulary import ServiceField
from ..extensions import db
from ..outreach.models import ServiceComponent
from ..outreach.models import ServicePlan
from ..programme.models import Activity
from ..problembox.models import ProblemReport
from ..programme.models import KIND_LABELS
from . import periods
from .programme_report import COMPONENT_LABELS
from .programme_report import NOTE_LABELS

# Keys are the stored values, as the GROUP BYs return them; the labels are the vocabulary's.
FIELDS = tuple(field.value for field in ServiceField)
FIELD_LABELS = {**vocabulary.FIELD_LABELS, None: _l("Tidak diisi")}
# A problem-box report counts as a service of its own kind.
MODES = (*(mode.value for mode in Mode), "kotak")
MODE_LABELS = {**vocabulary.MODE_LABELS, "kotak": _l("Kotak masalah")}


def services_in(period):
    """One row per delivered service: (mode, field, class_id), as a subquery."""
    start, end = period.utc_bounds
    sessions = (
        sa.select(sa.type_coerce(SessionRecord.mode, sa.String).label("mode"),
                  sa.type_coerce(SessionRecord.field, sa.String).label("field"),
                  StudentProfile.class_id.label("class_id"))
        .join(CounselingCase, CounselingCase.id == SessionRecord.case_id)
        .outerjoin(StudentProfile, StudentProfile.user_id == CounselingCase.student_id)
        .where(SessionRecord.held_at >= start, SessionRecord.held_at < end))
    reports = (
        sa.select(sa.literal("kotak", sa.String).label("mode"),
                  sa.type_coerce(ProblemReport.field, sa.String).label("field"),
                  StudentProfile.class_id.label("class_id"))
        .outerjoin(StudentProfile, StudentProfile.user_id == ProblemReport.author_id)
        .where(ProblemReport.created_at >= start, ProblemReport.created_at < end))
    return sa.union_all(sessions, reports).subquery("services")


@dataclass
class ServiceReport:
    period: periods.Period
    total: int
    by_field: list  # [(field key, count)] in FIELDS order, then None for "not given"
    by_mode: list  # [(mode key, count)] in MODES order
    matrix: dict  # {(field key, mode key): count}
    by_class: list  # [(class name or None, grade or None, count)]
    by_grade: list  # [(grade or None, count)]
    classroom_total: int
    classroom_by_field: list  # [(field key, count)]

    def cell(self, field, mode):
        return self.matrix.get((field, mode), 0)


def _in_order(rows, keys):
    counts = dict(rows)
    return [(key, counts.get(key, 0)) for key in keys]


def service_report(period):
    services = services_in(period)
    count = sa.func.count()
    matrix = {(field, mode): n for field, mode, n in db.session.execute(
        sa.select(services.c.field, services.c.mode, count)
        .group_by(services.c.field, services.c.mode))}
    by_field = db.session.execute(sa.select(services.c.field, count)
                                  .group_by(services.c.field)).all()
    by_mode = db.session.execute(sa.select(services.c.mode, count)
                                 .group_by(services.c.mode)).all()
    by_class = db.session.execute(
        sa.select(SchoolClass.name, SchoolClass.grade, count)
        .select_from(services).outerjoin(SchoolClass, SchoolClass.id == services.c.class_id)
        .group_by(SchoolClass.id, SchoolClass.name, SchoolClass.grade)
        .order_by(SchoolClass.grade.is_(None), SchoolClass.grade, SchoolClass.name)).all()
    by_grade = db.session.execute(
        sa.select(SchoolClass.grade, count)
        .select_from(services).outerjoin(SchoolClass, SchoolClass.id == services.c.class_id)
        .group_by(SchoolClass.grade)
        .order_by(SchoolClass.grade.is_(None), SchoolClass.grade)).all()
    classroom = classroom_guidance_by_field(period)
    field_keys = FIELDS + ((None,) if any(f is None for f, _n in by_field) else ())
    return ServiceReport(
        period=period, total=sum(n for _f, n in by_field),
        by_field=_in_order(by_field, field_keys), by_mode=_in_order(by_mode, MODES),
        matrix=matrix, by_class=[tuple(row) for row in by_class],
        by_grade=[tuple(row) for row in by_grade],
        classroom_total=sum(n for _f, n in classroom),
        classroom_by_field=_in_order(classroom, FIELDS + (None,)))


def classroom_guidance_by_field(period):
    """Layanan dasar RPLs held in the period (up to today), per bidang: by the date the RPL
    names, or, an RPL without one, by a delivery logged with it (Catat kegiatan)."""
    last = min(period.end - timedelta(days=1), local_today())
    field = sa.type_coerce(ServicePlan.field, sa.String)
    delivered = sa.exists().where(Activity.plan_id == ServicePlan.id,
                                  Activity.held_on >= period.first, Activity.held_on <= last)
    return db.session.execute(
        sa.select(field, sa.func.count(ServicePlan.id))
        .where(ServicePlan.component == ServiceComponent.BASIC, sa.or_(
            sa.and_(ServicePlan.held_on >= period.first, ServicePlan.held_on <= last),
            sa.and_(ServicePlan.held_on.is_(None), delivered)))
        .group_by(field)).all()


def class_label(name):
    return name or _("Tanpa kelas (anonim)")


def grade_label(grade):
    return _("Kelas %(grade)d", grade=grade) if grade else _("Tanpa kelas (anonim)")


def programme_sheets(programme, note):
    """The programme's parts of the report as plain rows, for the workbook: made here, in
    the request, so that the native thread reads no database object."""
    components = [[_("Komponen"), _("Baris direncanakan"), _("JP direncanakan"),
                   _("Layanan terlaksana"), _("JP terlaksana"), _("Ketercapaian JP (%)")]]
    total = programme.total
    for line in [*programme.lines, total]:
        label = str(line.label) if line is not total else _("Jumlah")
        components.append([label, line.planned_rows, line.planned_jp, line.delivered,
                           line.delivered_jp,
                           round(line.percent, 1) if line.percent is not None else None])
    services = [[_("Tanggal"), _("Jenis"), _("Komponen"), _("Layanan / topik"), _("Sasaran"),
                 _("JP"), _("Laiseg: menjawab"), *[_("Laiseg: %(aspect)s", aspect=aspect)
                                                   for aspect in LAISEG_ASPECTS]]]
    for service in programme.services:
        laiseg = service.laiseg
        means = list(laiseg.means) if laiseg is not None and laiseg.shown else [None] * 3
        services.append([service.held_on.isoformat(), str(KIND_LABELS[service.kind]),
                         str(COMPONENT_LABELS[service.component]), service.topic,
                         service.target, service.jp,
                         laiseg.submitted if laiseg is not None else None,
                         *[round(m, 2) if m is not None else None for m in means]])
    notes = [[str(label), getattr(note, name, "") if note is not None else ""]
             for name, label in NOTE_LABELS.items()]
    return components, services, notes


def to_xlsx(report, school_name, programme=None, note=None):
    """The report as a workbook: a summary sheet, one sheet per class and per grade, then
    the programme's: delivered against planned per component, the services held, and the
    counselors' words. Built in a native thread: openpyxl's work would stop every other
    request meanwhile."""
    extra = programme_sheets(programme, note) if programme is not None else None
    return off_loop(_workbook, report, school_name, extra)


def _workbook(report, school_name, extra=None):
    # Imported here: loaded at start-up openpyxl cost every worker 7 MB.
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    bold = Font(bold=True)
    summary = workbook.active
    summary.title = _("Ringkasan")[:31]
    summary.append([_("Laporan pelaksanaan program BK")])
    summary.append([school_name])
    summary.append([report.period.label])
    summary.append([])
    summary.append([_("Bidang")] + [str(MODE_LABELS[m]) for m in MODES] + [_("Jumlah")])
    for field, total in report.by_field:
        summary.append([str(FIELD_LABELS[field])] + [report.cell(field, m) for m in MODES]
                       + [total])
    summary.append([_("Jumlah")] + [n for _m, n in report.by_mode] + [report.total])
    summary.append([])
    summary.append([_("Bimbingan klasikal (RPL terlaksana)"), report.classroom_total])
    for field, total in report.classroom_by_field:
        summary.append([str(FIELD_LABELS[field]), total])
    for row in (1, 5):
        for cell in summary[row]:
            cell.font = bold

    classes = workbook.create_sheet(_("Per kelas")[:31])
    classes.append([_("Kelas"), _("Tingkat"), _("Jumlah layanan")])
    for name, grade, total in report.by_class:
        classes.append([class_label(name), grade, total])
    grades = workbook.create_sheet(_("Per tingkat")[:31])
    grades.append([_("Tingkat"), _("Jumlah layanan")])
    for grade, total in report.by_grade:
        grades.append([grade_label(grade), total])
    for sheet in (classes, grades):
        for cell in sheet[1]:
            cell.font = bold
    # Widths in characters: the longest label of each column fits without a drag.
    for sheet, widths in ((summary, (36,) + (14,) * (len(MODES) + 1)), (classes, (26, 10, 16)),
                          (grades, (26, 16))):
        for index, width in enumerate(widths, 1):
            sheet.column_dimensions[get_column_letter(index)].width = width
    if extra is not None:
        for title, rows, widths in zip(
                (_("Per komponen"), _("Kegiatan"), _("Analisis")), extra,
                ((36, 14, 14, 14, 14, 14), (12, 26, 30, 40, 26, 6, 12, 14, 14, 14), (26, 100))):
            sheet = workbook.create_sheet(title[:31])
            for row in rows:
                sheet.append(row)
            for cell in sheet[1]:
                cell.font = bold
            for index, width in enumerate(widths, 1):
                sheet.column_dimensions[get_column_letter(index)].width = width
    keep_as_text(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
