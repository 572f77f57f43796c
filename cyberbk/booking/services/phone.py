"""When a student usually holds a shared phone ("jam pegang HP"): given once on their
home, it puts the fitting slots first when they book, and the counselor sees it on a
request and when inviting them."""

from ...extensions import db
from ..models import PhoneHabit
from ..models import PhoneWindow


def windows_of(student):
    """The student's phone windows, [] when they gave none."""
    habit = db.session.get(PhoneHabit, student.id)
    return habit.chosen if habit else []


def has_answered(student):
    return db.session.get(PhoneHabit, student.id) is not None


def set_windows(student, values):
    """Keep the windows the student ticked (none ticked: they said none fits)."""
    habit = db.session.get(PhoneHabit, student.id)
    if habit is None:
        habit = PhoneHabit(student_id=student.id)
        db.session.add(habit)
    habit.windows = ",".join(window.value for window in PhoneWindow if window.value in values)
