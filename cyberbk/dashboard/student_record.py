"""A student's record for the counselor (/bk/siswa/<id>): every feature adds the part the
counselor may see (signals.student_record), and its dated events to one timeline."""

from ..common import signals


def record_parts(student, counselor):
    """Each feature's template values, as `counselor` may see them."""
    return signals.gather(signals.student_record, student, counselor=counselor)


def timeline(student, counselor):
    """Every feature's events about the student, newest first."""
    return sorted(signals.collect(signals.student_timeline, student, counselor=counselor),
                  key=lambda entry: entry.at, reverse=True)
