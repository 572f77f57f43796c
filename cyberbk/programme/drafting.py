"""The draft of a Program Tahunan from the classes' needs profiles (signals.class_needs).

The rules, one row each:
- a need of the AKPD (bidang pribadi, sosial, belajar) ticked by at least `threshold` % of a
  class: layanan dasar, bimbingan klasikal for the class, DRAFT_JP JP, semester ganjil;
- the same for bidang karier: peminatan dan perencanaan individual, semester genap;
- a field of the AKPD's "bantuan segera" ticked by at least URGENT_SHARE % of a class:
  layanan responsif, EQUIVALENT_JP per student who ticked it (one session each);
- a class whose wellbeing (start-of-year check, area KSJ) averages below WELLBEING_FLOOR %
  of the scale: layanan responsif, two group sessions (2 × EQUIVALENT_JP);
- once a year, the dukungan sistem rows of SYSTEM_ROWS.
A row the programme already has (same year, class and topic) is not proposed again.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..accounts.models import SchoolClass
from ..common import signals
from ..common.schooltime import day_bounds
from ..common.schooltime import local_today
from ..common.vocabulary import ServiceField
from ..extensions import db
from ..outreach.models import ServiceComponent
from .models import EQUIVALENT_JP
from .models import ProgrammeRow
from .models import Semester

AKPD = "akpd"
CHECK = "cek-awal-tahun"
DEFAULT_THRESHOLD = 50
URGENT_SHARE = 10
WELLBEING_FLOOR = 62.5
DRAFT_JP = 2
FIELD_OF = {"PRI": ServiceField.PERSONAL, "SOS": ServiceField.SOCIAL,
            "BEL": ServiceField.LEARNING, "KAR": ServiceField.CAREER}
URGENT = "SGR"
WELLBEING = "KSJ"
#: The AKPD's "bantuan segera" options, in order, to their fields.
URGENT_FIELDS = (ServiceField.PERSONAL, ServiceField.SOCIAL, ServiceField.LEARNING,
                 ServiceField.CAREER)
#: Months the draft spreads a semester's rows over, strongest need first.
ODD_MONTHS = (8, 9, 10, 11)
EVEN_MONTHS = (1, 2, 3, 4, 5)
SYSTEM_ROWS = (
    (_l("Penyusunan, evaluasi, dan laporan program BK"), _l("Rapat kerja dan evaluasi"),
     Semester.ODD, 7, 2),
    (_l("Kerja sama dengan wali kelas dan orang tua"), _l("Koordinasi dan pertemuan"),
     Semester.ODD, 9, 2),
    (_l("Pengembangan profesi Guru BK (MGBK)"), _l("Pertemuan MGBK dan pelatihan"),
     Semester.EVEN, 2, 2),
)


@dataclass
class Draft:
    added: list
    classes_read: list
    classes_without_profile: list


def year_bounds(year):
    """UTC bounds of the school year that starts in July of `year`."""
    first = date(year, 7, 1)
    return day_bounds(first, (date(year + 1, 7, 1) - first).days)


def profiles_in_year(school_class, year):
    """{instrument key: profile} of the class's latest administrations opened in the year."""
    start, end = year_bounds(year)
    found = {}
    for profile in signals.answer(signals.class_needs, school_class):
        administration = profile["administration"]
        key = administration.instrument.builtin_key
        if key in (AKPD, CHECK) and key not in found and start <= administration.opens_at < end:
            found[key] = profile
    return found


