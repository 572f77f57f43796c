"""Instruments, administrations and answering: the rules, kept apart from the views."""

import base64
import hmac
import json
import re
import secrets
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from ..accounts.models import Role
from ..accounts.models import SchoolClass
from ..accounts.models import StudentProfile
from ..accounts.models import User
from ..accounts.services import slugify
from ..common import listing
from ..common import signals
from ..common.schooltime import utcnow
from ..common.vocabulary import TimelineEntry
from ..extensions import db
from . import evaluations
from .models import Administration
from .models import AdministrationTarget
from .models import Answer
from .models import AudienceScope
from .models import Instrument
from .models import InstrumentItem
from .models import InstrumentSection
from .models import ItemType
from .models import Participation
from .models import Response
from .models import about_counseling
from .models import by_invitation
from .models import class_condition

INSTRUMENT_DIR = Path(__file__).resolve().parent / "instruments"
#: The built-in instruments, in the order counselors see them.
BUILTIN_KEYS = ("pemahaman-bk", "daftar-cek-masalah", "kebutuhan-layanan", "akpd",
                "cek-awal-tahun", "evaluasi-sesi", "laiseg")

LIKERT_LABELS = {
    ItemType.LIKERT4: ["Sangat tidak setuju", "Tidak setuju", "Setuju", "Sangat setuju"],
    ItemType.LIKERT5: ["Sangat tidak setuju", "Tidak setuju", "Ragu-ragu", "Setuju",
                       "Sangat setuju"],
}
YES_NO_LABELS = ["Ya", "Tidak"]
#: Index of "Ya" in a yes/no item's options.
YES = 0
TEXT_LIMITS = {ItemType.SHORT_TEXT: 200, ItemType.LONG_TEXT: 4000}
MAX_OPTIONS = 30
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{2,39}$")

ITEM_TYPE_LABELS = {
    ItemType.YES_NO: _l("Ya / tidak"),
    ItemType.LIKERT4: _l("Skala 4 pilihan"),
    ItemType.LIKERT5: _l("Skala 5 pilihan"),
    ItemType.SINGLE: _l("Pilih satu"),
    ItemType.MULTIPLE: _l("Daftar centang (boleh lebih dari satu)"),
    ItemType.SHORT_TEXT: _l("Jawaban singkat"),
    ItemType.LONG_TEXT: _l("Jawaban panjang"),
    ItemType.HEAVIEST: _l("Masalah paling berat (dari yang dicentang)"),
}


# --- instruments ------------------------------------------------------------

def default_options(item_type):
    if item_type.is_likert:
        return list(LIKERT_LABELS[item_type])
    if item_type == ItemType.YES_NO:
        return list(YES_NO_LABELS)
    return []


def option_errors(item_type, options):
    """Why these option labels do not fit the item type, or None."""
    if len(options) > MAX_OPTIONS:
        return _("Paling banyak %(num)d pilihan.", num=MAX_OPTIONS)
    if item_type.is_likert and options and len(options) != len(LIKERT_LABELS[item_type]):
        return _("Skala ini butuh tepat %(num)d label, satu per baris.",
                 num=len(LIKERT_LABELS[item_type]))
    if item_type in (ItemType.SINGLE, ItemType.MULTIPLE) and len(options) < 2:
        return _("Tulis paling sedikit dua pilihan, satu per baris.")
    return None


def make_item(item_type, text, hint="", required=False, options=None):
    item_type = ItemType(item_type)
    uses_options = item_type in (ItemType.SINGLE, ItemType.MULTIPLE) or item_type.is_likert
    options = [o.strip() for o in (options or []) if o.strip()] if uses_options else []
    return InstrumentItem(type=item_type, text=text.strip(), hint=(hint or "").strip(),
                          required=bool(required), options=options or default_options(item_type))


def instrument_from_data(data, builtin_key=None, creator=None):
    """Build (not add) an instrument from the dictionary form of the data files."""
    instrument = Instrument(title=data["title"], description=data.get("description", ""),
                            builtin_key=builtin_key, created_by_id=creator.id if creator else None)
    for position, section_data in enumerate(data["sections"]):
        section = InstrumentSection(position=position, code=section_data.get("code"),
                                    title=section_data["title"],
                                    intro=section_data.get("intro", ""))
        for item_position, item_data in enumerate(section_data["items"]):
            item = make_item(item_data["type"], item_data["text"], item_data.get("hint", ""),
                             item_data.get("required", False), item_data.get("options"))
            item.position = item_position
            section.items.append(item)
        instrument.sections.append(section)
    return instrument


