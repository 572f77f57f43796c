"""Server time of the assessment results views over 1,000 responses to a 100-item questionnaire.

    .venv/bin/python -m bench.results      (a fresh demo instance, then this figure alone)

The data is generated into the bench instance in bulk (SQLAlchemy core executemany) by a
subprocess that opens the app on that instance: 30 classes of about 33 students, a 100-item
problem checklist given twice to the whole school (the second time for the results pages, the
first for the before/after comparison), and 1,000 submitted responses to each.
"""

import json
import random
import statistics
import subprocess
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

from .servers import LOAD_CPU
from .servers import ROOT
from .servers import cpu_seconds
from .servers import gunicorn
from .servers import login_cookie
from .servers import worker_pid

BUDGET_MS = 300
WARM_REQUESTS = 9
STUDENTS = 1000
#: 30 classes, 10 per grade, named after the demo classes (7A, 7B, 8A, 9A exist already).
CLASSES = [f"{grade}{letter}" for grade, letters in ((7, "CDEFGHIJKL"), (8, "BCDEFGHIJK"),
                                                     (9, "BCDEFGHIJK")) for letter in letters]
AREAS = ("JDK", "DPI", "HSO", "EDK", "KDP", "PDP", "ANM", "HMM", "KHK", "WSG")
LIKERT_WEIGHTS = (0.1, 0.3, 0.4, 0.2)
TICK_CHANCE = 0.1
TEXTS = ("Saya sering diminta menjaga warung sampai malam.",
         "HP saya dipakai bergantian dengan kakak, jadi susah mengerjakan tugas.",
         "Saya takut kalau nanti tidak diterima di SMK yang saya mau.")


def instrument_data():
    """100 items: per area a 10-problem checklist, 7 Likert statements and a yes/no question;
    then the heaviest problem, a choice, two written answers and 6 Likert statements."""
    likert = [{"type": "likert4", "text": f"Pernyataan {n}."} for n in range(1, 8)]
    sections = [{"code": code, "title": f"Bidang {code}", "items": [
        {"type": "multiple", "text": "Mana yang sedang jadi masalahmu?",
         "options": [f"Masalah {code} nomor {n}." for n in range(1, 11)]},
        *likert, {"type": "yesno", "text": "Apakah kamu ingin membicarakannya dengan Guru BK?"}]}
        for code in AREAS]
    sections.append({"title": "Langkah terakhir", "items": [
        {"type": "heaviest", "text": "Mana yang paling berat?"},
        {"type": "single", "text": "Kepada siapa kamu biasanya bercerita?",
         "options": ["Orang tua", "Teman", "Guru BK", "Wali kelas", "Tidak ada"]},
        {"type": "long_text", "text": "Masalah lain yang belum ada di daftar?"},
        {"type": "short_text", "text": "Kapan kamu bisa datang ke ruang BK?"},
        *likert[:6]]})
    return {"title": "Daftar cek masalah (bench)", "sections": sections}


def answers_for(items, rng):
    """(item id, choice, text, source item id) rows of one plausible response."""
    rows, ticked = [], []
    for item in items:
        kind = item.type.value
        if kind == "multiple":
            for choice in range(len(item.options)):
                if rng.random() < TICK_CHANCE:
                    rows.append((item.id, choice, None, None))
                    ticked.append((item.id, choice))
        elif kind == "likert4":
            rows.append((item.id, rng.choices(range(4), LIKERT_WEIGHTS)[0], None, None))
        elif kind in ("yesno", "single"):
            rows.append((item.id, rng.randrange(len(item.options)), None, None))
        elif kind == "heaviest" and ticked:
            source, choice = rng.choice(ticked)
            rows.append((item.id, choice, None, source))
        elif kind.endswith("_text") and rng.random() < 0.1:
            rows.append((item.id, None, rng.choice(TEXTS), None))
    return rows


