"""Running a sociometry, reading a class's relations from its answers, and drawing them.

The reading (`analyse`) is plain Python over (chooser, chosen) pairs, so it is tested
without the database; the drawing's positions come from networkx's spring layout with a
fixed seed, so the same answers always give the same picture.
"""

import io
import math
import re
from dataclasses import dataclass
from dataclasses import field

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..accounts.models import Role
from ..accounts.models import SchoolClass
from ..accounts.models import StudentProfile
from ..accounts.models import User
from ..common import signals
from ..common.cells import safe_cell
from ..common.scheduling import off_loop
from ..common.schooltime import utcnow
from ..extensions import db
from .models import Part
from .models import Sociometry
from .models import SociometryAnswer
from .models import SociometryChoice
from .models import may_open

DEFAULT_QUESTION = _l("Pilih 3 teman yang paling kamu ajak kerja kelompok")
DEFAULT_NEGATIVE_QUESTION = _l("Pilih teman yang paling tidak ingin kamu ajak kerja kelompok")
#: The layout's seed: the same answers always give the same sociogram.
LAYOUT_SEED = 21
#: The drawing's size in SVG units (it scales to the page and to A4 in print).
WIDTH, HEIGHT, MARGIN, RADIUS = 960, 640, 48, 20


class Refused(Exception):
    """str(error) is the message for the student."""


# --- running it -------------------------------------------------------------------------

def create(counselor, school_class, question, choice_count, negative_question=None):
    sociometry = Sociometry(school_class=school_class, counselor=counselor,
                            question=question.strip(), choice_count=choice_count,
                            negative_question=(negative_question or "").strip() or None)
    db.session.add(sociometry)
    db.session.flush()
    return sociometry


def set_open(sociometry, is_open):
    sociometry.is_open = is_open


def save_summary(sociometry, text, share):
    """The counselor's summary for the homeroom teacher; shared only when `share`."""
    sociometry.summary = text.strip()
    sociometry.summary_shared_at = utcnow() if share and sociometry.summary else None


def classmates(sociometry, student):
    """The active students of the sociometry's class, without `student`: all a student may
    pick from."""
    return db.session.scalars(
        sa.select(User).join(StudentProfile)
        .where(StudentProfile.class_id == sociometry.class_id, User.role == Role.STUDENT,
               User.is_active_account.is_(True), User.id != student.id)
        .order_by(User.full_name, User.id)).all()


def answer_of(sociometry, student):
    return db.session.scalar(sa.select(SociometryAnswer).where(
        SociometryAnswer.sociometry_id == sociometry.id,
        SociometryAnswer.student_id == student.id))


def expected_choices(sociometry, mate_count):
    """How many classmates a student picks: the question's number, or every classmate of a
    class smaller than that."""
    return min(sociometry.choice_count, mate_count)


def answer_errors(sociometry, mate_ids, chosen, rejected):
    """{field: message} for an answer that may not be stored (empty: it may)."""
    errors = {}
    expected = expected_choices(sociometry, len(mate_ids))
    if not set(chosen) <= mate_ids:
        errors["chosen"] = _("Pilih hanya dari daftar teman sekelasmu.")
    elif len(set(chosen)) != expected:
        errors["chosen"] = _("Pilih tepat %(num)d teman.", num=expected)
    if sociometry.negative_question:
        if not set(rejected) <= mate_ids:
            errors["rejected"] = _("Pilih hanya dari daftar teman sekelasmu.")
        elif len(set(rejected)) > sociometry.choice_count:
            errors["rejected"] = _("Pilih paling banyak %(num)d teman.",
                                   num=sociometry.choice_count)
        elif set(rejected) & set(chosen):
            errors["rejected"] = _("Teman yang sudah kamu pilih di pertanyaan pertama tidak "
                                   "bisa dipilih di sini.")
    elif rejected:
        errors["rejected"] = _("Pertanyaan ini tidak ada di sosiometri ini.")
    return errors