def load_builtin(key):
    return json.loads((INSTRUMENT_DIR / f"{key}.json").read_text(encoding="utf-8"))


def ensure_builtin_instruments():
    """Add the built-in instruments that are missing (safe to call on every visit; the
    caller's commit keeps them)."""
    present = set(db.session.scalars(
        sa.select(Instrument.builtin_key).where(Instrument.builtin_key.in_(BUILTIN_KEYS))))
    missing = [key for key in BUILTIN_KEYS if key not in present]
    if missing:
        try:
            # In a savepoint: when another worker added them at the same moment, theirs
            # stay and the caller's transaction goes on.
            with db.session.begin_nested():
                for key in missing:
                    db.session.add(instrument_from_data(load_builtin(key), builtin_key=key))
        except IntegrityError:
            pass
    return {i.builtin_key: i for i in db.session.scalars(
        sa.select(Instrument).where(Instrument.builtin_key.is_not(None)))}


def list_instruments():
    """Built-in ones first (in their order), then the counselors' own, newest first."""
    instruments = db.session.scalars(sa.select(Instrument)).all()
    order = {key: n for n, key in enumerate(BUILTIN_KEYS)}
    return sorted(instruments, key=lambda i: (i.builtin_key is None,
                                              order.get(i.builtin_key, 0), -i.id))


def is_locked(instrument):
    """Built-in instruments and those already given keep their items, so results stay true."""
    if instrument.builtin_key:
        return True
    return db.session.scalar(sa.select(sa.exists().where(
        Administration.instrument_id == instrument.id)))


def _renumber(things):
    for position, thing in enumerate(things):
        thing.position = position


def add_section(instrument, title, code=None, intro=""):
    section = InstrumentSection(title=title.strip(), code=(code or "").strip().upper() or None,
                                intro=(intro or "").strip(), position=len(instrument.sections))
    instrument.sections.append(section)
    return section


def add_item(section, item_type, text, hint="", required=False, options=None):
    item = make_item(item_type, text, hint, required, options)
    item.position = len(section.items)
    section.items.append(item)
    return item


def update_item(item, item_type, text, hint="", required=False, options=None):
    fresh = make_item(item_type, text, hint, required, options)
    item.type, item.text, item.hint = fresh.type, fresh.text, fresh.hint
    item.required, item.options = fresh.required, fresh.options


def move(siblings, thing, step):
    """Move `thing` one place up (step -1) or down (+1) among its ordered siblings."""
    # Positions only: reordering the ORM list itself would orphan (and delete) an item.
    order = list(siblings)
    index = order.index(thing)
    other = index + step
    if 0 <= other < len(order):
        order[index], order[other] = order[other], order[index]
        _renumber(order)


def remove(siblings, thing):
    siblings.remove(thing)
    _renumber(siblings)


def duplicate_instrument(instrument, creator):
    copy = Instrument(title=_("Salinan %(title)s", title=instrument.title)[:160],
                      description=instrument.description, created_by_id=creator.id)
    for section in instrument.sections:
        new_section = InstrumentSection(position=section.position, code=section.code,
                                        title=section.title, intro=section.intro)
        for item in section.items:
            new_section.items.append(InstrumentItem(
                position=item.position, type=item.type, text=item.text, hint=item.hint,
                required=item.required, options=list(item.options)))
        copy.sections.append(new_section)
    db.session.add(copy)
    return copy


# --- administrations --------------------------------------------------------

def suggest_slug(title):
    base = slugify(title).replace(".", "-")[:32].strip("-") or "angket"
    if len(base) < 3:
        base = f"angket-{base}"
    candidate, number = base, 1
    while slug_taken(candidate):
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def slug_taken(slug):
    return db.session.scalar(sa.select(sa.exists().where(Administration.slug == slug)))


def create_administration(instrument, creator, title, opens_at, closes_at, scope,
                          grades=(), class_ids=(), anonymous=False, slug=None):
    """Give an instrument to an audience; times are naive UTC."""
    administration = Administration(
        instrument=instrument, title=title.strip(), slug=slug or suggest_slug(title),
        opens_at=opens_at, closes_at=closes_at, scope=AudienceScope(scope),
        anonymous=anonymous, created_by_id=creator.id if creator else None)
    if administration.scope == AudienceScope.GRADES:
        administration.targets = [AdministrationTarget(grade=g) for g in sorted(set(grades))]
    elif administration.scope == AudienceScope.CLASSES:
        administration.targets = [AdministrationTarget(class_id=c) for c in sorted(set(class_ids))]
    db.session.add(administration)
    return administration


