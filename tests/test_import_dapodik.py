"""The roster from Dapodik (#20 §1): the operator uploads the "Daftar Peserta Didik" export as
it comes, sees a preview, and applies it each semester as a diff; nothing the app must not
keep (NIK, KIP, income, coordinates...) reaches the database, the logs or the session."""

import io
import logging
from datetime import date

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from cyberbk.accounts import dapodik
from cyberbk.accounts import importer
from cyberbk.accounts.models import Role
from cyberbk.accounts.models import SchoolClass
from cyberbk.accounts.models import StudentProfile
from cyberbk.accounts.models import User
from cyberbk.common import jobs
from cyberbk.extensions import db
from tests.data import make_dapodik
from tests.test_import import xlsx_bytes

FIRST = make_dapodik.FIRST_FILE.read_bytes()
SECOND = make_dapodik.SECOND_FILE.read_bytes()
#: Columns of the export the app must never hold, each value of which is searched for.
NEVER_KEPT = ["NIK", "No KK", "Nomor KIP", "Nomor KKS", "Nomor Rekening Bank", "Lintang",
              "Bujur", "No Registrasi Akta Lahir", "Alamat", "HP", "E-Mail",
              "Data Ayah Nama", "Data Ibu Nama", "Data Ayah NIK", "Data Ibu NIK", "Data Wali NIK",
              "Data Ayah Penghasilan", "Data Ibu Penghasilan", "Data Wali Penghasilan"]


