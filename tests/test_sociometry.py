"""Sociometry (issue 21 §2), as a spec per role: a counselor runs one for a class and reads
its sociogram; students pick classmates of their own class only, once; a homeroom teacher
never reads who chose whom, only the summary a counselor shares."""

import io
import re
import xml.etree.ElementTree as ET
import zipfile

import pytest
import sqlalchemy as sa

from cyberbk.accounts.models import Role
from cyberbk.audit.models import AuditEntry
from cyberbk.dashboard import student_data
from cyberbk.extensions import db
from cyberbk.sociometry import services
from cyberbk.sociometry.models import Part
from cyberbk.sociometry.models import SociometryAnswer
from cyberbk.sociometry.models import may_open
from tests import factories

SVG = "{http://www.w3.org/2000/svg}"
NAMES = ("Adi", "Budi", "Citra", "Dewi", "Eko", "Fitri")
#: Who chose whom in the fixture class (2 choices each). Received: Adi 4, Budi 3, Citra 2,
#: Dewi 2, Eko 1, Fitri 0 — mean 2, standard deviation 1.29, so a star needs 4.
CHOICES = {"Adi": ("Budi", "Citra"), "Budi": ("Adi", "Citra"), "Citra": ("Adi", "Budi"),
           "Dewi": ("Adi", "Budi"), "Eko": ("Adi", "Dewi"), "Fitri": ("Dewi", "Eko")}
MUTUAL = {frozenset(("Adi", "Budi")), frozenset(("Adi", "Citra")), frozenset(("Budi", "Citra"))}


@pytest.fixture
def fixture_class(school):
    """Class 7A with six students of known choices, plus the school's own siswa.a."""
    class_a = school["class_a"]
    students = {name: factories.make_user(Role.STUDENT, f"s.{name.lower()}", f"{name} Santoso",
                                          school_class=class_a) for name in NAMES}
    sociometry = services.create(school["counselor"], class_a,
                                 "Pilih 2 teman yang paling kamu ajak kerja kelompok", 2)
    db.session.commit()
    # siswa.a is in 7A too and does not answer: chosen by nobody, another isolate.
    for name, chosen in CHOICES.items():
        services.submit(sociometry, students[name], [students[c].id for c in chosen])
    db.session.commit()
    return {**school, "students": students, "sociometry": sociometry}


def names_by_id(world):
    found = {s.id: name for name, s in world["students"].items()}
    found[world["student_a"].id] = "Siswa A"
    return found


def sociogram(html):
    """The page's inline SVG, parsed as XML."""
    match = re.search(r"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"sm-sociogram\".*?</svg>",
                      html, re.S)
    assert match, "the page has no sociogram"
    return ET.fromstring(match.group(0))


