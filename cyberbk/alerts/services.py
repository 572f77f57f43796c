"""Turning what waits into queued alerts: who is told, on which channel, when.

Features say that something waits (signals.counselor_alert) in the transaction that stores
it; the rows added here are committed with it. Nothing is sent here: the worker
(delivery.py) sends, so a student's request never waits on a mail server or a push service.
"""

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask import has_request_context
from flask import request
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..accounts.models import Role
from ..accounts.models import User
from ..common import signals
from ..common.schooltime import to_local
from ..common.schooltime import to_utc
from ..common.schooltime import utcnow
from ..extensions import db
from .models import DIGEST_KINDS
from .models import URGENT_KINDS
from .models import Alert
from .models import AlertSettings
from .models import Channel
from .models import Kind
from .models import PushSubscription

#: session.info key: this transaction queued an alert (the worker is woken after commit).
QUEUED = "cyberbk_alert_queued"
GRID = timedelta(minutes=5)


def grid(moment, up=False):
    """`moment` on the five-minute grid every alert time keeps: down, or `up` to the next
    grid line. Beside an anonymous story's hour, a time to the second would date it."""
    floored = moment.replace(minute=moment.minute - moment.minute % 5, second=0, microsecond=0)
    return floored + GRID if up and floored != moment else floored


def recipients(ids=None):
    """(counselor, settings, channels) of each counselor to tell, in one query: a story
    sent while nobody can be reached costs its request no more than that."""
    has_push = sa.exists().where(PushSubscription.user_id == User.id)
    # Active counselors another counselor has confirmed: only they open counseling
    # content, so only they are told of it.
    query = (sa.select(User, AlertSettings, has_push)
             .outerjoin(AlertSettings, AlertSettings.user_id == User.id)
             .where(User.role == Role.COUNSELOR, User.is_active_account.is_(True),
                    User.counselor_confirmed_at.is_not(None)))
    if ids is not None:
        query = query.where(User.id.in_(ids))
    rows = db.session.execute(query.order_by(User.id)).all()
    found = []
    for user, settings, push in rows:
        settings = settings or default_settings(user)
        found.append((user, settings, channels_of(user, settings, push)))
    return found


def settings_for(user):
    """The counselor's settings row, made (not yet added) with the defaults when missing."""
    return db.session.get(AlertSettings, user.id) or default_settings(user)


def default_settings(user):
    return AlertSettings(user_id=user.id, email_enabled=True, push_enabled=True,
                         digest_minutes=current_app.config["ALERT_DIGEST_MINUTES"])


def saved_settings(user):
    """settings_for(), added to the session so that a change is saved."""
    settings = settings_for(user)
    db.session.add(settings)
    return settings


def email_available():
    """The school's mail server is configured (MAIL_SERVER)."""
    return bool(current_app.config.get("MAIL_SERVER"))


def has_push(user_id):
    return db.session.scalar(sa.select(sa.exists().where(PushSubscription.user_id == user_id)))


def channels_for(user, settings):
    """Where this counselor is told now: the channels they keep on and can be reached on."""
    return channels_of(user, settings, has_push(user.id))


def channels_of(user, settings, push):
    channels = []
    if settings.push_enabled and push:
        channels.append(Channel.PUSH)
    if settings.email_enabled and user.email and email_available():
        channels.append(Channel.EMAIL)
    return channels


def in_quiet_hours(settings, local_time):
    start, end = settings.quiet_from, settings.quiet_until
    if start is None or end is None or start == end:
        return False
    if start < end:
        return start <= local_time < end
    return local_time >= start or local_time < end  # across midnight


def after_quiet_hours(settings, now):
    """`now`, or the end of the counselor's quiet hours when `now` falls in them."""
    local = to_local(now)
    if not in_quiet_hours(settings, local.time()):
        return now
    end = local.replace(hour=settings.quiet_until.hour, minute=settings.quiet_until.minute,
                        second=0, microsecond=0)
    if end <= local:
        end += timedelta(days=1)
    return to_utc(end)


def absolute(link):
    """A path as the link an email or a notification opens: PUBLIC_URL, or this request's
    own address (behind nginx, ProxyFix has made it the public one)."""
    if link.startswith(("http://", "https://")):
        return link
    return base_url().rstrip("/") + link


def base_url():
    """PUBLIC_URL, else the address the app was last reached at (the worker, which has no
    request of its own, builds its links on it), else HOST and PORT."""
    configured = current_app.config.get("PUBLIC_URL")
    if configured:
        return configured
    if has_request_context():
        current_app.extensions["cyberbk_reached_at"] = request.host_url
        return request.host_url
    return current_app.extensions.get("cyberbk_reached_at") or (
        f"http://{current_app.config['HOST']}:{current_app.config['PORT']}/")


def pending(user_id, channel, **columns):
    """The queued alert of this recipient, channel and kind/ref not yet tried, or None."""
    return db.session.scalar(sa.select(Alert).where(
        Alert.user_id == user_id, Alert.channel == channel, Alert.sent_at.is_(None),
        Alert.given_up.is_(False), Alert.attempts == 0,
        *[getattr(Alert, name) == value for name, value in columns.items()]).limit(1))


def recently_sent(user_id, channel, ref, since):
    return db.session.scalar(sa.select(sa.exists().where(
        Alert.user_id == user_id, Alert.channel == channel, Alert.ref == ref,
        Alert.sent_at >= since)))


def queue(alert):
    db.session.add(alert)
    db.session.info[QUEUED] = True
    return alert