def audience_condition(administration):
    """SQL condition on SchoolClass: the class belongs to the administration's audience."""
    if administration.scope == AudienceScope.SCHOOL:
        return sa.true()
    targets = sa.select(AdministrationTarget).where(
        AdministrationTarget.administration_id == administration.id).subquery()
    return sa.or_(SchoolClass.grade.in_(sa.select(targets.c.grade)
                                        .where(targets.c.grade.is_not(None))),
                  SchoolClass.id.in_(sa.select(targets.c.class_id)
                                     .where(targets.c.class_id.is_not(None))))


def audience_classes(administration):
    return db.session.scalars(sa.select(SchoolClass).where(audience_condition(administration))
                              .order_by(SchoolClass.grade, SchoolClass.name)).all()


def class_in_audience(administration, school_class):
    if administration.scope == AudienceScope.SCHOOL:
        return True
    if school_class is None:
        return False
    return db.session.scalar(sa.select(sa.exists().where(
        SchoolClass.id == school_class.id, audience_condition(administration))))


def audience_description(administration):
    if administration.scope == AudienceScope.SCHOOL:
        return _("Semua siswa")
    if administration.scope == AudienceScope.GRADES:
        grades = sorted(t.grade for t in administration.targets if t.grade)
        return _("Kelas %(grades)s (semua rombel)", grades=", ".join(map(str, grades)))
    return ", ".join(c.name for c in audience_classes(administration))


def open_for_student(user):
    """Open administrations for this student: (administration, answered, draft) tuples.
    Evaluations of a session only while the student holds an invitation to evaluate a
    session of theirs, until it is answered or expires."""
    now = utcnow()
    # An evaluation is listed only while there is one to give, whatever was given before.
    answered = sa.and_(~by_invitation(), sa.exists().where(
        Participation.administration_id == Administration.id,
        Participation.user_id == user.id))
    # Anonymous drafts have no user (their token is in the session), so only named ones.
    draft = sa.exists().where(Response.administration_id == Administration.id,
                              Response.user_id == user.id, Response.submitted_at.is_(None))
    rows = db.session.execute(
        sa.select(Administration, answered, draft)
        .where(Administration.opens_at <= now, Administration.closes_at > now,
               class_condition(user.school_class),
               sa.or_(~by_invitation(), evaluations.invited(user)))
        .order_by(Administration.closes_at)).all()
    return [(row[0], row[1], row[2]) for row in rows]


def is_student(user):
    return user.is_authenticated and user.role == Role.STUDENT


def open_administrations(now=None, about_counseling_too=True):
    now = now or utcnow()
    statement = sa.select(Administration).where(Administration.opens_at <= now,
                                                Administration.closes_at > now)
    if not about_counseling_too:
        statement = statement.where(~about_counseling())
    return db.session.scalars(statement.order_by(Administration.closes_at)).all()


def has_submitted_responses(administration):
    return db.session.scalar(sa.select(sa.exists().where(
        Response.administration_id == administration.id, Response.submitted_at.is_not(None))))


# --- answering ---------------------------------------------------------------

def draft_key_for(token):
    """What the database keeps of a draft's token: keyed with the secret key, so that a
    copy of the database alone cannot match a draft to the session holding its token."""
    return hmac.new(current_app.config["SECRET_KEY"].encode(), f"draft:{token}".encode(),
                    "sha256").hexdigest()


def find_response(administration, user=None, token=None, invitation=None):
    """A student's named response (to an evaluation: the one to its invitation), or the
    draft held by a session's token (anonymous questionnaires: a student's draft too, so
    that no row of answers carries a user)."""
    if user is not None and not administration.anonymous:
        return db.session.scalar(sa.select(Response).where(
            Response.administration_id == administration.id, Response.user_id == user.id,
            Response.invitation_id == invitation.id if invitation is not None
            else Response.invitation_id.is_(None)))
    if token:
        return db.session.scalar(sa.select(Response).where(
            Response.administration_id == administration.id,
            Response.draft_key == draft_key_for(token)))
    return None


def has_participated(administration, user):
    return db.session.get(Participation, (administration.id, user.id)) is not None


