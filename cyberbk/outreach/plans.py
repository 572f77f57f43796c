"""RPLs: a new one's starting values, optionally from a class's needs-assessment profile."""

import sqlalchemy as sa
from flask_babel import gettext as _

from ..accounts.models import SchoolClass
from ..common import signals
from ..common.vocabulary import ServiceField
from ..extensions import db
from . import content
from .models import ServiceComponent
from .models import ServicePlan

#: The built-in needs assessment; its profile is preferred over other instruments'.
NEEDS_INSTRUMENT = "kebutuhan-layanan"
# Area codes of the built-in instruments (and AUM's) to the bidang they belong to.
AREA_FIELDS = {
    "PRI": ServiceField.PERSONAL, "DPI": ServiceField.PERSONAL, "JDK": ServiceField.PERSONAL,
    "KHK": ServiceField.PERSONAL, "ANM": ServiceField.PERSONAL, "WSG": ServiceField.PERSONAL,
    "EDK": ServiceField.PERSONAL,
    "SOS": ServiceField.SOCIAL, "HSO": ServiceField.SOCIAL, "HMM": ServiceField.SOCIAL,
    "BEL": ServiceField.LEARNING, "PDP": ServiceField.LEARNING,
    "KAR": ServiceField.CAREER, "KDP": ServiceField.CAREER,
}


def all_plans():
    return db.session.scalars(sa.select(ServicePlan).order_by(ServicePlan.updated_at.desc(),
                                                              ServicePlan.id.desc())).all()


def all_classes():
    return db.session.scalars(sa.select(SchoolClass).order_by(SchoolClass.grade,
                                                              SchoolClass.name)).all()


def starting_values():
    values = {key: str(text) for key, text in content.PLAN_DEFAULTS.items()}
    values["component"] = ServiceComponent.BASIC
    return values


def values_from_profile(school_class):
    """Starting values drawn from the class's latest needs profile, or None without one.

    Only area names go in, never percentages: an RPL may be attached to public material.
    """
    profiles = signals.answer(signals.class_needs, school_class)
    if not profiles:
        return None
    profile = next((p for p in profiles
                    if p["administration"].instrument.builtin_key == NEEDS_INSTRUMENT),
                   profiles[0])
    if not profile["areas"]:
        return None
    administration = profile["administration"]
    top = profile["areas"][0][0]
    others = [row.title for row, _school in profile["areas"][1:3]]
    values = starting_values()
    values.update(
        title=_("Bimbingan klasikal kelas %(name)s: %(topic)s", name=school_class.name,
                topic=top.title),
        class_id=school_class.id,
        target_group=_("Siswa kelas %(name)s", name=school_class.name),
        field=AREA_FIELDS.get(top.code),
        topic=top.title,
        general_goal=_("Siswa kelas %(name)s memahami dan mampu mengembangkan diri dalam hal "
                       "\"%(topic)s\".", name=school_class.name, topic=top.title),
        specific_goals="\n".join(
            [_("1. Siswa mengenali kebutuhannya tentang %(topic)s.", topic=top.title),
             _("2. Siswa menyusun satu langkah nyata yang akan dilakukan.")]
            + ([_("Bidang lain yang juga menonjol: %(areas)s.", areas=", ".join(others))]
               if others else [])),
        sources=_("Hasil angket \"%(title)s\", kelas %(name)s.", title=administration.title,
                  name=school_class.name),
    )
    return values


def save(plan, form):
    for name in form.PLAN_FIELDS:
        value = getattr(form, name).data
        # Optional() leaves an empty field as None; the text columns hold "" instead (an
        # enum column is a String too, but takes None: a bidang left at "–").
        if value is None and not ServicePlan.__table__.c[name].nullable:
            value = ""
        setattr(plan, name, value)
