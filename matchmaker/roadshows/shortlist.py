"""The weekly roadshow shortlist: the week's best matches not yet presented, as XLSX or CSV."""
from datetime import date, datetime, time, timedelta
import os
import re

from flask import current_app
from sqlalchemy import or_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, selectinload

from models import (Achievement, DigestLog, Match, MatchOrigin, MatchState, Need, RoadshowItem,
                    Roadshow, RoadshowStatus, Role, User)

from ..clock import platform_now, platform_today
from ..exports import write_csv, write_xlsx
from ..extensions import db
from ..listings.tech_fields import field_label, top_code
from ..notifications.services import link_to, notify

SHORTLIST_STATES = (MatchState.NEW, MatchState.CONTACTED, MatchState.INTRODUCED)
WEEKLY_DECAY = 0.9  # freshness: a match's rank loses 10% for every week of age
DEFAULT_LIMIT = 30
SUMMARY_CHARS = 200
PUBLIC_COLUMNS = ("序号", "匹配度", "技术领域", "需求标题", "需求摘要", "成果标题", "成果摘要", "地区",
                  "技术经理人", "状态", "匹配日期")
CONTACT_COLUMNS = ("需求联系人", "需求电话", "需求邮箱", "成果联系人", "成果电话", "成果邮箱")
AUDIENCES = ("public", "broker")
# years a shortlist week may name: far inside date's range, so the week's end never overflows
WEEK_YEARS = (2000, 2100)
WEEK_RE = re.compile(r"([0-9]{4})-W([0-9]{1,2})")
WEEK_ERROR = f"周次格式应为 YYYY-Www，例如 2026-W47（年份 {WEEK_YEARS[0]}-{WEEK_YEARS[1]}）"


def iso_week(day: date) -> str:
    """'2026-W47' for a date."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def parse_iso_week(text: str) -> tuple[date, date]:
    """(Monday, Sunday) of an ISO week written 'YYYY-Www'; ValueError with a Chinese message otherwise."""
    found = WEEK_RE.fullmatch((text or "").strip().upper())
    try:
        if not found or not WEEK_YEARS[0] <= int(found[1]) <= WEEK_YEARS[1]:
            raise ValueError
        monday = date.fromisocalendar(int(found[1]), int(found[2]), 1)
    except ValueError:  # also week 0, week 53 of a 52-week year
        raise ValueError(WEEK_ERROR) from None
    return monday, monday + timedelta(days=6)


def normalize_week(text: str) -> str:
    """The canonical 'YYYY-Www' of an accepted week (trimmed, zero-padded); ValueError otherwise."""
    return iso_week(parse_iso_week(text)[0])


def presented_match_ids() -> set[int]:
    """Matches already on a roadshow programme that was not cancelled."""
    stmt = (db.select(RoadshowItem.match_id).join(Roadshow)
            .filter(RoadshowItem.match_id.is_not(None), Roadshow.status != RoadshowStatus.CANCELLED))
    return set(db.session.scalars(stmt))


def rank_value(match: Match, week_end: datetime) -> float:
    """Score discounted by age in weeks at the end of the shortlist's week."""
    age_weeks = max((week_end - match.created_at).total_seconds(), 0) / (7 * 86400)
    return match.score * WEEKLY_DECAY ** age_weeks


def shortlist_matches(week: str, field_code: str | None = None, limit: int = DEFAULT_LIMIT) -> list[Match]:
    """The week's best open matches not yet presented, ranked by score and freshness.

    Engine matches below MATCH_THRESHOLD (scored before a recalibration, or rescored lower since) never fill
    the list; a pair a broker made by hand stays, whatever its score.
    """
    _, sunday = parse_iso_week(week)
    week_end = datetime.combine(sunday + timedelta(days=1), time.min)
    stmt = (db.select(Match).join(Need, Match.need_id == Need.id)
            .join(Achievement, Match.achievement_id == Achievement.id)
            .filter(Match.state.in_(SHORTLIST_STATES), Match.created_at < week_end,
                    Need.live(platform_today()), Achievement.live(platform_today()),
                    or_(Match.origin == MatchOrigin.BROKER, Match.score >= current_app.config["MATCH_THRESHOLD"])))
    presented = presented_match_ids()
    stmt = stmt.options(contains_eager(Match.need), contains_eager(Match.achievement),
                        selectinload(Match.broker))  # ranking, filtering and the rows read all three
    matches = [m for m in db.session.scalars(stmt) if m.id not in presented]
    if field_code:
        matches = [m for m in matches if field_code in {m.need.field_code, m.achievement.field_code,
                                                         top_code(m.need.field_code),
                                                         top_code(m.achievement.field_code)}]
    matches.sort(key=lambda m: (-rank_value(m, week_end), -m.created_at.timestamp(), m.id))
    return matches[:limit]


