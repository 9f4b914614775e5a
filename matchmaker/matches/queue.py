"""The broker queue: which matches a user sees, filtered and sorted."""
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import aliased, contains_eager, selectinload

from models import Achievement, Match, MatchState, Need, Role, User, utcnow

from ..extensions import db

SCOPES = {"mine": "我负责的", "shared": "共享队列", "all": "全部"}
MAX_AGE_DAYS = 36500  # a hundred years: anything older is "no limit" (timedelta overflows near 1e9 days)
MAX_SCORE = 100.0
SORTS = {
    "score": "匹配度从高到低",
    "newest": "最新优先",
    "oldest": "等待最久优先",
    "field": "按技术领域",
    "region": "按地区",
    "state": "按状态",
}


@dataclass
class QueueFilter:
    """What the queue page asks for; every attribute has a harmless default."""

    scope: str = "mine"
    state: str = "open"  # "open", "all" or a MatchState value
    field: str = ""
    region: str = ""
    min_score: float | None = None
    max_age_days: int | None = None
    sort: str = "score"

    @classmethod
    def from_args(cls, args, user: User) -> "QueueFilter":
        """Parse query-string arguments, falling back to defaults on anything unknown."""
        default_scope = "all" if user.has_role(Role.ADMIN) else "mine"
        scope = args.get("scope", default_scope)
        sort = args.get("sort", "score")
        return cls(scope=scope if scope in SCOPES else default_scope,
                   state=args.get("state", "open") or "open",
                   field=(args.get("field") or "").strip(), region=(args.get("region") or "").strip(),
                   min_score=number(args.get("min_score"), float, 0.0, MAX_SCORE),
                   max_age_days=number(args.get("age"), int, 0, MAX_AGE_DAYS),
                   sort=sort if sort in SORTS else "score")


def number(value, kind, low, high):
    """``kind(value)`` clamped to ``low..high`` (infinities included), or None when empty, malformed or NaN."""
    try:
        parsed = kind(value) if value not in (None, "") else None
    except (ValueError, OverflowError):
        return None
    if parsed is None or parsed != parsed:
        return None
    return min(max(parsed, low), high)


def queue_query(user: User, f: QueueFilter):
    """The select of matches ``user`` sees in the queue under filter ``f``."""
    from .assignment import OPEN_STATES

    need, ach = aliased(Need), aliased(Achievement)
    stmt = (db.select(Match).join(need, Match.need_id == need.id).join(ach, Match.achievement_id == ach.id)
            .options(contains_eager(Match.need.of_type(need)), contains_eager(Match.achievement.of_type(ach)),
                     selectinload(Match.broker)))  # the queue page and the API show all three per row
    if f.scope == "mine":
        stmt = stmt.filter(Match.broker_id == user.id)
    elif f.scope == "shared":
        stmt = stmt.filter(Match.broker_id.is_(None))
    if f.state == "open":
        stmt = stmt.filter(Match.state.in_(OPEN_STATES))
    elif MatchState.parse(f.state):
        stmt = stmt.filter(Match.state == MatchState.parse(f.state))
    if f.field:  # sub-field codes start with their top field's code ("0101" under "01")
        stmt = stmt.filter(db.or_(need.field_code.startswith(f.field), ach.field_code.startswith(f.field)))
    if f.region:
        stmt = stmt.filter(db.or_(need.region == f.region, ach.region == f.region))
    if f.min_score is not None:
        stmt = stmt.filter(Match.score >= f.min_score)
    if f.max_age_days is not None:
        stmt = stmt.filter(Match.created_at >= utcnow() - timedelta(days=f.max_age_days))
    order = {
        "score": (Match.score.desc(),),
        "newest": (Match.created_at.desc(),),
        "oldest": (Match.created_at.asc(),),
        "field": (need.field_code.asc(), Match.score.desc()),
        "region": (need.region.asc(), Match.score.desc()),
        "state": (Match.state.asc(), Match.score.desc()),
    }[f.sort]
    return stmt.order_by(*order, Match.id.desc())
