"""The school's roster from a Dapodik "Daftar Peserta Didik" export, applied as a diff.

Every school keeps its students in Dapodik, and its operator downloads them as an .xlsx of
about 66 columns: title rows, a two-row header (the parents' and guardian's data split into
sub-columns under merged cells), data from row 7. Most of those columns the app must never
hold (NIK, No KK, KIP/KKS/PIP numbers, bank account, parents' income, coordinates: UU PDP,
data minimisation, children's data). So the header is found and mapped by name, and only
the columns of WHITELIST are read from the data rows; the rest of the file is dropped here,
before anything reaches the database, a log line, the job's row or the session.

The roster is then compared with the app's students (matched by NISN, else NIS, else, for
accounts made without numbers, by name in the same class): new students, changes (class
moves, corrected names), leavers (active students the file no longer lists) and new classes.
The operator sees that as a preview; applying it again each semester changes only what
differs: moves, new accounts with their slips, leavers deactivated, nothing duplicated.
"""

import re
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from ..common.scheduling import off_loop
from ..common.scheduling import take_turns
from ..extensions import db
from . import importer
from . import services
from .importer import ImportFileError
from .models import hash_password
from .models import Gender
from .models import Role
from .models import SchoolClass
from .models import StudentProfile
from .models import User

#: The only columns read from a roster, by their header names (normalised: lower case,
#: punctuation and runs of spaces as one space). Nothing else in the file is read.
WHITELIST = {
    "full_name": {"nama", "nama peserta didik", "nama siswa", "nama lengkap"},
    "nis": {"nipd", "nis", "nis nipd", "nomor induk"},
    "nisn": {"nisn"},
    "gender": {"jk", "jenis kelamin", "l p"},
    "birth_date": {"tanggal lahir", "tgl lahir"},
    "rombel": {"rombel saat ini", "rombel", "rombongan belajar", "kelas", "nama rombel"},
    "homeroom": {"wali kelas", "nama wali kelas", "wali guru kelas", "guru kelas"},
}
#: Headers only a Dapodik export has: with one of them a header on the first row is a
#: roster too (a simple class list's "kelas" or "rombel" is not enough: applied as a roster,
#: a list of one class would deactivate every other student).
DAPODIK_MARKERS = {"nipd", "rombel saat ini", "nik", "no kk", "nomor kip", "lintang"}
#: Headers of the simple class list (importer) that a roster never has.
SIMPLE_LIST_ONLY = {"peran", "role", "jabatan", "username"}
#: A header further down than this is no header.
HEADER_SEARCH_ROWS = 10
ROMBEL_PREFIX = re.compile(r"^(kelas|rombel)\s+", re.IGNORECASE)
NIS = re.compile(r"^[0-9A-Za-z][0-9A-Za-z./-]{0,19}$")
INDONESIAN_MONTHS = {"januari": 1, "februari": 2, "maret": 3, "april": 4, "mei": 5, "juni": 6,
                     "juli": 7, "agustus": 8, "september": 9, "oktober": 10, "november": 11,
                     "desember": 12}
ROWS_PER_TURN = importer.ROWS_PER_TURN


def normalise(header):
    return " ".join(re.sub(r"[^0-9a-z]+", " ", str(header or "").lower()).split())


@dataclass
class RosterRow:
    """One student as the roster gives them: the whitelisted columns only."""
    line: int
    full_name: str
    nis: str | None = None
    nisn: str | None = None
    gender: Gender | None = None
    birth_date: date | None = None
    class_name: str | None = None
    grade: int | None = None
    homeroom: str | None = None
    errors: list = field(default_factory=list)


@dataclass
class Roster:
    rows: list
    #: The file has a class column (a Dapodik variant has none: classes are then kept).
    has_classes: bool
    #: The file names each class's homeroom teacher.
    has_homerooms: bool


def read_upload(filename, data):
    """A Roster when the file is a roster (a Dapodik export), else the simple class list's
    table (importer.table_from). Runs off the serving loop (the caller's off_loop)."""
    raw_rows = importer.read_raw(filename, data)
    header_line = find_header(raw_rows)
    if header_line is None:
        return importer.table_from(raw_rows)
    return roster_from(raw_rows, header_line)


