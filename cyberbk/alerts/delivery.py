"""Draining the alert queue: claim what is due, send it, keep what failed for later.

Any process may run it (worker.py, or `flask alerts deliver`): a row is claimed for a
while before it is sent, so two processes never send it twice. A failure is retried
with a growing wait; an alert retried for hours is given up and waits on the counselor's
home. Messages say what kind of thing waits and link to it, nothing more: no student's
words, no name, nothing a person reading over the counselor's shoulder could use.
"""

import logging
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_mailman import EmailMessage

from ..accounts.models import User
from ..common import signals
from ..common.schooltime import utcnow
from ..extensions import db
from ..extensions import mail
from ..school.models import SchoolSettings
from . import push
from .models import DIGEST_KINDS
from .models import Alert
from .models import Channel
from .models import Kind
from .models import PushSubscription
from .services import enqueue
from .services import grid
from .services import queue
from .services import recipients
from .services import settings_for

log = logging.getLogger("cyberbk.alerts")
#: How long a claim holds: longer than a send's timeouts, so a slow send is not taken twice.
CLAIM = timedelta(minutes=2)
#: A sent alert is kept this long (a chat is not told again within the hour), then goes.
KEEP_SENT = timedelta(days=1)


def run_once(now=None):
    """One round of the worker: escalations, chats left unread, then everything due."""
    now = now or utcnow()
    escalate_due(now)
    notice_unread_chats(now)
    sent = deliver_due(now)
    purge_sent(now)
    return sent


def claim(now, *conditions, limit=100):
    """Take the due rows matching `conditions` for this process: the ids it now holds."""
    candidates = db.session.scalars(sa.select(Alert.id).where(
        Alert.sent_at.is_(None), Alert.given_up.is_(False), Alert.due_at <= now,
        sa.or_(Alert.claimed_until.is_(None), Alert.claimed_until < now), *conditions,
    ).order_by(Alert.due_at, Alert.id).limit(limit)).all()
    taken = []
    for alert_id in candidates:
        result = db.session.execute(
            sa.update(Alert).where(Alert.id == alert_id, sa.or_(
                Alert.claimed_until.is_(None), Alert.claimed_until < now))
            .values(claimed_until=now + CLAIM).execution_options(synchronize_session=False))
        if result.rowcount:
            taken.append(alert_id)
    db.session.commit()
    return taken


def escalate_due(now):
    """An urgent story nobody opened by its escalation time: every counselor is told again
    (quiet hours or not) and so is the school's escalation contact, by email."""
    taken = claim(now, Alert.channel == Channel.ESCALATION)
    if not taken:
        return
    waiting = {item.ref for item in signals.collect(signals.urgent_waiting,
                                                    current_app._get_current_object())}
    contact = escalation_contact()
    for alert in db.session.scalars(sa.select(Alert).where(Alert.id.in_(taken))).all():
        if alert.ref in waiting:
            for recipient in recipients():
                enqueue(recipient, Kind.ESCALATED, alert.link, alert.ref, alert.anonymous,
                        now=now)
            if contact and current_app.config.get("MAIL_SERVER"):
                queue(Alert(address=contact, channel=Channel.EMAIL, kind=Kind.ESCALATED,
                            ref=alert.ref, link=alert.link, due_at=grid(now),
                            anonymous=alert.anonymous))
            log.info("alerts: an urgent item waited past the escalation time")
        db.session.delete(alert)
    db.session.commit()


def escalation_contact():
    return db.session.scalar(sa.select(SchoolSettings.escalation_email).limit(1)) or ""


def notice_unread_chats(now):
    """A student wrote in a booking's chat and its counselor has not read it for a while
    (so is not in the room): the counselor is told, once an hour per chat at most."""
    older_than = now - timedelta(minutes=current_app.config["ALERT_CHAT_UNREAD_MINUTES"])
    unread = signals.collect(signals.unread_chats, current_app._get_current_object(),
                             older_than=older_than)
    for counselor_id, ref, link in unread:
        for recipient in recipients([counselor_id]):
            enqueue(recipient, Kind.CHAT, link, ref, now=now)
    if unread:
        db.session.commit()


def deliver_due(now=None):
    """Send every due alert this process can claim; returns how many went."""
    now = now or utcnow()
    taken = claim(now, Alert.channel.in_((Channel.PUSH, Channel.EMAIL)))
    if not taken:
        return 0
    alerts = db.session.scalars(sa.select(Alert).where(Alert.id.in_(taken))
                                .order_by(Alert.due_at, Alert.id)).all()
    sent = 0
    connection = None
    try:
        for batch in batches(alerts):
            first = batch[0]
            try:
                if first.channel == Channel.EMAIL:
                    connection = connection or open_mail_connection()
                    send_email(first, message(batch), connection)
                else:
                    send_push(first, message(batch))
            except Exception as error:  # noqa: BLE001  (any failure is retried, not lost)
                if first.channel == Channel.EMAIL and connection is not None:
                    connection = close_quietly(connection)
                failed(batch, error, now)
            else:
                delivered(batch, now)
                sent += len(batch)
            db.session.commit()
    finally:
        if connection is not None:
            close_quietly(connection)
    return sent


