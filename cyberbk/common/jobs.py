"""Long work as a job: its state in the database, the work in a background task.

A page that starts minutes of work (a class list of 3,000 accounts, each password hashed)
cannot keep its request open: a proxy gives up, a reload starts it again, and a second
tab knows nothing of it. So the request adds a `Job` row and returns; the work runs in a
background task of the same process (a greenlet beside the requests, under gevent), which
writes how far it got into the row. Any page, in any tab or after a reload, reads the row.
The work's CPU-heavy parts still go to native threads (scheduling.off_loop): a greenlet
only makes the work outlive its request, it does not stop it holding the loop.

Why not a separate worker process or a queue (Celery, RQ): the school's server runs one
process and maybe Redis; an import is rare and an operator waits for it on the page. A
row and a greenlet are enough, and a restart that cuts a job short marks it failed
(`forget_cut_jobs`), so that no page waits for ever.
"""

import enum
import json
import logging
import threading
from datetime import datetime
from datetime import timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app
from flask_babel import force_locale
from flask_babel import get_locale

from ..extensions import db
from ..extensions import enum_column
from ..extensions import socketio
from . import scheduling
from . import signals
from .schooltime import utcnow

log = logging.getLogger("cyberbk.jobs")
#: Finished jobs' rows are removed when a new job starts, this long after they finished.
KEEP_FINISHED_DAYS = 7
#: Under gevent, threading is patched: an event wakes a waiting greenlet.
_finished = {}


class Status(str, enum.Enum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Job(db.Model):
    __tablename__ = "jobs"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: What the work is ("import_people"); its feature reads the row.
    kind: so.Mapped[str] = so.mapped_column(sa.String(40))
    status: so.Mapped[Status] = so.mapped_column(enum_column(Status),
                                                 default=Status.QUEUED)
    #: Steps done of `total` (0 of 0 while the work has not counted its steps yet).
    done: so.Mapped[int] = so.mapped_column(default=0)
    total: so.Mapped[int] = so.mapped_column(default=0)
    #: What came out, as JSON: counts, or the problems that stopped it. Never a password.
    result: so.Mapped[str] = so.mapped_column(sa.Text, default="{}")
    created_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))
    #: The serving process that runs it (serving.identity): its restart ends the job.
    server: so.Mapped[str] = so.mapped_column(sa.String(255), index=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    finished_at: so.Mapped[datetime | None]

    @property
    def finished(self):
        return self.status in (Status.DONE, Status.FAILED)

    @property
    def outcome(self):
        return json.loads(self.result or "{}")

    def advance(self, done, total):
        self.done, self.total = done, total

    def finish(self, failed=False, **outcome):
        """Mark the job done (or failed) with its outcome; the work commits it with what it
        wrote, so the row says done exactly when the work's data is there."""
        self.status = Status.FAILED if failed else Status.DONE
        self.result = json.dumps(outcome)
        self.finished_at = utcnow()


def start(kind, work, *args, by=None):
    """Add a job, commit it, and run `work(job, *args)` in a background task of this
    process, in the language of the page that started it. Outside gevent (tests, the CLI)
    the work runs now, before this returns. The job, as committed."""
    from ..serving import identity

    cutoff = utcnow() - timedelta(days=KEEP_FINISHED_DAYS)
    db.session.execute(sa.delete(Job).where(Job.finished_at < cutoff))
    job = Job(kind=kind, created_by_id=by.id if by else None,
              server=identity(current_app))
    db.session.add(job)
    db.session.commit()
    _finished[job.id] = threading.Event()
    app, locale = current_app._get_current_object(), str(get_locale())
    if scheduling.gevent_active():
        socketio.start_background_task(run, app, job.id, locale, work, args)
    else:
        run(app, job.id, locale, work, args)
    return job


def run(app, job_id, locale, work, args):
    with app.app_context(), force_locale(locale):
        job = db.session.get(Job, job_id)
        try:
            job.status = Status.RUNNING
            db.session.commit()
            work(job, *args)
            if not job.finished:
                job.finish()
                db.session.commit()
        except Exception:  # noqa: BLE001  (the job says it failed; the log says why)
            log.exception("job %s (%s) failed", job_id, job.kind)
            db.session.rollback()
            job.finish(failed=True)
            db.session.commit()
        finally:
            _finished.pop(job_id).set()


def wait(job, seconds):
    """Wait up to `seconds` for a job of this process to finish (a short one is shown done at
    once); the job as it now stands."""
    event = _finished.get(job.id)
    if event is not None:
        event.wait(seconds)
    db.session.refresh(job)
    return job


@signals.serving_started.connect
def forget_cut_jobs(app, server):
    """Jobs this server was running when it last stopped: nobody runs them any more."""
    db.session.execute(sa.update(Job).where(
        Job.server == server, Job.status.in_([Status.QUEUED, Status.RUNNING])).values(
        status=Status.FAILED, result=json.dumps({"interrupted": True}), finished_at=utcnow()))
    db.session.commit()
