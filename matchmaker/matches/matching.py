"""Matching on publish: search the other side's index, store a Match per good hit, never a duplicate pair."""
import logging

from flask import current_app
from sqlalchemy.exc import IntegrityError

from models import Achievement, ListingStatus, Match, MatchEvent, MatchOrigin, Need, User

from ..audit import record_audit
from ..errors import Conflict, NotFound, ValidationError
from ..extensions import db
from ..listings.documents import query_text
from ..listings.kinds import get_kind, kind_of
from ..listings.index import get_index
from .assignment import assign_match, set_broker

log = logging.getLogger(__name__)

# How many extra hits to ask the engine for, since unpublished ones are dropped after the search.
OVERFETCH = 3


def search_other_side(listing, limit: int, text: str | None = None):
    """Engine hits on the other side's index for ``text`` (default: the listing's own text)."""
    return get_index(kind_of(listing).other_name).search(text or query_text(listing), limit=limit)


def published_by_id(model, hits) -> dict:
    """The published rows of ``model`` that ``hits`` name, by id, in one query."""
    ids = {int(hit.id) for hit in hits}
    return {row.id: row for row in db.session.scalars(
        db.select(model).filter(model.id.in_(ids), model.status == ListingStatus.PUBLISHED))} if ids else {}


def pair_of(listing, other) -> tuple[Need, Achievement]:
    """(need, achievement) for a listing and a counterpart of the other kind."""
    return (listing, other) if isinstance(listing, Need) else (other, listing)


def explanation_of(hit) -> dict:
    """What a broker sees as the reason of a match: the informative shared terms and the evidence levels."""
    return {"shared_terms": list(hit.shared_terms), "reasons": dict(getattr(hit, "reasons", {}) or {})}


def upsert_match(need: Need, achievement: Achievement, hit, side: str = "needs") -> tuple[Match, bool]:
    """Create the pair's Match, or refresh the score of an existing one; (match, created).

    ``side`` is the kind whose listing was the query. The two directions are two estimates of the same
    chance; the pair keeps each side's latest score and shows the higher one (with that side's explanation),
    so the same pair never reads 34 on one page and 98 on another.
    """
    match = db.session.scalar(db.select(Match).filter_by(need_id=need.id, achievement_id=achievement.id))
    if match is not None:
        by_side = dict((match.explanation or {}).get("by_side") or {})
        by_side[side] = hit.score
        if hit.score >= max(by_side.values()):
            match.score_parts, match.explanation = dict(hit.signals), explanation_of(hit)
        match.explanation = {**(match.explanation or {}), "by_side": by_side}
        match.score = max(by_side.values())
        return match, False
    match = Match(need=need, achievement=achievement, score=hit.score, score_parts=dict(hit.signals),
                  explanation={**explanation_of(hit), "by_side": {side: hit.score}}, origin=MatchOrigin.ENGINE)
    try:
        with db.session.begin_nested():  # a concurrent publish may have stored the pair already
            db.session.add(match)
            db.session.flush()
    except IntegrityError:
        return db.session.scalar(db.select(Match).filter_by(need_id=need.id,
                                                            achievement_id=achievement.id)), False
    db.session.add(MatchEvent(match=match, kind="created", to_state=match.state,
                              detail=f"系统匹配，匹配度 {hit.score:.0f}"))
    record_audit(None, "match.create", match, score=round(hit.score, 1), origin="engine")
    assign_match(match)
    return match, True


def match_listing(listing) -> list[Match]:
    """Match a published listing against the other side; returns the newly created matches; commits."""
    if listing.status != ListingStatus.PUBLISHED:
        return []
    threshold = current_app.config["MATCH_THRESHOLD"]
    top_n = current_app.config["MATCH_TOP_N"]
    other_model = get_kind(kind_of(listing).other_name).model
    kept = 0
    created = []
    hits = sorted((h for h in search_other_side(listing, top_n * OVERFETCH) if h.score >= threshold),
                  key=lambda h: -h.score)
    others = published_by_id(other_model, hits)
    for hit in hits:
        if kept >= top_n:
            break
        other = others.get(int(hit.id))
        if other is None:
            continue
        match, is_new = upsert_match(*pair_of(listing, other), hit, kind_of(listing).name)
        kept += 1
        if is_new:
            created.append(match)
    db.session.commit()
    return created