@pytest.fixture
def app_config(app_config):
    # Each file makes 60 accounts: the hashes are the point, not their strength.
    return {**app_config, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1"}


def upload(client, data, filename="daftar_pd.xlsx"):
    return client.post("/admin/impor", data={"file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def preview_job():
    return db.session.scalar(sa.select(jobs.Job).order_by(jobs.Job.id.desc()))


def apply_preview(client):
    return client.post(f"/admin/impor/{preview_job().id}/terapkan")


def students(active=None):
    statement = sa.select(User).where(User.role == Role.STUDENT)
    if active is not None:
        statement = statement.where(User.is_active_account.is_(active))
    return db.session.scalars(statement).all()


def student_named(name):
    return db.session.scalar(sa.select(User).where(User.full_name == name))


def exported_people():
    return make_dapodik.build()


def test_the_export_is_read_by_header_names_keeping_only_the_whitelist(app):
    roster = dapodik.read_upload("daftar_pd.xlsx", FIRST)
    first, _second = exported_people()
    assert isinstance(roster, dapodik.Roster)
    assert len(roster.rows) == 60 and roster.has_classes and not roster.has_homerooms
    row = roster.rows[0]
    assert row.line == 7  # data from row 7, under the two-row header
    assert (row.full_name, row.nis, row.nisn) == (first[0]["Nama"], first[0]["NIPD"],
                                                   first[0]["NISN"])
    assert row.birth_date == date.fromisoformat(first[0]["Tanggal Lahir"])
    assert {r.class_name for r in roster.rows} == {"7A", "7B", "7C"}
    # A row holds the whitelisted columns and nothing else of the file.
    assert set(vars(row)) == {"line", "full_name", "nis", "nisn", "gender", "birth_date",
                              "class_name", "grade", "homeroom", "errors"}
    assert not any(r.errors for r in roster.rows)


def test_the_sheet_is_66_columns_with_rombel_near_42_and_a_merged_two_row_header():
    sheet = load_workbook(make_dapodik.FIRST_FILE).active
    assert sheet.max_column == 66 and sheet.cell(5, 43).value == "Rombel Saat Ini"
    assert sheet.cell(5, 25).value == "Data Ayah" and sheet.cell(6, 25).value == "Nama"
    merged = {str(cells) for cells in sheet.merged_cells.ranges}
    assert "Y5:AD5" in merged and "B5:B6" in merged
    assert sheet.cell(7, 2).value and sheet.cell(7, 8).value  # a name and a (made-up) NIK


def test_headers_are_found_whatever_their_spacing_and_case(app):
    rows = [["Daftar Peserta Didik"], ["SMP CONTOH"], [], [],
            ["NO", "  nama ", "Nipd", "jk", "N I S N", "TGL. LAHIR", "nik", "Rombel  Saat ini"],
            ["1", "Sekar Ayu", "3101", "p", "0012345678", "04/06/2013", "3318000000000001",
             "Kelas VIII-B"]]
    roster = dapodik.roster_from(rows, dapodik.find_header(rows))
    row = roster.rows[0]
    assert (row.full_name, row.nis, row.gender.value, row.birth_date, row.class_name) == (
        "Sekar Ayu", "3101", "P", date(2013, 6, 4), "8B")
    # "N I S N" is not NISN: only names, not letters, are tolerated.
    assert row.nisn is None and row.line == 6


def test_a_simple_class_list_with_a_rombel_column_stays_a_simple_list(app):
    table = dapodik.read_upload("kelas.csv", b"nama,rombel,nis\nAni,7A,1\n")
    assert not isinstance(table, dapodik.Roster)


def test_a_class_list_of_teachers_under_a_title_is_not_read_as_a_roster(app):
    rows = [["Daftar guru dan siswa"], ["nama", "kelas", "peran"], ["Sri", "7A", "wali kelas"]]
    with pytest.raises(importer.ImportFileError, match="Hapus baris judul"):
        dapodik.read_upload("kelas.xlsx", xlsx_bytes(rows))


def test_the_operator_sees_a_preview_before_anything_changes(client, auth, school):
    auth.login("operator")
    response = upload(client, FIRST)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Pratinjau data Dapodik" in page and "Siswa baru (60)" in page
    assert "Keluar (2)" in page and "Siswa A" in page  # the fixture's students are not in it
    assert "Kelas baru" in page and "7C" in page
    assert "Terapkan perubahan" in page
    assert len(students()) == 2
    # The job's row keeps counts, not the file.
    assert preview_job().outcome == {"preview": {
        "new": 60, "changed": 0, "moved": 0, "renamed": 0, "leaving": 2, "new_classes": 1,
        "homerooms": 0, "unchanged": 0}}


def test_applying_the_preview_creates_students_with_slips_and_deactivates_leavers(client, auth,
                                                                                  school):
    auth.login("operator")
    upload(client, FIRST)
    response = apply_preview(client)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "60 akun dibuat" in page and page.count('class="slip"') == 60
    assert "2 akun siswa keluar dinonaktifkan" in page
    first, _second = exported_people()
    someone = student_named(first[5]["Nama"])
    assert someone.username == first[5]["NIPD"] and someone.must_change_password
    assert someone.student_profile.nisn == first[5]["NISN"]
    assert someone.student_profile.birth_date == date.fromisoformat(first[5]["Tanggal Lahir"])
    assert someone.school_class.name == "7C"
    assert not school["student_a"].is_active_account
    # Applied once: the preview is gone.
    again = apply_preview(client)
    assert again.status_code == 303 and len(students()) == 62


def test_the_next_semester_applies_as_a_diff(client, auth, school):
    auth.login("operator")
    upload(client, FIRST)
    apply_preview(client)
    first, second = exported_people()
    nonces = {u.full_name: u.session_nonce for u in students()}
    page = upload(client, SECOND).get_data(as_text=True)
    assert "Siswa baru (4)" in page and "Berubah (7)" in page and "Keluar (3)" in page
    assert preview_job().outcome["preview"] == {
        "new": 4, "changed": 7, "moved": 6, "renamed": 1, "leaving": 3, "new_classes": 1,
        "homerooms": 0, "unchanged": 50}
    page = apply_preview(client).get_data(as_text=True)
    assert "4 akun dibuat" in page and "6 pindah kelas" in page
    # Nothing duplicated: 2 of the fixture, 60, and 4 new.
    assert len(students()) == 66 and len(students(active=True)) == 61
    moved = first[3]
    assert student_named(moved["Nama"]).school_class.name == "7B"
    assert student_named(first[10]["Nama"]).school_class.name == "7D"
    assert student_named(first[7]["Nama"] + " Putra").username == first[7]["NIPD"]
    leaver = student_named(first[20]["Nama"])
    assert not leaver.is_active_account
    # The deactivation every path uses: the leaver's sessions end.
    assert leaver.session_nonce != nonces[first[20]["Nama"]]
    assert student_named(second[-1]["Nama"]).school_class.name == "7D"
    # The same file again changes nothing.
    page = upload(client, SECOND).get_data(as_text=True)
    assert "sudah sama dengan berkas ini" in page and "Terapkan perubahan" not in page


def test_accounts_made_without_numbers_are_matched_by_name_in_their_class(client, auth, school):
    first, _second = exported_people()
    importer.import_people("kelas.csv", f"nama,kelas\n{first[0]['Nama']},7A\n".encode())
    db.session.commit()
    auth.login("operator")
    upload(client, FIRST)
    assert preview_job().outcome["preview"]["new"] == 59
    apply_preview(client)
    assert student_named(first[0]["Nama"]).student_profile.nis == first[0]["NIPD"]


def test_a_preview_is_applied_only_by_the_operator_who_uploaded_it(client, auth, school):
    auth.login("operator")
    upload(client, FIRST)
    auth.logout()
    other = User(username="operator.b", full_name="Operator B", role=Role.ADMIN)
    other.set_password("rahasia-123")
    db.session.add(other)
    db.session.commit()
    auth.login("operator.b")
    assert "sudah tidak tersedia" in client.get(f"/admin/impor/{preview_job().id}").get_data(
        as_text=True)
    assert apply_preview(client).status_code == 303
    assert len(students()) == 2


def test_homeroom_teachers_come_from_the_file_when_it_names_them(client, auth, school, tmp_path):
    first, _second = exported_people()
    path = tmp_path / "rombel.xlsx"
    make_dapodik.write(path, first, "2026-07-14",
                       homeroom={"VII A": "Wali A", "VII B": "Wali B", "VII C": "Retno Palupi"})
    auth.login("operator")
    page = upload(client, path.read_bytes()).get_data(as_text=True)
    # 7A and 7B have these teachers already; 7C gets a new account.
    assert "Retno Palupi untuk 7C (akun baru)" in page
    page = apply_preview(client).get_data(as_text=True)
    assert "61 akun dibuat" in page and "Guru dan staf" in page
    seventh_c = db.session.scalar(sa.select(SchoolClass).where(SchoolClass.name == "7C"))
    assert seventh_c.homeroom_teacher.full_name == "Retno Palupi"
    assert seventh_c.homeroom_teacher.role == Role.HOMEROOM
    assert school["class_a"].homeroom_teacher.username == "wali.a"


def test_without_homeroom_teachers_in_the_file_the_classes_keep_theirs(client, auth, school):
    auth.login("operator")
    upload(client, FIRST)
    apply_preview(client)
    assert school["class_a"].homeroom_teacher.username == "wali.a"
    seventh_c = db.session.scalar(sa.select(SchoolClass).where(SchoolClass.name == "7C"))
    assert seventh_c.homeroom_teacher is None


def every_stored_value():
    """Every value of every row of every table, as one text (bytes read as Latin-1)."""
    inspector = sa.inspect(db.engine)
    values = []
    with db.engine.connect() as connection:
        for name in inspector.get_table_names():
            table = sa.Table(name, sa.MetaData(), autoload_with=connection)
            for row in connection.execute(sa.select(table)):
                values.extend(v.decode("latin-1") if isinstance(v, bytes) else str(v)
                              for v in row if v is not None)
    return "\n".join(values)


def test_nothing_the_app_must_not_keep_reaches_the_database_or_the_logs(database, client, auth,
                                                                       school, caplog):
    caplog.set_level(logging.DEBUG)
    auth.login("operator")
    for data in (FIRST, SECOND):
        upload(client, data)
        apply_preview(client)
    db.session.commit()
    first, second = exported_people()
    stored = every_stored_value()
    # The whitelisted columns are there (the search is not vacuous) ...
    assert first[0]["NISN"] in stored and second[-1]["Nama"] in stored
    # ... and no value of the others.
    found = {(column, person[column]) for person in first + second for column in NEVER_KEPT
             if person[column] and (person[column] in stored or person[column] in caplog.text)}
    assert found == set()
    assert len(students()) == 66


def test_the_command_line_previews_and_applies_with_apply(runner, app, school):
    path = make_dapodik.FIRST_FILE
    previewed = runner.invoke(args=["import-people", str(path)])
    assert previewed.exit_code == 0, previewed.output
    assert "60 new" in previewed.output and "2 leaving" in previewed.output
    assert "Nothing was changed" in previewed.output and len(students()) == 2
    applied = runner.invoke(args=["import-people", str(path), "--apply"])
    assert applied.exit_code == 0, applied.output
    assert "60 account(s) created" in applied.output
    assert len(students(active=True)) == 60
    again = runner.invoke(args=["import-people", str(path), "--apply"])
    assert "0 new, 0 changed" in again.output and len(students()) == 62


def header_only(*header):
    return [["Daftar Peserta Didik"], ["SMP CONTOH"], [], [], list(header),
            ["1", "Sekar Ayu", "3101", "P", "0012345678", "VII A"]]


@pytest.mark.parametrize("filename,data,message", [
    ("daftar_pd.xls", b"\xd0\xcf\x11\xe0", "Excel lama"),
    ("daftar_pd.pdf", b"%PDF-1.4", "Pilih berkas .csv atau .xlsx."),
    ("daftar_pd.xlsx", b"bukan excel", "Berkas Excel tidak bisa dibaca."),
    ("daftar_pd.xlsx", xlsx_bytes(header_only("No", "Nama Lengkap Ayah", "NIPD", "JK", "NISN",
                                        "Rombel Saat Ini")), "Kolom Nama tidak ditemukan"),
    ("daftar_pd.xlsx", xlsx_bytes([["Daftar Peserta Didik"], ["SMP CONTOH"], ["x", "y"]]),
     "Judul kolom tidak ditemukan"),
    ("daftar_pd.xlsx", xlsx_bytes(header_only("No", "Nama", "NIPD", "JK", "NISN", "Rombel Saat Ini")[:5]),
     "Tidak ada baris data"),
])
def test_bad_files_get_a_clear_message_in_indonesian(client, auth, school, filename, data,
                                                     message):
    auth.login("operator")
    response = upload(client, data, filename)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert len(students()) == 2


def test_bad_rows_are_listed_and_nothing_is_previewed(client, auth, school):
    rows = header_only("No", "Nama", "NIPD", "JK", "NISN", "Rombel Saat Ini")
    rows += [["2", "", "3102", "L", "0012345679", "VII A"],
             ["3", "Bima Sakti", "3103", "X", "0012345678", "kelas tujuh"]]
    auth.login("operator")
    response = upload(client, xlsx_bytes(rows))
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Belum ada yang diimpor" in page
    assert "Nama wajib diisi" in page and "Jenis kelamin harus L atau P" in page
    assert "tidak dikenali" in page and "NISN 0012345678 sama dengan baris 6" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StudentProfile)) == 2


def homeroom_of(class_name):
    db.session.expire_all()
    school_class = db.session.scalar(sa.select(SchoolClass).where(SchoolClass.name == class_name))
    return school_class.homeroom_teacher.username if school_class.homeroom_teacher else None


def test_the_operator_sets_a_new_class_homeroom_teacher_on_the_class_page(client, auth, school):
    auth.login("operator")
    upload(client, FIRST)
    apply_preview(client)
    seventh_c = db.session.scalar(sa.select(SchoolClass).where(SchoolClass.name == "7C"))
    home = client.get("/admin/").get_data(as_text=True)
    assert f"/admin/kelas/{seventh_c.id}" in home
    page = client.get(f"/admin/kelas/{seventh_c.id}").get_data(as_text=True)
    assert "Kelas 7C" in page and "Wali A (wali.a)" in page
    response = client.post(f"/admin/kelas/{seventh_c.id}",
                           data={"homeroom": str(school["homeroom_b"].id)})
    assert response.status_code == 303
    assert homeroom_of("7C") == "wali.b"
    # Only an active homeroom account: a counselor is no choice.
    refused = client.post(f"/admin/kelas/{seventh_c.id}",
                          data={"homeroom": str(school["counselor"].id)})
    assert refused.status_code == 400 and homeroom_of("7C") == "wali.b"
    client.post(f"/admin/kelas/{seventh_c.id}", data={"homeroom": ""})
    assert homeroom_of("7C") is None


def test_a_homeroom_teacher_cannot_open_the_class_page(client, auth, school):
    auth.login("wali.a")
    assert client.get(f"/admin/kelas/{school['class_a'].id}").status_code in (403, 404)
