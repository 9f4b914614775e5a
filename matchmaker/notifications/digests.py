"""Broker digests: one mail per interval listing the matches assigned since the last one."""
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from models import DigestLog, Match, MatchEvent, MatchState, Role, User, utcnow

from ..extensions import db
from .services import link_to, notify

KIND = "match_digest"


def period_key(now: datetime, hours: int) -> str:
    """The start of the digest period containing ``now`` ('2026-11-22T00'), periods aligned to epoch."""
    seconds = hours * 3600
    start = datetime(1970, 1, 1) + timedelta(seconds=int((now - datetime(1970, 1, 1)).total_seconds()
                                                          // seconds * seconds))
    return start.strftime("%Y-%m-%dT%H")


def last_digest_at(broker: User) -> datetime | None:
    """When ``broker``'s previous digest was written."""
    return db.session.scalar(db.select(db.func.max(DigestLog.created_at))
                             .filter_by(user_id=broker.id, kind=KIND))


def matches_since(broker: User, since: datetime | None) -> list[Match]:
    """Still-new matches assigned to ``broker`` after ``since``, best first."""
    stmt = (db.select(Match).join(MatchEvent, MatchEvent.match_id == Match.id)
            .filter(Match.broker_id == broker.id, Match.state == MatchState.NEW, MatchEvent.kind == "assigned"))
    if since is not None:
        stmt = stmt.filter(MatchEvent.created_at > since)
    stmt = stmt.distinct().order_by(Match.score.desc()).options(selectinload(Match.need),
                                                                 selectinload(Match.achievement))
    return list(db.session.scalars(stmt))  # digest_body prints both titles


def shared_queue_since(since: datetime | None) -> int:
    """How many unassigned new matches appeared after ``since``."""
    stmt = db.select(db.func.count(Match.id)).filter(Match.broker_id.is_(None), Match.state == MatchState.NEW)
    if since is not None:
        stmt = stmt.filter(Match.created_at > since)
    return db.session.scalar(stmt) or 0


def digest_body(matches: list[Match], shared: int) -> str:
    """The plain-text digest: one line per match, then the shared-queue count."""
    lines = [f"您有 {len(matches)} 条新分派的匹配待处理：", ""]
    lines += [f"· [{m.score:.0f}] 需求「{m.need.title}」⇄ 成果「{m.achievement.title}」" for m in matches[:50]]
    if len(matches) > 50:
        lines.append(f"……另有 {len(matches) - 50} 条，请在匹配队列中查看。")
    if shared:
        lines += ["", f"共享队列新增 {shared} 条无人负责的匹配，欢迎认领。"]
    return "\n".join(lines)


def send_broker_digests(now: datetime | None = None) -> int:
    """Queue one digest per broker with news this period (in-app + outbox); returns how many; commits."""
    now = now or utcnow()
    key = period_key(now, current_app.config["DIGEST_INTERVAL_HOURS"])
    brokers = db.session.scalars(db.select(User).filter_by(role=Role.BROKER, active=True).order_by(User.id))
    sent = 0
    for broker in brokers:
        since = last_digest_at(broker)
        matches, shared = matches_since(broker, since), shared_queue_since(since)
        if not matches and not shared:
            continue
        try:
            with db.session.begin_nested():  # another worker may have sent this period's digest
                db.session.add(DigestLog(user_id=broker.id, kind=KIND, period_key=key,
                                         item_count=len(matches), created_at=now))
                db.session.flush()
        except IntegrityError:
            continue
        notify(broker, KIND, f"匹配摘要：{len(matches)} 条新匹配待处理", digest_body(matches, shared),
               link_to("matches.queue"))
        sent += 1
    db.session.commit()
    return sent
