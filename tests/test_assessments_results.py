"""Results: per item and per area on small data sets computed by hand, pre/post changes,
completion, charts and the Excel/CSV export."""

import csv
import io
from datetime import datetime

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from cyberbk.accounts.models import Gender
from cyberbk.accounts.models import Role
from cyberbk.assessments.results import areas as result_areas
from cyberbk.assessments.results import counts as result_counts
from cyberbk.assessments.results import overview
from cyberbk.assessments.results import prepost
from cyberbk.assessments.results import reports
from cyberbk.assessments.results.counts import Filters
from cyberbk.audit.models import AuditEntry
from cyberbk.common.cells import safe_cell
from cyberbk.extensions import db
from tests import factories
from tests import test_assessments as helpers

#: Two checklist areas: A with three problems, B with two.
CHECKLIST = {
    "title": "Cek kecil",
    "sections": [
        {"code": "A", "title": "Bidang A", "items": [
            {"type": "multiple", "text": "A?", "options": ["a1", "a2", "a3"]}]},
        {"code": "B", "title": "Bidang B", "items": [
            {"type": "multiple", "text": "B?", "options": ["b1", "b2"]}]},
        {"code": None, "title": "Akhir", "items": [
            {"type": "heaviest", "text": "Berat?"},
            {"type": "long_text", "text": "Lainnya?"}]},
    ],
}


@pytest.fixture
def checklist_data(school):
    """Four respondents (two per class) and one unsent draft that ticks everything.

    by hand:          A (3 options)        B (2 options)
      r1 7A  L        a1 a2                -
      r2 7A  P        a1                   b2
      r3 7B  L        -                    -
      r4 7B  P        a1 a2 a3             b1 b2
    """
    instrument = helpers.make_instrument(CHECKLIST)
    administration = helpers.give(instrument, [school["class_a"], school["class_b"]])
    a, b, heaviest, text = instrument.items
    class_a, class_b = school["class_a"], school["class_b"]
    rows = [
        (class_a, "L", [(a, 0), (a, 1), (heaviest, 1, a)]),
        (class_a, "P", [(a, 0), (b, 1), (text, "=SUM(A1)")]),
        (class_b, "L", []),
        (class_b, "P", [(a, 0), (a, 1), (a, 2), (b, 0), (b, 1), (heaviest, 1, a)]),
    ]
    for school_class, gender, answers in rows:
        helpers.add_response(administration, None, answers, school_class=school_class,
                             gender=gender)
    helpers.add_response(administration, None, [(a, 0), (a, 1), (a, 2), (b, 0), (b, 1)],
                         school_class=class_a, gender="L", submitted=False)
    return administration


def test_per_area_shares_averages_and_percentages_match_hand_computation(checklist_data):
    areas = {row.code: row for row in result_areas.areas_in_order(checklist_data)}
    a, b = areas["A"], areas["B"]
    assert (a.respondents, a.with_any, a.ticks, a.options) == (4, 3, 6, 3)
    assert a.share == pytest.approx(75.0)
    assert a.average == pytest.approx(1.5)
    assert a.percent == pytest.approx(50.0)
    assert (b.with_any, b.ticks, b.options) == (2, 3, 2)
    assert b.share == pytest.approx(50.0)
    assert b.average == pytest.approx(0.75)
    assert b.percent == pytest.approx(37.5)


def test_per_area_by_class_and_gender_match_hand_computation(checklist_data, school):
    by_class = result_areas.area_summary(checklist_data, by="class")
    class_a, class_b = school["class_a"].id, school["class_b"].id
    assert by_class[("A", class_a)].share == pytest.approx(100.0)
    assert by_class[("A", class_b)].share == pytest.approx(50.0)
    assert by_class[("A", class_a)].percent == pytest.approx(50.0)
    assert by_class[("B", class_a)].percent == pytest.approx(25.0)
    assert by_class[("B", class_b)].percent == pytest.approx(50.0)
    by_gender = result_areas.area_summary(checklist_data, by="gender")
    assert by_gender[("A", "L")].average == pytest.approx(1.0)
    assert by_gender[("A", "P")].average == pytest.approx(2.0)
    assert by_gender[("B", "L")].with_any == 0
    only_girls = result_areas.areas_in_order(checklist_data, Filters(gender="P"))
    assert [row.share for row in only_girls] == [pytest.approx(100.0), pytest.approx(100.0)]


