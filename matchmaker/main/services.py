"""Figures for the home page and the per-role dashboards (read-only)."""
import sqlalchemy as sa

from ..clock import platform_today
from ..extensions import db
from ..matches.assignment import OPEN_STATES as OPEN_MATCH_STATES
from ..matches.owners import count_open_owner_matches
from models import (Achievement, ListingStatus, Match, MatchState, Need, Organization, Roadshow,
                    RoadshowStatus, Role, User)


def count(model, *where) -> int:
    """Rows of ``model`` matching ``where``."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where)) or 0


def platform_figures() -> dict:
    """Public figures shown on the home page."""
    return {
        "achievements": count(Achievement, Achievement.live(platform_today())),
        "needs": count(Need, Need.live(platform_today())),
        "organizations": count(Organization, Organization.verified.is_(True)),
        "deals": count(Match, Match.state == MatchState.DEAL),
    }


def status_counts(model, *where) -> dict[ListingStatus, int]:
    """Listings of ``model`` per status."""
    rows = db.session.execute(sa.select(model.status, sa.func.count()).where(*where).group_by(model.status))
    return {status: n for status, n in rows}


def recent(model, *where, limit: int = 5) -> list:
    """The most recently updated rows of ``model``."""
    return list(db.session.scalars(sa.select(model).where(*where).order_by(model.updated_at.desc()).limit(limit)))


def listing_dashboard(user: User, model) -> dict:
    """A researcher's achievements or an enterprise's needs, with the open matches /matches/mine lists."""
    return {
        "statuses": status_counts(model, model.owner_id == user.id),
        "recent": recent(model, model.owner_id == user.id),
        "open_matches": count_open_owner_matches(user),
    }


def broker_dashboard(user: User) -> dict:
    """A broker's queue figures and upcoming roadshows."""
    return {
        "my_open": count(Match, Match.broker_id == user.id, Match.state.in_(OPEN_MATCH_STATES)),
        "unassigned": count(Match, Match.broker_id.is_(None), Match.state == MatchState.NEW),
        "deals": count(Match, Match.broker_id == user.id, Match.state == MatchState.DEAL),
        "roadshows": list(db.session.scalars(
            sa.select(Roadshow).where(Roadshow.status == RoadshowStatus.PLANNED)
            .order_by(Roadshow.starts_at).limit(5))),
    }


def admin_dashboard() -> dict:
    """What waits for an admin: unverified organizations, listings in review, users."""
    return {
        "unverified_orgs": count(Organization, Organization.verified.is_(False)),
        "pending_achievements": count(Achievement, Achievement.status == ListingStatus.PENDING),
        "pending_needs": count(Need, Need.status == ListingStatus.PENDING),
        "users": count(User),
        "brokers": count(User, User.role == Role.BROKER),
        "open_matches": count(Match, Match.state.in_(OPEN_MATCH_STATES)),
    }


def dashboard_for(user: User) -> dict:
    """The landing figures of ``user``'s role."""
    role = user.role.value
    if role == "researcher":
        return listing_dashboard(user, Achievement)
    if role == "enterprise":
        return listing_dashboard(user, Need)
    if role == "broker":
        return broker_dashboard(user)
    return admin_dashboard()
