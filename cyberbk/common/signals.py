"""What features tell and ask each other, instead of importing each other's routes or
services (docs/architecture.md; .importlinter checks it).

Events say what happened; any feature may listen. Questions are answered by the feature
that owns the data: by one receiver (`answer`), or by each feature adding its part of a
page (`gather`). A feature connects its receivers at module level in the module that
does the work, which its blueprint package imports, so they are connected as soon as
create_app has registered the blueprints.
"""

from blinker import Namespace

signals = Namespace()

# Events.

#: Every session of an account was ended for it (deactivated, or its password reset by an
#: admin). Sender: the user. Their open sockets must not outlive the sessions.
account_signed_out = signals.signal("account-signed-out")
#: This browser's session is about to be cleared: sign-out, quick exit, or the problem-box
#: thread closed on this device. Sender: the app. Sent while the session still holds it all.
session_ending = signals.signal("session-ending")
#: Someone wrote in the live chat of a problem-box thread. Sender: the report; `counselor`:
#: the counselor who wrote, None for the reporter; `body`: the text. The problem box
#: stores it under its own rules.
thread_message = signals.signal("thread-message")
#: A counselor read a problem-box thread's live chat. Sender: the report.
thread_seen = signals.signal("thread-seen")
#: A counseling session is over: its booking has just become done (the chat was ended, or
#: its session record written). Sender: the booking, in the caller's transaction.
session_ended = signals.signal("session-ended")

#: Something now waits for the counselors; the alerts feature tells them (Web Push,
#: email) without saying what it is beyond its kind. Sender: the app. `kind`: "urgent",
#: "story", "reply", "booking", "chat", "referral" or "tppk" (a violence report a student
#: sent the TPPK directly); `link`: the path that opens it;
#: `ref`: what it is about ("kotak:12"), so that one thing is not told twice while an
#: alert about it waits; `counselor_ids`: whose it is, None for every counselor;
#: `anonymous`: it is an anonymous submission, whose alert keeps no exact time. Sent in the
#: transaction that stores the thing, so the alert is committed, or lost, with it.
counselor_alert = signals.signal("counselor-alert")

#: A student's personal data is being erased on request (dashboard.student_data.erase).
#: Sender: the student. A feature that keeps something of theirs by their account, outside
#: what the erasure itself clears, removes what identifies them or what they told (keeping
#: dates and kinds, which counts are made of), in the caller's transaction: it is kept, or
#: rolled back, with the erasure.
student_erased = signals.signal("student-erased")

#: This process starts serving (a gunicorn worker, once its app is loaded). Sender: the app;
#: `server`: its name, the same at every start of the same server, so that a feature can
#: clear what the last run left when it died without closing (a crash, a kill).
serving_started = signals.signal("serving-started")
#: This process lost its Socket.IO message queue (`up`: False), or has it again (True):
#: what other processes emit reaches its sockets only while it is up. Sender: the app;
#: sent outside any request, from the queue's listener or from the emit that failed.
message_queue_changed = signals.signal("message-queue-changed")

# Questions.