def has_answered(administration, user, invitation=None):
    """Whether this student's answer is in: to an evaluation, the one its invitation asks
    for (a student evaluates each session); to anything else, their one answer."""
    if invitation is not None:
        return invitation.answered
    return has_participated(administration, user)


def start_response(administration, user=None, school_class=None, gender=None,
                   invitation=None):
    """A new draft for a student (or, with no user, for a visitor: returns the token too),
    written for the caller to commit. A named evaluation's draft belongs to its invitation."""
    token = None
    response = Response(administration=administration, is_anonymous=administration.anonymous)
    if user is not None:
        profile = user.student_profile
        school_class = profile.school_class if profile else None
        gender = profile.gender.value if profile and profile.gender else None
    if user is not None and not administration.anonymous:
        response.user_id = user.id
        response.invitation_id = invitation.id if invitation is not None else None
    else:
        # An anonymous draft is held by a token in the browser's session, a student's too:
        # the answers never sit beside a user id, not even before they are sent.
        token = secrets.token_urlsafe(24)
        response.draft_key = draft_key_for(token)
    response.class_id = school_class.id if school_class else None
    response.gender = gender or None
    try:
        # In a savepoint: when a second tab of the same student created it first (one
        # response per student), that one is taken and the caller's transaction goes on.
        with db.session.begin_nested():
            db.session.add(response)
    except IntegrityError:
        return find_response(administration, user=user, invitation=invitation), None
    return response, token


def visitor_starts_left(administration, school_class):
    """How many more answers without logging in a class link takes: never more answers
    from a class than it has students (counted in the database)."""
    students = db.session.scalar(
        sa.select(sa.func.count(StudentProfile.user_id))
        .join(User, User.id == StudentProfile.user_id)
        .where(StudentProfile.class_id == school_class.id, User.is_active_account.is_(True)))
    given = db.session.scalar(sa.select(sa.func.count(Response.id)).where(
        Response.administration_id == administration.id,
        Response.class_id == school_class.id))
    return max(students - given, 0)


def class_link_code(administration, school_class):
    """The code of a class's own link to an anonymous questionnaire: only the homeroom
    teacher and the counselor are shown it, and it names the class its answers count for."""
    message = f"class-link:{administration.id}:{school_class.id}".encode()
    digest = hmac.new(current_app.config["SECRET_KEY"].encode(), message, "sha256").digest()
    return base64.b32encode(digest[:10]).decode().lower()


@signals.class_link.connect
def link_for_class(administration, school_class, **url_options):
    """The link a class answers by: for an anonymous questionnaire the class's own (the
    only way to answer without signing in, within that link's limit); for a named one the
    questionnaire's, the same for every class (students sign in)."""
    if not administration.anonymous:
        return url_for("assessments.start", slug=administration.slug, **url_options)
    return url_for("assessments.class_link", slug=administration.slug,
                   code=class_link_code(administration, school_class), **url_options)


def class_of_link(administration, code):
    """The audience class whose link has this code, or None."""
    for school_class in audience_classes(administration):
        if hmac.compare_digest(class_link_code(administration, school_class), code or ""):
            return school_class
    return None


@dataclass
class SectionAnswers:
    """Parsed answers of one section: valid values per item, and error messages per item."""

    values: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)
    missing: set = field(default_factory=set)

    @property
    def ok(self):
        return not self.errors


def ticked_options(response):
    """(checklist item, option index) pairs ticked so far, in instrument order."""
    if response is None:
        return []
    rows = db.session.execute(
        sa.select(InstrumentItem, Answer.choice)
        .join(Answer, Answer.item_id == InstrumentItem.id)
        .join(InstrumentSection, InstrumentSection.id == InstrumentItem.section_id)
        .where(Answer.response_id == response.id, InstrumentItem.type == ItemType.MULTIPLE)
        .order_by(InstrumentSection.position, InstrumentItem.position, Answer.choice)).all()
    return [(item, choice) for item, choice in rows]


def heaviest_value(item_id, choice):
    return f"{item_id}-{choice}"