def match_listing_by_id(kind_name: str, listing_id: int) -> int:
    """Job entry point: match one listing by kind name and id; returns how many matches were created."""
    listing = db.session.get(get_kind(kind_name).model, listing_id)
    return len(match_listing(listing)) if listing is not None else 0


def match_all(kind_names=("needs", "achievements"), progress=None) -> int:
    """Re-run matching for every published listing of the given kinds; returns matches created."""
    created = 0
    for name in kind_names:
        model = get_kind(name).model
        ids = db.session.scalars(db.select(model.id).filter_by(status=ListingStatus.PUBLISHED)
                                 .order_by(model.id)).all()
        for listing_id in ids:
            created += match_listing_by_id(name, listing_id)
            if progress:
                progress(1)
    return created


def create_manual_match(need: Need, achievement: Achievement, broker: User, reason: str = "") -> Match:
    """A broker pairs a need and an achievement by hand and works it; commits."""
    if need.status != ListingStatus.PUBLISHED or achievement.status != ListingStatus.PUBLISHED:
        raise ValidationError("只能匹配已发布的需求和成果")
    if db.session.scalar(db.select(Match.id).filter_by(need_id=need.id, achievement_id=achievement.id)):
        raise Conflict("这对需求和成果已经有匹配记录")
    hit = score_pair(need, achievement)
    match = Match(need=need, achievement=achievement, origin=MatchOrigin.BROKER, created_by_id=broker.id,
                  score=hit.score if hit else 0.0, score_parts=dict(hit.signals) if hit else {},
                  explanation=explanation_of(hit) if hit else {"shared_terms": []})
    db.session.add(match)
    db.session.add(MatchEvent(match=match, actor_id=broker.id, kind="created", to_state=match.state,
                              detail=("经理人手动创建：" + reason.strip()) if reason.strip() else "经理人手动创建"))
    record_audit(broker, "match.create", match, origin="broker")
    set_broker(match, broker, broker, f"{broker.name} 手动创建并负责")
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict("这对需求和成果已经有匹配记录") from None
    return match


def create_manual_match_by_ids(need_id: int, achievement_id: int, broker: User, reason: str = "") -> Match:
    """create_manual_match for a need and an achievement given by id (NotFound for unknown ids)."""
    need, achievement = db.session.get(Need, need_id), db.session.get(Achievement, achievement_id)
    if need is None or achievement is None:
        raise NotFound("需求或成果不存在")
    return create_manual_match(need, achievement, broker, reason)


def manual_match_candidates(need_id: int | None, achievement_id: int | None, query: str = "",
                            limit: int = 20) -> tuple[Need | Achievement, list[tuple]]:
    """(side, [(hit, listing)]): a published listing and the published hits of the other side for ``query``."""
    side = (db.session.get(Need, need_id) if need_id else None) or \
        (db.session.get(Achievement, achievement_id) if achievement_id else None)
    if side is None or side.status != ListingStatus.PUBLISHED:
        raise NotFound("请从已发布的需求或成果页面发起手动匹配")
    other_model = get_kind(kind_of(side).other_name).model
    hits = search_other_side(side, limit, query or None)
    others = published_by_id(other_model, hits)
    return side, [(hit, others[int(hit.id)]) for hit in hits if int(hit.id) in others]


def score_pair(need: Need, achievement: Achievement):
    """The engine's hit for this achievement when searched with the need's text, if it ranks at all."""
    for hit in search_other_side(need, 200):
        if hit.id == str(achievement.id):
            return hit
    return None


def on_listing_published(listing, **_):
    """Signal receiver: match a listing that was just published or edited, inline or on the queue."""
    from ..jobs import enqueue

    try:
        enqueue("matchmaker.matches.matching.match_listing_by_id", kind_of(listing).name, listing.id)
    except Exception:  # the listing is already saved; `flask match --all` catches up later
        db.session.rollback()
        log.exception("matching %s %s failed", kind_of(listing).name, listing.id)