def index_table(html):
    """{student id: [cell texts]} of the index table."""
    rows = {}
    for student_id, row in re.findall(r'<tr data-student="(\d+)"[^>]*>(.*?)</tr>', html, re.S):
        rows[int(student_id)] = [re.sub(r"<[^>]+>", "", cell).strip()
                                 for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
    return rows


def test_analysis_finds_mutual_pairs_stars_isolates_and_cliques():
    people = [(n, name) for n, name in enumerate(NAMES, 1)]
    ids = {name: n for n, name in people}
    reading = services.analyse(
        people, [(ids[a], ids[b]) for a, chosen in CHOICES.items() for b in chosen])
    name = {n: nm for n, nm in people}
    assert {frozenset((name[a], name[b])) for a, b in reading.mutual_pairs} == MUTUAL
    assert [m.name for m in reading.stars] == ["Adi"]
    assert [m.name for m in reading.isolates] == ["Fitri"]
    assert [[name[i] for i in c] for c in reading.cliques] == [["Adi", "Budi", "Citra"]]
    assert reading.star_threshold == 4
    adi = reading.member(ids["Adi"])
    assert (adi.received, adi.given, adi.mutual, adi.index) == (4, 2, 2, 0.8)


def test_analysis_names_no_star_when_everyone_is_chosen_alike():
    reading = services.analyse([(1, "A"), (2, "B"), (3, "C")], [(1, 2), (2, 3), (3, 1)])
    assert reading.stars == [] and reading.isolates == [] and reading.star_threshold is None


def test_layout_is_the_same_for_the_same_answers():
    people = [(n, name) for n, name in enumerate(NAMES, 1)]
    choices = [(1, 2), (2, 1), (3, 1), (4, 5), (6, 4)]
    first = services.place(services.analyse(people, choices))
    second = services.place(services.analyse(people, choices))
    assert [(m.x, m.y) for m in first.members] == [(m.x, m.y) for m in second.members]
    assert all(0 < m.x < services.WIDTH and 0 < m.y < services.HEIGHT for m in first.members)


def test_counselor_sees_the_sociogram_with_mutual_pairs_stars_and_isolates(database, client,
                                                                           auth, fixture_class):
    world = fixture_class
    auth.login("guru.a")
    response = client.get(f"/bk/sosiometri/{world['sociometry'].id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    name = names_by_id(world)

    svg = sociogram(html)
    assert svg.get("role") == "img" and svg.find(f"{SVG}title").text.startswith("Sosiogram")
    nodes = {int(g.get("data-student")): g.get("class").split()
             for g in svg.iter(f"{SVG}g") if g.get("data-student")}
    assert set(nodes) == set(name)
    assert {name[i] for i, classes in nodes.items() if "sm-star" in classes} == {"Adi"}
    assert ({name[i] for i, classes in nodes.items() if "sm-isolate" in classes}
            == {"Fitri", "Siswa A"})
    lines = [line for line in svg.iter(f"{SVG}line")]
    mutual = {frozenset((name[int(line.get("data-from"))], name[int(line.get("data-to"))]))
              for line in lines if "sm-mutual" in line.get("class")}
    assert mutual == MUTUAL
    one_way = {(name[int(line.get("data-from"))], name[int(line.get("data-to"))])
               for line in lines if "sm-choice" in line.get("class")}
    assert one_way == {("Dewi", "Adi"), ("Dewi", "Budi"), ("Eko", "Adi"), ("Eko", "Dewi"),
                       ("Fitri", "Dewi"), ("Fitri", "Eko")}
    [clique] = [p for p in svg.iter(f"{SVG}polygon")]
    assert {name[int(i)] for i in clique.get("data-members").split()} == {"Adi", "Budi", "Citra"}
    # Each node carries the student's initials.
    initials = {int(g.get("data-student")): g.find(f"{SVG}text").text
                for g in svg.iter(f"{SVG}g") if g.get("data-student")}
    assert initials[world["students"]["Adi"].id] == "AS"

    # The table, the picture's text alternative, says the same.
    table = index_table(html)
    assert set(table) == set(name)
    adi, fitri = (table[world["students"][n].id] for n in ("Adi", "Fitri"))
    assert adi[1] == "Adi Santoso" and adi[3:6] == ["4", "2", "2"] and "Bintang" in adi[7]
    assert "Klik 1" in adi[7]
    assert fitri[3] == "0" and "Terisolir" in fitri[7]
    assert "Bintang" not in " ".join(" ".join(row) for i, row in table.items()
                                     if name[i] != "Adi")


def test_every_counselor_reading_is_audited(client, auth, fixture_class):
    sid = fixture_class["sociometry"].id
    auth.login("guru.b")
    assert client.get(f"/bk/sosiometri/{sid}").status_code == 200
    response = client.get(f"/bk/sosiometri/{sid}/sosiometri.xlsx")
    assert response.status_code == 200
    entries = db.session.execute(
        sa.select(AuditEntry.action, AuditEntry.target_id)
        .where(AuditEntry.target_type == "sociometry",
               AuditEntry.actor_id == fixture_class["counselor_b"].id)).all()
    assert sorted(entries) == [("export", str(sid)), ("read", str(sid))]


def test_export_holds_the_index_and_the_sociomatrix(client, auth, fixture_class):
    from openpyxl import load_workbook

    auth.login("guru.a")
    response = client.get(f"/bk/sosiometri/{fixture_class['sociometry'].id}/sosiometri.xlsx")
    workbook = load_workbook(io.BytesIO(response.data))
    index, matrix = workbook.worksheets
    rows = {row[1]: row for row in index.iter_rows(min_row=4, values_only=True)}
    assert rows["Adi Santoso"][3] == 4 and "Bintang" in rows["Adi Santoso"][7]
    assert rows["Fitri Santoso"][3] == 0 and "Terisolir" in rows["Fitri Santoso"][7]
    grid = list(matrix.iter_rows(min_row=3, values_only=True))
    numbers = grid[0][2:]
    adi = next(row for row in grid if row[1] == "Adi Santoso")
    budi_number = next(row[0] for row in grid if row[1] == "Budi Santoso")
    assert adi[2 + numbers.index(budi_number)] == 1


def test_student_picks_only_classmates_and_answers_once(database, client, auth, school):
    class_a = school["class_a"]
    mates = [factories.make_user(Role.STUDENT, f"teman.{n}", f"Teman {n}", school_class=class_a)
             for n in range(3)]
    sociometry = services.create(school["counselor"], class_a,
                                 "Pilih 3 teman yang paling kamu ajak kerja kelompok", 3)
    db.session.commit()
    url = f"/sosiometri/{sociometry.id}"
    auth.login("siswa.a")
    page = client.get(url).get_data(as_text=True)
    assert all(m.full_name in page for m in mates)
    assert "Siswa B" not in page  # another class
    assert 'value="%d"' % school["student_a"].id not in page  # never oneself

    def send(ids):
        return client.post(url, data={"chosen": [str(i) for i in ids]})

    # Another class's student, oneself, a number that is no one, or not a number at all.
    for ids in ([mates[0].id, mates[1].id, school["student_b"].id],
                [mates[0].id, mates[1].id, school["student_a"].id],
                [mates[0].id, mates[1].id, 987654], [mates[0].id, mates[1].id, "x"]):
        response = send(ids)
        assert response.status_code == 400
        assert "Pilih hanya dari daftar teman sekelasmu." in response.get_data(as_text=True)
    response = send([mates[0].id])
    assert response.status_code == 400
    assert "Pilih tepat 3 teman." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(SociometryAnswer.id))) == 0

    assert send([m.id for m in mates]).status_code == 303
    assert "Jawabanmu sudah terkirim" in client.get("/siswa").get_data(as_text=True)
    again = send([mates[0].id, mates[1].id, mates[2].id])
    assert "Jawaban hanya bisa dikirim sekali" in again.get_data(as_text=True)
    answers = db.session.scalars(sa.select(SociometryAnswer)).all()
    assert len(answers) == 1 and len(answers[0].choices) == 3