def test_top_problems_and_heaviest_are_counted(checklist_data):
    instrument = checklist_data.instrument
    a = instrument.items[0]
    assert result_areas.top_problems(checklist_data)[:2] == [(a.id, 0, 3), (a.id, 1, 2)]
    assert result_areas.top_heaviest(checklist_data) == [(a.id, 1, 2)]
    report = reports.build_report(checklist_data)
    assert report["respondents"] == 4
    assert [(bar.label, bar.count, bar.note) for bar in report["heaviest"]] == [("a2", 2, "A")]
    first_bars = report["sections"][0]["items"][0]["bars"]
    assert [(bar.label, bar.count, round(bar.percent)) for bar in first_bars] == [
        ("a1", 3, 75), ("a2", 2, 50), ("a3", 1, 25)]


def test_choice_distribution_and_likert_mean(school):
    instrument = helpers.make_instrument()
    administration = helpers.give(instrument, [school["class_a"]])
    likert, yesno = instrument.sections[0].items
    for score, yes in ((0, 0), (2, 0), (3, 1), (3, None)):
        answers = [(likert, score)] + ([(yesno, yes)] if yes is not None else [])
        helpers.add_response(administration, None, answers, school_class=school["class_a"])
    means = result_counts.item_means(administration)
    assert means[(likert.id, None)] == pytest.approx((1 + 3 + 4 + 4) / 4)
    assert means[(yesno.id, None)] == pytest.approx(200 / 3)
    assert result_counts.choice_counts(administration)[likert.id] == {0: 1, 2: 1, 3: 2}
    areas = {row.code: row for row in result_areas.areas_in_order(administration)}
    assert areas["PBK"].likert_mean == pytest.approx(3.0)
    assert areas["PBK"].yes_share == pytest.approx(200 / 3)
    yes_bars = reports.build_report(administration)["sections"][0]["items"][1]["bars"]
    assert [(bar.count, round(bar.percent)) for bar in yes_bars] == [(2, 67), (1, 33)]


def test_pre_post_comparison_gives_the_changes(school):
    instrument = helpers.make_instrument()
    before = helpers.give(instrument, [school["class_a"]], slug="awal")
    after = helpers.give(instrument, [school["class_a"]], slug="akhir")
    likert, yesno = instrument.sections[0].items
    (checklist,) = instrument.sections[1].items
    single = instrument.sections[2].items[1]
    for score, yes in ((0, 1), (1, 1)):
        helpers.add_response(before, None, [(likert, score), (yesno, yes), (checklist, 0),
                                            (single, 1)], school_class=school["class_a"])
    for score, yes in ((2, 0), (3, 0), (3, 1), (2, 0)):
        helpers.add_response(after, None, [(likert, score), (yesno, yes), (single, 0)],
                             school_class=school["class_a"])
    assert prepost.comparable(before, after)
    comparison = prepost.compare(before, after)
    assert comparison["respondents"] == [2, 4]
    changes = {change.label: change for change in comparison["items"]}
    mean = changes[likert.text]
    assert (mean.before, mean.after) == (pytest.approx(1.5), pytest.approx(3.5))
    assert mean.delta == pytest.approx(2.0)
    yes = changes[f"{yesno.text} (persentase Ya)"]
    assert (yes.before, yes.after, yes.delta) == (0.0, 75.0, 75.0)
    ticked = [c for c in comparison["items"] if c.group == checklist.text]
    assert [(c.label, c.before, c.after, c.delta) for c in ticked][0] == ("Malas", 100.0, 0.0,
                                                                          -100.0)
    areas = {(c.label, c.group): c for c in comparison["areas"]}
    assert areas[("PBK · Pemahaman", "mean")].delta == pytest.approx(2.0)
    share = areas[("PDP · Belajar", "share")]
    assert (share.before, share.after, share.delta) == (100.0, 0.0, -100.0)


def test_comparing_different_instruments_is_refused(client, auth, school):
    first = helpers.give(helpers.make_instrument(), slug="satu")
    second = helpers.give(helpers.make_instrument(CHECKLIST), slug="dua")
    assert not prepost.comparable(first, second)
    auth.login("guru.a")
    response = client.get(f"/bk/asesmen/bandingkan?sebelum={first.id}&sesudah={second.id}")
    assert response.status_code == 400
    assert "dari angket yang sama" in response.get_data(as_text=True)


