"""Listings as JSON-ready dicts; contact fields only for viewers allowed to see them."""
from decimal import Decimal
from datetime import date, datetime, timezone
import enum

from .kinds import kind_of
from .services import listing_values
from .tech_fields import field_label


def iso_utc(value: datetime) -> str:
    """A stored time (naive UTC) as ISO 8601 with its offset, so API clients need not guess the zone."""
    return (value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value).isoformat()


def _plain(value):
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime):
        return iso_utc(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def listing_dict(listing, private: bool, hit=None) -> dict:
    """Every field of a listing; PRIVATE_FIELDS are left out unless ``private``."""
    values = listing_values(listing)
    for name in listing.PRIVATE_FIELDS:
        values.pop(name, None)
        if private:
            values[name] = getattr(listing, name)
    data = {"id": listing.id, "kind": kind_of(listing).name, "status": listing.status.value,
            "field_label": field_label(listing.field_code),
            "organization": listing.organization.name if listing.organization else None,
            "published_at": listing.published_at, **values}
    if hit is not None:
        data["score"] = round(hit.score, 1)
        data["shared_terms"] = list(hit.shared_terms)
    return _plain(data)