def batches(alerts):
    """Alerts told in one message: a counselor's waiting digest kinds on one channel
    together (new stories and replies), every other alert alone."""
    digests = {}
    for alert in alerts:
        if alert.kind in DIGEST_KINDS:
            digests.setdefault((alert.user_id, alert.channel), []).append(alert)
        else:
            yield [alert]
    yield from digests.values()


def message(batch):
    """(title, body, link) of a batch: what kind of thing waits, and where."""
    first = batch[0]
    link = first.link
    if first.kind in DIGEST_KINDS:
        counts = {kind: sum(a.count for a in batch if a.kind == kind) for kind in DIGEST_KINDS}
        parts = []
        if counts[Kind.STORY]:
            parts.append(ngettext("%(num)d cerita baru", "%(num)d cerita baru", counts[Kind.STORY]))
        if counts[Kind.REPLY]:
            parts.append(ngettext("%(num)d balasan baru", "%(num)d balasan baru", counts[Kind.REPLY]))
        title = _("Ada %(what)s di kotak masalah", what=_(" dan ").join(parts))
    elif first.kind == Kind.ESCALATED:
        title = _("Cerita mendesak belum dibuka Guru BK selama %(minutes)d menit",
                  minutes=current_app.config["URGENT_ESCALATION_MINUTES"])
    else:
        title = str(TITLES[first.kind])
    return title, _("%(title)s — buka CyberBK: %(link)s", title=title, link=link), link


TITLES = {
    Kind.URGENT: _l("Ada cerita mendesak di kotak masalah"),
    Kind.BOOKING: _l("Ada permintaan jadwal konseling baru"),
    Kind.CHAT: _l("Ada pesan chat baru dari siswa"),
    Kind.REFERRAL: _l("Ada rujukan baru dari wali kelas"),
    Kind.TPPK: _l("Ada laporan kekerasan baru untuk TPPK"),
    Kind.TEST: _l("Tes notifikasi CyberBK berhasil"),
}


def open_mail_connection():
    connection = mail.get_connection(fail_silently=False)
    connection.open()
    return connection


def close_quietly(connection):
    try:
        connection.close()
    except Exception:  # noqa: BLE001  (a dead server cannot be closed cleanly)
        pass
    return None


def send_email(alert, text, connection):
    title, body, _link = text
    address = alert.address
    if address is None:
        address = db.session.scalar(sa.select(User.email).where(User.id == alert.user_id))
    if not address:
        raise ValueError(_("Alamat email belum diisi."))
    EmailMessage(subject=f"CyberBK: {title}", body=body, to=[address],
                 connection=connection).send()


def send_push(alert, text):
    """To every browser of the counselor; it went when one of them took it."""
    title, _body, link = text
    subscriptions = db.session.scalars(sa.select(PushSubscription).where(
        PushSubscription.user_id == alert.user_id)).all()
    if not subscriptions:
        raise ValueError(_("Tidak ada perangkat yang berlangganan notifikasi."))
    error = None
    went = False
    for subscription in subscriptions:
        try:
            push.send(subscription, "CyberBK", title, link)
        except push.Gone:
            db.session.delete(subscription)
        except Exception as failure:  # noqa: BLE001  (the next browser may still take it)
            error = failure
        else:
            went = True
    if not went:
        raise error or ValueError(_("Tidak ada perangkat yang berlangganan notifikasi."))


def delivered(batch, now):
    for alert in batch:
        if alert.kind in DIGEST_KINDS and alert.user_id is not None:
            settings = settings_for(db.session.get(User, alert.user_id))
            settings.last_digest_at = grid(now)
            db.session.add(settings)
        if alert.anonymous:
            # Nothing about an anonymous story's alert stays behind once it went.
            db.session.delete(alert)
        else:
            alert.sent_at, alert.claimed_until = grid(now), None


def failed(batch, error, now):
    reason = describe(error)
    log.warning("alerts: %s alert not sent (%s), will retry", batch[0].channel.value, reason)
    for alert in batch:
        alert.attempts += 1
        alert.last_error = reason[:200]
        alert.claimed_until = None
        if alert.attempts >= current_app.config["ALERT_MAX_ATTEMPTS"]:
            alert.given_up = True
        else:
            wait = timedelta(minutes=min(2 ** (alert.attempts - 1), 60))
            alert.due_at = grid(now + wait, up=True)


def describe(error):
    """A failure in words for the counselor's home: the kind of failure, never an address."""
    if isinstance(error, ValueError):
        return str(error)
    if isinstance(error, (ConnectionError, OSError, TimeoutError)):
        return _("Server tidak bisa dihubungi.")
    return _("Pengiriman ditolak (%(kind)s).", kind=type(error).__name__)


def purge_sent(now):
    old = Alert.sent_at < now - KEEP_SENT
    # A read first: a DELETE of nothing would still take SQLite's write lock every round.
    if db.session.scalar(sa.select(sa.exists().where(old))):
        db.session.execute(sa.delete(Alert).where(old))
    db.session.commit()
