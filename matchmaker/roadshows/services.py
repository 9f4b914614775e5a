"""Roadshows (路演): events, their ordered programme, who presented and the outcome."""
from datetime import datetime
import re

import sqlalchemy as sa

from models import Achievement, ListingStatus, Match, MatchState, Roadshow, RoadshowItem, RoadshowStatus, Role, User

from ..audit import record_audit
from ..clock import platform_now
from ..errors import Forbidden, NotFound, ValidationError
from ..extensions import db
from ..formtools import NOTE_MAX, clean_text
from ..matches.assignment import OPEN_STATES
from ..matches.services import change_state, check_can_advance, check_can_work, get_match
from ..security import STAFF

URL_RE = re.compile(r"^https?://[^\s/]+\S*$", re.IGNORECASE)


def check_organizer(user: User) -> None:
    """Only brokers and admins run roadshows."""
    if not user.has_role(*STAFF):
        raise Forbidden("只有技术经理人和管理员可以组织路演")


def can_change_roadshow(roadshow: Roadshow, user: User) -> bool:
    """Whether ``user`` is the roadshow's organizer (a broker) or an admin."""
    return user.has_role(Role.ADMIN) or (user.has_role(Role.BROKER) and roadshow.organizer_id == user.id)


def check_roadshow_owner(roadshow: Roadshow, user: User) -> None:
    """Only the roadshow's organizer or an admin changes its programme, results or status."""
    if not can_change_roadshow(roadshow, user):
        raise Forbidden("只有该路演的组织者或管理员可以操作")


def get_roadshow(roadshow_id: int) -> Roadshow:
    """The roadshow with ``roadshow_id``, or NotFound."""
    roadshow = db.session.get(Roadshow, roadshow_id)
    if roadshow is None:
        raise NotFound("路演不存在")
    return roadshow


def all_roadshows() -> list[Roadshow]:
    """Every roadshow, latest first (the roadshow list page)."""
    return list(db.session.scalars(db.select(Roadshow).order_by(Roadshow.starts_at.desc())))


def create_roadshow(organizer: User, title: str, starts_at: datetime, place: str | None = None,
                    link: str | None = None, focus_field_code: str | None = None) -> Roadshow:
    """Create a planned roadshow; it needs a title, a date and a place or a link; commits."""
    check_organizer(organizer)
    title = clean_text(title, "title", "路演名称", 200)
    place = clean_text(place, "place", "地点", 200)
    link = clean_text(link, "link", "线上链接", 500)
    if not title:
        raise ValidationError("请填写路演名称", field="title")
    if not isinstance(starts_at, datetime):
        raise ValidationError("请填写路演时间", field="starts_at")
    if not place and not link:
        raise ValidationError("请填写地点或线上链接", field="place")
    if link and not URL_RE.match(link):
        raise ValidationError("线上链接应以 http:// 或 https:// 开头", field="link")
    if starts_at < platform_now().replace(second=0, microsecond=0):
        raise ValidationError("路演时间不能早于当前时间", field="starts_at")
    roadshow = Roadshow(title=title, starts_at=starts_at, place=place, link=link,
                        focus_field_code=focus_field_code or None, organizer_id=organizer.id)
    db.session.add(roadshow)
    record_audit(organizer, "roadshow.create", roadshow, title=title)
    db.session.commit()
    return roadshow


