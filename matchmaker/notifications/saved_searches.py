"""Saved searches: tell a user about new published listings matching a query; each alert remembers what it sent."""
from datetime import datetime

from models import SavedSearch, SavedSearchHit, User, utcnow

from ..audit import record_audit
from ..errors import NotFound, ValidationError
from ..extensions import db
from ..listings.kinds import KINDS, get_kind
from .services import link_to, notify

ALERT_LIMIT = 200  # listings looked at per saved search and run
FILTER_KEYS = ("field", "region", "stage", "coop", "budget")  # the search page's facets


def clean_filters(filters: dict | None) -> dict:
    """Keep the search facets a saved search may carry, dropping empty values."""
    return {k: v for k, v in (filters or {}).items() if k in FILTER_KEYS and v not in (None, "", [])}


def find_saved_search(user: User, target: str, query: str, filters: dict) -> SavedSearch | None:
    """``user``'s saved search with exactly this target, (cleaned) query and (cleaned) filters, if any."""
    same = db.select(SavedSearch).filter_by(user_id=user.id, target=target, query=query).order_by(SavedSearch.id)
    return next((s for s in db.session.scalars(same) if (s.filters or {}) == filters), None)


def create_saved_search(user: User, target: str, query: str, filters: dict | None = None,
                        name: str = "") -> tuple[SavedSearch, bool]:
    """Save ``query`` over ``target`` ("achievements"/"needs") for ``user``; audit and commit.

    Returns (search, created): saving an identical search again returns the existing one, so a double
    submit never doubles every alert.
    """
    query = (query or "").strip()[:500]
    if target not in KINDS:
        raise ValidationError("请选择订阅的内容类型", field="target")
    if not query:
        raise ValidationError("请填写检索词", field="query")
    filters = clean_filters(filters)
    existing = find_saved_search(user, target, query, filters)
    if existing is not None:
        return existing, False
    search = SavedSearch(user_id=user.id, target=target, query=query, filters=filters,
                         name=(name or query)[:120].strip())
    db.session.add(search)
    record_audit(user, "saved_search.create", search, target=target, query=search.query)
    db.session.commit()
    return search, True


def delete_saved_search(user: User, search_id: int) -> None:
    """Remove one of ``user``'s saved searches; audit and commit."""
    search = db.session.get(SavedSearch, search_id)
    if search is None or search.user_id != user.id:
        raise NotFound("订阅不存在")
    record_audit(user, "saved_search.delete", search, query=search.query)
    db.session.delete(search)
    db.session.commit()


def saved_searches_of(user: User) -> list[SavedSearch]:
    """``user``'s saved searches, newest first."""
    return list(db.session.scalars(db.select(SavedSearch).filter_by(user_id=user.id)
                                   .order_by(SavedSearch.created_at.desc())))


def new_listings_for(search: SavedSearch) -> list:
    """What the search page shows for ``search`` that was published after it was saved and never sent."""
    from ..listings.search import SearchParams, search_listings

    kind = get_kind(search.target)
    result = search_listings(kind, SearchParams(q=search.query, filters=search.filters or {}), per_page=ALERT_LIMIT)
    sent = set(db.session.scalars(db.select(SavedSearchHit.listing_id).filter_by(saved_search_id=search.id)))
    return [item for item in result.items
            if item.id not in sent and (item.published_at or item.created_at) >= search.created_at]


def alert_saved_search(search: SavedSearch, now: datetime) -> int:
    """Send one alert listing ``search``'s new listings and remember them; returns how many; caller commits."""
    listings = new_listings_for(search)
    search.last_checked_at = now
    if not listings:
        return 0
    kind = get_kind(search.target)
    lines = [f"· {item.title}" for item in listings[:20]]
    notify(search.user, "saved_search", f"订阅「{search.name}」有 {len(listings)} 条新{kind.label}",
           "\n".join(lines), link_to(f"{kind.name}.index", q=search.query, **search.filters))
    db.session.add_all(SavedSearchHit(saved_search_id=search.id, listing_id=item.id, sent_at=now)
                       for item in listings)
    return len(listings)


def run_saved_search_alerts(now: datetime | None = None) -> int:
    """Check every active saved search once; returns how many listings were announced; commits."""
    now = now or utcnow()
    searches = db.session.scalars(db.select(SavedSearch).filter_by(active=True).order_by(SavedSearch.id)).all()
    total = 0
    for search in searches:
        total += alert_saved_search(search, now)
        db.session.commit()  # each search's bookkeeping is saved with its own alert
    return total