def test_rejection_question_is_optional_and_apart_from_the_choices(client, auth, school):
    class_a = school["class_a"]
    mates = [factories.make_user(Role.STUDENT, f"teman.{n}", f"Teman {n}", school_class=class_a)
             for n in range(2)]
    sociometry = services.create(school["counselor"], class_a, "Pilih 1 teman", 1,
                                 "Pilih teman yang tidak ingin kamu ajak")
    db.session.commit()
    auth.login("siswa.a")
    url = f"/sosiometri/{sociometry.id}"
    response = client.post(url, data={"chosen": [str(mates[0].id)],
                                      "rejected": [str(mates[0].id)]})
    assert response.status_code == 400
    assert "tidak bisa dipilih di sini" in response.get_data(as_text=True)
    assert client.post(url, data={"chosen": [str(mates[0].id)]}).status_code == 303


def test_a_student_of_another_class_or_a_closed_sociometry_gets_no_form(client, auth, school):
    sociometry = services.create(school["counselor"], school["class_a"], "Pilih 3 teman", 3)
    db.session.commit()
    auth.login("siswa.b")
    assert client.get(f"/sosiometri/{sociometry.id}").status_code == 404
    assert "Pilih teman sekelas" not in client.get("/siswa").get_data(as_text=True)
    auth.logout()
    auth.login("siswa.a")
    assert "Pilih teman sekelas" in client.get("/siswa").get_data(as_text=True)
    sociometry.is_open = False
    db.session.commit()
    assert "Pilih teman sekelas" not in client.get("/siswa").get_data(as_text=True)
    page = client.get(f"/sosiometri/{sociometry.id}").get_data(as_text=True)
    assert "sudah ditutup" in page and 'name="chosen"' not in page


