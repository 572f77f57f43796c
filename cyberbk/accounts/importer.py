"""Import classes, students and teachers from a CSV or XLSX class list.

All or nothing: every row is checked first, and one bad row means nothing is
imported; the operator gets the list of rows and reasons to fix.

A file is measured before it is parsed (bytes, lines, what an .xlsx unpacks to, the rows its
sheet declares), and parsed and hashed off the serving loop (common.scheduling): 3,000
initial passwords are minutes of scrypt, which in the loop froze the whole site and then
had the worker killed. Nothing is written until every password is hashed, so the import's
one write transaction is short.
"""

import csv
import io
import zipfile
from dataclasses import dataclass
from dataclasses import field
from itertools import islice

import charset_normalizer
import sqlalchemy as sa
from flask_babel import gettext as _

from ..common.scheduling import off_loop
from ..common.scheduling import take_turns
from ..extensions import db
from . import services
from .models import hash_password
from .models import Gender
from .models import Role
from .models import SchoolClass
from .models import StudentProfile

MAX_ROWS = 3000
#: Lines read from a sheet, empty ones too: past this the file is not a class list.
MAX_LINES = 2 * MAX_ROWS
#: Columns read from a sheet: a class list has about ten, a Dapodik export 66.
MAX_COLUMNS = 80
#: What an .xlsx may unpack to; a class list of 3000 rows is about 1 MB.
MAX_UNPACKED_BYTES = 16 * 2**20
#: A CSV's size: a class list of 3000 rows is about 300 KB.
MAX_CSV_BYTES = 2 * 2**20
#: Rows checked or written between two turns of the other requests: the database work of
#: 3,000 rows held the loop for two seconds.
ROWS_PER_TURN = 100

ROLE_WORDS = {
    "": Role.STUDENT, "siswa": Role.STUDENT, "murid": Role.STUDENT, "peserta didik": Role.STUDENT,
    "wali": Role.HOMEROOM, "wali kelas": Role.HOMEROOM, "wali_kelas": Role.HOMEROOM,
    "guru bk": Role.COUNSELOR, "guru_bk": Role.COUNSELOR, "bk": Role.COUNSELOR,
    "konselor": Role.COUNSELOR, "admin": Role.ADMIN, "operator": Role.ADMIN,
    "tppk": Role.TPPK, "anggota tppk": Role.TPPK,
}
GENDER_WORDS = {"l": Gender.MALE, "laki-laki": Gender.MALE, "laki laki": Gender.MALE,
                "p": Gender.FEMALE, "perempuan": Gender.FEMALE}
HEADER_ALIASES = {"nama lengkap": "nama", "nama_lengkap": "nama", "rombel": "kelas",
                  "jk": "jenis_kelamin", "jenis kelamin": "jenis_kelamin", "l/p": "jenis_kelamin",
                  "role": "peran", "jabatan": "peran", "no hp": "no_hp", "hp": "no_hp"}


class ImportFileError(ValueError):
    """The file as a whole cannot be read."""


@dataclass
class PersonRow:
    line: int
    full_name: str
    role: Role
    class_name: str | None = None
    grade: int | None = None
    nis: str | None = None
    nisn: str | None = None
    gender: Gender | None = None
    username: str | None = None
    phone: str | None = None
    errors: list = field(default_factory=list)


@dataclass
class ImportResult:
    rows: list
    errors: list
    created: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.errors


def too_many_rows():
    return ImportFileError(_("Paling banyak %(n)d baris sekali unggah.", n=MAX_ROWS))


def read_table(filename, data):
    """Rows as dicts keyed by normalised header, with their line numbers."""
    return table_from(read_raw(filename, data))


