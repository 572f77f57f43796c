"""The risk check hears how SMP students write, stays within its budget on the corpus in
tests/data, says why it flagged a story, and is fast enough for POST /kotak."""


import pytest

from cyberbk.extensions import db
from cyberbk.problembox import risk
from cyberbk.problembox import services
from cyberbk.problembox.models import RiskFlag
from scripts import risk_report
from tests import factories

ISSUE_EXAMPLES = [
    ("pengen ngilang aja dari semua orang", "disappear"),
    ("udah pengen nyudahin semuanya", "end_all"),
    ("om aku suka grepe2 aku kalo rumah sepi", "touched"),
    ("anak kelas sebelah ngancem mau nusuk aku", "threat"),
    ("rasanya pengen nyudahin hidup aja", "suicide"),
]


def concepts(text):
    return [flag.concept for flag in risk.check(text)]


@pytest.mark.parametrize("text,concept", ISSUE_EXAMPLES)
def test_the_issues_examples_are_flagged_with_their_concept(text, concept):
    assert concept in concepts(text)


def test_the_corpus_stays_within_the_budget():
    risky, everyday, misses, alarms = risk_report.evaluate()
    assert len(risky) >= 300 and len(everyday) >= 300
    assert 1 - len(misses) / len(risky) >= risk_report.RECALL_BUDGET, misses
    assert len(alarms) / len(everyday) <= risk_report.FALSE_ALARM_BUDGET, alarms


@pytest.mark.parametrize("word,root", [
    ("nyudahin", "sudah+"), ("nusuk", "tusuk"), ("ngegores", "N:gores"), ("nyilet", "silet"),
    ("ngilang", "hilang="), ("ilang", "hilang"), ("dilecehin", "pelecehan"),
    ("ngancem", "ancam"), ("dipukulin", "di:pukul"), ("mukul", "pukul"),
])
def test_colloquial_affixes_reach_the_root(word, root):
    risk.check("")  # the built-in phrases teach the roots
    assert root in risk.readings(word)


@pytest.mark.parametrize("text", [
    "capek banget ngerjain PR", "pengen tidur seharian", "mati lampu", "bunuh nyamuk",
    "aku mati terus di game", "pengen ngilangin bekas jerawat", "scan barcode absen",
    "aku mau matiin hp", "tusuk sate", "masuk pukul 7",
])
def test_hard_negatives_are_left_alone(text):
    assert risk.check(text) == []


def test_reduplication_with_a_2_and_glued_words_are_heard():
    assert "touched" in concepts("paman suka pegang2 dada aku")
    assert "suicide" in concepts("PENGENMATIAJA")


def test_a_flag_names_the_students_words():
    [flag] = [f for f in risk.check("aku suka nyilet tangan") if f.concept == "self_harm"]
    assert {"nyilet", "tangan"} <= set(flag.words)
    assert str(risk.concept_label("self_harm")) == "Melukai diri sendiri"


def test_a_counselors_formal_term_hears_the_slang_form():
    assert risk.find_terms("aku dilecehin di bus", ["dilecehkan"]) == ["dilecehkan"]
    assert risk.find_terms("gw pgn ilang aja dr dunia", ["ingin hilang"]) == ["ingin hilang"]
    assert risk.compile_term("?? -- 2") is None


def test_a_report_keeps_concepts_and_words_only(app, school):
    report, _code = factories.make_report("udah gk kuat, pengen nyudahin hidup aja")
    assert report.is_urgent
    stored = {flag.concept: flag.words for flag in report.risk_flags}
    assert {"nyudahin", "hidup"} <= set(stored["suicide"].split(", "))
    assert "aja" not in stored["suicide"]
    services.add_student_reply(report, "om aku suka grepe2 aku")
    db.session.commit()
    assert {flag.concept for flag in report.risk_flags} >= {"suicide", "touched"}


def test_counselor_sees_why_and_marks_a_flag_wrong(client, auth, school):
    report, _code = factories.make_report("aku mau nyudahin main game dulu")
    flag = report.risk_flags[0]
    auth.login("guru.a")
    page = client.get(f"/bk/kotak/{report.id}").get_data(as_text=True)
    assert "Mengapa ditandai mendesak" in page and "Ingin mengakhiri semuanya" in page
    assert "nyudahin" in page
    response = client.post(f"/bk/kotak/{report.id}/tanda/{flag.id}", data={"salah": "1"})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(RiskFlag, flag.id).marked_wrong
    assert "ditandai keliru" in client.get(f"/bk/kotak/{report.id}").get_data(as_text=True)
    other, _ = factories.make_report("aku pengen mati")
    assert client.post(f"/bk/kotak/{other.id}/tanda/{flag.id}",
                       data={"salah": "1"}).status_code == 404


def test_only_counselors_mark_flags(client, auth, school):
    report, _code = factories.make_report("aku pengen mati")
    auth.login("siswa.a")
    response = client.post(f"/bk/kotak/{report.id}/tanda/{report.risk_flags[0].id}",
                           data={"salah": "1"})
    assert response.status_code == 403
    db.session.expire_all()
    assert not report.risk_flags[0].marked_wrong
