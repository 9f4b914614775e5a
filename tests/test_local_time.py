"""Times are stored in UTC and shown in the platform's zone (TIMEZONE, Asia/Shanghai by default)."""
from datetime import datetime

import pytest

from matchmaker import create_app
from models import Notification, Role


def test_pages_show_stored_utc_times_in_the_platform_zone(app, db, login_as):
    client = login_as(Role.ENTERPRISE)
    db.session.add(Notification(user_id=client.user.id, kind="match_update", title="跨零点的通知",
                                created_at=datetime(2026, 1, 1, 23, 30)))
    db.session.commit()
    page = client.get("/notifications/").get_data(as_text=True)
    assert "2026-01-02 07:30" in page and "2026-01-01 23:30" not in page
    app.config["TIMEZONE"] = "Europe/London"  # a centre elsewhere sets its own zone
    assert "2026-01-01 23:30" in client.get("/notifications/").get_data(as_text=True)


def test_an_unknown_zone_stops_the_app_with_a_clear_message(tmp_path):
    with pytest.raises(RuntimeError, match="not a known time zone"):
        create_app({"TESTING": True, "SECRET_KEY": "t", "TIMEZONE": "Mars/Olympus",
                    "INDEX_DIR": str(tmp_path / "index")})


def test_deadlines_and_the_default_week_follow_the_platform_calendar(app, make_user, login_as):
    from datetime import timedelta

    from matchmaker.clock import platform_today
    from matchmaker.listings import services
    from matchmaker.roadshows.shortlist import iso_week
    from models import ListingStatus

    from listing_data import published

    app.config["TIMEZONE"] = "Etc/GMT+12"  # UTC-12: always at least a day behind UTC+14
    due_today_here = platform_today()
    need = published("needs", make_user(Role.ENTERPRISE), make_user(Role.ADMIN),
                     deadline=due_today_here + timedelta(days=30))
    need.deadline = due_today_here  # due at the end of today, local time
    assert services.expire_needs() == [] and need.status == ListingStatus.PUBLISHED
    app.config["TIMEZONE"] = "Pacific/Kiritimati"  # UTC+14: the same instant is already a later day there
    assert platform_today() > due_today_here
    assert services.expire_needs() == [need] and need.status == ListingStatus.EXPIRED
    broker = login_as(Role.BROKER)
    page = broker.get("/roadshows/shortlist").get_data(as_text=True)
    assert iso_week(platform_today()) in page