def submit(sociometry, student, chosen, rejected=()):
    """Store the student's answer (once). The caller checked answer_errors."""
    if answer_of(sociometry, student) is not None:
        raise Refused(_("Kamu sudah menjawab sosiometri ini. Jawaban hanya bisa dikirim "
                        "sekali."))
    answer = SociometryAnswer(sociometry=sociometry, student=student)
    answer.choices = ([SociometryChoice(chosen_id=i) for i in dict.fromkeys(chosen)]
                      + [SociometryChoice(chosen_id=i, negative=True)
                         for i in dict.fromkeys(rejected)])
    db.session.add(answer)
    db.session.flush()
    return answer


def sociometries(class_id=None):
    """[(sociometry, answers)], newest first."""
    statement = (sa.select(Sociometry, sa.func.count(SociometryAnswer.id))
                 .outerjoin(SociometryAnswer)
                 .group_by(Sociometry.id)
                 .order_by(Sociometry.created_at.desc(), Sociometry.id.desc()))
    if class_id is not None:
        statement = statement.where(Sociometry.class_id == class_id)
    return db.session.execute(statement).all()


def student_classes():
    return db.session.scalars(sa.select(SchoolClass).order_by(SchoolClass.grade,
                                                              SchoolClass.name)).all()


# --- reading it ---------------------------------------------------------------------------

@dataclass
class Member:
    id: int
    name: str
    number: int = 0
    answered: bool = False
    given: int = 0
    received: int = 0
    mutual: int = 0
    rejected: int = 0
    star: bool = False
    isolate: bool = False
    #: Numbers of the cliques (from 1) the student belongs to.
    cliques: list = field(default_factory=list)
    #: Indeks pemilihan sosiometri: choices received ÷ (class size − 1).
    index: float = 0.0
    rejection_index: float = 0.0
    x: float = 0.0
    y: float = 0.0

    @property
    def initials(self):
        return initials(self.name)


@dataclass
class Reading:
    members: list
    #: (chooser id, chosen id) of every positive choice.
    choices: list
    #: (chooser id, rejected id) of every answer to the rejection question.
    rejections: list
    #: (lower id, higher id) of every pair who chose each other, by their numbers.
    mutual_pairs: list
    #: Lists of member ids: groups of three or more in which everyone chose everyone.
    cliques: list
    #: The fewest choices received that make a star (None: no one stands out).
    star_threshold: int | None
    mean_received: float

    def member(self, member_id):
        return self.by_id[member_id]

    def __post_init__(self):
        self.by_id = {m.id: m for m in self.members}

    @property
    def stars(self):
        return [m for m in self.members if m.star]

    @property
    def isolates(self):
        return [m for m in self.members if m.isolate]

    @property
    def answered(self):
        return sum(1 for m in self.members if m.answered)


def initials(name):
    """'Adit Pratama' → 'AP'; one word → its first two letters."""
    words = [w for w in re.split(r"[\s.,]+", name) if w and w[0].isalnum()]
    if not words:
        return "?"
    if len(words) == 1:
        return words[0][:2].upper()
    return (words[0][0] + words[1][0]).upper()