def test_compare_page_shows_the_latest_pair_by_default(client, auth, school):
    instrument = helpers.make_instrument()
    helpers.give(instrument, slug="awal")
    helpers.give(instrument, slug="akhir")
    auth.login("guru.a")
    page = client.get("/bk/asesmen/bandingkan").get_data(as_text=True)
    assert "Per butir" in page and "Saya tahu ruang BK." in page


def test_completion_names_the_students_who_have_not_answered(school):
    administration = helpers.give(helpers.make_instrument(),
                                  [school["class_a"], school["class_b"]])
    extra = factories.make_user(Role.STUDENT, "siswa.c", "Citra", school_class=school["class_a"])
    helpers.add_response(administration, school["student_a"], [])
    rows = {row.school_class.name: row for row in result_counts.completion(administration)}
    assert (rows["7A"].students, rows["7A"].answered, rows["7A"].missing) == (2, 1, ["Citra"])
    assert (rows["7B"].answered, rows["7B"].missing) == (0, ["Siswa B"])
    assert rows["7A"].percent == pytest.approx(50.0)
    assert extra.id


def test_xlsx_export_opens_with_openpyxl_and_holds_the_expected_cells(client, auth, school):
    instrument = helpers.make_instrument()
    administration = helpers.give(instrument, [school["class_a"]])
    likert, yesno = instrument.sections[0].items
    (checklist,) = instrument.sections[1].items
    heaviest, single, text = instrument.sections[2].items
    school["student_a"].student_profile.gender = Gender.FEMALE
    helpers.add_response(administration, school["student_a"], [
        (likert, 2), (yesno, 0), (checklist, 0), (checklist, 2), (heaviest, 2, checklist),
        (single, 1), (text, "-capek")])
    auth.login("guru.a")
    response = client.get(f"/bk/asesmen/{administration.id}/ekspor.xlsx")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == ("No", "Kelas", "Jenis kelamin", "Nama", "NIS", "Dikirim")
    assert rows[0][6] == "1.1 Saya tahu ruang BK."
    assert rows[1][:5] == (1, "7A", "Perempuan", "Siswa A", "1001")
    # The checklist has a column per option (Malas, Sulit fokus, Nilai turun).
    assert rows[1][6:] == (3, "Ya", 1, None, 1, "Nilai turun", "Teman", "'-capek")
    audit = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "export"))
    assert audit.target_type == "assessment" and audit.target_id == str(administration.id)


def test_xlsx_has_widths_dates_and_a_column_per_checklist_option(client, auth, school):
    instrument = helpers.make_instrument()
    administration = helpers.give(instrument, [school["class_a"]])
    likert, yesno = instrument.sections[0].items
    (checklist,) = instrument.sections[1].items
    helpers.add_response(administration, school["student_a"],
                         [(likert, 3), (checklist, 0), (checklist, 2)])
    helpers.add_response(administration, school["student_b"], [(likert, 1), (checklist, 2)],
                         school_class=school["class_a"])
    auth.login("guru.a")
    book = load_workbook(io.BytesIO(
        client.get(f"/bk/asesmen/{administration.id}/ekspor.xlsx").data))
    answers, summary = book.worksheets
    # XlsxWriter stores a width in characters with Excel's padding (30 -> 30.71).
    assert round(answers.column_dimensions["D"].width) == 31  # Nama
    assert round(answers.column_dimensions["I"].width) == 13  # a checklist option
    assert isinstance(answers["F2"].value, datetime) and "yy" in answers["F2"].number_format
    header = [cell.value for cell in answers[1]]
    assert header[8:11] == ["2.1.1 Malas", "2.1.2 Sulit fokus", "2.1.3 Nilai turun"]
    by_name = {row[3]: row[8:11] for row in answers.iter_rows(min_row=2, values_only=True)}
    assert by_name == {"Siswa A": (1, None, 1), "Siswa B": (None, None, 1)}

    assert summary.title == "Ringkasan" and round(summary.column_dimensions["B"].width) == 51
    rows = list(summary.iter_rows(values_only=True))
    assert rows[0][0] == administration.title and rows[1][:2] == ("Responden", 2)
    counted = {(row[0], row[2]): (row[3], row[4]) for row in rows[4:]}
    assert counted[("1.1", "4 = Sangat setuju")] == (1, 0.5)
    assert counted[("2.1", "Nilai turun")] == (2, 1.0)
    assert counted[("2.1", "Sulit fokus")] == (0, 0.0)
    # Choices and checklists only: a "heaviest" pick and a written answer have no options.
    assert {item for item, _option in counted} == {"1.1", "1.2", "2.1", "3.2"}