def parse_section(section, formdata, ticked):
    """Check one section's answers from a submitted form (field q<item id>)."""
    result = SectionAnswers()
    invalid = _("Pilihan ini tidak ada di daftar. Pilih lagi, ya.")
    ticked_values = {heaviest_value(item.id, choice): (item.id, choice) for item, choice in ticked}
    for item in section.items:
        name = f"q{item.id}"
        rows = []
        if item.type.is_choice:
            raw = (formdata.get(name) or "").strip()
            if raw:
                if raw.isdigit() and int(raw) < len(item.options):
                    rows.append((int(raw), None, None))
                else:
                    result.errors[item.id] = invalid
        elif item.type == ItemType.MULTIPLE:
            for raw in sorted(set(formdata.getlist(name))):
                if raw.isdigit() and int(raw) < len(item.options):
                    rows.append((int(raw), None, None))
                else:
                    result.errors[item.id] = invalid
            rows.sort()
        elif item.type.is_text:
            raw = (formdata.get(name) or "").strip()
            limit = TEXT_LIMITS[item.type]
            if len(raw) > limit:
                result.errors[item.id] = _("Jawabanmu terlalu panjang: paling banyak %(num)d "
                                           "huruf. Tolong dipersingkat, ya.", num=limit)
            elif raw:
                rows.append((None, raw, None))
        elif item.type == ItemType.HEAVIEST:
            raw = (formdata.get(name) or "").strip()
            if raw in ticked_values:
                source_id, choice = ticked_values[raw]
                rows.append((choice, None, source_id))
            elif raw:
                result.errors[item.id] = invalid
        if rows:
            result.values[item.id] = rows
        elif item.id not in result.errors and is_required(item, ticked):
            result.errors[item.id] = _("Pertanyaan ini wajib dijawab.")
            result.missing.add(item.id)
    return result


def is_required(item, ticked):
    # Nobody can pick the heaviest problem without having ticked one.
    if item.type == ItemType.HEAVIEST and not ticked:
        return False
    return item.required


def save_section(response, section, parsed, next_section):
    """Replace the section's answers in the draft with the valid ones just given."""
    item_ids = [item.id for item in section.items]
    db.session.execute(sa.delete(Answer).where(Answer.response_id == response.id,
                                               Answer.item_id.in_(item_ids)))
    for item_id, rows in parsed.values.items():
        for choice, text, source_id in rows:
            db.session.add(Answer(response_id=response.id, item_id=item_id, choice=choice,
                                  text=text, source_item_id=source_id))
    db.session.flush()
    _drop_unticked_heaviest(response)
    response.current_section = next_section
    if not (response.is_anonymous and response.is_submitted):
        response.saved_at = utcnow()


def _drop_unticked_heaviest(response):
    ticked = so.aliased(Answer)
    db.session.execute(
        sa.delete(Answer)
        .where(Answer.response_id == response.id, Answer.source_item_id.is_not(None),
               ~sa.exists().where(ticked.response_id == response.id,
                                  ticked.item_id == Answer.source_item_id,
                                  ticked.choice == Answer.choice))
        .execution_options(synchronize_session=False))


def answers_of(response):
    """{item id: [Answer, ...]} for one response."""
    grouped = {}
    if response is None:
        return grouped
    for answer in db.session.scalars(sa.select(Answer).where(Answer.response_id == response.id)
                                     .order_by(Answer.item_id, Answer.choice)):
        grouped.setdefault(answer.item_id, []).append(answer)
    return grouped


def answer_labels(instrument, answers):
    """{item id: [label or text, ...]}: the answers as the student chose them."""
    items = {item.id: item for item in instrument.items}
    shown = {}
    for item_id, rows in answers.items():
        item = items.get(item_id)
        if item is None:
            continue
        labels = []
        for answer in rows:
            source = items.get(answer.source_item_id) if answer.source_item_id else item
            if answer.text is not None:
                labels.append(answer.text)
            elif source is not None and answer.choice < len(source.options):
                labels.append(source.options[answer.choice])
        shown[item_id] = labels
    return shown


@signals.student_answers.connect
def named_answers(student):
    """(title, submitted at, question, answer) of every questionnaire the student answered
    with their name, for the export of their data."""
    lines = []
    responses = db.session.scalars(
        sa.select(Response).where(Response.user_id == student.id,
                                  Response.submitted_at.is_not(None))
        .order_by(Response.submitted_at)).all()
    for response in responses:
        administration = response.administration
        instrument = administration.instrument
        shown = answer_labels(instrument, answers_of(response))
        for item in instrument.items:
            if item.id in shown:
                lines.append((administration.title, response.submitted_at, item.text,
                              "; ".join(shown[item.id])))
    return lines


def named_responses(student):
    """The student's sent named responses, newest first; never an anonymous one (it keeps
    no user) nor an evaluation of a session (it belongs with that session)."""
    return db.session.scalars(
        sa.select(Response)
        .where(Response.user_id == student.id, Response.submitted_at.is_not(None),
               Response.invitation_id.is_(None))
        .options(so.joinedload(Response.administration))
        .order_by(Response.submitted_at.desc())).all()


