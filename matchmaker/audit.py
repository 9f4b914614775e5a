"""One helper to write audit entries; the calling service commits them with its change."""
from .extensions import db
from models import AuditLog


def record_audit(actor, action: str, obj, **detail) -> AuditLog:
    """Add an AuditLog row for ``action`` (e.g. "organization.verify") on ``obj`` by ``actor``."""
    if getattr(obj, "id", 0) is None:
        db.session.flush()  # give a new object its id before it is referenced
    entry = AuditLog(
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=type(obj).__name__.lower(),
        object_id=getattr(obj, "id", None),
        detail=detail,
    )
    db.session.add(entry)
    return entry
