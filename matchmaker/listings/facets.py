"""The halls' facets and sort orders, each declared once: its label, its values, its SQL condition, what the
engine filters on, and how it is counted. The kinds (kinds.py) list which ones they offer.

Counts are SQL aggregates (a GROUP BY per facet, its few groups folded into facet values), never rows loaded
into Python, so an empty-query hall of 100,000 listings costs index scans in the database, not 100,000 objects.
"""
from dataclasses import dataclass
import json
from typing import Callable

import sqlalchemy as sa

from models import REGIONS, TRL_LEVELS, CoopMode

from .tech_fields import field_names, field_rows, top_code

STAGES = ("实验室", "小试", "中试", "产业化")
# budget buckets of needs (万元): key -> (label, low inclusive, high exclusive)
BUDGETS = {"lt50": ("50 万以下", 0, 50), "50-200": ("50–200 万", 50, 200),
           "200-1000": ("200–1000 万", 200, 1000), "gt1000": ("1000 万以上", 1000, None),
           "negotiable": ("面议", None, None)}
CHALLENGE = "1"  # the challenge facet's one value: open challenges (揭榜挂帅) only


@dataclass(frozen=True)
class Facet:
    """One hall facet. ``options()`` gives value -> label; ``condition(model, value)`` the SQL filter of a
    value; ``engine(value)`` the engine filters it becomes (so retrieval honours it before its cut);
    ``group(model)`` the SQL expression its counts group by, and ``fold(key)`` the values a group counts under.

    Group keys are never NULL (coalesce): that is also what lets SQLite count from the hall's covering index
    instead of walking a single-column index into the wide rows.
    """

    name: str
    label: str
    options: Callable[[], dict]
    condition: Callable
    engine: Callable[[str], dict]
    group: Callable
    fold: Callable
    natural_order: bool = False  # list values in options() order (stages), not by count

    def valid(self, value) -> bool:
        return value in self.options()


def _top_fields() -> dict:
    """Top-level field code -> name (a facet counts a listing under its top field)."""
    names = field_names()
    return {r["code"]: names[r["code"]] for r in field_rows() if not r["parent_code"]}


def _field_condition(model, value):
    codes = [value] + [r["code"] for r in field_rows() if r["parent_code"] == value]
    return model.field_code.in_(codes)


def _coop_condition(model, value):
    # a JSON list of CoopMode values: '["transfer", "license_general"]' in SQLite and PostgreSQL alike
    return sa.cast(model.coop_modes, sa.Text).like(f'%"{value}"%')


def _stage_levels(stage: str) -> list[int]:
    return [level for level, (_, s) in TRL_LEVELS.items() if s == stage]


def _stage_engine(stage: str) -> dict:
    levels = _stage_levels(stage)
    return {"trl": {"min": min(levels), "max": max(levels)}}


def budget_value(model):
    """The SQL budget a need is sorted and bucketed by: its upper bound, else its lower one (NULL: 面议)."""
    return sa.func.coalesce(model.budget_max, model.budget_min)


def _budget_condition(model, key):
    _, low, high = BUDGETS[key]
    value = budget_value(model)
    if low is None:
        return value.is_(None)
    return sa.and_(value >= low, value < high) if high is not None else value >= low


def _budget_group(model):
    value = budget_value(model)
    bounded = [(value < high, key) for key, (_, low, high) in BUDGETS.items() if high is not None]
    top = next(key for key, (_, low, high) in BUDGETS.items() if low is not None and high is None)
    return sa.case((value.is_(None), "negotiable"), *bounded, else_=top)


def _one(key) -> list:
    return [key] if key else []


def _budget_engine(key: str) -> dict:
    _, low, high = BUDGETS[key]
    if low is None:
        return {}
    return {"budget": {"min": low, **({"max": high - 0.01} if high else {})}}


FACETS = {f.name: f for f in (
    Facet("field", "技术领域", _top_fields, _field_condition, lambda v: {"field": v},
          lambda m: sa.func.coalesce(m.field_code, ""), lambda key: _one(top_code(key))),
    Facet("region", "地区", lambda: {r: r for r in REGIONS}, lambda m, v: m.region == v, lambda v: {"region": v},
          lambda m: sa.func.coalesce(m.region, ""), _one),
    Facet("stage", "技术成熟度", lambda: {s: s for s in STAGES}, lambda m, v: m.trl.in_(_stage_levels(v)),
          _stage_engine, lambda m: sa.func.coalesce(m.trl, 0), lambda key: _one(TRL_LEVELS.get(key, (0, None))[1]),
          natural_order=True),
    Facet("coop", "合作方式", lambda: dict(CoopMode.choices()), _coop_condition, lambda v: {"coop": v},
          lambda m: sa.func.coalesce(sa.cast(m.coop_modes, sa.Text), "[]"), lambda key: json.loads(key) or []),
    Facet("budget", "预算", lambda: {k: v[0] for k, v in BUDGETS.items()}, _budget_condition, _budget_engine,
          _budget_group, _one),
    Facet("challenge", "需求类型", lambda: {CHALLENGE: "揭榜挂帅"}, lambda m, v: m.is_challenge.is_(True),
          lambda v: {"challenge": CHALLENGE}, lambda m: sa.func.coalesce(m.is_challenge, False),
          lambda key: [CHALLENGE] if key else []),
)}
FACET_LABELS = {name: f.label for name, f in FACETS.items()}


def counts(name: str, rows) -> dict:
    """{value: count} of facet ``name`` from (group key, count) rows of its GROUP BY."""
    facet, out = FACETS[name], {}
    for key, n in rows:
        for value in facet.fold(key):
            out[value] = out.get(value, 0) + n
    return out


@dataclass(frozen=True)
class Sort:
    """One order of a hall: its label and its SQL ORDER BY (None: the engine's relevance)."""

    label: str
    order: Callable | None = None


def _newest(model):
    # a published listing always has published_at: no NULLS LAST, which would keep SQLite off ix_*_hall
    return (model.published_at.desc(), model.id.desc())


SORTS = {
    "relevance": Sort("相关度"),
    "newest": Sort("最新发布", _newest),
    "trl": Sort("成熟度", lambda m: (sa.func.coalesce(m.trl, 0).desc(), m.id)),
    "budget": Sort("预算", lambda m: (sa.func.coalesce(budget_value(m), 0).desc(), m.id)),
    "deadline": Sort("截止日期", lambda m: (m.deadline.asc().nulls_last(), m.id)),
}
