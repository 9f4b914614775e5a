"""The platform's calendar: "today" and "now" in its zone (TIMEZONE), for dates people type and read.

Stored timestamps stay naive UTC (models.utcnow); deadlines, roadshow times and ISO weeks are the
centre's local ones, so a need due on the 22nd expires at local midnight, not eight hours later.
"""
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def platform_now() -> datetime:
    """The current wall-clock time in the platform's zone, naive (like the times people enter in forms)."""
    return datetime.now(ZoneInfo(current_app.config["TIMEZONE"])).replace(tzinfo=None)


def platform_today() -> date:
    """Today's date in the platform's zone."""
    return platform_now().date()
