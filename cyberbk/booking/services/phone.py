"""When a student usually holds a shared phone ("jam pegang HP"): given once on their
home, it puts the fitting slots first when they book, and the counselor sees it on a
request and when inviting them."""

from ...extensions import db
from ..models import PhoneHabit
from ..models import PhoneWindow


def windows_of(student):
    """The student's phone windows, [] when they gave none."""
    return answer_of(student)[1]


def answer_of(student):
    """(whether the student answered, their windows), from one lookup: a student who never
    answered has no row, and the session's identity map does not remember an absent one."""
    habit = db.session.get(PhoneHabit, student.id)
    return (habit is not None, habit.chosen if habit else [])


def set_windows(student, values):
    """Keep the windows the student ticked (none ticked: they said none fits)."""
    habit = db.session.get(PhoneHabit, student.id)
    if habit is None:
        habit = PhoneHabit(student_id=student.id)
        db.session.add(habit)
    habit.windows = ",".join(window.value for window in PhoneWindow if window.value in values)
