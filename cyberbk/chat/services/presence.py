"""Open sockets, so that signing out closes them.

An account's sockets are rows (ChatConnection), so that a sign-out in any process closes
them. An anonymous reporter's sockets are kept in this process's memory only: a row
saying "a socket was on thread 12 from 14:23:05", even deleted, stays readable in the
database file and its write-ahead log, beside the logins of the same minute. A
reporter's sign-out reaches them all the same: the quick exit or the thread's closing
comes from the browser that holds the socket, which nginx sends to the same process
(`ip_hash`, README) as its socket.
"""

import sqlalchemy as sa
from flask import after_this_request
from flask import current_app
from flask import has_request_context
from flask_login import current_user

from ... import serving
from ...common import signals
from ...extensions import db
from ...extensions import socketio
from ..models import ChatConnection
from .rules import NAMESPACE
from .rules import refusal


def reporter_sockets():
    """{sid: report id} of the anonymous reporters' sockets open in this process."""
    return current_app.extensions.setdefault("chat_reporter_sockets", {})


def register_socket(sid, seat):
    if seat.user is None:
        reporter_sockets()[sid] = seat.chat.report.id
    else:
        db.session.add(ChatConnection(sid=sid, user_id=seat.user.id, chat_key=seat.chat.key,
                                      server=serving.identity(current_app)))


def counselor_in_room(chat):
    """Whether one of the chat's counselors has it open now (a socket seated at it)."""
    return db.session.scalar(sa.select(sa.exists().where(
        ChatConnection.chat_key == chat.key,
        ChatConnection.user_id.in_(chat.counselor_ids()))))


def abandon_socket(sid):
    """A socket whose connection failed: out of this process's memory (its row, if any,
    went with the rolled-back transaction)."""
    reporter_sockets().pop(sid, None)


def forget_socket(sid):
    if reporter_sockets().pop(sid, None) is None:
        db.session.execute(sa.delete(ChatConnection).where(ChatConnection.sid == sid))


@signals.serving_started.connect
def clear_stale_connections(app, server):
    """The rows this server left when it last stopped without closing its sockets (a crash,
    a kill): none of those sockets is open now, and a row names an account and a time."""
    db.session.execute(sa.delete(ChatConnection).where(ChatConnection.server == server))
    db.session.commit()


@signals.account_signed_out.connect
def close_account_sockets(user):
    """Every open chat socket of this account goes (deactivated, password reset)."""
    close_after_commit(_forget(ChatConnection.user_id == user.id))


@signals.session_ending.connect
def close_session_sockets(app):
    """The sockets of whoever signs out in this request go: their account's, and those of
    the problem-box thread opened in this browser."""
    sids = []
    if current_user.is_authenticated:
        sids += _forget(ChatConnection.user_id == current_user.id)
    thread = signals.answer(signals.thread_opened_here, app, touch=False)
    if thread is not None:
        sockets = reporter_sockets()
        on_thread = [sid for sid, report_id in sockets.items() if report_id == thread.id]
        for sid in on_thread:
            sockets.pop(sid, None)
        sids += on_thread
    close_after_commit(sids)


def close_after_commit(sids):
    """Close sockets forgotten in this request's transaction once the view has committed it
    (a view commits before it answers): closed sooner, one could connect again in time to
    pass the old session's check. Outside a request (a command), at once."""
    if not sids:
        return
    if not has_request_context():
        close_sockets(sids)
        return

    @after_this_request
    def close(response):
        close_sockets(sids)
        return response


def _forget(condition):
    sids = db.session.scalars(sa.select(ChatConnection.sid).where(condition)).all()
    if sids:
        db.session.execute(sa.delete(ChatConnection).where(condition))
    return sids


def close_sockets(sids):
    """Tell the sockets why, and close them: only once the caller has committed the end of
    their sessions, or one could connect again in time to pass the old session's check."""
    reason = refusal("signed_out")
    for sid in sids:
        # Through the message queue: the socket may live in another process.
        socketio.emit("refused", {"reason": reason.reason, "message": str(reason)}, to=sid,
                      namespace=NAMESPACE)
        socketio.server.disconnect(sid, namespace=NAMESPACE)