def clip(text: str | None) -> str:
    """A summary cut to SUMMARY_CHARS characters."""
    text = " ".join((text or "").split())
    return text if len(text) <= SUMMARY_CHARS else text[:SUMMARY_CHARS - 1] + "…"


def shortlist_rows(matches: list[Match], audience: str) -> tuple[tuple[str, ...], list[list]]:
    """(header, rows) for an audience; only the broker audience gets contact details."""
    if audience not in AUDIENCES:
        raise ValueError(f"audience must be one of {AUDIENCES}")
    header = PUBLIC_COLUMNS + (CONTACT_COLUMNS if audience == "broker" else ())
    rows = []
    for n, m in enumerate(matches, 1):
        need, ach = m.need, m.achievement
        row = [n, round(m.score, 1), field_label(need.field_code or ach.field_code), need.title,
               clip(need.description), ach.title, clip(ach.summary), need.region or ach.region or "",
               m.broker.name if m.broker else "共享队列", m.state.label, m.created_at.date().isoformat()]
        if audience == "broker":
            row += [need.contact_name, need.contact_phone, need.contact_email,
                    ach.contact_name, ach.contact_phone, ach.contact_email]
        rows.append(["" if v is None else v for v in row])
    return header, rows


def export_shortlist(week: str, fmt: str, audience: str = "public", field_code: str | None = None,
                     limit: int = DEFAULT_LIMIT) -> tuple[bytes, int]:
    """The shortlist file's bytes in ``fmt`` ("xlsx"/"csv") and its number of rows."""
    matches = shortlist_matches(week, field_code, limit)
    return shortlist_file(week, matches, fmt, audience), len(matches)


def shortlist_file(week: str, matches: list[Match], fmt: str, audience: str) -> bytes:
    """``matches`` written as the week's shortlist in ``fmt`` ("xlsx"/"csv") for ``audience``."""
    header, rows = shortlist_rows(matches, audience)
    if fmt == "csv":
        return write_csv(header, rows)
    if fmt == "xlsx":
        return write_xlsx(header, rows, f"{week} 路演推荐清单", sheet="路演推荐清单", wide=("需求摘要", "成果摘要"))
    raise ValueError("format must be xlsx or csv")


def shortlist_dir() -> str:
    """Where built shortlists are kept (SHORTLIST_DIR, default beside the index folder)."""
    return current_app.config.get("SHORTLIST_DIR") or os.path.join(
        os.path.dirname(current_app.config["INDEX_DIR"].rstrip("/")), "shortlists")


def build_weekly_file(week: str, matches: list[Match]) -> dict:
    """Write ``matches`` as the week's broker shortlist XLSX to shortlist_dir(); returns it as an attachment."""
    data = shortlist_file(week, matches, "xlsx", "broker")
    filename = f"roadshow-shortlist-{week}.xlsx"
    os.makedirs(shortlist_dir(), exist_ok=True)
    path = os.path.join(shortlist_dir(), filename)
    with open(path, "wb") as fh:
        fh.write(data)
    return {"filename": filename, "path": path}


def mail_weekly_shortlist(now: datetime | None = None) -> int:
    """Build this week's shortlist and mail it (XLSX attached) to every broker once; returns how many."""
    week = iso_week((now or platform_now()).date())  # the centre's week: Monday starts at local midnight
    matches = shortlist_matches(week)
    if not matches:
        return 0
    attachment = build_weekly_file(week, matches)
    lines = [f"{n}. [{m.score:.0f}] {m.need.title} ⇄ {m.achievement.title}" for n, m in enumerate(matches[:10], 1)]
    link = link_to("roadshows.shortlist", week=week)
    sent = 0
    for broker in db.session.scalars(db.select(User).filter_by(role=Role.BROKER, active=True).order_by(User.id)):
        try:
            with db.session.begin_nested():  # once per broker and week, even if the job runs twice
                db.session.add(DigestLog(user_id=broker.id, kind="weekly_shortlist", period_key=week,
                                         item_count=len(matches), created_at=now))
                db.session.flush()
        except IntegrityError:
            continue
        notify(broker, "weekly_shortlist", f"{week} 路演推荐清单（{len(matches)} 项）",
               "本周推荐路演的匹配（按匹配度与新鲜度排序）：\n" + "\n".join(lines)
               + "\n\n完整清单（含双方联系人，仅供技术经理人使用）见附件，也可在平台下载。", link,
               attachments=[attachment])
        sent += 1
    db.session.commit()
    return sent
