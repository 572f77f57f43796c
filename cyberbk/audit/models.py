from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..common.schooltime import utcnow
from ..extensions import db


class AuditEntry(db.Model):
    """Who read or exported what, and when. The app only ever inserts rows."""

    __tablename__ = "audit_entries"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    at: so.Mapped[datetime] = so.mapped_column(default=utcnow, index=True)
    actor_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    #: A short verb such as "read" or "export".
    action: so.Mapped[str] = so.mapped_column(sa.String(32))
    #: The kind of record, e.g. "problem_report", "case", "chat", "answers".
    target_type: so.Mapped[str] = so.mapped_column(sa.String(32))
    target_id: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    #: A content-free description, safe to show to admins.
    summary: so.Mapped[str] = so.mapped_column(sa.String(240), default="")


class AppendOnly(RuntimeError):
    """Something in the app tried to change or remove an audit entry."""


@sa.event.listens_for(so.Session, "before_flush")
def refuse_changed_entries(session, flush_context, instances):
    """The log is only worth something if nobody in the app can rewrite it: not a route,
    not a service, not a purge. Only the database's owner, outside the app, can."""
    for entry in (*session.dirty, *session.deleted):
        if isinstance(entry, AuditEntry) and (entry in session.deleted
                                              or session.is_modified(entry)):
            raise AppendOnly("audit entries are never changed or deleted")


@sa.event.listens_for(so.Session, "do_orm_execute")
def refuse_bulk_changes(state):
    if (state.is_update or state.is_delete) and any(
            mapper.class_ is AuditEntry for mapper in state.all_mappers):
        raise AppendOnly("audit entries are never changed or deleted")
