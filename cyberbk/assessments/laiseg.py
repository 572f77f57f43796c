"""The laiseg (penilaian segera) after a classical or group service: an anonymous
administration of the built-in "laiseg" instrument, given to the class that was there (or,
for a group of several classes, to the school: its students sign in), open for
LAISEG_MINUTES from the moment the counselor shows its QR code.

It follows the anonymous questionnaires' rules: answers carry no account, a class link
takes no more answers than the class has students, and results leave the database only
as a group of at least MIN_GROUP_SIZE, and only once closed (a page read before and after
one student answers would give that answer as the difference).
"""

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask import url_for

from ..accounts.models import SchoolClass
from ..common import signals
from ..common.schooltime import utcnow
from ..common.vocabulary import LaisegResult
from ..extensions import db
from . import services
from .models import LAISEG
from .models import Administration
from .models import Answer
from .models import AudienceScope
from .models import InstrumentItem
from .models import Response
from .results.smallgroups import min_group

#: Options 2 and 3 of the 4-point scale: Setuju, Sangat setuju.
AGREE_FROM = 2


@signals.laiseg_opened.connect
def open_laiseg(counselor, title, class_id=None):
    """A new laiseg, open now (the caller commits)."""
    instrument = services.ensure_builtin_instruments()[LAISEG]
    now = utcnow().replace(microsecond=0)
    minutes = current_app.config["LAISEG_MINUTES"]
    school_class = db.session.get(SchoolClass, class_id) if class_id else None
    administration = services.create_administration(
        instrument, counselor, title[:160], now, now + timedelta(minutes=minutes),
        AudienceScope.CLASSES if school_class else AudienceScope.SCHOOL,
        class_ids=[school_class.id] if school_class else (), anonymous=True,
        slug=services.suggest_slug(f"laiseg {now:%Y%m%d}"))
    db.session.flush()
    return administration


@signals.laiseg_closed.connect
def close_laiseg(administration):
    now = utcnow().replace(microsecond=0)
    if now < administration.closes_at:
        # Closed in the second it was opened: a second later, as closing follows opening.
        administration.closes_at = max(now, administration.opens_at + timedelta(seconds=1))


def answer_link(administration):
    if administration.scope == AudienceScope.CLASSES and administration.targets:
        school_class = db.session.get(SchoolClass, administration.targets[0].class_id)
        if school_class is not None:
            return services.link_for_class(administration, school_class)
    return url_for("assessments.start", slug=administration.slug)


@signals.laiseg_results.connect
def laiseg_results(_sender, administration_ids):
    ids = list(administration_ids)
    if not ids:
        return {}
    administrations = db.session.scalars(
        sa.select(Administration).where(Administration.id.in_(ids))).all()
    submitted = dict(db.session.execute(
        sa.select(Response.administration_id, sa.func.count(Response.id))
        .where(Response.administration_id.in_(ids), Response.submitted_at.is_not(None))
        .group_by(Response.administration_id)).all())
    # Means only of closed laisegs with enough respondents: the HAVING keeps the others
    # in the database.
    now = utcnow()
    enough = (sa.select(Response.administration_id)
              .join(Administration, Administration.id == Response.administration_id)
              .where(Response.administration_id.in_(ids), Response.submitted_at.is_not(None),
                     Administration.closes_at <= now)
              .group_by(Response.administration_id)
              .having(sa.func.count(Response.id) >= min_group()))
    agreed = sa.func.sum(sa.case((Answer.choice >= AGREE_FROM, 1), else_=0))
    figures = {}
    for administration_id, position, mean, agree, answered in db.session.execute(
            sa.select(Response.administration_id, InstrumentItem.position,
                      sa.func.avg(Answer.choice + 1.0), agreed, sa.func.count(Answer.id))
            .join(Answer, Answer.response_id == Response.id)
            .join(InstrumentItem, InstrumentItem.id == Answer.item_id)
            .where(Response.administration_id.in_(enough), Response.submitted_at.is_not(None),
                   Answer.choice.is_not(None))
            .group_by(Response.administration_id, InstrumentItem.position)):
        figures.setdefault(administration_id, {})[position] = (
            float(mean), 100.0 * int(agree) / int(answered))
    results = {}
    for administration in administrations:
        found = figures.get(administration.id)
        means = agreed_shares = None
        if found:
            means = tuple(found.get(n, (None, None))[0] for n in range(3))
            agreed_shares = tuple(found.get(n, (None, None))[1] for n in range(3))
        results[administration.id] = LaisegResult(
            administration_id=administration.id, status=administration.status,
            closes_at=administration.closes_at,
            submitted=int(submitted.get(administration.id, 0)),
            link=answer_link(administration), means=means, agreed=agreed_shares)
    return results
