"""Write the made-up Dapodik "Daftar Peserta Didik" exports the import tests read.

    python tests/data/make_dapodik.py      # rewrites dapodik_ganjil.xlsx and dapodik_genap.xlsx

Every person here is invented (names from short lists, numbers from a seeded random
generator): no real student's data is in this repository. The layout follows what a school
operator downloads from Dapodik: four title rows, a two-row header on rows 5-6 whose
father's, mother's and guardian's data are split into sub-columns under merged cells, data
from row 7, 66 columns with "Rombel Saat Ini" at column 43, and the columns the app must
never keep (NIK, No KK, KIP/KKS/PIP, bank account, parents' income, coordinates) filled.

The second file is the next semester: some students moved between classes, a name is
corrected, some left, some are new, and there is a new class.
"""

import random
from datetime import date
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.styles import Font

HERE = Path(__file__).parent
FIRST_FILE = HERE / "dapodik_ganjil.xlsx"
SECOND_FILE = HERE / "dapodik_genap.xlsx"

#: The columns before the parents' groups, each over rows 5-6.
LEADING = ["No", "Nama", "NIPD", "JK", "NISN", "Tempat Lahir", "Tanggal Lahir", "NIK", "Agama",
           "Alamat", "RT", "RW", "Dusun", "Kelurahan", "Kecamatan", "Kode Pos", "Jenis Tinggal",
           "Alat Transportasi", "Telepon", "HP", "E-Mail", "SKHUN", "Penerima KPS", "No. KPS"]
PARENT_GROUPS = ["Data Ayah", "Data Ibu", "Data Wali"]
PARENT_FIELDS = ["Nama", "Tahun Lahir", "Jenjang Pendidikan", "Pekerjaan", "Penghasilan", "NIK"]
TRAILING = ["Rombel Saat Ini", "No Peserta Ujian Nasional", "No Seri Ijazah", "Penerima KIP",
            "Nomor KIP", "Nama di KIP", "Nomor KKS", "No Registrasi Akta Lahir", "Bank",
            "Nomor Rekening Bank", "Rekening Atas Nama", "Layak PIP (usulan dari sekolah)",
            "Alasan Layak PIP", "Kebutuhan Khusus", "Sekolah Asal", "Anak ke-berapa", "Lintang",
            "Bujur", "No KK", "Berat Badan", "Tinggi Badan", "Lingkar Kepala",
            "Jml. Saudara Kandung", "Jarak Rumah ke Sekolah (KM)"]
COLUMNS = LEADING + [f"{g} {f}" for g in PARENT_GROUPS for f in PARENT_FIELDS] + TRAILING
assert len(COLUMNS) == 66 and COLUMNS.index("Rombel Saat Ini") == 42

#: Invented names; the parents' pool shares no word with the students' (tests search the
#: database for the parents' names).
STUDENT_FIRST = ["Adelia", "Bagas", "Citra", "Danu", "Elsa", "Farel", "Gilang", "Hesti",
                 "Intan", "Jihan", "Kevin", "Lutfi", "Mayang", "Naufal", "Oktavia", "Pandu",
                 "Qori", "Raka", "Salsa", "Tegar", "Ulya", "Vino", "Wulan", "Yoga", "Zahra"]
STUDENT_LAST = ["Ardiansyah", "Budiarti", "Cahyono", "Damayanti", "Erlangga", "Fitriani",
                "Gunawan", "Handayani", "Iskandar", "Kusumawati", "Lestiono", "Mulyani"]
PARENT_FIRST = ["Sutrisno", "Suparmi", "Wagiman", "Tukiyem", "Rusdiyanto", "Sarminah",
                "Paijo", "Ngatini", "Suwarno", "Kasiyah"]
PARENT_LAST = ["Harjowiyono", "Mangunkusumo", "Partowidjojo", "Sastrodiharjo"]
INCOMES = ["Kurang dari Rp. 500,000", "Rp. 500,000 - Rp. 999,999",
           "Rp. 1,000,000 - Rp. 1,999,999", "Rp. 2,000,000 - Rp. 4,999,999"]