def test_anonymous_xlsx_keeps_times_out_and_still_sums_up(client, auth, checklist_data):
    checklist_data.anonymous = True
    db.session.commit()
    auth.login("guru.a")
    book = load_workbook(io.BytesIO(
        client.get(f"/bk/asesmen/{checklist_data.id}/ekspor.xlsx").data))
    answers, summary = book.worksheets
    header = [cell.value for cell in answers[1]]
    assert header[:4] == ["No", "1.1.1 a1", "1.1.2 a2", "1.1.3 a3"]
    assert not {"Kelas", "Jenis kelamin", "Nama", "Dikirim"} & set(header)
    assert not [cell for row in answers.iter_rows() for cell in row
                if isinstance(cell.value, datetime)]
    assert list(summary.iter_rows(values_only=True))[1][:2] == ("Responden", 4)


def test_xlsx_cells_hold_numbers_as_numbers_and_text_as_text_never_formulas_or_links(
        client, auth, school):
    instrument = helpers.make_instrument()
    administration = helpers.give(instrument, [school["class_a"]])
    likert = instrument.sections[0].items[0]
    text = instrument.sections[2].items[2]
    helpers.add_response(administration, school["student_a"], [(likert, 2), (text, "=1+1")])
    helpers.add_response(administration, school["student_b"], [(likert, 0),
                                                                (text, "https://contoh.id")],
                         school_class=school["class_a"])
    auth.login("guru.a")
    sheet = load_workbook(io.BytesIO(
        client.get(f"/bk/asesmen/{administration.id}/ekspor.xlsx").data)).active
    assert (sheet["A1"].value, sheet["A1"].data_type) == ("No", "s")
    assert (sheet["G2"].value, sheet["G2"].data_type) == (3, "n")
    assert (sheet["A3"].value, sheet["A3"].data_type) == (2, "n")
    assert (sheet["E2"].value, sheet["E2"].data_type) == ("1001", "s")
    assert (sheet["N2"].value, sheet["N2"].data_type) == ("'=1+1", "s")
    assert (sheet["N3"].value, sheet["N3"].data_type) == ("https://contoh.id", "s")
    assert sheet["N3"].hyperlink is None
    assert not [cell for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]


def test_csv_export_of_an_anonymous_administration_has_no_names(client, auth, checklist_data):
    checklist_data.anonymous = True
    db.session.commit()
    auth.login("guru.a")
    response = client.get(f"/bk/asesmen/{checklist_data.id}/ekspor.csv")
    assert response.status_code == 200
    text = response.data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    # Two respondents a class: too few for class and gender columns, and no times.
    assert rows[0][:2] == ["No", "1.1.1 a1"]
    assert "Nama" not in rows[0] and "Dikirim" not in rows[0] and len(rows) == 5
    assert "'=SUM(A1)" in text and "\n=SUM" not in text


def test_export_cells_never_start_a_formula():
    assert safe_cell("=1+1") == "'=1+1"
    assert safe_cell("@x") == "'@x"
    assert safe_cell("Ya") == "Ya"
    assert safe_cell(3) == 3


def test_results_page_draws_svg_bars_without_style_attributes(client, auth, checklist_data):
    auth.login("guru.a")
    response = client.get(f"/bk/asesmen/{checklist_data.id}/hasil")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<svg class="as-bar"' in page and 'class="as-bar-fill" x="0" y="0" width="75.0"' in page
    assert "style=" not in page
    assert "Per kelas" in page and "Per jenis kelamin" in page
    assert "=SUM(A1)" in page  # written answers for the counselor, escaped as text
    audit = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "read"))
    assert audit.target_type == "assessment_results"


def test_results_can_be_filtered_by_class_and_gender(client, auth, checklist_data, school):
    auth.login("guru.a")
    page = client.get(f"/bk/asesmen/{checklist_data.id}/hasil?kelas={school['class_b'].id}&jk=P")
    assert "1 siswa mengirim jawaban." in page.get_data(as_text=True)
    assert client.get(f"/bk/asesmen/{checklist_data.id}/hasil?kelas=999").status_code == 400