def heaviest_problems(responses):
    """[(response, problem)]: what the student picked as heaviest among what they ticked
    in a problem checklist."""
    by_id = {response.id: response for response in responses}
    rows = db.session.execute(
        sa.select(Answer.response_id, Answer.choice, InstrumentItem.options)
        .join(InstrumentItem, InstrumentItem.id == Answer.source_item_id)
        .where(Answer.response_id.in_(by_id))
        .order_by(Answer.response_id.desc(), Answer.id)).all()
    return [(by_id[response_id], options[choice]) for response_id, choice, options in rows
            if choice < len(options)]


@signals.student_record.connect
def record_part(student, counselor):
    """Questionnaires answered with the student's name, and the checklist's heaviest
    problems (the answers themselves open on their own audited page)."""
    responses = named_responses(student)
    return {"questionnaires": {"responses": responses,
                               "heaviest": heaviest_problems(responses)}}


@signals.student_timeline.connect
def timeline_part(student, counselor):
    return [TimelineEntry(response.submitted_at,
                          _("Mengisi angket: %(title)s", title=response.administration.title),
                          url_for("assessments.student_answers",
                                  aid=response.administration_id, user_id=student.id))
            for response in named_responses(student)]


def form_values(answers):
    """{item id: list of strings} as the answer form's fields would post them."""
    values = {}
    for item_id, rows in answers.items():
        values[item_id] = [heaviest_value(a.source_item_id, a.choice) if a.source_item_id
                           else (a.text if a.text is not None else str(a.choice)) for a in rows]
    return values


def missing_required(response):
    """[(section number, item)] of required questions still unanswered."""
    instrument = response.administration.instrument
    answered = set(db.session.scalars(sa.select(Answer.item_id).distinct()
                                      .where(Answer.response_id == response.id)))
    ticked = ticked_options(response)
    return [(number, item)
            for number, section in enumerate(instrument.sections, 1)
            for item in section.items
            if is_required(item, ticked) and item.id not in answered]


def submit(response, user=None, invitation=None):
    """Submit a draft; an evaluation's answers mark its invitation answered. Returns the
    missing required questions (nothing is submitted then)."""
    missing = missing_required(response)
    if missing:
        return missing
    first_time = user is not None and not has_participated(response.administration, user)
    now = utcnow()
    try:
        # In a savepoint: when the student's other tab submitted first, nothing of this
        # one stays, and the caller's transaction goes on.
        with db.session.begin_nested():
            if response.is_anonymous:
                # Keep nothing that points back to the student: no account, only the day.
                response.user_id = None
                now = response.saved_at = now.replace(hour=0, minute=0, second=0,
                                                      microsecond=0)
            response.draft_key = None
            response.submitted_at = now
            if first_time:
                db.session.add(Participation(administration_id=response.administration_id,
                                             user_id=user.id))
            if invitation is not None:
                invitation.answered = True
    except IntegrityError:
        raise AlreadyAnswered() from None
    return []


class AlreadyAnswered(Exception):
    """The student's answer was already recorded (one response per student)."""


def student_classes():
    return db.session.scalars(sa.select(SchoolClass).order_by(SchoolClass.grade,
                                                              SchoolClass.name)).all()


def grades():
    return db.session.scalars(sa.select(SchoolClass.grade).distinct()
                              .order_by(SchoolClass.grade)).all()


#: The orders of a questionnaire's list of named responses (common/listing.py).
RESPONSE_SORTS = {
    "nama": (User.full_name, Response.id),
    "kelas": (SchoolClass.name, User.full_name, Response.id),
    "dikirim": (Response.submitted_at, Response.id),
}


def respondents_page(administration, want):
    """One page of identified, submitted (response, student, class name) rows, found by
    the student's name or class, for the counselor's list."""
    statement = (sa.select(Response, User, SchoolClass.name)
                 .join(User, User.id == Response.user_id)
                 .outerjoin(SchoolClass, SchoolClass.id == Response.class_id)
                 .where(Response.administration_id == administration.id,
                        Response.submitted_at.is_not(None)))
    if want.search:
        statement = statement.where(listing.matching(want.search, User.full_name,
                                                     SchoolClass.name))
    return listing.paginate(statement, RESPONSE_SORTS, want)