def read_raw(filename, data):
    """The file's rows as lists of text, within the limits below; never empty."""
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        raw_rows = read_xlsx(data)
    elif name.endswith(".csv"):
        check_csv_size(data)
        raw_rows = read_csv(data)
    elif name.endswith(".xls"):
        raise ImportFileError(_("Berkas .xls (Excel lama) tidak bisa dibaca. Buka di Excel, "
                                "simpan sebagai .xlsx (Buku Kerja Excel), lalu unggah lagi."))
    else:
        raise ImportFileError(_("Pilih berkas .csv atau .xlsx."))
    if not any(any(row) for row in raw_rows):
        raise ImportFileError(_("Berkasnya kosong."))
    return raw_rows


def table_from(raw_rows):
    """A simple class list: the header on the first row."""
    headers = [normalise_header(h) for h in raw_rows[0]]
    if "nama" not in headers:
        raise ImportFileError(_("Baris pertama harus berisi judul kolom, paling tidak \"nama\"."))
    rows = []
    for number, values in enumerate(raw_rows[1:], start=2):
        if not any(values):
            continue
        rows.append((number, dict(zip(headers, values))))
    if len(rows) > MAX_ROWS:
        raise too_many_rows()
    if not rows:
        raise ImportFileError(_("Tidak ada baris data di bawah judul kolom."))
    return rows


