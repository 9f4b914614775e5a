"""Read-side helpers for listing pages: load one for a viewer, my listings, the review queue, related hits."""
import logging

from flask import current_app
from sqlalchemy import func
from sqlalchemy.orm import selectinload

from models import ListingStatus, Match

from ..clock import platform_today
from ..errors import NotFound
from ..extensions import db
from ..params import paginate
from .index import get_index
from .access import can_view, review_scope
from .documents import query_text
from .kinds import ListingKind, kind_of

RELATED_LIMIT = 8
log = logging.getLogger(__name__)


def get_listing(kind: ListingKind, listing_id: int, viewer):
    """The listing if ``viewer`` may see it; NotFound otherwise (never reveals that it exists)."""
    listing = db.session.get(kind.model, listing_id)
    if listing is None or not can_view(listing, viewer):
        raise NotFound(f"{kind.label}不存在或尚未发布")
    return listing


def match_counts(kind: ListingKind, ids: list[int]) -> dict[int, int]:
    """Number of stored matches per listing id."""
    column = getattr(Match, kind.match_column)
    rows = db.session.execute(db.select(column, func.count()).where(column.in_(ids)).group_by(column))
    return dict(rows.all())


def my_listings(kind: ListingKind, user) -> list:
    """The user's own listings of ``kind``, most recently changed first."""
    m = kind.model
    return db.session.scalars(db.select(m).where(m.owner_id == user.id).order_by(m.updated_at.desc())).all()


def review_queue(kind: ListingKind, reviewer, page: int = 1, per_page: int = 20):
    """One page of the pending listings of ``kind`` that ``reviewer`` may review, oldest submission first."""
    m = kind.model
    stmt = db.select(m).where(m.status == ListingStatus.PENDING).order_by(m.submitted_at, m.id) \
        .options(selectinload(m.organization))  # the queue shows each row's organization
    scope = review_scope(m, reviewer)
    if scope is not None:
        stmt = stmt.where(scope)
    return paginate(stmt, per_page, page)


def stored_pair_scores(listing, other_ids: list[int]) -> dict[int, float]:
    """{other listing id: score} of the stored matches between ``listing`` and those ids (both directions'
    best estimate, matching.upsert_match), so the panel and the queue show one number for one pair."""
    if not other_ids:
        return {}
    kind = kind_of(listing)
    own, other = getattr(Match, kind.match_column), getattr(Match, kind.other.match_column)
    rows = db.session.execute(db.select(other, Match.score).where(own == listing.id, other.in_(other_ids)))
    return {other_id: score for other_id, score in rows}


def related_listings(listing, limit: int = RELATED_LIMIT) -> list[tuple]:
    """Published listings of the other kind the engine relates to this one, best score first: [(listing, hit)].

    Hits below SEARCH_MIN_SEMANTIC_SCORE (the calibrated 0-100 score the badge shows) are left out, shared terms or
    not: a public page should not offer 12-point hits as related. MATCH_THRESHOLD stays the stricter bar for the
    matches brokers work on.
    """
    other = kind_of(listing).other
    try:
        hits = get_index(other.name, repair=False).search(query_text(listing), limit=limit * 2)
    except Exception:  # a broken or rebuilding index must not take the detail page down
        log.exception("related %s for %r failed", other.name, listing)
        return []
    floor = current_app.config["SEARCH_MIN_SEMANTIC_SCORE"]
    stored = stored_pair_scores(listing, [int(h.id) for h in hits])
    hits = [h._replace(score=max(h.score, stored.get(int(h.id), 0.0))) for h in hits]
    hits = sorted((h for h in hits if h.score >= floor), key=lambda h: (-h.score, -h.fused))
    rows = {o.id: o for o in db.session.scalars(db.select(other.model).where(
        other.model.id.in_([int(h.id) for h in hits]), other.model.live(platform_today())))}
    return [(rows[int(h.id)], h) for h in hits if int(h.id) in rows][:limit]
