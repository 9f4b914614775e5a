"""Listing search: the engine ranks, the DB rows of its hits give facets, sorting and pages.

An empty query lists published rows newest first. Facet counts are disjunctive: each
facet counts the rows that match every *other* selected facet, so choices stay visible.
"""
from collections import Counter
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


def _condition(model, name: str, value):
    """The SQL condition of one selected facet value (an unknown value matches nothing)."""
    facet = FACETS[name]
    return facet.condition(model, value) if facet.valid(value) else sa.false()


def _conditions(kind: ListingKind, filters: dict, skip: str | None = None) -> list:
    """The SQL conditions of a hall: live listings (a need past its deadline is gone at once) and the selected
    facet values (but ``skip``'s)."""
    m = kind.model
    return [m.live(platform_today())] + [_condition(m, name, filters[name]) for name in kind.facets
                                         if name in filters and name != skip]


def _listed(name: str, found: dict) -> list:
    """[(value, label, count)] of a facet's values found, largest first (stages in their natural order)."""
    facet = FACETS[name]
    labels = facet.options()
    values = [(v, labels[v], found[v]) for v in labels if found.get(v)]
    if not facet.natural_order:
        values.sort(key=lambda c: (-c[2], c[0]))
    return values


def facet_counts(kind: ListingKind, filters: dict) -> dict:
    """Disjunctive counts per facet value over the whole hall: one GROUP BY per facet, under every selected value
    but its own (read from the hall's covering index)."""
    m = kind.model
    out = {}
    for name in kind.facets:
        key = FACETS[name].group(m)
        rows = db.session.execute(db.select(key, sa.func.count()).where(*_conditions(kind, filters, name))
                                  .group_by(key)).all()
        out[name] = _listed(name, counts(name, rows))
    return out


def hit_facets(kind: ListingKind, filters: dict, ids: list[int]) -> tuple[dict, list[int]]:
    """(facet counts, ids passing every selected value) over a query's hits: the engine's few hundred hits are
    read in one pass, each row with its facets' group keys and whether each selected value holds, and counted
    here (a GROUP BY per facet would look the same rows up once per facet)."""
    m = kind.model
    selected = [name for name in kind.facets if name in filters]
    columns = [m.id] + [FACETS[name].group(m) for name in kind.facets] + [
        sa.case((_condition(m, name, filters[name]), 1), else_=0) for name in selected]
    # by primary key only, liveness read as a column: a live-listing condition in WHERE sends SQLite scanning
    # the status index instead of looking the few hits up
    live = sa.case((m.live(platform_today()), 1), else_=0)
    rows = [row[1:] for row in db.session.execute(db.select(live, *columns).where(m.id.in_(ids))) if row[0]]
    width = len(kind.facets)

    def passes(row, skip=None) -> bool:
        return all(row[1 + width + i] for i, name in enumerate(selected) if name != skip)

    out = {}
    for position, name in enumerate(kind.facets):
        groups = Counter(row[1 + position] for row in rows if passes(row, name))
        out[name] = _listed(name, counts(name, groups.items()))
    return out, [row[0] for row in rows if passes(row)]


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
    sort = params.sort or ("relevance" if params.q else "newest")
    if sort == "relevance" and not params.q:
        sort = "newest"
    if params.q:
        facets, chosen = hit_facets(kind, params.filters, list(hits))
        total = len(chosen)
        conditions = [m.id.in_(chosen)]
    else:
        facets = facet_counts(kind, params.filters)
        conditions = _conditions(kind, params.filters)
        total = db.session.scalar(db.select(sa.func.count()).select_from(m).where(*conditions))
    pages = max(1, ceil(total / per_page))
    page = min(params.page, pages)
    if sort == "relevance":
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