def check_csv_size(data):
    """Bytes and lines, counted before the csv module makes a list of every line: 8 MB of
    line breaks would be millions of rows in memory. A line break inside a quoted cell
    counts too, which only ever refuses sooner."""
    if len(data) > MAX_CSV_BYTES:
        raise ImportFileError(_("Berkas CSV ini terlalu besar (lebih dari %(mb)d MB). Simpan "
                                "hanya daftar siswa dan guru, lalu unggah lagi.",
                                mb=MAX_CSV_BYTES // 2**20))
    if data.count(b"\n") > MAX_LINES:
        raise too_many_rows()


def read_csv(data):
    """The rows of a CSV in the encoding the spreadsheet saved it in."""
    text = csv_text(data)
    # Indonesian Excel saves CSV with semicolons.
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        return [[cell.strip() for cell in row]
                for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    except csv.Error as error:
        # A cell past the csv module's 131,072 characters, or a line break in the middle
        # of a cell of bytes that are no text.
        raise unreadable_csv() from error


def csv_text(data):
    """UTF-8 (with or without Excel's BOM) as most save it; otherwise the encoding
    charset-normalizer finds: UTF-16 from Excel's "Unicode Text", or an old code page. A
    NUL read as UTF-8 is UTF-16's half of an ASCII letter, not text."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = None
    if text is None or "\x00" in text:
        match = charset_normalizer.from_bytes(data).best()
        if match is None:
            raise unreadable_csv()
        text = str(match)
    return text


def unreadable_csv():
    return ImportFileError(_("Berkas ini tidak bisa dibaca sebagai CSV. Simpan ulang dari "
                             "Excel sebagai CSV (UTF-8), lalu unggah lagi."))


def read_xlsx(data):
    """The first sheet's rows as text, read within limits a class list never reaches.

    An .xlsx is a ZIP of XML. A few kilobytes can unpack to gigabytes (a zip bomb), declare
    XML entities that expand a billion times, or name row 1,048,576 so that every row above
    it is produced empty. Each of these would hold a worker's memory and time; each is
    refused with a message instead."""
    unpacked = unpacked_size(data)
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportFileError(_("Berkas Excel ini terlalu besar setelah dibuka (lebih dari "
                                "%(mb)d MB). Simpan hanya daftar siswa dan guru di satu "
                                "lembar, lalu unggah lagi.", mb=MAX_UNPACKED_BYTES // 2**20))
    # openpyxl is imported here: loaded at start-up it cost every worker 7 MB. With
    # defusedxml installed (requirements.txt) it parses every part through it.
    from defusedxml import DefusedXmlException
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
        # The size the sheet declares (<dimension>, read from the top of its XML) refuses
        # most long sheets before a row is read; the cap below, the ones that do not say.
        if (sheet.max_row or 0) > MAX_LINES:
            raise too_many_rows()
        rows = sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
        raw_rows = [["" if cell is None else str(cell).strip() for cell in row]
                    for row in islice(rows, MAX_LINES + 1)]
    except ImportFileError:
        raise
    except Exception as error:  # openpyxl raises many types for a damaged file
        if caused_by(error, DefusedXmlException):
            raise ImportFileError(_("Berkas Excel ini memuat bagian XML yang tidak diizinkan "
                                    "(entitas), jadi tidak dibaca. Buka di Excel, simpan lagi "
                                    "sebagai .xlsx, lalu unggah lagi.")) from error
        raise ImportFileError(_("Berkas Excel tidak bisa dibaca.")) from error
    if len(raw_rows) > MAX_LINES:
        raise too_many_rows()
    return raw_rows


def caused_by(error, kind):
    """Whether `error` or one it was raised from is a `kind` (openpyxl wraps what its XML
    parser raised in an error of its own)."""
    while error is not None:
        if isinstance(error, kind):
            return True
        error = error.__cause__ or error.__context__
    return False


def unpacked_size(data):
    """What the parts of the ZIP add up to once unpacked. The sizes the ZIP declares bound
    what zipfile will unpack, so a bomb that understates them is cut short, not believed."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as error:
        raise ImportFileError(_("Berkas Excel tidak bisa dibaca.")) from error


def normalise_header(header):
    key = " ".join(str(header or "").strip().lower().split())
    return HEADER_ALIASES.get(key, key.replace(" ", "_"))


def parse_row(line, values):
    full_name = " ".join(values.get("nama", "").split())
    role = ROLE_WORDS.get(values.get("peran", "").strip().lower())
    row = PersonRow(line=line, full_name=full_name, role=role or Role.STUDENT)
    if not full_name:
        row.errors.append(_("Nama wajib diisi."))
    elif len(full_name) > 120:
        row.errors.append(_("Nama terlalu panjang (paling banyak 120 huruf)."))
    if role is None:
        row.errors.append(_("Peran \"%(value)s\" tidak dikenal. Pakai siswa, wali kelas, guru bk, "
                            "atau admin.", value=values.get("peran")))
    class_text = values.get("kelas", "").strip()
    if class_text:
        parsed = services.parse_class_name(class_text)
        if parsed is None:
            row.errors.append(_("Kelas \"%(value)s\" tidak dikenali. Contoh: 7A atau VII A.",
                                value=class_text))
        else:
            row.class_name, row.grade = parsed
    elif row.role in (Role.STUDENT, Role.HOMEROOM):
        row.errors.append(_("Kelas wajib diisi untuk siswa dan wali kelas."))
    gender_text = values.get("jenis_kelamin", "").strip().lower()
    if gender_text:
        row.gender = GENDER_WORDS.get(gender_text)
        if row.gender is None:
            row.errors.append(_("Jenis kelamin harus L atau P."))
    for key in ("nis", "nisn"):
        value = values.get(key, "").strip().removesuffix(".0")
        if value and (not value.isdigit() or len(value) > 20):
            row.errors.append(_("%(key)s hanya boleh berisi angka.", key=key.upper()))
        setattr(row, key, value or None)
    username = values.get("username", "").strip().lower()
    if username and not services.USERNAME.match(username):
        row.errors.append(_("Nama pengguna hanya boleh huruf kecil, angka, titik, garis bawah atau "
                            "strip (3–64 karakter)."))
    row.username = username or None
    row.phone = values.get("no_hp", "").strip() or None
    return row


def check_uniqueness(rows):
    """Errors that need the whole file and the database: duplicates and homeroom clashes."""
    seen = {"nis": {}, "nisn": {}, "username": {}, "homeroom": {}}
    for row in rows:
        for key in ("nis", "nisn", "username"):
            value = getattr(row, key)
            if not value:
                continue
            if value in seen[key]:
                row.errors.append(_("%(key)s %(value)s sama dengan baris %(other)d.",
                                    key=key.upper(), value=value, other=seen[key][value]))
            seen[key][value] = row.line
        if row.role == Role.HOMEROOM and row.class_name:
            if row.class_name in seen["homeroom"]:
                row.errors.append(_("Kelas %(name)s sudah punya wali kelas di baris %(other)d.",
                                    name=row.class_name, other=seen["homeroom"][row.class_name]))
            seen["homeroom"][row.class_name] = row.line
    check_against_database(rows, seen)


def check_against_database(rows, seen):
    taken = {}
    for key, column in (("nis", StudentProfile.nis), ("nisn", StudentProfile.nisn)):
        values = list(seen[key])
        taken[key] = set(db.session.scalars(sa.select(column).where(column.in_(values)))) if values else set()
    classes_with_homeroom = set(db.session.scalars(
        sa.select(SchoolClass.name).where(SchoolClass.homeroom_teacher_id.is_not(None))))
    for number, row in enumerate(rows, start=1):
        if number % ROWS_PER_TURN == 0:
            take_turns()
        for key in ("nis", "nisn"):
            if getattr(row, key) in taken[key]:
                row.errors.append(_("%(key)s %(value)s sudah terdaftar.", key=key.upper(),
                                    value=getattr(row, key)))
        if row.username and services.username_taken(row.username):
            row.errors.append(_("Nama pengguna %(value)s sudah dipakai.", value=row.username))
        if row.role == Role.HOMEROOM and row.class_name in classes_with_homeroom:
            row.errors.append(_("Kelas %(name)s sudah punya wali kelas.", name=row.class_name))


def validate(table):
    rows = [parse_row(line, values) for line, values in table]
    check_uniqueness(rows)
    errors = [(row.line, message) for row in rows for message in row.errors]
    return ImportResult(rows=rows, errors=errors)


@dataclass
class NewAccount:
    row: PersonRow
    username: str
    password: str
    password_hash: str | None = None


def import_people(filename, data, progress=None):
    """Validate the file; when every row is good, add everyone (the caller commits) and return
    their passwords. `progress(done, total)` hears of each password hashed; until the last
    the session holds nothing to write, so it may commit (the job's progress, see admin)."""
    return import_table(off_loop(read_table, filename, data), progress)


def import_table(table, progress=None):
    """import_people for a table read already (read_table)."""
    result = validate(table)
    if not result.ok:
        return result
    accounts = plan(result.rows)
    for done, account in enumerate(accounts, start=1):
        account.password_hash = hash_password(account.password, batch=True)
        if progress:
            progress(done, len(accounts))
    create(result, accounts)
    return result


def plan(rows):
    """A free username and a new password for each row; reads only."""
    reserved = {row.username for row in rows if row.username}
    accounts = []
    for number, row in enumerate(rows, start=1):
        if number % ROWS_PER_TURN == 0:
            take_turns()
        username = row.username or services.unique_username(
            services.suggested_username(row.full_name, row.role, row.class_name, row.nis),
            reserved)
        accounts.append(NewAccount(row, username, services.generate_password()))
    return accounts


def create(result, accounts):
    """Add the planned accounts and their classes to the session, flushed in batches."""
    classes = {}
    for number, account in enumerate(accounts, start=1):
        if number % ROWS_PER_TURN == 0:
            db.session.flush()
            take_turns()
        row = account.row
        if row.class_name and row.class_name not in classes:
            classes[row.class_name] = services.get_or_create_class(row.class_name, row.grade)
        school_class = classes.get(row.class_name)
        profile = {"phone": row.phone}
        if row.role == Role.STUDENT:
            profile.update(school_class=school_class, nis=row.nis, nisn=row.nisn, gender=row.gender)
        user = services.create_user(account.username, row.full_name, row.role, account.password,
                                    password_hash=account.password_hash, **profile)
        if row.role == Role.HOMEROOM:
            school_class.homeroom_teacher = user
        result.created.append({"user": user, "password": account.password,
                               "class_name": school_class.name if school_class else None})