def find_header(raw_rows):
    """The index of a roster's header row, or None for a simple class list (its header on
    the first row, no Dapodik column). Refuses a file whose header is not found."""
    for index, row in enumerate(raw_rows[:HEADER_SEARCH_ROWS]):
        names = {normalise(cell) for cell in row}
        if names & WHITELIST["full_name"]:
            if index == 0 and not names & DAPODIK_MARKERS:
                return None
            if names & SIMPLE_LIST_ONLY:
                # A class list of students and teachers under a title: read as a roster, its
                # teachers would become students.
                raise ImportFileError(_("Baris pertama harus berisi judul kolom, paling tidak "
                                        "\"nama\". Hapus baris judul di atasnya, lalu unggah "
                                        "lagi."))
            return index
        known = names & (DAPODIK_MARKERS | WHITELIST["nisn"] | WHITELIST["gender"]
                         | WHITELIST["birth_date"] | WHITELIST["rombel"])
        if len(known) >= 2:
            raise ImportFileError(_("Kolom Nama tidak ditemukan di judul kolom (baris %(line)d). "
                                    "Unggah berkas Daftar Peserta Didik dari Dapodik apa adanya, "
                                    "tanpa menghapus kolom.", line=index + 1))
    raise ImportFileError(_("Judul kolom tidak ditemukan. Daftar kelas: baris pertama berisi "
                            "judul kolom, paling tidak \"nama\". Ekspor Dapodik: unggah berkas "
                            "Daftar Peserta Didik apa adanya (judul kolom di baris 5–6)."))


def column_names(header, below):
    """Each column's name. Under a two-row header a group's title (\"Data Ayah\") is merged
    over its sub-columns, so a sub-column is named with the group before it (\"data ayah
    nama\"): the father's name is never the student's."""
    names, group = [], ""
    width = max(len(header), len(below or []))
    for index in range(width):
        top = header[index] if index < len(header) else ""
        sub = below[index] if below and index < len(below) else ""
        if top:
            group = top
        names.append(normalise(f"{group} {sub}" if sub else top))
    return names


def roster_from(raw_rows, header_index):
    header = raw_rows[header_index]
    names = [normalise(cell) for cell in header]
    name_column = next(i for i, name in enumerate(names) if name in WHITELIST["full_name"])
    below = raw_rows[header_index + 1] if header_index + 1 < len(raw_rows) else []
    # The row under the header is a sub-header when it is empty under "Nama" (merged from
    # above) but not empty everywhere.
    two_rows = (any(below) and not (below[name_column] if name_column < len(below) else ""))
    names = column_names(header, below if two_rows else None)
    columns = {}
    for key, aliases in WHITELIST.items():
        index = next((i for i, name in enumerate(names) if name in aliases), None)
        if index is not None:
            columns[key] = index
    first_data = header_index + (2 if two_rows else 1)
    rows = []
    for index in range(first_data, len(raw_rows)):
        cells = raw_rows[index]
        values = {key: (cells[i] if i < len(cells) else "") for key, i in columns.items()}
        if any(values.values()):
            rows.append(parse_row(index + 1, values))
    # Only the whitelisted values leave this function; raw_rows is dropped by the caller.
    if len(rows) > importer.MAX_ROWS:
        raise importer.too_many_rows()
    if not rows:
        raise ImportFileError(_("Tidak ada baris data di bawah judul kolom."))
    roster = Roster(rows=rows, has_classes="rombel" in columns,
                    has_homerooms="homeroom" in columns)
    check_file(roster)
    return roster


def parse_row(line, values):
    full_name = " ".join(values.get("full_name", "").split())
    row = RosterRow(line=line, full_name=full_name)
    if not full_name:
        row.errors.append(_("Nama wajib diisi."))
    elif len(full_name) > 120:
        row.errors.append(_("Nama terlalu panjang (paling banyak 120 huruf)."))
    rombel = " ".join(values.get("rombel", "").split())
    if rombel:
        parsed = services.parse_class_name(ROMBEL_PREFIX.sub("", rombel))
        if parsed is None:
            row.errors.append(_("Rombel \"%(value)s\" tidak dikenali. Contoh: 7A, VII A, atau "
                                "Kelas 7A.", value=rombel))
        else:
            row.class_name, row.grade = parsed
    gender_text = values.get("gender", "").strip().lower()
    if gender_text:
        row.gender = importer.GENDER_WORDS.get(gender_text)
        if row.gender is None:
            row.errors.append(_("Jenis kelamin harus L atau P."))
    nis = values.get("nis", "").strip().removesuffix(".0")
    if nis and not NIS.match(nis):
        row.errors.append(_("NIPD/NIS hanya boleh berisi angka, huruf, titik, garis miring atau "
                            "strip (paling banyak 20)."))
    row.nis = nis or None
    nisn = values.get("nisn", "").strip().removesuffix(".0")
    if nisn and (not nisn.isdigit() or len(nisn) > 20):
        row.errors.append(_("NISN hanya boleh berisi angka."))
    row.nisn = nisn or None
    birth_text = values.get("birth_date", "").strip()
    if birth_text:
        row.birth_date = parse_date(birth_text)
        if row.birth_date is None:
            row.errors.append(_("Tanggal lahir tidak dikenali. Contoh: 2013-06-04 atau "
                                "04/06/2013."))
    homeroom = " ".join(values.get("homeroom", "").split())
    if len(homeroom) > 120:
        row.errors.append(_("Nama wali kelas terlalu panjang (paling banyak 120 huruf)."))
    row.homeroom = homeroom or None
    return row