JOBS = ["Petani", "Pedagang Kecil", "Buruh", "Wiraswasta", "Karyawan Swasta"]
VILLAGES = ["Sidoharjo", "Tlogorejo", "Margomulyo", "Sukolilo"]


def digits(rng, count, first="123456789"):
    return rng.choice(first) + "".join(rng.choice("0123456789") for _ in range(count - 1))


def make_students(rng, count=60, classes=("VII A", "VII B", "VII C")):
    """count invented students spread over classes, each with every Dapodik field."""
    students, used = [], set()
    for number in range(count):
        while True:
            name = f"{rng.choice(STUDENT_FIRST)} {rng.choice(STUDENT_LAST)}"
            if name not in used:
                used.add(name)
                break
        students.append(make_student(rng, name, classes[number % len(classes)], 2600 + number))
    return students


def make_student(rng, name, rombel, nipd):
    born = date(2013, 1, 1).toordinal() + rng.randrange(0, 700)
    student = {
        "Nama": name, "NIPD": str(nipd), "JK": rng.choice("LP"),
        # A NISN is ten digits and often starts with a zero: Dapodik writes it as text.
        "NISN": "0" + digits(rng, 9),
        "Tempat Lahir": "Pati", "Tanggal Lahir": date.fromordinal(born).isoformat(),
        "NIK": "3318" + digits(rng, 12, "0123456789"), "Agama": "Islam",
        "Alamat": f"Jl. {rng.choice(VILLAGES)} Gg. {rng.randint(2, 19)} No. {rng.randint(1, 99)}",
        "RT": str(rng.randint(1, 9)), "RW": str(rng.randint(1, 6)), "Dusun": rng.choice(VILLAGES),
        "Kelurahan": rng.choice(VILLAGES), "Kecamatan": "Kec. Contoh", "Kode Pos": "59199",
        "Jenis Tinggal": "Bersama orang tua", "Alat Transportasi": "Sepeda motor",
        "Telepon": "", "HP": "0857" + digits(rng, 8, "0123456789"),
        "E-Mail": f"{name.split()[0].lower()}{rng.randint(100, 999)}@contoh.invalid",
        "SKHUN": "", "Penerima KPS": "Tidak", "No. KPS": "",
        "Rombel Saat Ini": rombel,
        "No Peserta Ujian Nasional": "", "No Seri Ijazah": "",
        "Penerima KIP": "Ya", "Nomor KIP": "KIP" + digits(rng, 7),
        "Nama di KIP": name, "Nomor KKS": "KKS" + digits(rng, 7),
        "No Registrasi Akta Lahir": "3318-LT-" + digits(rng, 8),
        "Bank": "BRI", "Nomor Rekening Bank": "0029" + digits(rng, 11, "0123456789"),
        "Rekening Atas Nama": name, "Layak PIP (usulan dari sekolah)": "Ya",
        "Alasan Layak PIP": "Pemegang Kartu Keluarga Sejahtera (KKS)", "Kebutuhan Khusus": "Tidak ada",
        "Sekolah Asal": "SD Negeri Contoh 2", "Anak ke-berapa": str(rng.randint(1, 4)),
        "Lintang": f"-6.{rng.randint(6000000, 8999999)}",
        "Bujur": f"111.{rng.randint(1000000, 1999999)}",
        "No KK": "3318" + digits(rng, 12, "0123456789"),
        "Berat Badan": str(rng.randint(32, 60)), "Tinggi Badan": str(rng.randint(135, 165)),
        "Lingkar Kepala": str(rng.randint(50, 56)), "Jml. Saudara Kandung": str(rng.randint(0, 4)),
        "Jarak Rumah ke Sekolah (KM)": str(rng.randint(1, 9)),
    }
    for group in PARENT_GROUPS:
        guardian = group == "Data Wali" and rng.random() < 0.8
        values = ["", "", "", "", "", ""] if guardian else [
            f"{rng.choice(PARENT_FIRST)} {rng.choice(PARENT_LAST)}", str(rng.randint(1970, 1990)),
            "SMP / sederajat", rng.choice(JOBS), rng.choice(INCOMES),
            "3318" + digits(rng, 12, "0123456789")]
        student.update({f"{group} {field}": value for field, value in zip(PARENT_FIELDS, values)})
    return student


