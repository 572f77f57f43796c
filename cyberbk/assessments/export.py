"""Export of an administration: one row per submitted response, one column per item."""

import csv
import io
import re
from dataclasses import dataclass
from itertools import groupby

import sqlalchemy as sa
from flask_babel import gettext as _

from ..accounts.models import SchoolClass
from ..accounts.models import StudentProfile
from ..accounts.models import User
from ..common.cells import safe_cell
from ..common.scheduling import off_loop
from ..common.schooltime import to_local
from ..extensions import db
from .models import Answer
from .models import ItemType
from .models import Response
from .results import smallgroups
from .results.counts import GENDER_LABELS
from .results.counts import with_items

#: Characters XML 1.0 cannot hold: XlsxWriter writes them as _x000B_ escapes, which
#: Excel turns back into them and other readers show as they stand.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def item_columns(instrument):
    return [(f"{number}.{position}", item)
            for number, section in enumerate(instrument.sections, 1)
            for position, item in enumerate(section.items, 1)]


@dataclass(frozen=True)
class Shown:
    """Which columns about the respondent an export has. An anonymous questionnaire's
    export shows class and gender only when every group of them has the minimum of
    respondents: one small group, left blank, would be picked out as the blank rows."""

    class_name: bool = True
    gender: bool = True
    #: When sent: named questionnaires only (a time lines an answer up with a login).
    sent: bool = True

    @classmethod
    def of(cls, administration):
        if not administration.anonymous:
            return cls()
        classes = smallgroups.split_shown(administration, by_class=True)
        genders = smallgroups.split_shown(administration, by_class=classes, by_gender=True)
        return cls(class_name=classes, gender=genders, sent=False)


def header(administration, shown=Shown()):
    columns = [_("No")]
    if shown.class_name:
        columns.append(_("Kelas"))
    if shown.gender:
        columns.append(_("Jenis kelamin"))
    if not administration.anonymous:
        columns += [_("Nama"), _("NIS")]
    if shown.sent:
        columns.append(_("Dikirim"))
    for label, item in item_columns(administration.instrument):
        text = item.text if len(item.text) <= 60 else item.text[:57] + "..."
        columns.append(f"{label} {text}")
    return columns


def option_values(items):
    """{(item id, option): what a cell shows}: a Likert answer as its scale point, any other
    option as its label."""
    return {(item.id, choice): choice + 1 if item.type.is_likert else label
            for item in items for choice, label in enumerate(item.options)}


def answer_key(item_id, choice, base):
    """One number per (item, option), for columns in SQL as for values in Python; `base` is
    above every option index of the instrument, so no two options share a number."""
    return item_id * base + choice


class Cells:
    """Where each chosen option of the instrument goes in a row and what it shows there.

    The database hands over the chosen options of a response as one string of answer keys
    rather than a row per answer: a hundred thousand rows cost more to fetch than the
    export costs to write. A key is then one dictionary look-up; written answers and
    "heaviest" picks, a few per response, come as rows of their own."""

    def __init__(self, items):
        self.width = len(items)
        self.base = 1 + max((len(item.options) for item in items), default=0)
        self.labels = option_values(items)
        # Guarded once per option rather than once per cell.
        self.guarded = {key: safe_cell(value) for key, value in self.labels.items()}
        # {answer key: (column, cell)}, and for checklists {answer key: (column, option, label)}.
        self.cell_of, self.tick_of = {}, {}
        for index, item in enumerate(items):
            for choice in range(len(item.options)):
                token = str(answer_key(item.id, choice, self.base))
                if item.type == ItemType.MULTIPLE:
                    self.tick_of[token] = (index, choice, self.labels[(item.id, choice)])
                else:
                    self.cell_of[token] = (index, self.guarded[(item.id, choice)])

    def keys(self, submitted):
        """[(response id, comma-separated answer keys)] of the submitted responses."""
        key = answer_key(Answer.item_id, Answer.choice, sa.literal(self.base, sa.BigInteger))
        return (sa.select(Response.id, sa.func.aggregate_strings(sa.cast(key, sa.Text), ","))
                .join(Answer, Answer.response_id == Response.id)
                .where(*submitted).group_by(Response.id))

    def row(self, keys):
        """The item cells of one response from its answer keys."""
        cells, ticked = [None] * self.width, []
        cell_of, tick_of = self.cell_of, self.tick_of
        for token in keys.split(",") if keys else ():
            found = cell_of.get(token)
            if found is not None:
                cells[found[0]] = found[1]
            elif token in tick_of:
                ticked.append(tick_of[token])
        # A checklist cell lists its ticks in the order of the options, however stored.
        for index, item_ticks in groupby(sorted(ticked), key=lambda tick: tick[0]):
            cells[index] = safe_cell("; ".join(label for _index, _choice, label in item_ticks))
        return cells


