"""Who may see, edit and review a listing: one place for every page, export and API."""
from models import ListingStatus, Role

from .taxonomy import field_rows, top_code


def is_owner(listing, user) -> bool:
    """True when ``user`` owns ``listing``."""
    return bool(user and user.is_authenticated and listing.owner_id == user.id)


def covered_fields(user) -> list[str | None]:
    """Field codes a broker covers; None in the list means every field."""
    return [c.field_code for c in user.coverage]


def can_review(listing, user) -> bool:
    """Admins review everything; brokers review listings in fields they cover."""
    if not (user and user.is_authenticated):
        return False
    if user.has_role(Role.ADMIN):
        return True
    if not user.has_role(Role.BROKER):
        return False
    codes = set(covered_fields(user))
    return None in codes or listing.field_code in codes or top_code(listing.field_code) in codes


def can_view(listing, user) -> bool:
    """Published listings are public; others only to their owner and to those who may review them."""
    return listing.status == ListingStatus.PUBLISHED or is_owner(listing, user) or can_review(listing, user)


def can_edit(listing, user) -> bool:
    """The owner edits and withdraws; admins moderate (and own imported listings)."""
    return is_owner(listing, user) or bool(user and user.is_authenticated and user.has_role(Role.ADMIN))


def review_scope(model, user):
    """A WHERE clause limiting ``model`` rows to what ``user`` may review (None: everything)."""
    if user.has_role(Role.ADMIN):
        return None
    codes = covered_fields(user)
    if None in codes:
        return None
    if not codes:
        return model.id.is_(None)  # covers nothing: sees nothing
    children = [r["code"] for r in field_rows() if r["parent_code"] in codes]
    return model.field_code.in_(set(codes) | set(children))