def parse_date(text):
    """A birth date as Dapodik writes it (2013-06-04, or a date cell read as
    "2013-06-04 00:00:00"), or as a school retyped it (04/06/2013, 4 Juni 2013)."""
    text = text.strip()
    for pattern, length in (("%Y-%m-%d", 10), ("%d-%m-%Y", 10), ("%d/%m/%Y", 10)):
        try:
            parsed = datetime.strptime(text[:length], pattern).date()
        except ValueError:
            continue
        return parsed if 1950 <= parsed.year <= 2099 else None
    words = text.lower().split()
    if len(words) == 3 and words[1] in INDONESIAN_MONTHS and words[0].isdigit() \
            and words[2].isdigit():
        try:
            parsed = date(int(words[2]), INDONESIAN_MONTHS[words[1]], int(words[0]))
        except ValueError:
            return None
        return parsed if 1950 <= parsed.year <= 2099 else None
    return None


def check_file(roster):
    """What needs the whole file: a number twice, a class with two homeroom teachers."""
    seen = {"nis": {}, "nisn": {}}
    homerooms = {}
    for row in roster.rows:
        for key, label in (("nis", "NIPD/NIS"), ("nisn", "NISN")):
            value = getattr(row, key)
            if value and value in seen[key]:
                row.errors.append(_("%(key)s %(value)s sama dengan baris %(other)d.",
                                    key=label, value=value, other=seen[key][value]))
            elif value:
                seen[key][value] = row.line
        if row.homeroom and row.class_name:
            earlier = homerooms.setdefault(row.class_name, (row.homeroom, row.line))
            if earlier[0].casefold() != row.homeroom.casefold():
                row.errors.append(_("Rombel %(name)s punya wali kelas lain di baris %(other)d.",
                                    name=row.class_name, other=earlier[1]))


# The diff against the app's students ------------------------------------------------------

@dataclass
class Student:
    """An existing student account, as the plan needs it (plain values: a plan outlives its
    request)."""
    user_id: int
    full_name: str
    nis: str | None
    nisn: str | None
    gender: Gender | None
    birth_date: date | None
    class_name: str | None
    active: bool


@dataclass
class Change:
    row: RosterRow
    student: Student
    #: What changes, as the operator reads it ("Kelas 7A → 7B").
    what: list
    moved: bool = False
    renamed: bool = False


@dataclass
class Plan:
    new: list = field(default_factory=list)
    changed: list = field(default_factory=list)
    leaving: list = field(default_factory=list)
    new_classes: list = field(default_factory=list)
    #: (class name, teacher's name, existing homeroom account's id or None: a new one).
    homerooms: list = field(default_factory=list)
    unchanged: int = 0
    errors: list = field(default_factory=list)
    has_classes: bool = True

    @property
    def ok(self):
        return not self.errors

    def counts(self):
        return {"new": len(self.new), "changed": len(self.changed),
                "moved": sum(1 for c in self.changed if c.moved),
                "renamed": sum(1 for c in self.changed if c.renamed),
                "leaving": len(self.leaving), "new_classes": len(self.new_classes),
                "homerooms": len(self.homerooms), "unchanged": self.unchanged}


def existing_students():
    rows = db.session.execute(
        sa.select(User.id, User.full_name, User.is_active_account, StudentProfile.nis,
                  StudentProfile.nisn, StudentProfile.gender, StudentProfile.birth_date,
                  SchoolClass.name)
        .join(StudentProfile, StudentProfile.user_id == User.id)
        .outerjoin(SchoolClass, SchoolClass.id == StudentProfile.class_id)
        .where(User.role == Role.STUDENT)).all()
    return [Student(user_id=r[0], full_name=r[1], active=r[2], nis=r[3], nisn=r[4], gender=r[5],
                    birth_date=r[6], class_name=r[7]) for r in rows]