def proposals(school_class, found, threshold):
    """[ProgrammeRow] (not added) the class's profiles call for, by the rules above."""
    rows = []
    akpd = found.get(AKPD)
    if akpd:
        needs = sorted((bar for bar in akpd["needs"] if bar.note in FIELD_OF
                        and bar.count is not None and bar.percent >= threshold),
                       key=lambda bar: -bar.percent)
        odd = even = 0
        for bar in needs:
            field = FIELD_OF[bar.note]
            career = field == ServiceField.CAREER
            if career:
                semester, month = Semester.EVEN, EVEN_MONTHS[even % len(EVEN_MONTHS)]
                even += 1
            else:
                semester, month = Semester.ODD, ODD_MONTHS[odd % len(ODD_MONTHS)]
                odd += 1
            rows.append(ProgrammeRow(
                component=ServiceComponent.PLANNING if career else ServiceComponent.BASIC,
                field=field, topic=bar.label[:160],
                need=need_text(bar, school_class, akpd["respondents"]),
                target_group=_("Siswa kelas %(name)s", name=school_class.name),
                method=(_("Bimbingan klasikal dan perencanaan individual") if career
                        else _("Bimbingan klasikal")),
                semester=semester, month=month, jp=DRAFT_JP, class_id=school_class.id))
        options = [bar for bar in akpd["needs"] if bar.note == URGENT]
        urgent_item = next((item for item in akpd["administration"].instrument.items
                            if item.section.code == URGENT), None)
        for bar in options:
            if bar.count is None or bar.percent < URGENT_SHARE or urgent_item is None \
                    or bar.label not in urgent_item.options:
                continue
            field = URGENT_FIELDS[urgent_item.options.index(bar.label) % len(URGENT_FIELDS)]
            rows.append(ProgrammeRow(
                component=ServiceComponent.RESPONSIVE, field=field,
                topic=_("Konseling: %(topic)s", topic=bar.label)[:160],
                need=need_text(bar, school_class, akpd["respondents"]),
                target_group=_("Siswa kelas %(name)s yang meminta bantuan segera",
                               name=school_class.name),
                method=_("Konseling individual atau kelompok"), semester=Semester.ODD,
                month=None, jp=EQUIVALENT_JP * bar.count, class_id=school_class.id))
    check = found.get(CHECK)
    if check:
        wellbeing = next((row for row, _school in check["areas"] if row.code == WELLBEING),
                         None)
        if wellbeing is not None and wellbeing.likert_mean is not None \
                and wellbeing.headline < WELLBEING_FLOOR:
            rows.append(ProgrammeRow(
                component=ServiceComponent.RESPONSIVE, field=ServiceField.PERSONAL,
                topic=_("Konseling kelompok: rasa nyaman di sekolah")[:160],
                need=_("Rata-rata kabar kelas %(name)s %(mean)s dari %(max)d",
                       name=school_class.name, mean=f"{wellbeing.likert_mean:.1f}",
                       max=wellbeing.likert_max),
                target_group=_("Siswa kelas %(name)s", name=school_class.name),
                method=_("Konseling kelompok"), semester=Semester.ODD, month=None,
                jp=2 * EQUIVALENT_JP, class_id=school_class.id))
    return rows


def month_start(year, month):
    """The first day of `month` in the school year that starts in July of `year`."""
    return date(year if month >= 7 else year + 1, month, 1)


def ahead_of_today(rows, year, today):
    """Rows drafted into a month already over (a programme drafted in December, say) go to
    the months of their semester still ahead, in turn, or to none (the semester only): a
    plan for a month gone by cannot be delivered."""
    this_month = today.replace(day=1)
    ahead = {semester: [m for m in months if month_start(year, m) >= this_month]
             for semester, months in ((Semester.ODD, ODD_MONTHS), (Semester.EVEN, EVEN_MONTHS))}
    turn = Counter()
    for row in rows:
        if row.month is not None and month_start(year, row.month) < this_month:
            left = ahead[row.semester]
            row.month = left[turn[row.semester] % len(left)] if left else None
            turn[row.semester] += 1


def need_text(bar, school_class, respondents):
    return _("%(percent)d%% siswa kelas %(name)s (%(count)d dari %(total)d)",
             percent=round(bar.percent), name=school_class.name, count=bar.count,
             total=respondents)[:300]


def draft(year, threshold, counselor):
    """Add the rows the profiles of the year call for and the programme lacks (the caller
    commits, with the audit entries of the profiles read)."""
    existing = set(db.session.execute(
        sa.select(ProgrammeRow.class_id, ProgrammeRow.topic)
        .where(ProgrammeRow.school_year == year)).all())
    has_system = db.session.scalar(sa.select(sa.exists().where(
        ProgrammeRow.school_year == year,
        ProgrammeRow.component == ServiceComponent.SYSTEM)))
    added, read, without = [], [], []
    classes = db.session.scalars(sa.select(SchoolClass).order_by(SchoolClass.grade,
                                                                 SchoolClass.name)).all()
    for school_class in classes:
        found = profiles_in_year(school_class, year)
        if not found:
            without.append(school_class)
            continue
        read.append(school_class)
        for row in proposals(school_class, found, threshold):
            if (row.class_id, row.topic) not in existing:
                added.append(row)
                existing.add((row.class_id, row.topic))
    if not has_system:
        for topic, method, semester, month, jp in SYSTEM_ROWS:
            added.append(ProgrammeRow(component=ServiceComponent.SYSTEM, topic=str(topic),
                                      method=str(method), target_group=_("Guru BK"),
                                      semester=semester, month=month, jp=jp))
    ahead_of_today(added, year, local_today())
    for row in added:
        row.school_year, row.drafted, row.created_by_id = year, True, counselor.id
        db.session.add(row)
    return Draft(added=added, classes_read=read, classes_without_profile=without)
