"""Demo administrations with plausible answers, so a new counselor sees real-looking results:
the understanding questionnaire before (closed) and after (open), and the problem checklist."""

import random
from datetime import timedelta

import sqlalchemy as sa

from ..accounts.models import Role
from ..accounts.models import User
from ..common.schooltime import utcnow
from ..extensions import db
from . import services
from .models import Answer
from .models import AudienceScope
from .models import ItemType
from .models import Participation
from .models import Response

#: Chance of each Likert point (1..4) before and after the classroom material.
LIKERT_BEFORE = (0.14, 0.40, 0.36, 0.10)
LIKERT_AFTER = (0.03, 0.15, 0.50, 0.32)
#: Chance that a student ticks one problem of an area; grade 9 worries about what comes next.
TICK_CHANCE = {"JDK": 0.08, "DPI": 0.12, "HSO": 0.08, "EDK": 0.05, "KDP": 0.1, "PDP": 0.17,
               "ANM": 0.05, "HMM": 0.03, "KHK": 0.06, "WSG": 0.11}
GRADE_EXTRA = {7: {"HSO": 0.06, "PDP": 0.04}, 8: {"HMM": 0.04, "WSG": 0.05},
               9: {"KDP": 0.15, "PDP": 0.06}}
QUESTIONS = ("Apakah orang tua diberi tahu kalau saya bercerita ke Guru BK?",
             "Bagaimana cara chat dengan Guru BK dari HP?",
             "Jam berapa ruang BK buka?",
             "Apakah boleh datang ke BK bersama teman?")
OTHER_PROBLEMS = ("Saya sering diminta menjaga warung sampai malam.",
                  "HP saya dipakai bergantian dengan kakak, jadi susah mengerjakan tugas.",
                  "Saya takut kalau nanti tidak diterima di SMK yang saya mau.")


def seed(rng=None):
    """Give (1) twice and (2) once to every demo class, with answers from most students."""
    rng = rng or random.Random(2025)
    builtin = services.ensure_builtin_instruments()
    counselor = db.session.scalar(sa.select(User).where(User.role == Role.COUNSELOR)
                                  .order_by(User.id))
    students = db.session.scalars(sa.select(User).where(User.role == Role.STUDENT)
                                  .order_by(User.id)).all()
    now = utcnow().replace(second=0, microsecond=0)

    def give(key, title, slug, opens_days_ago, closes_in_days):
        administration = services.create_administration(
            builtin[key], counselor, title, now - timedelta(days=opens_days_ago),
            now + timedelta(days=closes_in_days), AudienceScope.SCHOOL, slug=slug)
        db.session.flush()  # its id, for the participation rows
        return administration

    before = give("pemahaman-bk", "Pemahaman layanan BK – awal semester", "pemahaman-bk-awal",
                  40, -33)
    after = give("pemahaman-bk", "Pemahaman layanan BK – sesudah materi BK",
                 "pemahaman-bk-akhir", 3, 11)
    checklist = give("daftar-cek-masalah", "Daftar cek masalah – semester ganjil", "cek-masalah",
                     6, 24)
    needs = give("akpd", "AKPD awal tahun pelajaran", "akpd-awal-tahun", 20, 10)
    for student in students:
        if rng.random() < 0.92:
            add_response(before, student, understanding_answers(before, rng, LIKERT_BEFORE, 0.3),
                         rng)
        # Some students have not answered yet, so the completion lists show names.
        if rng.random() < 0.65:
            add_response(after, student, understanding_answers(after, rng, LIKERT_AFTER, 0.5),
                         rng)
        if rng.random() < 0.75:
            add_response(checklist, student, checklist_answers(checklist, student, rng), rng)
        if rng.random() < 0.9:
            add_response(needs, student, needs_answers(needs, student, rng), rng)


def add_response(administration, student, rows, rng):
    profile = student.student_profile
    opened = administration.opens_at
    span = min(administration.closes_at, utcnow()) - opened
    submitted = opened + span * rng.uniform(0.05, 0.95)
    response = Response(administration=administration, user_id=student.id,
                        class_id=profile.class_id if profile else None,
                        gender=profile.gender.value if profile and profile.gender else None,
                        current_section=len(administration.instrument.sections),
                        saved_at=submitted, submitted_at=submitted)
    response.answers = [Answer(item_id=item_id, choice=choice, text=text, source_item_id=source)
                        for item_id, choice, text, source in rows]
    db.session.add(response)
    db.session.add(Participation(administration_id=administration.id, user_id=student.id))


def understanding_answers(administration, rng, likert_weights, yes_chance):
    rows = []
    for item in administration.instrument.items:
        if item.type.is_likert:
            rows.append((item.id, rng.choices(range(4), likert_weights)[0], None, None))
        elif item.type == ItemType.YES_NO:
            rows.append((item.id, services.YES if rng.random() < yes_chance else 1, None, None))
        elif item.type == ItemType.SINGLE:
            rows.append((item.id, rng.choices(range(len(item.options)),
                                              (4, 3, 1, 2, 1)[:len(item.options)])[0], None, None))
        elif item.type.is_text and rng.random() < 0.15:
            rows.append((item.id, None, rng.choice(QUESTIONS), None))
    return rows


def checklist_answers(administration, student, rng):
    grade = student.school_class.grade if student.school_class else 7
    rows, ticked = [], []
    for section in administration.instrument.sections:
        chance = TICK_CHANCE.get(section.code, 0) + GRADE_EXTRA.get(grade, {}).get(section.code, 0)
        for item in section.items:
            if item.type != ItemType.MULTIPLE:
                continue
            for choice in range(len(item.options)):
                if rng.random() < chance:
                    rows.append((item.id, choice, None, None))
                    ticked.append((item.id, choice))
    for item in administration.instrument.items:
        if item.type == ItemType.HEAVIEST and ticked and rng.random() < 0.7:
            source, choice = rng.choice(ticked)
            rows.append((item.id, choice, None, source))
        elif item.type == ItemType.SINGLE and rng.random() < 0.85:
            rows.append((item.id, rng.choices(range(len(item.options)),
                                              (6, 2, 1, 5, 4, 1, 2)[:len(item.options)])[0],
                         None, None))
        elif item.type.is_text and rng.random() < 0.06:
            rows.append((item.id, None, rng.choice(OTHER_PROBLEMS), None))
    return rows


#: Chance that a student ticks a need of the AKPD, by option (in order) of each field;
#: "bantuan segera" rarely.
NEED_CHANCES = {"PRI": (0.55, 0.45, 0.6, 0.35, 0.5, 0.3), "SOS": (0.3, 0.55, 0.35, 0.25, 0.4, 0.2),
                "BEL": (0.6, 0.5, 0.55, 0.45, 0.35, 0.3), "KAR": (0.45, 0.3, 0.4, 0.35, 0.5, 0.2),
                "SGR": (0.08, 0.06, 0.05, 0.03)}


def needs_answers(administration, student, rng):
    grade = student.school_class.grade if student.school_class else 7
    rows = []
    for section in administration.instrument.sections:
        chances = NEED_CHANCES.get(section.code, ())
        for item in section.items:
            for choice, chance in enumerate(chances):
                # Grade 9 thinks of the next school more often.
                if rng.random() < chance + (0.25 if grade == 9 and section.code == "KAR" else 0):
                    rows.append((item.id, choice, None, None))
    return rows
