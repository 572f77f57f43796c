from ..extensions import db
from .models import AuditEntry


def record(actor, action, target_type, target_id=None, summary=""):
    """Add an audit entry to the current transaction (the caller's commit writes it).

    Never put confidential content in `summary`: admins read it.
    """
    entry = AuditEntry(actor_id=actor.id if actor else None, action=action,
                       target_type=target_type,
                       target_id=None if target_id is None else str(target_id), summary=summary)
    db.session.add(entry)
    return entry