#: The problem-box thread this device opened with its code, or None. Sender: the app;
#: `touch`: True on a page (keeps it open, or says it was closed), False for a socket,
#: whose session is a frozen copy that must not be written.
thread_opened_here = signals.signal("thread-opened-here")
#: What a feature shows on a home page. Sender: the user whose home it is; each feature
#: answers a dictionary of template values (empty when it shows nothing to that role).
home_page = signals.signal("home-page")
#: A feature's part of a student's record (/bk/siswa/<id>), as the counselor `counselor`
#: may see it (booking.models.may_open for counseling records; never an anonymous
#: submission). Sender: the student; each feature answers a dictionary of template values.
student_record = signals.signal("student-record")
#: The same parts as dated events for the record's timeline. Sender: the student;
#: `counselor`: who reads it; each feature answers a list of TimelineEntry
#: (common.vocabulary).
student_timeline = signals.signal("student-timeline")
#: Urgent items no counselor has opened yet. Sender: the app; each feature answers a list
#: of UrgentItem (common.vocabulary), oldest first.
urgent_waiting = signals.signal("urgent-waiting")
#: Chats in which a student wrote and the counselor has not read it for a while. Sender:
#: the app; `older_than`: naive UTC; answer: [(counselor id, ref, link)].
unread_chats = signals.signal("unread-chats")
#: Counts for a counselor's "today" summary. Sender: the counselor; each feature answers
#: a dictionary of its counts.
day_summary = signals.signal("day-summary")
#: What waits for a staff member, counted for the navigation every staff page shows.
#: Sender: the user; each feature answers a dictionary of counts (empty when it has
#: nothing for that role). Asked on every staff page: counts only, one query each.
waiting_counts = signals.signal("waiting-counts")
#: The evaluation the student of a session is invited to give about it, while they still
#: may (not answered, not expired): an administration, or None. Sender: the booking.
session_evaluation = signals.signal("session-evaluation")
#: Where a counseling record stands with the school's TPPK (Permendikbudristek 46/2023):
#: whether it was routed to the TPPK lane, and where a counselor routes it. Sender: the
#: app; `kind`: "kotak" (a problem-box story) or "kasus" (a case); `record_id`: its id.
#: The TPPK feature answers a dictionary of template values ({} for nothing to show).
tppk_lane = signals.signal("tppk-lane")
#: The link a class answers a questionnaire by. Sender: the administration; `school_class`:
#: the class. Answer: a path on this server.
class_link = signals.signal("class-link")
#: A class's needs profiles from its questionnaires, newest first. Sender: the class.
class_needs = signals.signal("class-needs")
#: The starting values of an RPL opened from a row of the BK programme (outreach's new-RPL
#: form), or None when there is no such row. Sender: the app; `row_id`: the row. Answer: a
#: dictionary of the RPL's fields, `programme_row_id` among them.
programme_row_plan = signals.signal("programme-row-plan")
#: Services a feature keeps that happened (session records, case conferences, home visits,
#: referrals out): the hours sheet counts them (perhitungan jam kegiatan), the programme
#: counts each on the row it delivers, the laporan on that row's component. Sender: the
#: app; `first`, `end`: local dates, half-open; `counselor_id`: only that counselor's (None:
#: everyone's); `linked_only`: only those linked to a programme row. Each feature answers a
#: list of HeldService (common.vocabulary), never whom it was with.
services_held = signals.signal("services-held")
#: The Program Tahunan rows a service held in the school year `year` may deliver, for the
#: forms that record one (a session record, a case conference, ...). Sender: the app.
#: Answer: [(row id, label)], empty when the year has no programme.
programme_rows = signals.signal("programme-rows")
#: A laiseg (penilaian segera) for a classical or group service that was just held: an
#: anonymous administration of the built-in laiseg, open now for a short while, answered by
#: the group through its own link (a class's, or the questionnaire's when the group is no
#: class). Sender: the counselor; `title`; `class_id` or None. Answer: the administration,
#: added in the caller's transaction.
laiseg_opened = signals.signal("laiseg-opened")
#: The counselor closes a laiseg before its time: the students are done. Sender: the
#: administration.
laiseg_closed = signals.signal("laiseg-closed")
#: What a laiseg gives, per administration: {id: LaisegResult (common.vocabulary)}, the
#: means only from a closed laiseg of at least MIN_GROUP_SIZE respondents. Sender: the app;
#: `administration_ids`.
laiseg_results = signals.signal("laiseg-results")
#: A student's answers given with their name (questionnaires, sociometries), for the
#: export of their data. Sender: the student; each feature answers a list of
#: (title, submitted at, question, answer text) (`collect`).
student_answers = signals.signal("student-answers")

#: A feature's files in the export of a student's data for `counselor`, the counselor who
#: exports it: only what that counselor opens on the feature's own pages (its may_open),
#: never anything the app did not link to the student. Sender: the student. Each feature
#: answers a list of ExportFile (common.vocabulary), empty when it has none for them
#: (`collect`).
student_export = signals.signal("student-export")


def answer(signal, sender, **values):
    """The answer of the one feature that owns it (ValueError when none or several do)."""
    [(_receiver, value)] = signal.send(sender, **values)
    return value


def collect(signal, sender, **values):
    """Every feature's list, as one list."""
    return [item for _receiver, part in signal.send(sender, **values) for item in part]


def gather(signal, sender, **values):
    """Every feature's part, as one dictionary."""
    parts = {}
    for _receiver, part in signal.send(sender, **values):
        parts.update(part)
    return parts
