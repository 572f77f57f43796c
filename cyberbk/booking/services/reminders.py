"""Reminders without content: a calendar file and a WhatsApp text that name no problem."""

from datetime import timedelta
from datetime import timezone
from urllib.parse import quote

from flask_babel import gettext as _

from ...common.schooltime import day_and_time
from ...common.vocabulary import MODE_LABELS
from ..models import ParentRequest


def ics_calendar(booking, link, host):
    """An .ics event for the booking: time and a link, never the problem or the mode."""
    return calendar_file([(booking, _("Janji temu di sekolah"))], link, host)


def agenda_calendar(bookings, link, host, parent_meetings=()):
    """The counselor's agenda feed: each session's and parent meeting's time and mode,
    never the student, the parent or the problem (a phone calendar syncs to a cloud the
    school does not hold)."""
    return calendar_file(
        [(b, _("Sesi konseling (%(mode)s)", mode=str(MODE_LABELS[b.mode]).lower()))
         for b in bookings]
        + [(m, _("Pertemuan dengan orang tua (%(mode)s)", mode=str(MODE_LABELS[m.mode]).lower()))
           for m in parent_meetings], link, host)


def uid_prefix(entry):
    """Bookings and parent meetings number their rows apart: their events' UIDs too."""
    return "parent-meeting" if isinstance(entry, ParentRequest) else "booking"


def calendar_file(entries, link, host):
    """An .ics calendar of (booking, summary) events, each with a reminder 15 minutes ahead."""
    # Imported here: loaded at start-up icalendar cost every worker 3 MB.
    from icalendar import Alarm
    from icalendar import Calendar
    from icalendar import Event

    # Not Calendar.new(): it gives the calendar a random UID of its own.
    calendar = Calendar()
    calendar.prodid = "-//CyberBK//Jadwal//ID"
    calendar.version = "2.0"
    calendar.calscale = "GREGORIAN"
    calendar.method = "PUBLISH"
    for booking, summary in entries:
        alarm = Alarm.new(description=summary)
        alarm.ACTION = "DISPLAY"
        alarm.TRIGGER = timedelta(minutes=-15)
        calendar.add_component(Event.new(
            uid=f"{uid_prefix(booking)}-{booking.id}@{host}", summary=summary,
            description=_("Buka aplikasi sekolah untuk detailnya."), url=link,
            start=booking.starts_at.replace(tzinfo=timezone.utc),
            end=booking.ends_at.replace(tzinfo=timezone.utc), subcomponents=[alarm]))
    return calendar.to_ical()


def whatsapp_reminder_link(booking):
    """wa.me link with a neutral text; the counselor picks the recipient in WhatsApp."""
    when = day_and_time(booking.starts_at, zone=True)
    text = _("Halo, ini pengingat janji temu di sekolah pada %(when)s. Buka aplikasi sekolah "
             "untuk detailnya.", when=when)
    return "https://wa.me/?text=" + quote(text)
