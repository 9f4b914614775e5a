"""The notification center, per-kind opt-outs and the broker digest's bookkeeping."""
from datetime import timedelta
import re

from matchmaker.notifications.digests import send_broker_digests
from matchmaker.notifications.services import notify, set_preferences
from models import DigestLog, Notification, OutboxEmail, Role, utcnow

from match_data import cover, make_match, make_need, rows


def test_opt_out_per_kind_and_channel(db, make_user):
    user = make_user(Role.RESEARCHER)
    set_preferences(user, {"introduction": {"in_app": True, "email": False},
                           "saved_search": {"in_app": False, "email": False}})
    notify(user, "introduction", "引荐", "正文")
    notify(user, "saved_search", "订阅", "正文")
    notify(user, "match_update", "进展", "正文")  # no preference stored: both channels
    db.session.commit()
    assert [n.kind for n in rows(Notification, user_id=user.id)] == ["introduction", "match_update"]
    assert [m.subject for m in rows(OutboxEmail, to_addr=user.email)] == ["【技术供需对接平台】进展"]


def test_preferences_page_stores_opt_outs(login_as):
    client = login_as(Role.ENTERPRISE)
    form = {"introduction.in_app": "on", "match_update.in_app": "on", "match_update.email": "on"}
    assert client.post("/notifications/preferences", data=form).status_code == 302
    page = client.get("/notifications/preferences").get_data(as_text=True)
    checked = {name for name, rest in re.findall(r'name="([\w.]+)"([^>]*)>', page) if "checked" in rest}
    assert {"introduction.in_app", "match_update.email"} <= checked
    assert not {"introduction.email", "saved_search.in_app", "saved_search.email"} & checked
    notify(client.user, "introduction", "引荐", "正文")
    notify(client.user, "saved_search", "订阅", "正文")
    assert rows(OutboxEmail) == []
    assert [n.kind for n in rows(Notification)] == ["introduction"]


def test_center_lists_counts_and_marks_read(db, login_as):
    client = login_as(Role.RESEARCHER)
    for n in range(3):
        notify(client.user, "match_update", f"进展{n}", "正文", "/matches/mine")
    db.session.commit()
    assert client.get("/notifications/unread-count").json == {"unread": 3}
    page = client.get("/notifications/").get_data(as_text=True)
    assert page.index("进展2") < page.index("进展0")  # newest first
    first = rows(Notification)[0]
    response = client.post(f"/notifications/{first.id}/read")
    assert response.headers["Location"].endswith("/matches/mine")
    assert client.get("/notifications/unread-count").json == {"unread": 2}
    client.post("/notifications/read-all")
    assert client.get("/notifications/unread-count").json == {"unread": 0}


def test_users_cannot_read_each_others_notifications(db, login_as, make_user):
    other = make_user(Role.RESEARCHER)
    notify(other, "match_update", "别人的通知", "正文")
    db.session.commit()
    client = login_as(Role.RESEARCHER)
    notify(client.user, "match_update", "我自己的通知", "正文")
    db.session.commit()
    response = client.get("/notifications/")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "我自己的通知" in page  # the list rendered...
    assert "别人的通知" not in page  # ...without the other user's entry
    assert client.post(f"/notifications/{rows(Notification)[0].id}/read").status_code == 404
    assert rows(Notification)[0].read_at is None


def test_digest_once_per_interval_and_only_with_news(app, make_user):
    app.config["DIGEST_INTERVAL_HOURS"] = 24
    broker = cover(make_user(Role.BROKER), "06")
    idle = cover(make_user(Role.BROKER), "01")  # nothing for this one
    make_match(make_need(title="需求一"))
    make_match(make_need(title="需求二"), score=90)
    now = utcnow()
    assert send_broker_digests(now) == 1
    [mail] = rows(OutboxEmail)
    assert mail.to_addr == broker.email
    assert mail.body.index("需求二") < mail.body.index("需求一")  # best first
    assert send_broker_digests(now + timedelta(minutes=5)) == 0  # same period, nothing new
    assert send_broker_digests(now + timedelta(days=1)) == 0  # next period, still nothing new
    make_match(make_need(title="需求三"))
    assert send_broker_digests(now + timedelta(days=2)) == 1
    assert "需求三" in rows(OutboxEmail)[-1].body and "需求一" not in rows(OutboxEmail)[-1].body
    assert [d.user_id for d in rows(DigestLog)] == [broker.id, broker.id]
    assert rows(OutboxEmail, to_addr=idle.email) == []


def test_digest_mentions_the_shared_queue(make_user):
    broker = make_user(Role.BROKER)
    make_match()  # nobody covers it
    assert send_broker_digests() == 1
    assert "共享队列新增 1 条" in rows(OutboxEmail, to_addr=broker.email)[0].body


def test_titles_and_subjects_fit_their_columns_on_one_line(db, make_user):
    user = make_user(Role.BROKER)
    long_title = "新匹配：" + "超长的需求标题\r\nBcc: evil@example.com " * 30
    notify(user, "match_update", long_title, "正文")
    db.session.commit()
    [note] = rows(Notification, user_id=user.id)
    [mail] = rows(OutboxEmail, to_addr=user.email)
    for text in (note.title, mail.subject):
        assert len(text) <= 200 and "\n" not in text and "\r" not in text and "  " not in text
    assert note.title.startswith("新匹配：超长的需求标题 Bcc:")
    assert mail.subject.startswith("【技术供需对接平台】新匹配：超长的需求标题") and mail.subject.endswith("…")
