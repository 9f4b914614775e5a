"""Who works a match: the least-loaded broker covering its field and region, else the shared queue."""
from models import BrokerCoverage, Match, MatchEvent, MatchState, Role, User

from ..audit import record_audit
from ..listings.coverage import rows_covering, sides_of
from ..errors import Forbidden, ValidationError
from ..extensions import db
from ..notifications.services import link_to, notify

OPEN_STATES = (MatchState.NEW, MatchState.CONTACTED, MatchState.INTRODUCED, MatchState.ROADSHOW,
               MatchState.NEGOTIATING)


def covering_brokers(match: Match) -> list[User]:
    """Active brokers with a coverage row covering either side of ``match`` (coverage.py has the rule)."""
    cov = BrokerCoverage
    sides = [rows_covering(cov, s.field_code, s.region) for s in sides_of(match)]
    if not sides:
        return []
    stmt = (db.select(User).join(cov, cov.broker_id == User.id)
            .filter(User.role == Role.BROKER, User.active.is_(True), db.or_(*sides))
            .distinct())
    return list(db.session.scalars(stmt))


def broker_loads(brokers: list[User]) -> dict[int, int]:
    """Open matches per broker id."""
    ids = [b.id for b in brokers]
    rows = db.session.execute(db.select(Match.broker_id, db.func.count(Match.id))
                              .filter(Match.broker_id.in_(ids), Match.state.in_(OPEN_STATES))
                              .group_by(Match.broker_id)).all()
    loads = dict.fromkeys(ids, 0)
    loads.update({broker_id: n for broker_id, n in rows})
    return loads


def pick_broker(match: Match) -> User | None:
    """The covering broker with the fewest open matches (lowest id on a tie); None if nobody covers it."""
    brokers = covering_brokers(match)
    if not brokers:
        return None
    loads = broker_loads(brokers)
    return min(brokers, key=lambda b: (loads[b.id], b.id))


def set_broker(match: Match, broker: User | None, actor: User | None, detail: str) -> Match:
    """Point ``match`` at ``broker`` (None: shared queue), log the event and tell the broker in-app."""
    match.broker_id = broker.id if broker else None
    match.broker = broker
    db.session.add(MatchEvent(match=match, actor_id=getattr(actor, "id", None), kind="assigned",
                              detail=detail))
    record_audit(actor, "match.assign", match, broker_id=match.broker_id, detail=detail)
    if broker is not None and broker is not actor:
        # one in-app line per match; e-mail comes as the periodic digest, not one mail per match
        notify(broker, "match_assigned", f"新匹配：{match.need.title}",
               f"匹配度 {match.score:.0f}：{match.achievement.title}",
               link_to("matches.detail", match_id=match.id), email=False)
    return match


def assign_match(match: Match) -> Match:
    """Route a new match to its broker or the shared queue; the caller commits."""
    broker = pick_broker(match)
    return set_broker(match, broker, None, f"自动分派给 {broker.name}" if broker else "进入共享队列")


def reassign_match(match: Match, broker: User | None, actor: User) -> Match:
    """Admin: give ``match`` to ``broker`` (None: back to the shared queue); commits."""
    if not actor.has_role(Role.ADMIN):
        raise Forbidden("只有平台管理员可以改派匹配")
    if broker is not None and not (broker.has_role(Role.BROKER) and broker.active):
        raise ValidationError("只能分派给在岗的技术经理人", field="broker_id")
    set_broker(match, broker, actor, f"管理员改派给 {broker.name}" if broker else "管理员退回共享队列")
    db.session.commit()
    return match


def reassign_match_to(match: Match, broker_id: int | None, actor: User) -> Match:
    """reassign_match with the broker given by id (None or 0: the shared queue); commits."""
    broker = db.session.get(User, broker_id) if broker_id else None
    if broker_id and broker is None:
        raise ValidationError("只能分派给在岗的技术经理人", field="broker_id")
    return reassign_match(match, broker, actor)


def active_brokers() -> list[User]:
    """Brokers who can be given matches, by id (the reassignment picker)."""
    return list(db.session.scalars(db.select(User).filter_by(role=Role.BROKER, active=True).order_by(User.id)))


def take_match(match: Match, broker: User) -> Match:
    """A broker takes a match from the shared queue; commits."""
    if not broker.has_role(Role.BROKER):
        raise Forbidden("只有技术经理人可以认领匹配")
    if match.broker_id == broker.id:
        return match
    if match.broker_id is not None:
        raise Forbidden("该匹配已分派给其他技术经理人")
    set_broker(match, broker, broker, f"{broker.name} 从共享队列认领")
    db.session.commit()
    return match
