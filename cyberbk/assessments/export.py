"""Export of an administration: one row per submitted response, one column per item (per
option of a checklist), and in the XLSX a summary of the answers per option."""

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

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
from .results import counts
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


def shortened(text, limit=60):
    return text if len(text) <= limit else text[:limit - 3] + "..."


@dataclass(frozen=True)
class Column:
    """A column of the answers: its title, its width in a spreadsheet (characters), and
    the item whose answers it holds, or for a checklist one of its options (`choice`):
    a column per option, 1 where ticked, that a spreadsheet filters and sums."""

    title: str
    width: int
    item: object = None
    choice: int | None = None


def answer_columns(instrument):
    columns = []
    for label, item in item_columns(instrument):
        if item.type == ItemType.MULTIPLE:
            columns += [Column(f"{label}.{number} {shortened(option)}", 12, item, choice)
                        for choice, (number, option) in enumerate(enumerate(item.options, 1))]
        else:
            columns.append(Column(f"{label} {shortened(item.text)}",
                                  40 if item.type.is_text else 16, item))
    return columns


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


def respondent_columns(administration, shown=Shown()):
    columns = [Column(_("No"), 6)]
    if shown.class_name:
        columns.append(Column(_("Kelas"), 10))
    if shown.gender:
        columns.append(Column(_("Jenis kelamin"), 14))
    if not administration.anonymous:
        columns += [Column(_("Nama"), 30), Column(_("NIS"), 12)]
    if shown.sent:
        columns.append(Column(_("Dikirim"), 17))
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

    def __init__(self, columns):
        self.width = len(columns)
        items = list({column.item.id: column.item for column in columns}.values())
        self.base = 1 + max((len(item.options) for item in items), default=0)
        # Guarded once per option rather than once per cell.
        self.guarded = {key: safe_cell(value) for key, value in option_values(items).items()}
        # {answer key: (column, cell)}
        self.cell_of = {}
        for index, column in enumerate(columns):
            item = column.item
            if column.choice is not None:
                self.cell_of[str(answer_key(item.id, column.choice, self.base))] = (index, 1)
                continue
            for choice in range(len(item.options)):
                self.cell_of[str(answer_key(item.id, choice, self.base))] = (
                    index, self.guarded[(item.id, choice)])

    def keys(self, submitted):
        """[(response id, comma-separated answer keys)] of the submitted responses."""
        key = answer_key(Answer.item_id, Answer.choice, sa.literal(self.base, sa.BigInteger))
        return (sa.select(Response.id, sa.func.aggregate_strings(sa.cast(key, sa.Text), ","))
                .join(Answer, Answer.response_id == Response.id)
                .where(*submitted).group_by(Response.id))

    def row(self, keys):
        """The item cells of one response from its answer keys."""
        cells = [None] * self.width
        cell_of = self.cell_of
        for token in keys.split(",") if keys else ():
            found = cell_of.get(token)
            if found is not None:
                cells[found[0]] = found[1]
        return cells


@dataclass
class Table:
    """The export of an administration: its columns, then one row per submitted response."""

    columns: list
    rows: Iterator[list]  # made as they are written
    respondents: int


def table(administration):
    """The rows ordered by class and name, or for an anonymous questionnaire in a random
    order (the database's), so that a row's place says nothing of when it was sent. A time
    is the school's wall clock, a datetime without zone."""
    answers = answer_columns(with_items(administration.instrument))
    position = {column.item.id: index for index, column in enumerate(answers)
                if column.choice is None}
    cells = Cells(answers)
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
    others = [column.item.id for column in answers
              if column.item.type.is_text or column.item.type == ItemType.HEAVIEST]
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

    def rows():
        genders = {key: str(label) for key, label in GENDER_LABELS.items() if key}
        for number, (response_id, gender, submitted_at, class_name, full_name, nis) in (
                enumerate(responses, 1)):
            row = [number]
            if shown.class_name:
                row.append(safe_cell(class_name))
            if shown.gender:
                row.append(genders.get(gender))
            if not administration.anonymous:
                row += [safe_cell(full_name), safe_cell(nis)]
            if shown.sent:
                row.append(to_local(submitted_at).replace(tzinfo=None))
            yield row + item_cells[response_id]

    return Table(columns=respondent_columns(administration, shown) + answers, rows=rows(),
                 respondents=len(responses))


