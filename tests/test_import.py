"""Importing classes, students and teachers from CSV and XLSX: all or nothing."""

import io
import tracemalloc
import zipfile

import openpyxl
import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from cyberbk.accounts import importer
from cyberbk.accounts.models import Role
from cyberbk.accounts.models import SchoolClass
from cyberbk.accounts.models import User
from cyberbk.extensions import db

GOOD_CSV = """nama,kelas,nis,jenis_kelamin,peran
Sri Wahyuni,7C,,,wali kelas
Budi Santoso,7C,3001,L,
Ani Lestari,7c,3002,P,siswa
Dewi Kartika,VIII B,3003,perempuan,
Rudi Hartono,,,,guru bk
"""


def count_users():
    return db.session.scalar(sa.select(sa.func.count(User.id)))


def xlsx_bytes(rows):
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_good_csv_creates_classes_people_and_homeroom(app):
    result = importer.import_people("kelas.csv", GOOD_CSV.encode())
    assert result.ok
    assert len(result.created) == 5
    class_c = db.session.scalar(sa.select(SchoolClass).where(SchoolClass.name == "7C"))
    assert class_c.grade == 7
    assert class_c.homeroom_teacher.full_name == "Sri Wahyuni"
    assert db.session.scalar(sa.select(SchoolClass.grade).where(SchoolClass.name == "8B")) == 8
    budi = db.session.scalar(sa.select(User).where(User.full_name == "Budi Santoso"))
    assert budi.username == "3001"
    assert budi.must_change_password
    assert budi.student_profile.gender.value == "L"
    counselor = db.session.scalar(sa.select(User).where(User.role == Role.COUNSELOR))
    assert counselor.username == "rudi.hartono"
    passwords = {entry["user"].username: entry["password"] for entry in result.created}
    assert budi.check_password(passwords["3001"])


def test_a_bad_row_imports_nothing_and_names_every_problem(app):
    data = GOOD_CSV + "Tanpa Kelas,,3004,L,\nSalah Kelamin,7C,3005,X,\nDobel,7C,3001,L,\n,7C,3006,,\n"
    result = importer.import_people("kelas.csv", data.encode())
    assert not result.ok
    assert count_users() == 0
    problems = dict(result.errors)
    assert "Kelas wajib diisi" in problems[7]
    assert "Jenis kelamin harus L atau P" in problems[8]
    assert "sama dengan baris 3" in problems[9]
    assert "Nama wajib diisi" in problems[10]


def test_duplicates_against_the_database_are_refused(app, school):
    data = "nama,kelas,nis,peran\nLagi,7A,1001,\nWali Kedua,7A,,wali kelas\n"
    result = importer.import_people("kelas.csv", data.encode())
    problems = dict(result.errors)
    assert "NIS 1001 sudah terdaftar" in problems[2]
    assert "sudah punya wali kelas" in problems[3]


def test_semicolon_csv_from_indonesian_excel_is_read(app):
    data = "Nama;Kelas;NIS\nCitra Ayu;9A;4001\n".encode("utf-8-sig")
    assert importer.import_people("kelas.csv", data).ok


def test_xlsx_is_imported(app):
    data = xlsx_bytes([["nama", "kelas", "nis", "jenis_kelamin"], ["Eko Prasetyo", "9B", 5001, "L"],
                       [None, None, None, None], ["Fitri Handayani", "9B", 5002, "P"]])
    result = importer.import_people("kelas.xlsx", data)
    assert result.ok, result.errors
    assert sorted(e["user"].username for e in result.created) == ["5001", "5002"]


def test_xlsx_with_bad_rows_reports_the_row_numbers(app):
    data = xlsx_bytes([["nama", "kelas"], ["Baik", "7A"], ["Buruk", "kelas tujuh"]])
    result = importer.import_people("kelas.xlsx", data)
    assert [line for line, _ in result.errors] == [3]
    assert count_users() == 0


@pytest.mark.parametrize("filename,data,message", [
    ("kelas.txt", b"nama\nA", "Pilih berkas .csv atau .xlsx."),
    ("kelas.xlsx", b"bukan excel", "Berkas Excel tidak bisa dibaca."),
    ("kelas.csv", b"kelas,nis\n7A,1", "paling tidak \"nama\""),
    ("kelas.csv", b"nama,kelas\n", "Tidak ada baris data"),
])
def test_unreadable_files_get_a_clear_message(app, filename, data, message):
    with pytest.raises(importer.ImportFileError, match=message):
        importer.import_people(filename, data)


# Hostile spreadsheets: each refused with a message, quickly and in little memory.

SHEET = "xl/worksheets/sheet1.xml"
SHEET_START = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')


