"""Export of an administration: one row per submitted response, one column per item."""

import csv
import io

import sqlalchemy as sa
from flask_babel import gettext as _

from ..accounts.models import SchoolClass
from ..accounts.models import StudentProfile
from ..accounts.models import User
from ..extensions import db
from . import xlsx
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


def option_values(items):
    """{(item id, option): what a cell shows}: a Likert answer as its scale point, any other
    option as its label, so that filling a row is one dictionary look-up per answer."""
    return {(item.id, choice): choice + 1 if item.type.is_likert else label
            for item in items for choice, label in enumerate(item.options)}


def rows(administration):
    """Header row, then one row per submitted response (ordered by class and name)."""
    items = [item for _label, item in item_columns(administration.instrument)]
    position = {item.id: index for index, item in enumerate(items)}
    checklists = {item.id for item in items if item.type == ItemType.MULTIPLE}
    labels = option_values(items)
    # Guarded once per option rather than once per cell.
    guarded = {key: safe_cell(value) for key, value in labels.items()}
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
    cells = {response_id: [None] * len(items) for response_id, *_rest in responses}
    ticked = {}
    # Core rows, unordered and iterated rather than fetched into a list: the ORM's row
    # handling, a sort or holding a hundred thousand answers cost more than the cells.
    for response_id, item_id, choice, text, source_id in db.session.connection().execute(
            sa.select(Answer.response_id, Answer.item_id, Answer.choice, Answer.text,
                      Answer.source_item_id)
            .join(Response, Response.id == Answer.response_id).where(*submitted)):
        index = position.get(item_id)
        if index is None:
            continue
        if text is not None:
            cells[response_id][index] = safe_cell(text)
        elif item_id in checklists:
            ticked.setdefault((response_id, index), []).append(choice)
        else:
            # A "heaviest" pick shows the label of the checklist option it points to.
            cells[response_id][index] = guarded.get((source_id or item_id, choice))
    for (response_id, index), choices in ticked.items():
        item_id = items[index].id
        shown = [labels[(item_id, c)] for c in sorted(choices) if (item_id, c) in labels]
        cells[response_id][index] = safe_cell("; ".join(shown)) if shown else None
    yield [safe_cell(value) for value in header(administration)]
    date_format = "%Y-%m-%d" if administration.anonymous else "%Y-%m-%d %H:%M"
    genders = {key: str(label) for key, label in GENDER_LABELS.items() if key}
    for number, (response_id, gender, submitted_at, class_name, full_name, nis) in enumerate(
            responses, 1):
        row = [number, safe_cell(class_name), genders.get(gender)]
        if not administration.anonymous:
            row += [safe_cell(full_name), safe_cell(nis)]
        row.append(to_local(submitted_at).strftime(date_format))
        yield row + cells[response_id]


def to_xlsx(administration):
    return xlsx.workbook(_("Jawaban"), rows(administration))


def to_csv(administration):
    buffer = io.StringIO()
    # csv writes None as an empty field.
    csv.writer(buffer).writerows(rows(administration))
    # The byte order mark makes Excel read the file as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