def add_item(roadshow: Roadshow, actor: User, match: Match | None = None,
             achievement: Achievement | None = None) -> RoadshowItem:
    """Append a match (moving an introduced one to 路演) or an achievement to the programme; commits."""
    check_roadshow_owner(roadshow, actor)
    if (match is None) == (achievement is None):
        raise ValidationError("请选择一条匹配或一项成果")
    if roadshow.status != RoadshowStatus.PLANNED:
        raise ValidationError("只能向筹备中的路演添加项目")
    if any((match and i.match_id == match.id) or (achievement and i.achievement_id == achievement.id)
           for i in roadshow.items):
        raise ValidationError("该项目已在路演议程中")
    if achievement is not None and achievement.status != ListingStatus.PUBLISHED:
        raise ValidationError("只能添加已发布的成果")
    if match is not None:
        if match.state not in OPEN_STATES:
            raise ValidationError(f"「{match.state.label}」的匹配不能加入路演")
        check_can_work(actor, match)
        check_can_advance(match)  # a withdrawn or closed side has nothing left to present
    item = RoadshowItem(roadshow=roadshow, match=match, achievement=achievement,
                        position=max((i.position for i in roadshow.items), default=-1) + 1)
    db.session.add(item)
    if match is not None and match.state == MatchState.INTRODUCED:
        change_state(match, MatchState.ROADSHOW, actor, note=f"加入路演「{roadshow.title}」", commit=False)
    record_audit(actor, "roadshow.add_item", roadshow, match_id=getattr(match, "id", None),
                 achievement_id=getattr(achievement, "id", None))
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # the same item added by a request running at the same moment
        db.session.rollback()
        raise ValidationError("该项目已在路演议程中") from None
    return item


def add_item_by_ids(roadshow_id: int, actor: User, match_id: int | None = None,
                    achievement_id: int | None = None) -> RoadshowItem:
    """add_item with the roadshow, match and achievement given by id (NotFound for unknown ids)."""
    roadshow = get_roadshow(roadshow_id)
    match = get_match(match_id) if match_id else None
    achievement = db.session.get(Achievement, achievement_id) if achievement_id else None
    if achievement_id and achievement is None:
        raise NotFound("成果不存在")
    return add_item(roadshow, actor, match, achievement)


def move_item(roadshow: Roadshow, item_id: int, offset: int, actor: User) -> Roadshow:
    """Move one programme item up (offset -1) or down (+1); commits."""
    check_roadshow_owner(roadshow, actor)
    items = list(roadshow.items)
    index = next((n for n, i in enumerate(items) if i.id == item_id), None)
    if index is None:
        raise NotFound("议程项目不存在")
    target = min(max(index + offset, 0), len(items) - 1)
    items.insert(target, items.pop(index))
    for position, item in enumerate(items):
        item.position = position
    record_audit(actor, "roadshow.reorder", roadshow, order=[i.id for i in items])
    db.session.commit()
    return roadshow


def remove_item(roadshow: Roadshow, item_id: int, actor: User) -> Roadshow:
    """Take one item off the programme; commits."""
    check_roadshow_owner(roadshow, actor)
    item = next((i for i in roadshow.items if i.id == item_id), None)
    if item is None:
        raise NotFound("议程项目不存在")
    roadshow.items.remove(item)
    record_audit(actor, "roadshow.remove_item", roadshow, item_id=item_id)
    db.session.commit()
    return roadshow


def record_presentation(roadshow: Roadshow, item_id: int, actor: User, presenter: str, outcome: str) -> RoadshowItem:
    """Record who presented an item and what came of it; commits."""
    check_roadshow_owner(roadshow, actor)
    item = next((i for i in roadshow.items if i.id == item_id), None)
    if item is None:
        raise NotFound("议程项目不存在")
    item.presenter = clean_text(presenter, "presenter", "路演人", 120)
    item.outcome = clean_text(outcome, "outcome", "路演结果", NOTE_MAX)
    record_audit(actor, "roadshow.presentation", roadshow, item_id=item.id, presenter=item.presenter)
    db.session.commit()
    return item


def set_roadshow_status(roadshow: Roadshow, status: RoadshowStatus | str, actor: User) -> Roadshow:
    """Mark a roadshow held or cancelled (or planned again); commits."""
    check_roadshow_owner(roadshow, actor)
    status = RoadshowStatus.parse(status)
    if status is None:
        raise ValidationError("未知的路演状态")
    roadshow.status = status
    record_audit(actor, "roadshow.status", roadshow, status=status.value)
    db.session.commit()
    return roadshow


def upcoming_roadshows(user: User) -> list[Roadshow]:
    """Planned roadshows ``user`` may add to (all for an admin, their own for a broker), soonest first."""
    query = db.select(Roadshow).filter_by(status=RoadshowStatus.PLANNED).order_by(Roadshow.starts_at)
    if not user.has_role(Role.ADMIN):
        query = query.filter_by(organizer_id=user.id)
    return list(db.session.scalars(query))