def next_semester(rng, students):
    """The same school half a year later: moves, a corrected name, leavers, newcomers and a
    new class (VII D)."""
    following = [dict(student) for student in students]
    for student in following[3:7]:
        student["Rombel Saat Ini"] = "VII B" if student["Rombel Saat Ini"] != "VII B" else "VII C"
    following[7]["Nama"] = following[7]["Nama"] + " Putra"  # the birth certificate's full name
    for student in following[10:12]:
        student["Rombel Saat Ini"] = "VII D"
    leaving = {following[i]["NIPD"] for i in (20, 31, 45)}
    following = [s for s in following if s["NIPD"] not in leaving]
    taken = {s["Nama"] for s in students}
    newcomers = [make_student(rng, name, rombel, nipd) for name, rombel, nipd in (
        ("Aulia Rahmawati", "VII A", 2700), ("Bayu Kristanto", "VII D", 2701),
        ("Cantika Paramitha", "VII C", 2702), ("Dafa Alfarizi", "VII D", 2703))
        if name not in taken]
    return following + newcomers


def write(path, students, title_date, homeroom=None):
    """One export as Dapodik lays it out. homeroom: {rombel: wali kelas} adds the column some
    schools' rombel exports have, after "Rombel Saat Ini"."""
    columns = list(COLUMNS)
    if homeroom:
        columns.insert(columns.index("Rombel Saat Ini") + 1, "Wali Kelas")
    book = Workbook()
    sheet = book.active
    sheet.title = "Daftar Peserta Didik"
    sheet["A1"] = "Daftar Peserta Didik"
    sheet["A2"] = "SMP NEGERI CONTOH"
    sheet["A3"] = "Kecamatan Kec. Contoh, Kabupaten Kab. Pati, Provinsi Prov. Jawa Tengah"
    sheet["A4"] = f"Tanggal Unduh: {title_date} 09:15:02"
    sheet["C4"] = "Pengunduh: operator@smpcontoh.invalid"
    sheet["A1"].font = Font(bold=True, size=14)
    groups = {}
    for index, name in enumerate(columns, start=1):
        group = next((g for g in PARENT_GROUPS if name.startswith(g + " ")), None)
        if group is None:
            sheet.cell(row=5, column=index, value=name)
            sheet.merge_cells(start_row=5, start_column=index, end_row=6, end_column=index)
        else:
            groups.setdefault(group, []).append(index)
            sheet.cell(row=6, column=index, value=name.removeprefix(group + " "))
    for group, indexes in groups.items():
        sheet.cell(row=5, column=indexes[0], value=group)
        sheet.merge_cells(start_row=5, start_column=indexes[0], end_row=5, end_column=indexes[-1])
    for row in (5, 6):
        for cell in sheet[row]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for number, student in enumerate(students, start=1):
        values = {**student, "No": number}
        if homeroom:
            values["Wali Kelas"] = homeroom.get(student["Rombel Saat Ini"], "")
        sheet.append([values.get(name, "") for name in columns])
    # Fixed document dates: the same people give the same file.
    book.properties.created = book.properties.modified = datetime(2026, 7, 14, 9, 15)
    book.save(path)


def build():
    rng = random.Random(20)
    first = make_students(rng)
    second = next_semester(rng, first)
    return first, second


def main():
    first, second = build()
    write(FIRST_FILE, first, "2026-07-14")
    write(SECOND_FILE, second, "2027-01-05")
    print(f"{FIRST_FILE.name}: {len(first)} students; {SECOND_FILE.name}: {len(second)}")


if __name__ == "__main__":
    main()
