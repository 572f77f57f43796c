"""Export of an administration: one row per submitted response, one column per item."""

import csv
import io

import sqlalchemy as sa
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from ..accounts.models import SchoolClass
from ..accounts.models import StudentProfile
from ..accounts.models import User
from ..extensions import db
from .models import Answer
from .models import ItemType
from .models import Response
from .results import GENDER_LABELS
from .services import to_local

# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def item_columns(instrument):
    return [(f"{number}.{position}", item)
            for number, section in enumerate(instrument.sections, 1)
            for position, item in enumerate(section.items, 1)]


def header(administration):
    columns = [_("No"), _("Kelas"), _("Jenis kelamin")]
    if not administration.anonymous:
        columns += [_("Nama"), _("NIS")]
    columns.append(_("Dikirim"))
    for label, item in item_columns(administration.instrument):
        text = item.text if len(item.text) <= 60 else item.text[:57] + "..."
        columns.append(f"{label} {text}")
    return columns


def column_kind(item):
    if item.type.is_likert:
        return "likert"
    if item.type == ItemType.HEAVIEST:
        return "heaviest"
    return "text" if item.type.is_text else "options"


def cell_value(kind, options, answers, options_by_item):
    """The answers of one item as one cell: Likert as its scale point, text as written.
    `answers` are (option, text, source item id) tuples."""
    if not answers:
        return None
    choice, text, source_id = answers[0]
    if kind == "likert":
        return choice + 1
    if kind == "heaviest":
        picked = options_by_item.get(source_id, [])
        return picked[choice] if choice < len(picked) else None
    if kind == "text":
        return text
    return "; ".join(options[c] for c, _t, _s in answers if c < len(options))


def rows(administration):
    """Header row, then one row per submitted response (ordered by class and name)."""
    # Plain tuples per column: a thousand rows of a hundred cells read no ORM attributes.
    columns = [(item.id, column_kind(item), list(item.options))
               for _label, item in item_columns(administration.instrument)]
    options_by_item = {item_id: options for item_id, _kind, options in columns}
    submitted = (Response.administration_id == administration.id,
                 Response.submitted_at.is_not(None))
    responses = db.session.execute(
        sa.select(Response.id, Response.gender, Response.submitted_at, SchoolClass.name,
                  User.full_name, StudentProfile.nis)
        .outerjoin(SchoolClass, SchoolClass.id == Response.class_id)
        .outerjoin(User, User.id == Response.user_id)
        .outerjoin(StudentProfile, StudentProfile.user_id == Response.user_id)
        .where(*submitted)
        .order_by(SchoolClass.name, User.full_name, Response.id)).all()
    answers = {}
    for response_id, item_id, choice, text, source_id in db.session.execute(
            sa.select(Answer.response_id, Answer.item_id, Answer.choice, Answer.text,
                      Answer.source_item_id)
            .join(Response, Response.id == Answer.response_id).where(*submitted)
            .order_by(Answer.response_id, Answer.item_id, Answer.choice)):
        answers.setdefault(response_id, {}).setdefault(item_id, []).append(
            (choice, text, source_id))
    yield header(administration)
    for number, (response_id, gender, submitted_at, class_name, full_name, nis) in enumerate(
            responses, 1):
        row = [number, class_name, str(GENDER_LABELS[gender]) if gender else None]
        if not administration.anonymous:
            row += [full_name, nis]
        submitted_local = to_local(submitted_at)
        row.append(submitted_local.strftime("%Y-%m-%d") if administration.anonymous
                   else submitted_local.strftime("%Y-%m-%d %H:%M"))
        mine = answers.get(response_id, {})
        row += [cell_value(kind, options, mine.get(item_id), options_by_item)
                for item_id, kind, options in columns]
        yield [safe_cell(value) for value in row]


def to_xlsx(administration):
    # Write-only mode streams rows: an export of a thousand answers stays fast and small.
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Jawaban")[:31])
    sheet.freeze_panes = "B2"
    for index, row in enumerate(rows(administration)):
        if index == 0:
            row = [bold(sheet, value) for value in row]
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def bold(sheet, value):
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = Font(bold=True)
    return cell


def to_csv(administration):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows(administration):
        writer.writerow(["" if value is None else value for value in row])
    # The byte order mark makes Excel read the file as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