def analyse(people, choices, rejections=(), answered=()):
    """The class's relations: `people` [(id, name)] in the order they are numbered,
    `choices` and `rejections` [(chooser id, chosen id)], `answered` the ids who answered.

    A star received at least max(2, mean + one standard deviation) choices, and more than
    the mean: in a class where everyone is chosen alike, no one is a star. An isolate was
    chosen by no one. A clique is a group of three or more in which every two chose each
    other."""
    members = [Member(id=i, name=name, number=n, answered=i in set(answered))
               for n, (i, name) in enumerate(people, 1)]
    by_id = {m.id: m for m in members}
    choices = sorted({(a, b) for a, b in choices if a in by_id and b in by_id and a != b},
                     key=lambda pair: (by_id[pair[0]].number, by_id[pair[1]].number))
    rejections = sorted({(a, b) for a, b in rejections
                         if a in by_id and b in by_id and a != b},
                        key=lambda pair: (by_id[pair[0]].number, by_id[pair[1]].number))
    chosen = set(choices)
    for a, b in choices:
        by_id[a].given += 1
        by_id[b].received += 1
    for _a, b in rejections:
        by_id[b].rejected += 1
    mutual_pairs = [(a, b) for a, b in choices
                    if (b, a) in chosen and by_id[a].number < by_id[b].number]
    for a, b in mutual_pairs:
        by_id[a].mutual += 1
        by_id[b].mutual += 1
    others = max(len(members) - 1, 1)
    received = [m.received for m in members]
    mean = sum(received) / len(members) if members else 0.0
    spread = math.sqrt(sum((r - mean) ** 2 for r in received) / len(members)) if members else 0
    threshold = max(2, math.ceil(mean + spread - 1e-9)) if spread > 0 else None
    for m in members:
        m.index = round(m.received / others, 2)
        m.rejection_index = round(m.rejected / others, 2)
        m.star = threshold is not None and m.received >= threshold and m.received > mean
        m.isolate = m.received == 0
    cliques = find_cliques(members, mutual_pairs)
    for number, clique in enumerate(cliques, 1):
        for member_id in clique:
            by_id[member_id].cliques.append(number)
    return Reading(members=members, choices=choices, rejections=rejections,
                   mutual_pairs=mutual_pairs, cliques=cliques, star_threshold=threshold,
                   mean_received=round(mean, 2))


def find_cliques(members, mutual_pairs):
    """Maximal groups of 3+ in which every two chose each other, ordered by their members'
    numbers."""
    import networkx as nx  # imported here: a worker that never draws one never loads it

    number = {m.id: m.number for m in members}
    graph = nx.Graph()
    graph.add_nodes_from(sorted(number, key=number.get))
    graph.add_edges_from(mutual_pairs)
    cliques = [sorted(c, key=number.get) for c in nx.find_cliques(graph) if len(c) >= 3]
    return sorted(cliques, key=lambda c: [number[i] for i in c])


def place(reading):
    """Give each member a position in the drawing: networkx's spring layout over the
    positive choices, seeded, scaled into the drawing's margins."""
    import networkx as nx  # numpy comes with the layout; loaded only when drawing

    if not reading.members:
        return reading
    graph = nx.DiGraph()
    graph.add_nodes_from(m.id for m in reading.members)
    graph.add_edges_from(reading.choices)
    # k a little wider than networkx's 1/sqrt(n): labels under the circles need room.
    k = 1.6 / math.sqrt(len(reading.members))
    positions = nx.spring_layout(graph, k=k, iterations=200, seed=LAYOUT_SEED)
    xs = [float(p[0]) for p in positions.values()]
    ys = [float(p[1]) for p in positions.values()]
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
    for m in reading.members:
        x, y = positions[m.id]
        m.x = round(MARGIN + (float(x) - min(xs)) / span_x * (WIDTH - 2 * MARGIN), 1)
        m.y = round(MARGIN + (float(y) - min(ys)) / span_y * (HEIGHT - 2 * MARGIN - 16), 1)
    return reading


def arrow(reading, a, b, both=False):
    """The line from member a to member b, cut at the circles so the arrowheads show."""
    start, end = reading.member(a), reading.member(b)
    dx, dy = end.x - start.x, end.y - start.y
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    cut_start = RADIUS + (4 if both else 1)
    cut_end = RADIUS + 4
    return (round(start.x + ux * cut_start, 1), round(start.y + uy * cut_start, 1),
            round(end.x - ux * cut_end, 1), round(end.y - uy * cut_end, 1))


def hull(points):
    """The convex hull of `points` [(x, y)] (Andrew's monotone chain), for a clique's
    shaded area."""
    points = sorted(set(points))
    if len(points) <= 2:
        return points

    def cross(o, a, b):
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower, upper = [], []
    for p in points:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    for p in reversed(points):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