def test_homeroom_teacher_cannot_read_choices(client, auth, fixture_class):
    world = fixture_class
    sid = world["sociometry"].id
    auth.login("wali.a")
    for url in (f"/bk/sosiometri/{sid}", f"/bk/sosiometri/{sid}/sosiometri.xlsx",
                "/bk/sosiometri"):
        assert client.get(url).status_code == 403
    home = client.get("/wali").get_data(as_text=True)
    assert "Ringkasan sosiometri" not in home
    assert not may_open(world["homeroom_a"], world["sociometry"], Part.CHOICES)


def test_homeroom_teacher_reads_only_the_summary_the_counselor_shares(client, auth,
                                                                      fixture_class):
    sid = fixture_class["sociometry"].id
    summary = "Kelas ini kompak; satu siswa perlu dilibatkan dalam kelompok."
    auth.login("guru.a")
    client.post(f"/bk/sosiometri/{sid}/ringkasan", data={"summary": summary})
    auth.logout()
    auth.login("wali.a")
    assert summary not in client.get("/wali").get_data(as_text=True)  # saved, not shared
    auth.logout()
    auth.login("guru.a")
    assert client.post(f"/bk/sosiometri/{sid}/ringkasan",
                       data={"summary": summary, "share": "y"}).status_code == 303
    auth.logout()
    auth.login("wali.a")
    home = client.get("/wali").get_data(as_text=True)
    assert summary in home
    # Never who chose whom: no classmate's name shows apart from the class list itself.
    assert "sm-sociogram" not in home and "Dipilih" not in home
    auth.logout()
    auth.login("wali.b")
    assert summary not in client.get("/wali").get_data(as_text=True)


def test_counselor_creates_a_sociometry_with_the_defaults(client, auth, school):
    auth.login("guru.a")
    page = client.get("/bk/sosiometri/baru").get_data(as_text=True)
    assert "Pilih 3 teman yang paling kamu ajak kerja kelompok" in page
    assert 'name="ask_negative"' in page and "checked" not in page.split('name="ask_negative"')[1][:40]
    response = client.post("/bk/sosiometri/baru", data={
        "kelas": str(school["class_a"].id), "question": "Pilih 3 teman", "choice_count": "3",
        "ask_negative": "y", "negative_question": ""})
    assert response.status_code == 400
    assert "Tulis pertanyaan penolakannya" in response.get_data(as_text=True)
    response = client.post("/bk/sosiometri/baru", data={
        "kelas": "99999", "question": "Pilih 3 teman", "choice_count": "9"})
    assert response.status_code == 400
    assert "Pilihan ini tidak ada di daftar." in response.get_data(as_text=True)
    response = client.post("/bk/sosiometri/baru", data={
        "kelas": str(school["class_a"].id), "question": "Pilih 3 teman", "choice_count": "3"})
    assert response.status_code == 303
    sid = int(response.headers["Location"].rsplit("/", 1)[1])
    assert "Belum ada jawaban" in client.get(f"/bk/sosiometri/{sid}").get_data(as_text=True)
    assert client.post(f"/bk/sosiometri/{sid}/status").status_code == 303
    assert "Buka lagi" in client.get(f"/bk/sosiometri/{sid}").get_data(as_text=True)


def test_answers_are_in_the_student_data_export_and_erased_with_it(database, fixture_class):
    adi = fixture_class["students"]["Adi"]
    data, _added = student_data.export_zip(adi, fixture_class["counselor"])
    archive = zipfile.ZipFile(io.BytesIO(data))
    answers = archive.read("angket.csv").decode("utf-8-sig")
    assert "Sosiometri kelas 7A" in answers and "Budi Santoso; Citra Santoso" in answers
    student_data.erase(adi)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(SociometryAnswer.id))
                             .where(SociometryAnswer.student_id == adi.id)) == 0
    # The class's reading goes on without the erased student's choices.
    reading = services.read(fixture_class["sociometry"])
    assert reading.member(adi.id).given == 0
