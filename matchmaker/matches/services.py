"""A match's workflow: the state table, who may move it, notes, introductions and deals."""
import json
from datetime import date
from decimal import Decimal

from models import (ContractType, Deal, DeclineReason, ListingStatus, Match, MatchEvent, MatchNote,
                    MatchState, Role, User)

from ..audit import record_audit
from ..errors import Forbidden, InvalidTransition, NotFound, ValidationError
from ..extensions import db
from ..formtools import NOTE_MAX, clean_text
from ..listings.kinds import kind_of
from ..listings.validation import clean_amount
from ..notifications.services import link_to, notify
from .assignment import OPEN_STATES, set_broker

S = MatchState
# Reachable from every open state, and the only moves left once the need or achievement left the market.
ENDING_STATES = (S.DECLINED, S.CLOSED)
UNPUBLISHED_MESSAGE = "成果或需求已下架，只能关闭或婉拒此匹配"
# The one table of allowed moves; DECLINED and CLOSED are reachable from every open state.
TRANSITIONS: dict[MatchState, tuple[MatchState, ...]] = {
    S.NEW: (S.CONTACTED,),
    S.CONTACTED: (S.INTRODUCED,),
    S.INTRODUCED: (S.ROADSHOW,),
    S.ROADSHOW: (S.NEGOTIATING,),
    S.NEGOTIATING: (S.DEAL,),
    S.DEAL: (),
    S.DECLINED: (),
    S.CLOSED: (),
}
for _state in OPEN_STATES:
    TRANSITIONS[_state] += ENDING_STATES

# The funnel order, used by statistics and the shortlist ("not yet presented").
PIPELINE = (S.NEW, S.CONTACTED, S.INTRODUCED, S.ROADSHOW, S.NEGOTIATING, S.DEAL)


def get_match(match_id: int) -> Match:
    """The match with ``match_id``, or NotFound."""
    match = db.session.get(Match, match_id)
    if match is None:
        raise NotFound("匹配不存在")
    return match


def shown_value(value, limit: int = 50) -> str:
    """What the user sent, as text for a message (JSON for lists and objects), cut to ``limit`` characters."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[:limit] + "…"


def may_work(user: User, match: Match) -> bool:
    """Admins, the assigned broker, and any broker while the match sits in the shared queue."""
    if user.has_role(Role.ADMIN):
        return True
    return user.has_role(Role.BROKER) and match.broker_id in (None, user.id)


def both_published(match: Match) -> bool:
    """Whether the need and the achievement are both still on the market (published)."""
    return match.need.status == ListingStatus.PUBLISHED and match.achievement.status == ListingStatus.PUBLISHED


def check_can_advance(match: Match) -> None:
    """Raise InvalidTransition unless both sides are published: a match only moves on between live listings."""
    if not both_published(match):
        raise InvalidTransition(UNPUBLISHED_MESSAGE)


def allowed_moves(user: User, match: Match) -> tuple[MatchState, ...]:
    """The states ``user`` may move ``match`` to (empty when they may not work it; only ending it once a side left)."""
    if not may_work(user, match):
        return ()
    moves = TRANSITIONS[match.state]
    return moves if both_published(match) else tuple(s for s in moves if s in ENDING_STATES)


def check_can_work(user: User, match: Match) -> None:
    """Raise Forbidden unless ``user`` may work ``match``; a broker takes a shared-queue match."""
    if not may_work(user, match):
        raise Forbidden("只有负责该匹配的技术经理人或管理员可以操作")
    if match.broker_id is None and user.has_role(Role.BROKER):
        set_broker(match, user, user, f"{user.name} 从共享队列认领")


def change_state(match: Match, to_state: MatchState | str, actor: User, reason: str | None = None,
                 note: str | None = None, commit: bool = True) -> Match:
    """Move ``match`` along TRANSITIONS; declining needs a reason (and text for "other")."""
    requested, to_state = to_state, MatchState.parse(to_state)
    if to_state is None:
        raise ValidationError(f"未知的状态：{shown_value(requested)}" if requested not in (None, "")
                              else "请指定要变更的状态", field="state")
    if to_state not in TRANSITIONS[match.state]:
        raise InvalidTransition(f"不能从「{match.state.label}」变更为「{to_state.label}」")
    if to_state not in ENDING_STATES:
        check_can_advance(match)
    if to_state == S.DEAL and match.deal is None:
        raise ValidationError("请通过「记录成交」填写合同类型、金额和日期")
    check_can_work(actor, match)
    note = clean_text(note, "note", "说明", NOTE_MAX)
    if to_state == S.DECLINED:
        decline = DeclineReason.parse(reason)
        if decline is None:
            raise ValidationError("婉拒时必须选择原因", field="reason")
        if decline == DeclineReason.OTHER and not note:
            raise ValidationError("选择「其他」时请填写具体原因", field="note")
        match.decline_reason, match.decline_note = decline, note
    from_state, match.state = match.state, to_state
    db.session.add(MatchEvent(match=match, actor_id=actor.id, kind="state", from_state=from_state,
                              to_state=to_state, detail=note))
    record_audit(actor, "match.state", match, from_state=from_state.value, to_state=to_state.value,
                 reason=match.decline_reason.value if to_state == S.DECLINED else None)
    if to_state == S.INTRODUCED:
        announce_introduction(match)
    if commit:
        db.session.commit()
    return match


def announce_introduction(match: Match) -> None:
    """Tell both owners they were introduced; only public titles cross sides, never contacts."""
    need, ach = match.need, match.achievement
    broker = match.broker.name if match.broker else "平台技术经理人"
    for owner, mine, other, label in ((need.owner, need, ach, "科技成果"), (ach.owner, ach, need, "技术需求")):
        if owner is None:
            continue
        notify(owner, "introduction", f"对接引荐：{mine.title}",
               f"技术经理人{broker}为您的「{mine.title}」引荐了{label}「{other.title}」。"
               f"后续对接由技术经理人安排，请留意站内消息。",
               link_to("matches.mine"))


def add_note(match: Match, author: User, body: str) -> MatchNote:
    """Add a broker's note to ``match``, log it and commit."""
    body = clean_text(body, "body", "备注", NOTE_MAX)
    if not body:
        raise ValidationError("备注不能为空", field="body")
    check_can_work(author, match)
    note = MatchNote(match=match, author_id=author.id, body=body)
    db.session.add(note)
    db.session.add(MatchEvent(match=match, actor_id=author.id, kind="note", detail=body[:200]))
    record_audit(author, "match.note", match)
    db.session.commit()
    return note


