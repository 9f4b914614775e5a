"""Who may see, edit and review a listing: one place for every page, export and API."""
from models import ListingStatus, Role

from ..clock import platform_today
from .coverage import coverage_clause, covers_listing


def is_owner(listing, user) -> bool:
    """True when ``user`` owns ``listing``."""
    return bool(user and user.is_authenticated and listing.owner_id == user.id)


def can_review(listing, user) -> bool:
    """Admins review everything; brokers review listings their coverage includes (field and region)."""
    if not (user and user.is_authenticated):
        return False
    if user.has_role(Role.ADMIN):
        return True
    return user.has_role(Role.BROKER) and covers_listing(user, listing)


def can_view(listing, user) -> bool:
    """Published listings are public; others only to their owner, to admins, and to the brokers who may review
    them once submitted (a draft stays private to its owner). A staged import row is nobody's yet."""
    if listing.status == ListingStatus.STAGED:
        return False
    if listing.is_live(platform_today()) or is_owner(listing, user):
        return True
    if user and user.is_authenticated and user.has_role(Role.ADMIN):
        return True
    return listing.status != ListingStatus.DRAFT and can_review(listing, user)


def can_edit(listing, user) -> bool:
    """The owner edits and withdraws; admins moderate (and own imported listings), once an import published them."""
    if listing.status == ListingStatus.STAGED:
        return False
    return is_owner(listing, user) or bool(user and user.is_authenticated and user.has_role(Role.ADMIN))


def review_scope(model, user):
    """A WHERE clause limiting ``model`` rows to what ``user`` may review (None: everything)."""
    if user.has_role(Role.ADMIN):
        return None
    if not user.has_role(Role.BROKER):
        return model.id.is_(None)  # reviews nothing
    return coverage_clause(user.coverage, model.field_code, model.region)
