"""Saved searches: new listings matching a query and filters are announced once, never again."""
from matchmaker.notifications.saved_searches import create_saved_search, run_saved_search_alerts
from models import Notification, OutboxEmail, Role, SavedSearch, SavedSearchHit

from listing_data import published
from match_data import rows

BATTERY_TWO = dict(title="锂电池正极材料高镍化改性技术", summary="通过表面包覆提升高镍正极材料的循环稳定性，"
                   "适用于动力锂电池，循环寿命提升 30%。", keywords="锂电池，正极材料，高镍")


def test_alert_announces_each_new_listing_once(make_user):
    researcher, admin = make_user(Role.RESEARCHER), make_user(Role.ADMIN)
    enterprise = make_user(Role.ENTERPRISE)
    published("achievements", researcher, admin, title="早于订阅的锂电池成果")  # before the search was saved
    search, _ = create_saved_search(enterprise, "achievements", "锂电池", {"field": "06"})
    assert run_saved_search_alerts() == 0

    first = published("achievements", researcher, admin)
    published("achievements", researcher, admin, title="锂电池回收设备", field_code="0701")  # other field
    assert run_saved_search_alerts() == 1
    [note] = rows(Notification, user_id=enterprise.id, kind="saved_search")
    assert first.title in note.body and "早于订阅" not in note.body and "回收设备" not in note.body
    assert [h.listing_id for h in rows(SavedSearchHit)] == [first.id]

    assert run_saved_search_alerts() == 0  # nothing new: no repeat
    second = published("achievements", researcher, admin, **BATTERY_TWO)
    assert run_saved_search_alerts() == 1
    latest = rows(Notification, user_id=enterprise.id, kind="saved_search")[-1]
    assert second.title in latest.body and first.title not in latest.body
    assert len(rows(OutboxEmail, to_addr=enterprise.email)) == 2
    assert search.last_checked_at is not None


def test_saved_search_page_creates_and_deletes(login_as):
    client = login_as(Role.ENTERPRISE)
    client.post("/notifications/saved-searches", data={"target": "achievements", "query": "固态电池",
                                                       "field": "06", "region": ""})
    page = client.get("/notifications/saved-searches").get_data(as_text=True)
    assert "固态电池" in page
    [search] = rows(SavedSearch)
    assert search.filters == {"field": "06"}
    client.post(f"/notifications/saved-searches/{search.id}/delete")
    assert rows(SavedSearch) == []
    assert "请填写检索词" in client.post("/notifications/saved-searches", data={"target": "needs", "query": ""},
                                         follow_redirects=True).get_data(as_text=True)


def test_saving_the_same_search_twice_keeps_one_subscription_and_one_alert(login_as, make_user):
    client = login_as(Role.ENTERPRISE)
    form = {"target": "achievements", "query": " 固态电池 ", "field": "06", "region": ""}
    client.post("/notifications/saved-searches", data=form)
    again = client.post("/notifications/saved-searches", data=dict(form, query="固态电池"), follow_redirects=True)
    assert "已订阅过此搜索" in again.get_data(as_text=True)
    [search] = rows(SavedSearch)
    other_filters = client.post("/notifications/saved-searches", data=dict(form, field="07"), follow_redirects=True)
    assert "订阅已保存" in other_filters.get_data(as_text=True) and len(rows(SavedSearch)) == 2
    someone_else = login_as(Role.ENTERPRISE)  # the same search by another user is theirs, not a duplicate
    someone_else.post("/notifications/saved-searches", data=form)
    assert len(rows(SavedSearch)) == 3
    admin = make_user(Role.ADMIN)
    published("achievements", make_user(Role.RESEARCHER), admin, title="固态电池电解质新工艺")
    run_saved_search_alerts()
    assert len(rows(Notification, user_id=client.user.id, kind="saved_search")) == 1
