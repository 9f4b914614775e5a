"""Statistics for admins and brokers: each chart is a (header, rows) table, drawn and downloadable as CSV."""
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Callable

from models import Achievement, ContractType, Deal, ListingStatus, Match, MatchEvent, MatchState, Need, Role, User

from ..clock import platform_today
from ..extensions import db
from ..listings.tech_fields import field_names, top_code
from ..matches.assignment import OPEN_STATES
from ..matches.services import PIPELINE

LISTINGS = (("成果", Achievement), ("需求", Need))
TREND_WEEKS = 12


@dataclass(frozen=True)
class Chart:
    """One statistic: its title, how ECharts draws it, and the function that computes its table."""

    title: str
    kind: str  # "bar", "stacked", "line" or "funnel"
    table: Callable[[], tuple[list[str], list[list]]]


def count_by(model, column, **filters) -> Counter:
    """Counts of ``model`` rows grouped by ``column``."""
    rows = db.session.execute(db.select(column, db.func.count()).select_from(model).filter_by(**filters)
                              .group_by(column)).all()
    return Counter({key: n for key, n in rows})


def listings_by_field():
    """Published achievements and needs per top-level field."""
    names = field_names()
    counts = {label: Counter() for label, _ in LISTINGS}
    for label, model in LISTINGS:
        for code, n in count_by(model, model.field_code, status=ListingStatus.PUBLISHED).items():
            counts[label][top_code(code) or "未分类"] += n
    keys = sorted(set().union(*counts.values()), key=lambda c: (c == "未分类", c))
    return ["技术领域", "成果", "需求"], [[names.get(k, k), counts["成果"][k], counts["需求"][k]] for k in keys]


def listings_by_region():
    """Published achievements and needs per region."""
    counts = {label: count_by(model, model.region, status=ListingStatus.PUBLISHED) for label, model in LISTINGS}
    keys = sorted(set().union(*counts.values()), key=lambda r: -(counts["成果"][r] + counts["需求"][r]))
    return ["地区", "成果", "需求"], [[k or "未填写", counts["成果"][k], counts["需求"][k]] for k in keys]


def listings_by_status():
    """Achievements and needs per lifecycle status."""
    counts = {label: count_by(model, model.status) for label, model in LISTINGS}
    return ["状态", "成果", "需求"], [[s.label, counts["成果"][s], counts["需求"][s]] for s in ListingStatus
                                    if s != ListingStatus.STAGED]  # unpublished import rows are not listings yet


def matches_by_state():
    """Matches per state."""
    counts = count_by(Match, Match.state)
    return ["状态", "匹配数"], [[s.label, counts[s]] for s in MatchState]


def funnel():
    """Matches that ever reached each pipeline stage (from the event history and current state)."""
    furthest = dict(db.session.execute(furthest_stage_counts()).all())  # pipeline index -> matches
    labels = {MatchState.NEW: "已匹配"}
    rows = []
    for stage in (s for s in PIPELINE if s != MatchState.NEGOTIATING):
        index = PIPELINE.index(stage)
        rows.append([labels.get(stage, stage.label), sum(n for rank, n in furthest.items() if rank >= index)])
    return ["阶段", "匹配数"], rows


def pipeline_rank(column):
    """SQL: the PIPELINE index of a state column (NULL for declined, closed or no state)."""
    return db.case({state: n for n, state in enumerate(PIPELINE)}, value=column)


def furthest_stage_counts():
    """SELECT (pipeline index, matches whose furthest stage it is), over events and current states."""
    reached = db.union_all(
        db.select(MatchEvent.match_id.label("match_id"), pipeline_rank(MatchEvent.to_state).label("rank")),
        db.select(Match.id, pipeline_rank(Match.state))).subquery()
    per_match = (db.select(db.func.max(reached.c.rank).label("furthest")).where(reached.c.rank.is_not(None))
                 .group_by(reached.c.match_id).subquery())
    return db.select(per_match.c.furthest, db.func.count()).group_by(per_match.c.furthest)


def deal_amounts():
    """Deals and their total amount (万元) per contract type."""
    rows = db.session.execute(db.select(Deal.contract_type, db.func.count(Deal.id), db.func.sum(Deal.amount))
                              .group_by(Deal.contract_type)).all()
    by_type = {t: (n, float(total or 0)) for t, n, total in rows}
    return ["合同类型", "成交数", "金额（万元）"], [[t.label, *by_type.get(t, (0, 0.0))] for t in ContractType]


def broker_load():
    """Open matches per broker and state, plus the shared queue."""
    rows = db.session.execute(db.select(Match.broker_id, Match.state, db.func.count(Match.id))
                              .filter(Match.state.in_(OPEN_STATES)).group_by(Match.broker_id, Match.state)).all()
    brokers = {u.id: u.name for u in db.session.scalars(db.select(User).filter_by(role=Role.BROKER))}
    table = {key: Counter() for key in [*brokers, None]}
    for broker_id, state, n in rows:
        table.setdefault(broker_id, Counter())[state] += n
    header = ["技术经理人"] + [s.label for s in OPEN_STATES]
    return header, [[brokers.get(b, "共享队列"), *(c[s] for s in OPEN_STATES)]
                    for b, c in table.items()]


def week_start(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def as_date(value) -> date:
    """The date of a date or datetime."""
    return value.date() if isinstance(value, datetime) else value


def weekly_trends(today: date | None = None):
    """New listings, matches and deals per week over the last TREND_WEEKS weeks."""
    first = week_start(today or platform_today()) - timedelta(weeks=TREND_WEEKS - 1)
    weeks = [first + timedelta(weeks=n) for n in range(TREND_WEEKS)]
    series = {
        "新发布成果": db.select(Achievement.published_at).filter(Achievement.published_at >= first),
        "新发布需求": db.select(Need.published_at).filter(Need.published_at >= first),
        "新匹配": db.select(Match.created_at).filter(Match.created_at >= first),
        "成交": db.select(Deal.signed_on).filter(Deal.signed_on >= first),
    }
    counts = {name: Counter(week_start(as_date(v)) for v in db.session.scalars(stmt))
              for name, stmt in series.items()}
    return ["周（起始日）", *series], [[w.isoformat(), *(counts[name][w] for name in series)] for w in weeks]


CHARTS = {
    "listings-by-field": Chart("各技术领域的已发布成果与需求", "bar", listings_by_field),
    "listings-by-region": Chart("各地区的已发布成果与需求", "bar", listings_by_region),
    "listings-by-status": Chart("成果与需求的状态分布", "bar", listings_by_status),
    "matches-by-state": Chart("匹配状态分布", "bar", matches_by_state),
    "funnel": Chart("对接漏斗：匹配 → 联系 → 引荐 → 路演 → 成交", "funnel", funnel),
    "deals": Chart("成交金额（按合同类型）", "bar", deal_amounts),
    "broker-load": Chart("技术经理人在办匹配", "stacked", broker_load),
    "weekly-trends": Chart(f"近 {TREND_WEEKS} 周趋势", "line", weekly_trends),
}