def generate():
    """Fill the instance named by CYBERBK_INSTANCE_PATH; print the ids the views need."""
    import sqlalchemy as sa

    from cyberbk import create_app
    from cyberbk.accounts.models import Role
    from cyberbk.accounts.models import SchoolClass
    from cyberbk.accounts.models import StudentProfile
    from cyberbk.accounts.models import User
    from cyberbk.accounts.models import utcnow
    from cyberbk.assessments import services
    from cyberbk.assessments.models import Answer
    from cyberbk.assessments.models import AudienceScope
    from cyberbk.assessments.models import Participation
    from cyberbk.assessments.models import Response
    from cyberbk.extensions import db

    rng = random.Random(9)
    app = create_app()
    with app.app_context():
        session = db.session
        homeroom = session.scalar(sa.select(User).where(User.username == "wali.7a"))
        counselor = session.scalar(sa.select(User).where(User.username == "guru.bk"))
        session.execute(sa.insert(SchoolClass), [
            {"name": name, "grade": int(name[0]),
             # The demo homeroom teacher of 7A also holds the first generated class.
             "homeroom_teacher_id": homeroom.id if n == 0 else None}
            for n, name in enumerate(CLASSES)])
        class_ids = session.scalars(sa.select(SchoolClass.id)
                                    .where(SchoolClass.name.in_(CLASSES))
                                    .order_by(SchoolClass.id)).all()
        session.execute(sa.insert(User), [
            {"username": f"bench.{n:04d}", "full_name": f"Siswa Bench {n:04d}",
             "role": Role.STUDENT, "password_hash": "!"} for n in range(STUDENTS)])
        user_ids = session.scalars(sa.select(User.id).where(User.username.like("bench.%"))
                                   .order_by(User.username)).all()
        profiles = [{"user_id": user_id, "class_id": class_ids[n % len(class_ids)],
                     "nis": f"9{n:05d}", "gender": rng.choice("LP")}
                    for n, user_id in enumerate(user_ids)]
        session.execute(sa.insert(StudentProfile), profiles)
        instrument = services.instrument_from_data(instrument_data(), creator=counselor)
        session.add(instrument)
        session.commit()
        items = instrument.items
        now = utcnow().replace(microsecond=0)
        administrations = [
            services.create_administration(instrument, counselor, title, now - timedelta(days=ago),
                                           now + timedelta(days=days), AudienceScope.SCHOOL,
                                           slug=slug)
            for title, slug, ago, days in (("Cek masalah bench – awal", "bench-awal", 90, -60),
                                           ("Cek masalah bench", "bench-akhir", 10, 20))]
        session.flush()  # their ids, for the rows below
        for administration in administrations:
            submitted = administration.opens_at + timedelta(days=1)
            session.execute(sa.insert(Response), [
                {"administration_id": administration.id, "user_id": p["user_id"],
                 "class_id": p["class_id"], "gender": p["gender"],
                 "current_section": len(instrument.sections), "saved_at": submitted,
                 "submitted_at": submitted} for p in profiles])
            response_ids = session.scalars(
                sa.select(Response.id).where(Response.administration_id == administration.id)
                .order_by(Response.user_id)).all()
            session.execute(sa.insert(Answer), [
                {"response_id": response_id, "item_id": item_id, "choice": choice, "text": text,
                 "source_item_id": source}
                for response_id in response_ids
                for item_id, choice, text, source in answers_for(items, rng)])
            session.execute(sa.insert(Participation), [
                {"administration_id": administration.id, "user_id": p["user_id"]}
                for p in profiles])
        session.commit()
        answers = session.scalar(sa.select(sa.func.count(Answer.id)).join(Response).where(
            Response.administration_id == administrations[1].id))
        print(json.dumps({"before": administrations[0].id, "after": administrations[1].id,
                          "class_id": class_ids[0], "student_id": user_ids[0],
                          "items": len(items), "answers": answers}))


def generate_into(env):
    output = subprocess.run([sys.executable, "-m", "bench.results", "generate"], cwd=ROOT,
                            env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def views(ids):
    """(figure, path, who) of every results view a counselor (or the homeroom teacher) opens."""
    aid, cid = ids["after"], ids["class_id"]
    return [
        ("results page, whole school (per class and gender)", f"/bk/asesmen/{aid}/hasil",
         "guru.bk"),
        ("results page, one class", f"/bk/asesmen/{aid}/hasil?kelas={cid}", "guru.bk"),
        ("administration page (completion, respondents)", f"/bk/asesmen/{aid}", "guru.bk"),
        ("one student's answers", f"/bk/asesmen/{aid}/siswa/{ids['student_id']}", "guru.bk"),
        ("export XLSX", f"/bk/asesmen/{aid}/ekspor.xlsx", "guru.bk"),
        ("export CSV", f"/bk/asesmen/{aid}/ekspor.csv", "guru.bk"),
        ("class profile", f"/bk/asesmen/kelas/{cid}", "guru.bk"),
        ("before/after comparison",
         f"/bk/asesmen/bandingkan?sebelum={ids['before']}&sesudah={aid}", "guru.bk"),
        ("homeroom teacher's class results", f"/wali/asesmen/{aid}/kelas/{cid}", "wali.7a"),
    ]


def timed_get(url, cookie):
    """(HTTP status, seconds) of one GET by curl on the load core, as a browser asks for it."""
    output = subprocess.run(
        ["taskset", "-c", LOAD_CPU, "curl", "-s", "-o", "/dev/null", "-H", f"Cookie: {cookie}",
         "-H", "Accept-Encoding: gzip", "-w", "%{http_code} %{time_total}", url],
        capture_output=True, text=True, check=True).stdout
    status, seconds = output.split()
    return int(status), float(seconds)


def measure(table, env, work):
    ids = generate_into(env)
    print(f"  results: {ids['items']} items, {ids['answers']} answers in the measured "
          "administration", flush=True)
    with gunicorn("wsgi:app", env, work / "results.log") as (base, process):
        worker, cookies = worker_pid(process), {}
        for figure, path, who in views(ids):
            if who not in cookies:
                cookies[who] = login_cookie(base, who)
            timings, cpu = [], []
            for _request in range(1 + WARM_REQUESTS):
                before = cpu_seconds(worker)
                status, seconds = timed_get(base + path, cookies[who])
                if status != 200:
                    break
                timings.append(seconds * 1000)
                cpu.append((cpu_seconds(worker) - before) * 1000)
            if len(timings) <= WARM_REQUESTS:
                table.add(f"assessment {figure}", f"HTTP {status} on {path}",
                          f"≤ {BUDGET_MS} ms", False)
                continue
            median = statistics.median(timings[1:])
            table.add(f"assessment {figure}, 1,000 responses × {ids['items']} items",
                      f"warm median {median:.0f} ms, first {timings[0]:.0f} ms, worst "
                      f"{max(timings):.0f} ms (worker CPU: median "
                      f"{statistics.median(cpu[1:]):.0f} ms, worst {max(cpu):.0f} ms)",
                      f"≤ {BUDGET_MS} ms", median <= BUDGET_MS)


if __name__ == "__main__":
    if sys.argv[1:] == ["generate"]:
        generate()
    else:
        from .__main__ import Table
        from .servers import prepare_instance

        work = Path(tempfile.mkdtemp(prefix="cyberbk-bench-results-"))
        measure(Table(), prepare_instance(work / "instance"), work)