def rows(administration):
    """Header row, then one row per submitted response: ordered by class and name, or for
    an anonymous questionnaire in a random order (the database's), so that a row's place
    says nothing of when it was sent."""
    items = [item for _label, item in item_columns(with_items(administration.instrument))]
    position = {item.id: index for index, item in enumerate(items)}
    cells = Cells(items)
    submitted = (Response.administration_id == administration.id,
                 Response.submitted_at.is_not(None))
    responses = db.session.execute(
        sa.select(Response.id, Response.gender, Response.submitted_at, SchoolClass.name,
                  User.full_name, StudentProfile.nis)
        .outerjoin(SchoolClass, SchoolClass.id == Response.class_id)
        .outerjoin(User, User.id == Response.user_id)
        .outerjoin(StudentProfile, StudentProfile.user_id == Response.user_id)
        .where(*submitted)
        .order_by(*((sa.func.random(),) if administration.anonymous else
                    (SchoolClass.name, User.full_name, Response.id)))).all()
    shown = Shown.of(administration)
    keys = dict(db.session.execute(cells.keys(submitted)).all())
    item_cells = {response_id: cells.row(keys.get(response_id))
                  for response_id, *_rest in responses}
    others = [item.id for item in items if item.type.is_text or item.type == ItemType.HEAVIEST]
    # Responses as a subquery rather than a join: the database then reads the answers to
    # these few items by the item index instead of every answer of every response.
    for response_id, item_id, choice, text, source_id in db.session.execute(
            sa.select(Answer.response_id, Answer.item_id, Answer.choice, Answer.text,
                      Answer.source_item_id)
            .where(Answer.item_id.in_(others),
                   Answer.response_id.in_(sa.select(Response.id).where(*submitted)))):
        # A "heaviest" pick shows the label of the checklist option it points to.
        item_cells[response_id][position[item_id]] = (
            safe_cell(text) if text is not None else cells.guarded.get((source_id, choice)))
    yield [safe_cell(value) for value in header(administration, shown)]
    date_format = "%Y-%m-%d %H:%M"
    genders = {key: str(label) for key, label in GENDER_LABELS.items() if key}
    for number, (response_id, gender, submitted_at, class_name, full_name, nis) in enumerate(
            responses, 1):
        row = [number]
        if shown.class_name:
            row.append(safe_cell(class_name))
        if shown.gender:
            row.append(genders.get(gender))
        if not administration.anonymous:
            row += [safe_cell(full_name), safe_cell(nis)]
        if shown.sent:
            row.append(to_local(submitted_at).strftime(date_format))
        yield row + item_cells[response_id]


def to_xlsx(administration):
    """One sheet: the header row bold and frozen with the first column. The rows are read
    here; the workbook is written in a native thread, since XlsxWriter's second or so of
    work would stop every other request of the worker."""
    return off_loop(workbook_bytes, list(rows(administration)), _("Jawaban"))


def workbook_bytes(table, sheet_name):
    # Imported here: loaded at start-up XlsxWriter cost every worker 2 MB.
    import xlsxwriter

    buffer = io.BytesIO()
    # In memory, the answers never go to a temporary file (XlsxWriter ignores constant_memory
    # then, which would write rows there). A cell holds the text it is given: never a
    # formula (see safe_cell) nor a link.
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                            "strings_to_urls": False})
    sheet = workbook.add_worksheet(sheet_name)
    sheet.freeze_panes(1, 1)
    bold = workbook.add_format({"bold": True})
    for number, row in enumerate(table):
        sheet.write_row(number, 0, [NOT_XML.sub("", value) if isinstance(value, str) else value
                                    for value in row], bold if number == 0 else None)
    workbook.close()
    return buffer.getvalue()


def to_csv(administration):
    return off_loop(csv_bytes, list(rows(administration)))


def csv_bytes(table):
    buffer = io.StringIO()
    # csv writes None as an empty field.
    csv.writer(buffer).writerows(table)
    # The byte order mark makes Excel read the file as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