def drawing(reading):
    """What the SVG template draws: edges (one line for a mutual pair, with two heads),
    rejections, and the cliques' areas."""
    mutual = set(reading.mutual_pairs)
    edges = []
    for a, b in reading.choices:
        if (a, b) in mutual:
            edges.append({"from": a, "to": b, "mutual": True,
                          "line": arrow(reading, a, b, both=True)})
        elif (b, a) not in mutual:
            edges.append({"from": a, "to": b, "mutual": False, "line": arrow(reading, a, b)})
    rejections = [{"from": a, "to": b, "line": arrow(reading, a, b)}
                  for a, b in reading.rejections]
    areas = [{"number": n, "members": clique,
              "points": " ".join(f"{x},{y}" for x, y in hull(
                  [(reading.member(i).x, reading.member(i).y) for i in clique]))}
             for n, clique in enumerate(reading.cliques, 1)]
    return {"edges": edges, "rejections": rejections, "areas": areas,
            "width": WIDTH, "height": HEIGHT, "radius": RADIUS}


def read(sociometry):
    """The sociometry's reading from the database, placed for drawing. Members: the class's
    active students, and anyone who answered or was named though they left the class
    since, numbered by name."""
    answers = db.session.execute(
        sa.select(SociometryAnswer.student_id, SociometryChoice.chosen_id,
                  SociometryChoice.negative)
        .outerjoin(SociometryChoice)
        .where(SociometryAnswer.sociometry_id == sociometry.id)).all()
    ids = {a for a, _b, _n in answers} | {b for _a, b, _n in answers if b is not None}
    people = db.session.execute(
        sa.select(User.id, User.full_name).outerjoin(StudentProfile)
        .where(sa.or_(sa.and_(StudentProfile.class_id == sociometry.class_id,
                              User.role == Role.STUDENT, User.is_active_account.is_(True)),
                      User.id.in_(ids)))
        .order_by(User.full_name, User.id)).all()
    reading = analyse([(i, name) for i, name in people],
                      [(a, b) for a, b, negative in answers if b is not None and not negative],
                      [(a, b) for a, b, negative in answers if b is not None and negative],
                      {a for a, _b, _n in answers})
    return place(reading)


# --- the export ---------------------------------------------------------------------------

def status_labels(member, reading):
    labels = []
    if member.star:
        labels.append(_("Bintang"))
    if member.isolate:
        labels.append(_("Terisolir"))
    if member.cliques:
        labels.append(", ".join(_("Klik %(num)d", num=n) for n in member.cliques))
    return "; ".join(labels)


def index_rows(sociometry, reading):
    """The per-student table of the page and the export, as plain values."""
    rows = []
    for m in reading.members:
        row = [m.number, m.name, m.initials, m.received, m.given, m.mutual, m.index]
        if sociometry.negative_question:
            row += [m.rejected, m.rejection_index]
        row += [status_labels(m, reading), _("sudah") if m.answered else _("belum")]
        rows.append(row)
    return rows


def index_header(sociometry):
    header = [_("No"), _("Nama"), _("Inisial"), _("Dipilih"), _("Memilih"),
              _("Saling memilih"), _("Indeks pemilihan")]
    if sociometry.negative_question:
        header += [_("Ditolak"), _("Indeks penolakan")]
    return header + [_("Keterangan"), _("Menjawab")]


def to_xlsx(sociometry, reading):
    """Two sheets: the index per student, and the sociomatrix (who chose whom: 1 for a
    choice, −1 for a rejection). Written in a native thread like every export."""
    header = index_header(sociometry)
    rows = index_rows(sociometry, reading)
    chosen = {(a, b): 1 for a, b in reading.choices}
    chosen.update({(a, b): -1 for a, b in reading.rejections})
    matrix = [[m.number, m.name] + [chosen.get((m.id, other.id), "")
                                    for other in reading.members] for m in reading.members]
    title = _("Sosiometri kelas %(name)s: %(question)s", name=sociometry.school_class.name,
              question=sociometry.question)
    labels = {"index": _("Indeks"), "matrix": _("Matriks"),
              "matrix_note": _("Baris memilih kolom: 1 dipilih, -1 ditolak."),
              "received": _("Dipilih")}
    return off_loop(workbook_bytes, title, header, rows, matrix,
                    [m.number for m in reading.members], labels)