def enqueue(recipient, kind, link, ref="", anonymous=False, list_link=None, now=None):
    """Queue alerts for one counselor (a row of recipients()) on each of their channels,
    under their settings: a digest kind joins the waiting digest, quiet hours hold all but
    urgent kinds, and one thing (`ref`) is told once while its alert waits (a chat: once an
    hour)."""
    now = now or utcnow()
    user, settings, channels = recipient
    for channel in channels:
        if kind in DIGEST_KINDS:
            if not settings.digest_minutes:
                continue
            waiting = pending(user.id, channel, kind=kind)
            if waiting is not None:
                waiting.count += 1
                waiting.anonymous = waiting.anonymous or anonymous
                continue
            due = now
            if settings.last_digest_at is not None:
                due = max(due, settings.last_digest_at + timedelta(minutes=settings.digest_minutes))
            link_here = list_link or link
        else:
            if ref and pending(user.id, channel, kind=kind, ref=ref) is not None:
                continue
            if kind == Kind.CHAT and recently_sent(
                    user.id, channel, ref,
                    now - timedelta(minutes=current_app.config["ALERT_CHAT_REPEAT_MINUTES"])):
                continue
            due, link_here = now, link
        if kind not in URGENT_KINDS:
            due = after_quiet_hours(settings, due)
        queue(Alert(user_id=user.id, channel=channel, kind=kind, ref=ref,
                    link=absolute(link_here), due_at=grid(due), anonymous=anonymous))


@signals.counselor_alert.connect
def something_waits(_sender, kind, link, ref="", counselor_ids=None, anonymous=False,
                    list_link=None):
    kind = Kind(kind)
    now = utcnow()
    for recipient in recipients(counselor_ids):
        enqueue(recipient, kind, link, ref, anonymous, list_link, now)
    if kind == Kind.URGENT:
        # Checked when due: an urgent story nobody has opened by then is told again.
        minutes = current_app.config["URGENT_ESCALATION_MINUTES"]
        queue(Alert(channel=Channel.ESCALATION, kind=Kind.ESCALATED, ref=ref,
                    link=absolute(link), due_at=grid(now + timedelta(minutes=minutes), up=True),
                    anonymous=anonymous))


def send_test(user):
    """The "Kirim tes" button: one test alert on each channel the counselor has on now.
    Returns those channels (empty: nothing to test)."""
    settings = settings_for(user)
    channels = channels_for(user, settings)
    for channel in channels:
        queue(Alert(user_id=user.id, channel=channel, kind=Kind.TEST,
                    link=absolute("/bk/notifikasi"), due_at=grid(utcnow())))
    return channels


def subscribe(user, endpoint, p256dh, auth, label):
    """Keep a browser's push subscription for `user` (the same browser again replaces its
    old one; a browser another counselor used is now this one's)."""
    values = {"user_id": user.id, "p256dh": p256dh, "auth": auth, "label": label}
    subscription = db.session.scalar(
        sa.select(PushSubscription).where(PushSubscription.endpoint == endpoint))
    if subscription is None:
        subscription = PushSubscription(endpoint=endpoint, **values)
        db.session.add(subscription)
    else:
        for name, value in values.items():
            setattr(subscription, name, value)
    return subscription


def subscriptions(user):
    return db.session.scalars(sa.select(PushSubscription).where(
        PushSubscription.user_id == user.id).order_by(PushSubscription.created_at)).all()


def undelivered(user):
    """Alerts for `user` (or for the escalation contact) that failed at least once and
    have not gone yet: the counselor's home shows them."""
    return db.session.scalars(sa.select(Alert).where(
        sa.or_(Alert.user_id == user.id, Alert.user_id.is_(None)),
        Alert.channel != Channel.ESCALATION, Alert.sent_at.is_(None), Alert.attempts > 0,
    ).order_by(Alert.due_at)).all()


def dismiss(user, alert_id):
    """A counselor puts away an alert that was given up on; False when it is not theirs."""
    alert = db.session.get(Alert, alert_id)
    if alert is None or not alert.given_up or alert.user_id not in (user.id, None):
        return False
    db.session.delete(alert)
    return True


@signals.home_page.connect
def home_part(user):
    if user.acting_role != Role.COUNSELOR:
        return {}
    items = signals.collect(signals.urgent_waiting, current_app._get_current_object())
    return {"alerts": {"urgent": items, "undelivered": undelivered(user), "now": utcnow()}}


def waiting_text(item, now):
    """How long an urgent item has waited, as the home says it. An item known to the hour
    only has waited at least since the end of that hour."""
    if item.hour_only:
        end = item.since + timedelta(hours=1)
        hours = int((now - end).total_seconds() // 3600)
        came = _("masuk antara pukul %(start)s dan %(end)s",
                 start=format_datetime(item.since, "HH.mm"), end=format_datetime(end, "HH.mm"))
        if hours < 1:
            return came
        return ngettext("%(came)s, menunggu lebih dari %(num)d jam",
                        "%(came)s, menunggu lebih dari %(num)d jam", hours, came=came)
    minutes = max(int((now - item.since).total_seconds() // 60), 0)
    if minutes < 60:
        return ngettext("menunggu %(num)d menit", "menunggu %(num)d menit", minutes)
    return ngettext("menunggu lebih dari %(num)d jam", "menunggu lebih dari %(num)d jam",
                    minutes // 60)


def _wake_worker(session):
    if session.info.pop(QUEUED, False):
        from . import worker

        worker.wake()


def _forget_queued(session):
    session.info.pop(QUEUED, None)


event.listen(Session, "after_commit", _wake_worker)
event.listen(Session, "after_rollback", _forget_queued)
