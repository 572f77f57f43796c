"""A one-sheet XLSX writer for the answer export: rows of text and numbers, a bold header
row and frozen panes, nothing more.

openpyxl builds an object and an XML element per cell; for an export of a thousand
responses to a hundred items that took seconds. Here each distinct value is turned into
XML once and every row is a string join, so the export costs about as much as a CSV.
"""

import io
import re
import zipfile
from xml.sax.saxutils import escape
from xml.sax.saxutils import quoteattr


#: Characters XML 1.0 cannot hold; a spreadsheet program refuses the file when one is in it.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>")
ROOT_RELS = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{PACKAGE}">'
    f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>")
WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{PACKAGE}">'
    f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{RELATIONSHIPS}/styles" Target="styles.xml"/>'
    "</Relationships>")
#: Style 0 is plain, style 1 bold (the header row).
STYLES = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="{MAIN}">'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>")


def _cell_tail(value, style):
    """The part of a cell's XML after its reference: `r="B7"` + this."""
    attributes = f' s="{style}"' if style else ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{attributes}><v>{value!r}</v></c>"
    text = escape(NOT_XML.sub("", str(value)))
    return f'{attributes} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def column_letter(number):
    """1 -> A, 27 -> AA (openpyxl's get_column_letter; loading openpyxl for it cost 7 MB)."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def workbook(sheet_name, rows):
    """The bytes of an XLSX file: one sheet, `rows` as given (None is an empty cell), the
    first row bold and frozen with the first column."""
    tails, letters, parts = {}, [], []
    for number, row in enumerate(rows, 1):
        style = 1 if number == 1 else 0
        while len(letters) < len(row):
            letters.append(column_letter(len(letters) + 1))
        cells = []
        for letter, value in zip(letters, row):
            if value is None:
                continue
            key = (value, style, type(value))
            tail = tails.get(key)
            if tail is None:
                tail = tails[key] = _cell_tail(value, style)
            cells.append(f'<c r="{letter}{number}"{tail}')
        parts.append(f'<row r="{number}">{"".join(cells)}</row>')
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{MAIN}">'
        '<sheetViews><sheetView workbookViewId="0"><pane xSplit="1" ySplit="1" '
        'topLeftCell="B2" activePane="bottomRight" state="frozen"/></sheetView></sheetViews>'
        f'<sheetData>{"".join(parts)}</sheetData></worksheet>')
    book = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{MAIN}" '
        f'xmlns:r="{RELATIONSHIPS}"><sheets><sheet name={quoteattr(sheet_name[:31])} '
        'sheetId="1" r:id="rId1"/></sheets></workbook>')
    buffer = io.BytesIO()
    # Fastest deflate: the sheet is repetitive XML and still shrinks about tenfold.
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, text in (("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", ROOT_RELS),
                           ("xl/workbook.xml", book), ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
                           ("xl/styles.xml", STYLES), ("xl/worksheets/sheet1.xml", sheet)):
            archive.writestr(name, text)
    return buffer.getvalue()