def test_class_profile_ranks_areas_that_stand_out(client, auth, checklist_data, school):
    profiles = reports.class_profile(school["class_b"])
    (profile,) = profiles
    assert profile["respondents"] == 2
    assert [row.code for row, _all in profile["areas"]] == ["A", "B"]
    assert profile["problems"][0].label == "a1"
    auth.login("guru.a")
    page = client.get(f"/bk/asesmen/kelas/{school['class_b'].id}").get_data(as_text=True)
    assert "Profil kelas 7B" in page and "menonjol" in page and "data-print" in page


def test_demo_seed_gives_real_looking_results(app):
    from cyberbk.demo import seed_demo

    seed_demo()
    administrations = {a.slug: (a, count) for a, count in overview.administrations_with_counts()}
    assert set(administrations) >= {"pemahaman-bk-awal", "pemahaman-bk-akhir", "cek-masalah"}
    before = administrations["pemahaman-bk-awal"][0]
    after = administrations["pemahaman-bk-akhir"][0]
    assert before.status == "closed" and after.status == "open"
    assert all(count > 0 for _a, count in administrations.values())
    comparison = prepost.compare(before, after)
    assert all(change.delta > 0 for change in comparison["areas"])
    assert any(row.missing for row in result_counts.completion(after))


def test_item_means_per_class_and_gender_match_hand_computation(school):
    """by hand:  7A L  Likert 4, Ya    7A P  Likert 2, Tidak    7B L  Likert 1, Ya
    Likert means: 7A (4+2)/2 = 3.0, 7B 1.0, L (4+1)/2 = 2.5, P 2.0, all 7/3.
    Ya: 7A 50 %, 7B 100 %, L 100 %, P 0 %."""
    instrument = helpers.make_instrument()
    administration = helpers.give(instrument, [school["class_a"], school["class_b"]])
    likert, yesno = instrument.sections[0].items
    class_a, class_b = school["class_a"], school["class_b"]
    for school_class, gender, score, yes in ((class_a, "L", 3, 0), (class_a, "P", 1, 1),
                                             (class_b, "L", 0, 0)):
        helpers.add_response(administration, None, [(likert, score), (yesno, yes)],
                             school_class=school_class, gender=gender)
    helpers.add_response(administration, None, [(likert, 3), (yesno, 0)],
                         school_class=class_b, gender="P", submitted=False)
    by_class = result_counts.item_means(administration, by="class")
    assert by_class[(likert.id, class_a.id)] == pytest.approx(3.0)
    assert by_class[(likert.id, class_b.id)] == pytest.approx(1.0)
    assert by_class[(yesno.id, class_a.id)] == pytest.approx(50.0)
    assert by_class[(yesno.id, class_b.id)] == pytest.approx(100.0)
    by_gender = result_counts.item_means(administration, by="gender")
    assert by_gender[(likert.id, "L")] == pytest.approx(2.5)
    assert by_gender[(likert.id, "P")] == pytest.approx(2.0)
    assert by_gender[(yesno.id, "P")] == pytest.approx(0.0)
    assert result_counts.item_means(administration)[(likert.id, None)] == pytest.approx(7 / 3)
    areas = result_areas.area_summary(administration, by="class")
    assert areas[("PBK", class_a.id)].likert_mean == pytest.approx(3.0)
    assert areas[("PBK", class_b.id)].yes_share == pytest.approx(100.0)
    table = reports.breakdown(administration, "class")
    assert [(label, count) for _key, label, count in table["groups"]] == [("7A", 2), ("7B", 1)]
    values, cells = {item: (values, cells) for item, values, cells in table["items"]}[likert]
    assert values == [pytest.approx(3.0), pytest.approx(1.0)]
    assert cells == ["3,0", "1,0"]


def test_results_page_shows_the_per_class_means(client, auth, school):
    instrument = helpers.make_instrument()
    administration = helpers.give(instrument, [school["class_a"]])
    likert, _yesno = instrument.sections[0].items
    for score in (3, 2):
        helpers.add_response(administration, None, [(likert, score)],
                             school_class=school["class_a"])
    auth.login("guru.a")
    page = client.get(f"/bk/asesmen/{administration.id}/hasil").get_data(as_text=True)
    # Indonesian decimals: (4 + 3) / 2 = 3,5 in the per-class table and 3,50 for the item.
    assert "<td>3,5</td>" in page and "rata-rata 3,50 dari 4" in page


