"""Risk terms are found the way SMP students write them, and ordinary worries are left alone."""

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from cyberbk.problembox import risk

URGENT = [
    ("aku pengen mati", "ingin mati"),
    ("aku pengeeen matiii ajaaa", "ingin mati"),
    ("PENGENMATI", "ingin mati"),
    ("pgn m4ti rasanya", "ingin mati"),
    ("pengen banget mati", "ingin mati"),
    ("mending mati aja deh", "mending mati"),
    ("kepikiran bundir terus", "bundir"),
    ("akubundiraja", "bundir"),
    ("mau bunuh diri", "bunuh diri"),
    ("bunuhdiri", "bunuh diri"),
    ("gak kuat lagi", "tidak kuat lagi"),
    ("gk kuat lg", "tidak kuat lagi"),
    ("nggak kuaaat lagiii", "tidak kuat lagi"),
    ("akunggakkuatlagi", "tidak kuat lagi"),
    ("udah gakuat", "sudah tidak kuat"),
    ("rasanya tdk sanggup lagi", "tidak kuat lagi"),
    ("capek bgt sama hidup", "capek hidup"),
    ("hidupku gak ada artinya", "hidup tidak ada artinya"),
    ("ga mau hidup lagi", "tidak ingin hidup"),
    ("aku nyilet tangan", "sayat tangan"),
    ("suka self-harm", "self harm"),
    ("aku sering ditampar ayah", "dipukul"),
    ("dipukulin kakak kelas", "dipukul"),
    ("aku dibuli terus", "dibully"),
    ("aku di-bully di grup", "bully"),
    ("aku dirundung", "dibully"),
    ("temanku bawa sajam ke sekolah", "bawa sajam"),
    ("om itu dilecehin aku", "dilecehkan"),
    ("Pengen Mati Saja.", "mati saja"),
    ("pengén matí", "ingin mati"),
]

ORDINARY = [
    "aku ingin jadi orang yang kuat lagi",
    "matikan lampunya ya",
    "nilai matematika jelek",
    "aku mau pulang",
    "pr nya banyak bgt",
    "mau pulang tapi mati lampu",
    "kelas 7 seru",
    "aku bingung pilih SMK atau SMA",
    "teman sebangku pindah sekolah",
]


@pytest.mark.parametrize("text,term", URGENT)
def test_slang_spellings_and_glued_words_are_found(text, term):
    assert term in risk.find_terms(text, risk.DEFAULT_RISK_TERMS)


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_worries_are_not_flagged(text):
    assert risk.find_terms(text, risk.DEFAULT_RISK_TERMS) == []


def test_a_counselors_term_in_plain_indonesian_matches_its_slang():
    assert risk.find_terms("gw pgn ilang aja dr dunia", ["ingin ilang"]) == ["ingin ilang"]


def test_terms_are_reported_once_in_list_order():
    found = risk.find_terms("pengen mati, pengen mati aja", ["mati saja", "ingin mati"])
    assert found == ["mati saja", "ingin mati"]


@pytest.mark.parametrize("term", ["", "!!", "?? -- 2"])
def test_term_without_letters_matches_nothing(term):
    assert risk.compile_term(term) is None
    assert risk.find_terms("apa saja !! 2", [term]) == []


def test_normalise_undoes_case_accents_leetspeak_and_fillers():
    assert risk.normalise("Aku   PENGEN bgt m4ti!!! Ñ") == "aku pengen mati n"


@pytest.mark.parametrize("text", ["aku mau matikan lampu", "hp ku pengen matiin dulu",
                                  "yg kuat lagi ya", "mengikis batu"])
def test_a_term_ends_where_a_word_ends(text):
    assert risk.find_terms(text, risk.DEFAULT_RISK_TERMS) == []


WORDS = sorted({spelling for row in risk.SYNONYMS for spelling in row} | {"aku", "hari", "ini"})


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(["", " ", "  ", "!", "a"]),
                          st.integers(1, 3)), max_size=12))
def test_the_spelling_check_never_hides_a_term_the_expressions_find(parts):
    text = "".join(word[:-1] + word[-1] * repeat + gap for word, gap, repeat in parts)
    terms = risk.DEFAULT_RISK_TERMS
    every = [term for term in terms if risk.compile_term(term).search(risk.normalise(text))]
    assert risk.find_terms(text, terms) == every