def plan(roster):
    """What applying the roster would change; reads only."""
    result = Plan(errors=[(row.line, message) for row in roster.rows for message in row.errors],
                  has_classes=roster.has_classes)
    if result.errors:
        return result
    students = existing_students()
    by_nisn = {s.nisn: s for s in students if s.nisn}
    by_nis = {s.nis: s for s in students if s.nis}
    # Accounts made from a class list without numbers: found by name in their class, so
    # the first Dapodik import does not make them twice.
    by_name = {(s.full_name.casefold(), s.class_name): s for s in students
               if s.active and not s.nis and not s.nisn}
    claimed = {}
    for number, row in enumerate(roster.rows, start=1):
        if number % ROWS_PER_TURN == 0:
            take_turns()
        match = (by_nisn.get(row.nisn) if row.nisn else None) \
            or (by_nis.get(row.nis) if row.nis else None) \
            or by_name.get((row.full_name.casefold(), row.class_name))
        for value, index, label in ((row.nisn, by_nisn, "NISN"), (row.nis, by_nis, "NIPD/NIS")):
            other = index.get(value) if value else None
            if other is not None and other is not match:
                result.errors.append((row.line, _(
                    "%(key)s %(value)s sudah dipakai akun siswa lain (%(name)s).",
                    key=label, value=value, name=other.full_name)))
        if match is None:
            result.new.append(row)
            continue
        if match.user_id in claimed:
            result.errors.append((row.line, _("Baris ini dan baris %(other)d menunjuk siswa yang "
                                              "sama (%(name)s).", other=claimed[match.user_id],
                                              name=match.full_name)))
            continue
        claimed[match.user_id] = row.line
        change = compare(row, match, roster.has_classes)
        if change.what:
            result.changed.append(change)
        else:
            result.unchanged += 1
    result.leaving = sorted((s for s in students if s.active and s.user_id not in claimed),
                            key=lambda s: (s.class_name or "", s.full_name))
    known_classes = set(db.session.scalars(sa.select(SchoolClass.name)))
    result.new_classes = sorted({row.class_name for row in roster.rows
                                 if row.class_name and row.class_name not in known_classes})
    if roster.has_homerooms:
        result.homerooms = homeroom_changes(roster)
    return result


def compare(row, student, has_classes):
    change = Change(row=row, student=student, what=[])
    if row.full_name != student.full_name:
        change.renamed = True
        change.what.append(_("Nama: %(old)s → %(new)s", old=student.full_name, new=row.full_name))
    if has_classes and row.class_name and row.class_name != student.class_name:
        change.moved = True
        change.what.append(_("Kelas %(old)s → %(new)s", old=student.class_name or "–",
                             new=row.class_name))
    if row.nis and row.nis != student.nis:
        change.what.append(_("NIPD/NIS %(old)s → %(new)s", old=student.nis or "–", new=row.nis))
    if row.nisn and row.nisn != student.nisn:
        change.what.append(_("NISN %(old)s → %(new)s", old=student.nisn or "–", new=row.nisn))
    if row.gender and row.gender != student.gender:
        change.what.append(_("Jenis kelamin diperbarui"))
    if row.birth_date and row.birth_date != student.birth_date:
        change.what.append(_("Tanggal lahir diperbarui"))
    if not student.active:
        change.what.append(_("Akun diaktifkan lagi"))
    return change


def summary(counts):
    """The audit log's line for an applied roster: counts, never a name."""
    return (f"Data Dapodik diterapkan: {counts['new']} siswa baru, {counts['moved']} pindah "
            f"kelas, {counts['changed'] - counts['moved']} data lain diperbarui, "
            f"{counts['leaving']} dinonaktifkan, {counts['new_classes']} kelas baru, "
            f"{counts['homerooms']} wali kelas ditetapkan")


def homeroom_changes(roster):
    """Per class, the homeroom teacher the file names when the class has another one (or
    none): an active homeroom account of that name, or a new one."""
    named = {}
    for row in roster.rows:
        if row.class_name and row.homeroom:
            named.setdefault(row.class_name, row.homeroom)
    current = dict(db.session.execute(
        sa.select(SchoolClass.name, User.full_name)
        .join(User, User.id == SchoolClass.homeroom_teacher_id)).all())
    teachers = {}
    for user_id, full_name in db.session.execute(
            sa.select(User.id, User.full_name).where(User.role == Role.HOMEROOM,
                                                     User.is_active_account.is_(True))
            .order_by(User.id)):
        teachers.setdefault(full_name.casefold(), user_id)
    return [(class_name, teacher, teachers.get(teacher.casefold()))
            for class_name, teacher in sorted(named.items())
            if (current.get(class_name) or "").casefold() != teacher.casefold()]