def test_xlsx_export_has_a_bold_frozen_header_and_drops_characters_xml_cannot_hold(
        client, auth, school):
    instrument = helpers.make_instrument()
    administration = helpers.give(instrument, [school["class_a"]])
    likert, yesno = instrument.sections[0].items
    (checklist,) = instrument.sections[1].items
    text = instrument.sections[2].items[2]
    # Ticks stored out of order land in their own options' columns.
    helpers.add_response(administration, school["student_a"], [
        (likert, 0), (checklist, 2), (checklist, 0), (text, "ok\x0bsaja")])
    auth.login("guru.a")
    response = client.get(f"/bk/asesmen/{administration.id}/ekspor.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet.freeze_panes == "B2"
    assert sheet["A1"].font.b and not sheet["A2"].font.b
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][6:] == (1, None, 1, None, 1, None, None, "oksaja")


def test_export_keeps_options_past_the_tenth_and_rows_without_choices_apart(client, auth,
                                                                              school):
    """The answers of a response travel as keys of (item, option): option 10 of one item
    must not read as option 0 of the next."""
    instrument = helpers.make_instrument({"title": "Banyak pilihan", "sections": [
        {"code": "X", "title": "Bidang X", "items": [
            {"type": "multiple", "text": "Centang", "options": [f"m{n}" for n in range(12)]},
            {"type": "single", "text": "Pilih", "options": ["s0", "s1", "s2"]},
            {"type": "short_text", "text": "Tulis", "required": False}]}]})
    administration = helpers.give(instrument, [school["class_a"]])
    checklist, single, text = instrument.items
    helpers.add_response(administration, school["student_a"],
                         [(checklist, 11), (checklist, 0), (checklist, 10), (single, 0)])
    helpers.add_response(administration, school["student_b"], [(text, "hanya tulisan")],
                         school_class=school["class_a"])
    auth.login("guru.a")
    response = client.get(f"/bk/asesmen/{administration.id}/ekspor.csv")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    by_name = {row[3]: row[6:] for row in rows[1:]}
    assert by_name["Siswa A"] == ["1"] + [""] * 9 + ["1", "1", "s0", ""]
    assert by_name["Siswa B"] == [""] * 13 + ["hanya tulisan"]


def test_counts_per_item_and_per_class_and_gender_agree(school):
    """A page with per-group tables counts the scored items per class and gender, another
    per item: the totals are the same, and per-group figures are there when asked for."""
    instrument = helpers.make_instrument()
    administration = helpers.give(instrument, [school["class_a"], school["class_b"]])
    likert, yesno = instrument.sections[0].items
    (checklist,) = instrument.sections[1].items
    for school_class, gender, score, yes, ticks in (
            (school["class_a"], "L", 3, 0, [0, 2]), (school["class_a"], "P", 1, 1, [2]),
            (school["class_b"], "L", 0, 0, [])):
        helpers.add_response(administration, None, [(likert, score), (yesno, yes)] + [
            (checklist, tick) for tick in ticks], school_class=school_class, gender=gender)
    per_item = result_counts.tally(administration)
    per_group = result_counts.tally(administration, groups=True)
    assert per_item.options == per_group.options
    assert per_item.options[likert.id] == {0: 1, 1: 1, 3: 1}
    assert per_item.options[checklist.id] == {0: 1, 2: 2}
    assert per_item.stats() == per_group.stats()
    assert per_item.stats("gender") == per_group.stats("gender")
    assert per_item.stats("gender")[(likert.id, "L")].answers == 2
    assert result_counts.answered_counts(administration, counts=per_item)[checklist.id] == 2


def test_results_of_an_instrument_with_scales_only_or_without_any(client, auth, school):
    scales = helpers.make_instrument({"title": "Skala saja", "sections": [
        {"code": "S", "title": "Skala", "items": [{"type": "likert4", "text": "Senang?"}]}]})
    words = helpers.make_instrument({"title": "Tulisan saja", "sections": [
        {"code": None, "title": "Tulis", "items": [{"type": "long_text", "text": "Cerita?"}]}]})
    auth.login("guru.a")
    for instrument, answer in ((scales, 2), (words, "baik")):
        administration = helpers.give(instrument, [school["class_a"]])
        helpers.add_response(administration, None, [(instrument.items[0], answer)],
                             school_class=school["class_a"], gender="P")
        page = client.get(f"/bk/asesmen/{administration.id}/hasil")
        assert page.status_code == 200
        assert "1 siswa mengirim jawaban." in page.get_data(as_text=True)
    assert result_counts.item_means(administration) == {}
    assert result_counts.answered_counts(administration) == {words.items[0].id: 1}