def parse_amount(value) -> Decimal:
    """A finite, non-negative amount in 万元 below 1e11 (the column's range), rounded to two decimals."""
    errors = {}
    amount = clean_amount({"amount": value}, "amount", "合同金额", errors)
    if errors:
        raise ValidationError(errors["amount"], field="amount")
    if amount is None:
        raise ValidationError("请填写合同金额（万元）", field="amount")
    return amount


def record_deal(match: Match, actor: User, contract_type: ContractType | str, amount, signed_on: date) -> Deal:
    """Record the signed contract and move the match to DEAL; commits."""
    contract = ContractType.parse(contract_type)
    if contract is None:
        raise ValidationError("请选择合同类型", field="contract_type")
    if not isinstance(signed_on, date):
        raise ValidationError("请填写签约日期", field="signed_on")
    if S.DEAL not in TRANSITIONS[match.state]:
        raise InvalidTransition(f"「{match.state.label}」状态下不能记录成交，请先进入洽谈")
    check_can_advance(match)
    check_can_work(actor, match)
    deal = Deal(match=match, contract_type=contract, amount=parse_amount(amount), signed_on=signed_on,
                recorded_by_id=actor.id)
    db.session.add(deal)
    db.session.add(MatchEvent(match=match, actor_id=actor.id, kind="deal",
                              detail=f"{contract.label} {deal.amount} 万元 {signed_on.isoformat()}"))
    change_state(match, S.DEAL, actor, commit=False)
    record_audit(actor, "match.deal", match, contract_type=contract.value, amount=str(deal.amount))
    db.session.commit()
    return deal


def on_listing_unpublished(listing, **_) -> None:
    """Signal receiver: tell the brokers of open matches that one side left the market (the sender commits)."""
    column = getattr(Match, kind_of(listing).match_column)
    matches = db.session.scalars(db.select(Match).filter(column == listing.id, Match.state.in_(OPEN_STATES),
                                                         Match.broker_id.is_not(None)))
    for match in matches:
        notify(match.broker, "match_update", f"匹配 #{match.id} 的一方已{listing.status.label}",
               f"「{listing.title}」已{listing.status.label}，请确认是否继续跟进或关闭该匹配。",
               link_to("matches.detail", match_id=match.id), email=False)