def summary_rows(administration):
    """[(item number, question, option, answers)] of every choice and checklist item, each
    option in its order, those nobody chose too."""
    chosen = counts.choice_counts(administration)
    for label, item in item_columns(administration.instrument):
        if not (item.type.is_choice or item.type == ItemType.MULTIPLE):
            continue
        for choice, option in enumerate(item.options):
            # A Likert column holds scale points: the summary says which label each is.
            shown = f"{choice + 1} = {option}" if item.type.is_likert else option
            yield label, item.text, shown, chosen.get(item.id, {}).get(choice, 0)


def to_xlsx(administration):
    """Two sheets: the answers, with a bold, wrapped header frozen with the first column,
    and a summary of how many respondents chose each option. Everything is read here; the
    workbook is written in a native thread, since XlsxWriter's half second or so would
    stop every other request of the worker."""
    export = table(administration)
    return off_loop(workbook_bytes, export.columns, list(export.rows), export.respondents,
                    list(summary_rows(administration)), administration.title)


def workbook_bytes(columns, rows, respondents, summary_lines, title):
    # Imported here: loaded at start-up XlsxWriter cost every worker 2 MB.
    import xlsxwriter

    buffer = io.BytesIO()
    # In memory, the answers never go to a temporary file (XlsxWriter ignores constant_memory
    # then, which would write rows there). A cell holds the text it is given: never a
    # formula (see safe_cell) nor a link. A datetime is written as a date Excel can sort.
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                            "strings_to_urls": False,
                                            "default_date_format": "dd/mm/yyyy hh:mm"})
    heading = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    bold = workbook.add_format({"bold": True})
    sheet = workbook.add_worksheet(_("Jawaban"))
    sheet.freeze_panes(1, 1)
    sheet.set_row(0, 75)  # five wrapped lines: a 60-character title in a narrow column
    for index, column in enumerate(columns):
        sheet.set_column(index, index, column.width)
        sheet.write_string(0, index, xml_text(safe_cell(column.title)), heading)
    # Cell by cell with the writer for its type: most cells of a checklist's columns are
    # empty, and write_row's type dispatch for each of the 190,000 cells of a school's
    # checklist took a third of the export's time.
    writers = {int: sheet.write_number, float: sheet.write_number, str: write_text(sheet),
               datetime: sheet.write_datetime}
    for number, row in enumerate(rows, 1):
        for index, value in enumerate(row):
            if value is not None:
                writers[type(value)](number, index, value)

    summary = workbook.add_worksheet(_("Ringkasan"))
    percent = workbook.add_format({"num_format": "0%"})
    for index, width in enumerate((8, 50, 40, 10, 12)):
        summary.set_column(index, index, width)
    summary.write_string(0, 0, xml_text(safe_cell(title)), bold)
    summary.write_row(1, 0, [_("Responden"), respondents])
    summary.write_row(3, 0, [_("No"), _("Pertanyaan"), _("Pilihan"), _("Jumlah"),
                             _("Persen responden")], bold)
    for number, (label, question, option, answers) in enumerate(summary_lines, 4):
        summary.write_row(number, 0, [label, xml_text(safe_cell(question)),
                                      xml_text(safe_cell(option)), answers])
        if respondents:
            summary.write_number(number, 4, answers / respondents, percent)
    workbook.close()
    return buffer.getvalue()


def write_text(sheet):
    def write(row, column, text):
        sheet.write_string(row, column, xml_text(text))
    return write


def xml_text(value):
    return NOT_XML.sub("", value) if isinstance(value, str) else value


def to_csv(administration):
    export = table(administration)
    return off_loop(csv_bytes, export.columns, list(export.rows))


def csv_bytes(columns, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(column.title) for column in columns])
    # csv writes None as an empty field.
    writer.writerows([f"{value:%Y-%m-%d %H:%M}" if isinstance(value, datetime) else value
                      for value in row] for row in rows)
    # The byte order mark makes Excel read the file as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
