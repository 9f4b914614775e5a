"""Template globals for the UI shell: route guards, navigation per role, unread count, local times."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app, request
from flask_login import current_user
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from . import bp
from ..clock import platform_today
from ..notifications.services import unread_count

# Navigation per role: (label, path). A link appears only once its route exists,
# so pages never break while other blueprints are being built.
BROWSE = [("成果大厅", "/achievements/"), ("需求大厅", "/needs/")]
NAVIGATION = {
    None: BROWSE,
    "researcher": [("我的成果", "/achievements/mine"), ("匹配需求", "/matches/mine")] + BROWSE,
    "enterprise": [("我的需求", "/needs/mine"), ("匹配成果", "/matches/mine")] + BROWSE,
    "broker": [("匹配队列", "/matches/"), ("路演", "/roadshows/"), ("审核", "/review/"),
               ("统计", "/stats/")] + BROWSE,
    "admin": [("管理后台", "/admin/"), ("审核", "/review/"), ("匹配队列", "/matches/"),
              ("路演", "/roadshows/"), ("统计", "/stats/")] + BROWSE,
}


@bp.app_template_global()
def shown_status(listing):
    """The status a page shows for a listing today (a published need past its deadline reads as expired)."""
    return listing.shown_status(platform_today())


@bp.app_template_global()
def has_route(path: str) -> bool:
    """True when a GET on ``path`` reaches a view."""
    adapter = current_app.url_map.bind("localhost")
    try:
        adapter.match(path, method="GET")
    except RequestRedirect:
        return True
    except HTTPException:
        return False
    return True


@bp.app_template_global()
def nav_items() -> list[dict]:
    """The navigation links of the current user's role that exist, with the active one marked."""
    role = current_user.role.value if current_user.is_authenticated else None
    return [{"label": label, "path": path, "active": request.path.startswith(path.rstrip("/") or "/")}
            for label, path in NAVIGATION[role] if has_route(path)]


@bp.app_template_global()
def unread_notifications() -> int:
    """How many notifications of the current user are unread."""
    if not current_user.is_authenticated:
        return 0
    return unread_count(current_user)


@bp.app_template_filter()
def local_time(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored (naive UTC) time in the platform's zone (TIMEZONE), formatted; "—" when there is none."""
    if value is None:
        return "—"
    aware = value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value
    return aware.astimezone(ZoneInfo(current_app.config["TIMEZONE"])).strftime(fmt)
