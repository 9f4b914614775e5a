"""Listing search: the engine ranks, the DB rows of its hits give facets, sorting and pages.

An empty query lists published rows newest first. Facet counts are disjunctive: each
facet counts the rows that match every *other* selected facet, so choices stay visible.
"""
from dataclasses import dataclass, field
from datetime import date
from math import ceil

from flask import current_app
from sqlalchemy.orm import selectinload

from indexer import QueryError
from models import TRL_LEVELS, CoopMode

from ..clock import platform_today
from ..errors import ValidationError
from ..extensions import db
from ..params import page_arg
from ..search_index import get_index, heal_if_needed
from .kinds import ListingKind
from .taxonomy import field_names, top_code

SEARCH_LIMIT = 500
STAGES = ("实验室", "小试", "中试", "产业化")
# budget buckets of needs (万元): key -> (label, low inclusive, high exclusive)
BUDGETS = {"lt50": ("50 万以下", 0, 50), "50-200": ("50–200 万", 50, 200),
           "200-1000": ("200–1000 万", 200, 1000), "gt1000": ("1000 万以上", 1000, None),
           "negotiable": ("面议", None, None)}
FACETS = {"achievements": ("field", "region", "stage", "coop"),
          "needs": ("challenge", "field", "region", "coop", "budget")}
FACET_LABELS = {"field": "技术领域", "region": "地区", "stage": "技术成熟度", "coop": "合作方式", "budget": "预算",
                "challenge": "需求类型"}
CHALLENGE = "1"  # the challenge facet's one value: open challenges (揭榜挂帅) only
SORTS = {"achievements": {"relevance": "相关度", "newest": "最新发布", "trl": "成熟度"},
         "needs": {"relevance": "相关度", "newest": "最新发布", "budget": "预算", "deadline": "截止日期"}}


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
        filters = {f: args.get(f) for f in FACETS[kind.name] if args.get(f)}
        sort = args.get("sort") if args.get("sort") in SORTS[kind.name] else ""
        return cls(q=(args.get("q") or "").strip()[:200], filters=filters, sort=sort, page=page_arg(args))


@dataclass
class Row:
    """The few columns of one listing that facets and sorting need."""

    id: int
    values: dict  # facet name -> value(s) of this row
    published_at: object
    sort_value: object


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


def _budget_bucket(low, high) -> str:
    value = high if high is not None else low
    if value is None:
        return "negotiable"
    return next(k for k, (_, lo, hi) in BUDGETS.items() if lo is not None and value >= lo and (hi is None or value < hi))


def _rows(kind: ListingKind, ids: list[int] | None) -> list[Row]:
    m = kind.model
    if kind.name == "achievements":
        cols = (m.id, m.field_code, m.region, m.coop_modes, m.published_at, m.trl)
    else:
        cols = (m.id, m.field_code, m.region, m.coop_modes, m.published_at, m.budget_min, m.budget_max, m.deadline,
                m.is_challenge)
    stmt = db.select(*cols).where(m.live(platform_today()))  # a need past its deadline is gone at once
    if ids is not None:
        stmt = stmt.where(m.id.in_(ids))
    rows = []
    for r in db.session.execute(stmt):
        values = {"field": top_code(r.field_code), "region": r.region, "coop": list(r.coop_modes or [])}
        if kind.name == "achievements":
            values["stage"] = TRL_LEVELS[r.trl][1] if r.trl in TRL_LEVELS else None
            sort_value = r.trl or 0
        else:
            values["budget"] = _budget_bucket(r.budget_min, r.budget_max)
            values["challenge"] = CHALLENGE if r.is_challenge else None
            sort_value = (float(r.budget_max or r.budget_min or 0), r.deadline or date.max)
        rows.append(Row(r.id, values, r.published_at, sort_value))
    return rows


def _matches(row: Row, filters: dict, skip: str | None = None) -> bool:
    for name, wanted in filters.items():
        if name == skip:
            continue
        value = row.values.get(name)
        if (wanted not in value) if isinstance(value, list) else (value != wanted):
            return False
    return True


