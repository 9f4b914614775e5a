"""A page number past the last page shows the last page, not a false "nothing here" (as listing search does)."""
from matchmaker.extensions import db
from matchmaker.notifications.services import notify
from models import Role

from match_data import cover, make_match, make_need


def test_the_queue_past_its_last_page_shows_the_last_page(app, login_as):
    app.config["PER_PAGE"] = 2
    broker = login_as(Role.BROKER)
    cover(broker.user, "06")
    titles = [f"第{n}条储能需求" for n in range(3)]
    for title in titles:
        make_match(make_need(title=title))
    page = broker.get("/matches/?page=999").get_data(as_text=True)
    assert "队列中没有匹配" not in page
    assert sum(title in page for title in titles) == 1  # the third match, alone on page 2
    body = broker.get("/api/v1/matches?page=999").get_json()
    assert (body["page"], body["pages"], body["total"], len(body["items"])) == (2, 2, 3, 1)
    assert broker.get("/api/v1/matches?page=1").get_json()["page"] == 1


def test_an_empty_queue_is_page_1_of_1(login_as):
    body = login_as(Role.BROKER).get("/api/v1/matches?page=5").get_json()
    assert (body["page"], body["items"], body["total"]) == (1, [], 0)


def test_notifications_past_the_last_page_show_the_last_page(app, login_as):
    app.config["PER_PAGE"] = 2
    user = login_as(Role.RESEARCHER)
    for n in range(3):
        notify(user.user, "match_update", f"第{n}条通知", email=False)
    db.session.commit()
    page = user.get("/notifications/?page=999").get_data(as_text=True)
    assert "暂无通知" not in page and sum(f"第{n}条通知" in page for n in range(3)) == 1