def with_sheet(sheet_xml):
    """A real .xlsx whose first sheet is replaced by `sheet_xml` (str, or chunks of it)."""
    original = zipfile.ZipFile(io.BytesIO(xlsx_bytes([["nama", "kelas"], ["Ani", "7A"]])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in original.infolist():
            if item.filename != SHEET:
                archive.writestr(item, original.read(item))
        with archive.open(SHEET, "w", force_zip64=True) as sheet:
            for chunk in [sheet_xml] if isinstance(sheet_xml, str) else sheet_xml:
                sheet.write(chunk.encode())
    return buffer.getvalue()


def inline_row(number, *values):
    cells = "".join(f'<c r="{chr(65 + i)}{number}" t="inlineStr"><is><t>{value}</t></is></c>'
                    for i, value in enumerate(values))
    return f'<row r="{number}">{cells}</row>'


def refused(data, message):
    # Memory, not time, is what a bomb costs the worker (a timing fails on a busy machine).
    tracemalloc.start()
    try:
        with pytest.raises(importer.ImportFileError, match=message):
            importer.import_people("kelas.xlsx", data)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 64 * 2**20, f"peak {peak // 2**20} MB"


def test_openpyxl_parses_spreadsheets_through_defusedxml():
    assert openpyxl.DEFUSEDXML is True
    from openpyxl.xml import functions

    assert functions.iterparse.__module__.startswith("defusedxml")


def test_a_billion_laughs_xlsx_gets_a_clear_message(app):
    laughs = "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10))
    sheet = (SHEET_START.replace("<worksheet", '<!DOCTYPE worksheet [<!ENTITY lol0 "lol">'
                                 + laughs + "]>\n<worksheet")
             + "<sheetData>" + inline_row(1, "nama", "kelas") + inline_row(2, "&lol9;", "7A")
             + "</sheetData></worksheet>")
    refused(with_sheet(sheet), "tidak diizinkan")
    assert count_users() == 0


def test_a_zip_bomb_xlsx_gets_a_clear_message(app):
    padding = (" " * 2**20 for _ in range(40))
    data = with_sheet([SHEET_START + "<sheetData>", *padding, "</sheetData></worksheet>"])
    assert len(data) < 200 * 1024, "a bomb: small packed"
    refused(data, "terlalu besar setelah dibuka")


def test_a_sheet_naming_its_millionth_row_is_refused_without_reading_a_million(app):
    sheet = (SHEET_START + '<dimension ref="A1:B1048576"/><sheetData>'
             + inline_row(1, "nama", "kelas") + inline_row(1048576, "Ani", "7A")
             + "</sheetData></worksheet>")
    refused(with_sheet(sheet), "Paling banyak 3000 baris")


def test_a_sheet_with_a_cell_in_its_last_column_is_read_within_the_column_limit(app):
    far = '<c r="XFD2" t="inlineStr"><is><t>jauh</t></is></c>'
    sheet = (SHEET_START + "<sheetData>" + inline_row(1, "nama", "kelas")
             + inline_row(2, "Ani Lestari", "7A").replace("</row>", far + "</row>")
             + "</sheetData></worksheet>")
    result = importer.import_people("kelas.xlsx", with_sheet(sheet))
    assert result.ok and [row.full_name for row in result.rows] == ["Ani Lestari"]


def test_generated_usernames_do_not_clash(app, school):
    data = "nama,kelas\nBudi,7A\nBudi,7A\n"
    result = importer.import_people("kelas.csv", data.encode())
    assert sorted(e["user"].username for e in result.created) == ["budi.7a", "budi.7a2"]


def test_admin_upload_shows_passwords_once_as_slips_per_class(client, auth, school):
    auth.login("operator")
    response = client.post("/admin/impor", data={"file": (io.BytesIO(GOOD_CSV.encode()), "kelas.csv")},
                           content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page.count('class="slip-sheet"') == 3  # 7C, 8B, teachers and staff
    assert "Budi Santoso" in page and "Kata sandi awal" in page
    assert response.headers["Cache-Control"] == "no-store"


def test_admin_upload_with_bad_rows_lists_them(client, auth, school):
    auth.login("operator")
    response = client.post("/admin/impor",
                           data={"file": (io.BytesIO(b"nama,kelas\nA,\n"), "kelas.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Belum ada yang diimpor" in response.get_data(as_text=True)


def test_cli_import_people(runner, app, tmp_path):
    path = tmp_path / "kelas.csv"
    path.write_text(GOOD_CSV)
    result = runner.invoke(args=["import-people", str(path)])
    assert result.exit_code == 0, result.output
    assert "3001" in result.output
    assert count_users() == 5


def test_cli_import_people_refuses_bad_file(runner, app, tmp_path):
    path = tmp_path / "kelas.csv"
    path.write_text("nama,kelas\nA,\n")
    result = runner.invoke(args=["import-people", str(path)])
    assert result.exit_code != 0
    assert "row 2" in result.output
    assert count_users() == 0
