"""Listing search: the engine ranks, the DB rows of its hits give facets, sorting and pages.

An empty query lists published rows newest first. Facet counts are disjunctive: each
facet counts the rows that match every *other* selected facet, so choices stay visible.
"""
from dataclasses import dataclass, field
from math import ceil

from flask import current_app
import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from indexer import QueryError, StaleIndex

from ..clock import platform_today
from ..errors import ValidationError
from ..extensions import db
from ..params import page_arg
from .index import get_index
from .facets import FACETS, SORTS, counts
from .kinds import ListingKind

SEARCH_LIMIT = 500


@dataclass
class SearchParams:
    """What a search page or the API asked for."""

    q: str = ""
    filters: dict = field(default_factory=dict)  # facet name -> selected value
    sort: str = ""
    page: int = 1

    def args(self, **changes) -> dict:
        """URL arguments of this search with ``changes`` applied (empty values dropped)."""
        out = {"q": self.q, "sort": self.sort, **self.filters, **changes}
        return {k: v for k, v in out.items() if v}

    @classmethod
    def from_args(cls, kind: ListingKind, args) -> "SearchParams":
        """Read q, facet values, sort and page from request args (unknown values ignored)."""
        filters = {f: args.get(f) for f in kind.facets if args.get(f)}
        sort = args.get("sort") if args.get("sort") in kind.sorts else ""
        return cls(q=(args.get("q") or "").strip()[:200], filters=filters, sort=sort, page=page_arg(args))


@dataclass
class SearchResult:
    items: list
    total: int
    page: int
    pages: int
    facets: dict  # facet name -> [(value, label, count)]
    hits: dict  # listing id -> Hit (only with a query)
    sort: str
    sorts: dict

    # the attributes the shared pagination macro reads
    has_prev = property(lambda self: self.page > 1)
    has_next = property(lambda self: self.page < self.pages)
    prev_num = property(lambda self: self.page - 1)
    next_num = property(lambda self: self.page + 1)

    def iter_pages(self, left_edge=1, left_current=2, right_current=2, right_edge=1):
        """Page numbers to link, with None where a gap is shown (like Flask-SQLAlchemy's)."""
        last = 0
        for n in range(1, self.pages + 1):
            if n <= left_edge or self.page - left_current <= n <= self.page + right_current \
                    or n > self.pages - right_edge:
                if last + 1 != n:
                    yield None
                yield n
                last = n


def _conditions(kind: ListingKind, filters: dict, skip: str | None = None, ids: list[int] | None = None) -> list:
    """The SQL conditions of a hall: live listings (a need past its deadline is gone at once), the engine's
    hits when there is a query, and the selected facet values (but ``skip``'s)."""
    m = kind.model
    out = [m.live(platform_today())]
    if ids is not None:
        out.append(m.id.in_(ids))
    for name in kind.facets:
        if name in filters and name != skip:
            facet = FACETS[name]
            out.append(facet.condition(m, filters[name]) if facet.valid(filters[name]) else sa.false())
    return out


def facet_counts(kind: ListingKind, filters: dict, ids: list[int] | None = None) -> dict:
    """Disjunctive counts per facet value, largest first (stages in their natural order): one GROUP BY per
    facet, under every selected value but its own."""
    m = kind.model
    out = {}
    for name in kind.facets:
        facet = FACETS[name]
        key = facet.group(m)
        rows = db.session.execute(db.select(key, sa.func.count()).where(*_conditions(kind, filters, name, ids))
                                  .group_by(key)).all()
        found, labels = counts(name, rows), facet.options()
        values = [(v, labels[v], found[v]) for v in labels if found.get(v)]
        if not facet.natural_order:
            values.sort(key=lambda c: (-c[2], c[0]))
        out[name] = values
    return out


def engine_filters(kind: ListingKind, filters: dict) -> dict:
    """Translate selected facets into engine filters, so retrieval honours them before the cut."""
    out = {}
    for name in kind.facets:
        if name in filters and FACETS[name].valid(filters[name]):
            out.update(FACETS[name].engine(filters[name]))
    return out


def engine_hits(kind: ListingKind, text: str, filters: dict, limit: int = SEARCH_LIMIT) -> list:
    """Engine hits for a query: the filtered ones first, then the unfiltered ones (for facet counts)."""
    try:
        index = get_index(kind.name, repair=False)
    except StaleIndex:
        raise ValidationError("检索服务正在更新索引，请稍后再试（浏览和筛选不受影响）", "q") from None
    try:
        hits = index.search(text, limit=limit, filters=engine_filters(kind, filters) or None)
        if filters:
            seen = {h.id for h in hits}
            hits += [h for h in index.search(text, limit=limit) if h.id not in seen]
    except QueryError as exc:
        raise ValidationError(f"无法检索：{exc}", "q") from exc
    floor = current_app.config["SEARCH_MIN_SEMANTIC_SCORE"]
    # a hit sharing any query word (a BM25 signal) stays; one found by meaning alone needs the floor
    return [h for h in hits if h.signals.get("bm25", 0) > 0 or h.score >= floor]


def search_listings(kind: ListingKind, params: SearchParams, per_page: int = 20) -> SearchResult:
    """One page of published listings for ``params``, with facets and the engine's hit per listing.

    Reads only: listings still waiting for the index are repaired by the worker and `flask reindex --pending`,
    never by a page view.
    """
    m = kind.model
    hits = {}
    if params.q:
        for h in engine_hits(kind, params.q, params.filters):
            hits.setdefault(int(h.id), h)
    ids = list(hits) if params.q else None
    facets = facet_counts(kind, params.filters, ids)
    conditions = _conditions(kind, params.filters, ids=ids)
    total = db.session.scalar(db.select(sa.func.count()).select_from(m).where(*conditions))
    sort = params.sort or ("relevance" if params.q else "newest")
    if sort == "relevance" and not params.q:
        sort = "newest"
    pages = max(1, ceil(total / per_page))
    page = min(params.page, pages)
    if sort == "relevance":
        chosen = set(db.session.scalars(db.select(m.id).where(*conditions)))
        ranked = sorted(chosen, key=lambda i: -hits[i].fused)
        page_ids = ranked[(page - 1) * per_page: page * per_page]
    else:
        page_ids = list(db.session.scalars(db.select(m.id).where(*conditions).order_by(*SORTS[sort].order(m))
                                           .limit(per_page).offset((page - 1) * per_page)))
    eager = [selectinload(kind.model.organization)] + [selectinload(getattr(m, name)) for name in kind.eager]
    loaded = {o.id: o for o in db.session.scalars(
        db.select(kind.model).where(kind.model.id.in_(page_ids)).options(*eager))}
    sorts = {k: SORTS[k].label for k in kind.sorts if params.q or k != "relevance"}
    return SearchResult([loaded[i] for i in page_ids if i in loaded], total, page, pages, facets,
                        {i: hits[i] for i in page_ids if i in hits}, sort, sorts)