def workbook_bytes(title, header, rows, matrix, numbers, labels):
    # Imported here: loaded at start-up XlsxWriter cost every worker 2 MB.
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                            "strings_to_urls": False})
    bold = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    sheet = workbook.add_worksheet(labels["index"])
    sheet.write_string(0, 0, safe_cell(title), workbook.add_format({"bold": True}))
    sheet.write_row(2, 0, header, bold)
    sheet.freeze_panes(3, 2)
    for index, width in enumerate([5, 30, 8] + [11] * (len(header) - 3)):
        sheet.set_column(index, index, width)
    sheet.set_column(len(header) - 2, len(header) - 2, 24)
    for number, row in enumerate(rows, 3):
        sheet.write_row(number, 0, [safe_cell(value) for value in row])

    grid = workbook.add_worksheet(labels["matrix"])
    grid.write_string(0, 0, labels["matrix_note"])
    grid.write_row(2, 0, ["", ""] + numbers, bold)
    grid.set_column(0, 0, 5)
    grid.set_column(1, 1, 30)
    grid.set_column(2, 1 + len(numbers), 4)
    grid.freeze_panes(3, 2)
    for number, row in enumerate(matrix, 3):
        grid.write_row(number, 0, [safe_cell(value) for value in row])
    last = 3 + len(matrix)
    grid.write_string(last, 1, labels["received"], bold)
    for column in range(len(numbers)):
        grid.write_number(last, 2 + column,
                          sum(1 for row in matrix if row[2 + column] == 1))
    workbook.close()
    return buffer.getvalue()


# --- what other features ask -----------------------------------------------------------------

@signals.home_page.connect
def home_part(user):
    """Students: their class's open sociometries and whether they answered. Homeroom
    teachers: the summaries shared with them (may_open), never who chose whom."""
    if user.role == Role.STUDENT:
        if user.student_profile is None or user.student_profile.class_id is None:
            return {"sociometries": []}
        found = db.session.execute(
            sa.select(Sociometry, SociometryAnswer.id)
            .outerjoin(SociometryAnswer, sa.and_(
                SociometryAnswer.sociometry_id == Sociometry.id,
                SociometryAnswer.student_id == user.id))
            .where(Sociometry.class_id == user.student_profile.class_id,
                   Sociometry.is_open.is_(True))
            .order_by(Sociometry.created_at.desc())).all()
        return {"sociometries": [(s, answered is not None) for s, answered in found
                                 if may_open(user, s, Part.ANSWER)]}
    if user.role == Role.HOMEROOM:
        shared = db.session.scalars(
            sa.select(Sociometry).join(SchoolClass)
            .where(SchoolClass.homeroom_teacher_id == user.id,
                   Sociometry.summary_shared_at.is_not(None))
            .order_by(Sociometry.summary_shared_at.desc())).all()
        return {"sociometry_summaries": [s for s in shared
                                         if may_open(user, s, Part.SUMMARY)]}
    return {}


@signals.student_answers.connect
def named_answers(student):
    """(title, submitted at, question, answer) of the student's sociometry answers, for the
    export of their data: the classmates they named, as they named them."""
    lines = []
    answers = db.session.scalars(
        sa.select(SociometryAnswer).where(SociometryAnswer.student_id == student.id)
        .order_by(SociometryAnswer.submitted_at)).all()
    for answer in answers:
        sociometry = answer.sociometry
        title = _("Sosiometri kelas %(name)s", name=sociometry.school_class.name)
        for negative, question in ((False, sociometry.question),
                                   (True, sociometry.negative_question)):
            names = [c.chosen.full_name for c in answer.choices if c.negative == negative]
            if question and (names or not negative):
                lines.append((title, answer.submitted_at, question, "; ".join(names)))
    return lines
