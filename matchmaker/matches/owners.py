"""The listing owners' side of matches: what they see, asking for and answering introductions."""
from sqlalchemy.orm import aliased, contains_eager, selectinload

from models import Achievement, ListingStatus, Match, MatchEvent, MatchState, Need, Role, User

from ..audit import record_audit
from ..errors import Conflict, Forbidden, InvalidTransition, ValidationError
from ..extensions import db
from ..formtools import clean_text
from ..notifications.services import link_to, notify
from .assignment import OPEN_STATES, active_brokers, covering_brokers
from .services import check_can_advance

S = MatchState
REQUEST, ACCEPT, DECLINE = "intro_request", "intro_accept", "intro_decline"
INTRO_KINDS = (REQUEST, ACCEPT, DECLINE)
REQUESTABLE_STATES = (S.NEW, S.CONTACTED)  # open and not yet introduced
REASON_MAX = 200
ALREADY_REQUESTED = "已申请，技术经理人会尽快联系您"


def own_side(user: User):
    """The listing model ``user`` owns matches through: achievements for researchers, needs for enterprises."""
    return Achievement if user.has_role(Role.RESEARCHER) else Need


def owner_matches_query(user: User, open_only: bool = False):
    """The select of every match of ``user``'s published listings: open ones first, then ended ones."""
    need, ach = aliased(Need), aliased(Achievement)
    mine = ach if own_side(user) is Achievement else need
    is_open = Match.state.in_(OPEN_STATES)
    stmt = (db.select(Match).join(need, Match.need_id == need.id).join(ach, Match.achievement_id == ach.id)
            .options(contains_eager(Match.need.of_type(need)), contains_eager(Match.achievement.of_type(ach)),
                     selectinload(Match.broker))
            .filter(mine.owner_id == user.id, mine.status == ListingStatus.PUBLISHED))
    if open_only:
        stmt = stmt.filter(is_open)
    return stmt.order_by(db.case((is_open, 0), else_=1), Match.updated_at.desc(), Match.id.desc())


def count_open_owner_matches(user: User) -> int:
    """How many open matches /matches/mine lists for ``user`` (the dashboard card's figure)."""
    subquery = owner_matches_query(user, open_only=True).order_by(None).subquery()
    return db.session.scalar(db.select(db.func.count()).select_from(subquery)) or 0


def intro_events(match_ids) -> dict[int, dict[str, MatchEvent]]:
    """The latest introduction event of each kind per match, in one query: ``{match_id: {kind: event}}``."""
    ids = list(match_ids)
    if not ids:
        return {}
    stmt = (db.select(MatchEvent).filter(MatchEvent.match_id.in_(ids), MatchEvent.kind.in_(INTRO_KINDS))
            .order_by(MatchEvent.created_at, MatchEvent.id))
    found: dict[int, dict[str, MatchEvent]] = {}
    for event in db.session.scalars(stmt):
        found.setdefault(event.match_id, {})[event.kind] = event  # later rows replace earlier ones
    return found


def answer_of(events: dict[str, MatchEvent]) -> MatchEvent | None:
    """The researcher's answer among a match's introduction events (the later one if both exist)."""
    answers = [events[k] for k in (ACCEPT, DECLINE) if k in events]
    return max(answers, key=lambda e: (e.created_at, e.id)) if answers else None


def brokers_to_tell(match: Match) -> list[User]:
    """The assigned broker; in the shared queue every broker covering the field (all brokers if none does)."""
    if match.broker is not None:
        return [match.broker]
    return covering_brokers(match) or active_brokers()


def tell_brokers(match: Match, kind: str, title: str, body: str) -> None:
    """Notify the brokers of ``match`` in-app and by mail; the caller commits."""
    for broker in brokers_to_tell(match):
        notify(broker, kind, title, body, link_to("matches.detail", match_id=match.id))


def check_owner(user: User, listing) -> None:
    """Raise Forbidden unless ``user`` owns ``listing``."""
    if listing.owner_id != user.id:
        raise Forbidden("只能处理您自己发布的需求或成果的匹配")


def request_introduction(match: Match, user: User) -> tuple[MatchEvent, bool]:
    """The need's owner asks the broker for an introduction; returns (event, newly made); commits."""
    check_owner(user, match.need)
    existing = intro_events([match.id]).get(match.id, {}).get(REQUEST)
    if existing is not None:
        return existing, False
    if match.state not in REQUESTABLE_STATES:
        raise InvalidTransition(f"「{match.state.label}」状态下不能申请对接")
    check_can_advance(match)
    event = MatchEvent(match=match, actor_id=user.id, kind=REQUEST)
    db.session.add(event)
    record_audit(user, "match.intro_request", match)
    tell_brokers(match, "intro_request", f"企业申请对接：{match.need.title}",
                 f"{user.name}希望对接科技成果「{match.achievement.title}」（匹配 #{match.id}，"
                 f"匹配度 {match.score:.0f}），请尽快联系双方。")
    db.session.commit()
    return event, True


def answer_introduction(match: Match, user: User, answer: str, reason: str | None = None) -> MatchEvent:
    """The achievement's owner answers an introduction, "accept" or "decline" (optional short reason); commits."""
    check_owner(user, match.achievement)
    if answer not in ("accept", "decline"):
        raise ValidationError("请选择接受引荐或暂不考虑", field="answer")
    accept = answer == "accept"
    reason = None if accept else clean_text(reason, "reason", "原因", REASON_MAX)
    if match.state != S.INTRODUCED:
        raise InvalidTransition(f"「{match.state.label}」状态下不能答复引荐")
    check_can_advance(match)  # a side withdrawn since the introduction: nothing left to accept
    kind = ACCEPT if accept else DECLINE
    previous = answer_of(intro_events([match.id]).get(match.id, {}))
    if previous is not None:
        if previous.kind == kind:
            return previous
        raise Conflict("您已答复该引荐，如需变更请联系技术经理人")
    event = MatchEvent(match=match, actor_id=user.id, kind=kind, detail=reason)
    db.session.add(event)
    record_audit(user, f"match.{kind}", match, reason=reason)
    verb = "接受了引荐" if accept else "暂不考虑该引荐" + (f"（原因：{reason}）" if reason else "")
    tell_brokers(match, "intro_answer", f"科研方答复引荐：{match.achievement.title}",
                 f"{user.name}{verb}：成果「{match.achievement.title}」与需求「{match.need.title}」"
                 f"（匹配 #{match.id}）。")
    db.session.commit()
    return event