def _labels(name: str) -> dict:
    if name == "field":
        return field_names()
    if name == "coop":
        return dict(CoopMode.choices())
    if name == "budget":
        return {k: v[0] for k, v in BUDGETS.items()}
    if name == "challenge":
        return {CHALLENGE: "揭榜挂帅"}
    return {}


def facet_counts(kind: ListingKind, rows: list[Row], filters: dict) -> dict:
    """Disjunctive counts per facet value, largest first (stages in their natural order)."""
    out = {}
    for name in FACETS[kind.name]:
        counts: dict = {}
        for row in rows:
            if _matches(row, filters, skip=name):
                value = row.values.get(name)
                for v in value if isinstance(value, list) else [value]:
                    if v:
                        counts[v] = counts.get(v, 0) + 1
        labels = _labels(name)
        order = (lambda kv: STAGES.index(kv[0])) if name == "stage" else (lambda kv: (-kv[1], kv[0]))
        out[name] = [(v, labels.get(v, v), n) for v, n in sorted(counts.items(), key=order)]
    return out


def engine_filters(kind: ListingKind, filters: dict) -> dict:
    """Translate selected facets into engine filters, so retrieval honours them before the cut."""
    out = {}
    for name in ("field", "region", "coop"):
        if name in filters:
            out[name] = filters[name]
    if filters.get("challenge") == CHALLENGE:
        out["challenge"] = CHALLENGE
    if filters.get("stage") in STAGES:
        levels = [lvl for lvl, (_, stage) in TRL_LEVELS.items() if stage == filters["stage"]]
        out["trl"] = {"min": min(levels), "max": max(levels)}
    bucket = BUDGETS.get(filters.get("budget", ""))
    if bucket and bucket[1] is not None:
        out["budget"] = {"min": bucket[1], **({"max": bucket[2] - 0.01} if bucket[2] else {})}
    return out


def engine_hits(kind: ListingKind, text: str, filters: dict, limit: int = SEARCH_LIMIT) -> list:
    """Engine hits for a query: the filtered ones first, then the unfiltered ones (for facet counts)."""
    index = get_index(kind.name)
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


def refresh_before_search(kind: ListingKind) -> None:
    """Cheap upkeep before a search: repair listings still marked PENDING (needs past their deadline are left
    out by the read itself; the daily expire_needs job records their expiry)."""
    heal_if_needed(kind.name)


def search_listings(kind: ListingKind, params: SearchParams, per_page: int = 20) -> SearchResult:
    """One page of published listings for ``params``, with facets and the engine's hit per listing."""
    refresh_before_search(kind)
    hits = {}
    if params.q:
        for h in engine_hits(kind, params.q, params.filters):
            hits.setdefault(int(h.id), h)
    rows = _rows(kind, list(hits) if params.q else None)
    facets = facet_counts(kind, rows, params.filters)
    chosen = [r for r in rows if _matches(r, params.filters)]
    sort = params.sort or ("relevance" if params.q else "newest")
    if sort == "relevance" and params.q:
        chosen.sort(key=lambda r: -hits[r.id].fused)
    elif sort == "deadline":
        chosen.sort(key=lambda r: r.sort_value[1])
    elif sort in ("trl", "budget"):
        chosen.sort(key=lambda r: r.sort_value if sort == "trl" else r.sort_value[0], reverse=True)
    else:
        sort = "newest"
        chosen.sort(key=lambda r: (r.published_at is not None, r.published_at, r.id), reverse=True)
    pages = max(1, ceil(len(chosen) / per_page))
    page = min(params.page, pages)
    ids = [r.id for r in chosen[(page - 1) * per_page: page * per_page]]
    eager = [selectinload(kind.model.organization)]
    if kind.name == "achievements":  # the API and the CSV export read every row's IP items
        eager.append(selectinload(kind.model.ip_items))
    loaded = {o.id: o for o in db.session.scalars(
        db.select(kind.model).where(kind.model.id.in_(ids)).options(*eager))}
    sorts = {k: v for k, v in SORTS[kind.name].items() if params.q or k != "relevance"}
    return SearchResult([loaded[i] for i in ids if i in loaded], len(chosen), page, pages, facets,
                        {i: hits[i] for i in ids if i in hits}, sort, sorts)