# Applying it ----------------------------------------------------------------------------

@dataclass
class Applied:
    plan: Plan
    #: New accounts with their initial passwords, as importer.ImportResult.created.
    created: list = field(default_factory=list)

    @property
    def ok(self):
        return self.plan.ok

    @property
    def errors(self):
        return self.plan.errors


def apply(roster, progress=None):
    """Apply the roster as the plan says (planned again now: the database may have changed
    since the preview). New passwords are hashed before anything is written, so the write
    is short; `progress(done, total)` hears of each hash, as in importer.import_people. The
    caller audits and commits."""
    current = plan(roster)
    applied = Applied(plan=current)
    if not current.ok:
        return applied
    reserved = set()
    accounts = []
    for row in current.new:
        base = services.suggested_username(row.full_name, Role.STUDENT, row.class_name,
                                           services.slugify(row.nis) if row.nis else None)
        accounts.append((row, services.unique_username(base, reserved),
                         services.generate_password()))
    new_teachers = {}
    for class_name, teacher, user_id in current.homerooms:
        if user_id is None and teacher.casefold() not in new_teachers:
            base = services.suggested_username(teacher, Role.HOMEROOM)
            new_teachers[teacher.casefold()] = (teacher, services.unique_username(base, reserved),
                                                services.generate_password())
    passwords = [password for _row, _username, password in accounts] + \
                [password for _name, _username, password in new_teachers.values()]
    hashes = []
    for done, password in enumerate(passwords, start=1):
        hashes.append(hash_password(password, batch=True))
        if progress:
            progress(done, len(passwords))
    hashes = iter(hashes)
    write(current, applied, accounts, new_teachers, hashes)
    return applied


def write(current, applied, accounts, new_teachers, hashes):
    grades = {row.class_name: row.grade for row in current.new if row.class_name}
    grades.update({c.row.class_name: c.row.grade for c in current.changed if c.row.class_name})
    classes = {}

    def school_class(name):
        if name and name not in classes:
            classes[name] = services.get_or_create_class(name, grades[name])
        return classes.get(name)

    for number, change in enumerate(current.changed, start=1):
        if number % ROWS_PER_TURN == 0:
            db.session.flush()
            take_turns()
        row, user = change.row, db.session.get(User, change.student.user_id)
        profile = user.student_profile
        user.full_name = row.full_name
        if change.moved:
            profile.school_class = school_class(row.class_name)
        for key in ("nis", "nisn", "gender", "birth_date"):
            if getattr(row, key):
                setattr(profile, key, getattr(row, key))
        if not user.is_active_account:
            services.set_active(user, True)
    db.session.flush()
    for number, (row, username, password) in enumerate(accounts, start=1):
        if number % ROWS_PER_TURN == 0:
            db.session.flush()
            take_turns()
        target = school_class(row.class_name)
        user = services.create_user(username, row.full_name, Role.STUDENT, password,
                                    password_hash=next(hashes), school_class=target,
                                    nis=row.nis, nisn=row.nisn, gender=row.gender,
                                    birth_date=row.birth_date)
        applied.created.append({"user": user, "password": password,
                                "class_name": target.name if target else None})
    teachers = {}
    for key, (teacher, username, password) in new_teachers.items():
        user = services.create_user(username, teacher, Role.HOMEROOM, password,
                                    password_hash=next(hashes))
        teachers[key] = user
        applied.created.append({"user": user, "password": password, "class_name": None})
    for class_name, teacher, user_id in current.homerooms:
        target = school_class(class_name) if class_name in grades else db.session.scalar(
            sa.select(SchoolClass).where(SchoolClass.name == class_name))
        target.homeroom_teacher = (db.session.get(User, user_id) if user_id
                                   else teachers[teacher.casefold()])
    # Leavers: the deactivation every other path uses, so their sessions end too.
    for number, student in enumerate(current.leaving, start=1):
        if number % ROWS_PER_TURN == 0:
            db.session.flush()
            take_turns()
        services.set_active(db.session.get(User, student.user_id), False)
    db.session.flush()


def read(filename, data):
    """read_upload off the serving loop (the import's parse is seconds for a big file)."""
    return off_loop(read_upload, filename, data)
