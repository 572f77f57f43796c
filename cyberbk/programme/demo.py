"""The demo's programme: drafted from the demo classes' AKPD, with a few services of this
month logged, so the hours sheet has numbers."""

from datetime import timedelta

import sqlalchemy as sa

from ..accounts.models import Role
from ..accounts.models import User
from ..common.schooltime import local_today
from ..extensions import db
from . import drafting
from . import services
from .models import Activity
from .models import ActivityKind


def seed():
    counselor = db.session.scalar(sa.select(User).where(User.role == Role.COUNSELOR)
                                  .order_by(User.id))
    db.session.flush()
    drafting.draft(services.current_year(), drafting.DEFAULT_THRESHOLD, counselor)
    first = local_today().replace(day=1)
    for day, kind, jp in ((1, ActivityKind.CLASSICAL, 2), (2, ActivityKind.CLASSICAL, 2),
                          (3, ActivityKind.HOME_VISIT, 2), (8, ActivityKind.CLASSICAL, 2),
                          (9, ActivityKind.GROUP_COUNSELING, 2),
                          (10, ActivityKind.CONSULTATION, 2)):
        held_on = first + timedelta(days=day - 1)
        if held_on <= local_today():
            db.session.add(Activity(counselor_id=counselor.id, kind=kind, held_on=held_on,
                                    jp=jp, note="Contoh data demo"))
