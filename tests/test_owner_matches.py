"""Owners' matches page (/matches/mine), asking for and answering introductions, and what brokers see of it."""
import re

import pytest
from sqlalchemy import event

from matchmaker.extensions import db as _db
from matchmaker.matches.services import PIPELINE, change_state
from models import AuditLog, ListingStatus, MatchEvent, MatchState, Notification, OutboxEmail, Role

from match_data import cover, make_achievement, make_match, make_need, rows

S = MatchState
SECRETS = ("need.secret@example.com", "13900000001", "王需求", "ach.secret@example.edu.cn", "02800000002", "李成果")


def walk_to(match, state, actor):
    """Move a match along the pipeline up to ``state``."""
    for step in PIPELINE[PIPELINE.index(match.state) + 1:PIPELINE.index(state) + 1]:
        change_state(match, step, actor)


def row_of(page: str, match_id: int) -> str:
    """The HTML of one match's row on /matches/mine."""
    start = page.index(f'data-match-id="{match_id}"')
    end = page.find('data-match-id="', start + 1)
    return page[start:end if end != -1 else len(page)]


def queue_row(page: str, match_id: int) -> str:
    """The HTML of one match's row in the broker queue."""
    return re.search(rf'<tr data-match-id="{match_id}">.*?</tr>', page, re.S).group(0)


def signed_in(app, user):
    """A test client signed in as ``user``."""
    client = app.test_client()
    with client.session_transaction() as sess:
        sess["_user_id"], sess["_fresh"] = user.get_id(), True
    return client


@pytest.fixture
def enterprise(login_as):
    return login_as(Role.ENTERPRISE)


@pytest.fixture
def researcher(login_as):
    return login_as(Role.RESEARCHER)


@pytest.fixture
def broker(make_user):
    user = make_user(Role.BROKER)
    user.name = "张经理"
    return cover(user, "06")


def test_mine_lists_every_match_open_first_with_owner_labels_and_no_contacts(db, enterprise, broker, make_user):
    need = make_need(owner=enterprise.user, title="我的储能需求")
    ended = make_match(need, make_achievement(title="已结束的成果"))
    change_state(ended, S.CLOSED, broker)
    fresh = make_match(need, make_achievement(title="新匹配的成果"))
    gone = make_match(need, make_achievement(title="已撤下的成果"))
    gone.achievement.status = ListingStatus.WITHDRAWN
    hidden_need = make_need(owner=enterprise.user, title="我撤回的需求", status=ListingStatus.WITHDRAWN)
    make_match(hidden_need, make_achievement(title="撤回需求的成果"))
    make_match(make_need(owner=make_user(Role.ENTERPRISE), title="别人的需求"), make_achievement(title="别人的成果"))
    db.session.commit()

    response = enterprise.get("/matches/mine")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "<h1 class=\"h3 mb-2\">匹配成果</h1>" in page
    assert page.index(f'data-match-id="{fresh.id}"') < page.index(f'data-match-id="{ended.id}"')
    assert "撤回需求的成果" not in page and "别人的成果" not in page
    fresh_row = row_of(page, fresh.id)
    assert f'href="/achievements/{fresh.achievement_id}"' in fresh_row and "待处理" in fresh_row
    assert "张经理" in fresh_row and "匹配度 80" in fresh_row and "我的储能需求" in fresh_row
    assert "已结束" in row_of(page, ended.id)
    gone_row = row_of(page, gone.id)
    assert "已撤下的成果" in gone_row and f"/achievements/{gone.achievement_id}" not in gone_row
    for secret in SECRETS:
        assert secret not in page


def test_shared_queue_match_names_the_platform_queue(researcher):
    match = make_match(make_need(), make_achievement(owner=researcher.user, title="共享队列的成果"))
    assert match.broker_id is None
    page = researcher.get("/matches/mine").get_data(as_text=True)
    row = row_of(page, match.id)
    assert "平台共享队列" in row and f'href="/needs/{match.need_id}"' in row
    assert "<h1 class=\"h3 mb-2\">匹配需求</h1>" in page


def test_empty_state_and_pages(app, enterprise):
    assert "暂无匹配成果" in enterprise.get("/matches/mine").get_data(as_text=True)
    app.config["PER_PAGE"] = 2
    need = make_need(owner=enterprise.user)
    ids = {make_match(need, make_achievement(title=f"成果{n}")).id for n in range(3)}
    first = enterprise.get("/matches/mine").get_data(as_text=True)
    second = enterprise.get("/matches/mine?page=2").get_data(as_text=True)
    shown = [set(int(i) for i in re.findall(r'data-match-id="(\d+)"', p)) for p in (first, second)]
    assert len(shown[0]) == 2 and len(shown[1]) == 1 and shown[0] | shown[1] == ids
    assert "共 3 条" in first


@pytest.mark.parametrize("role, name", [(Role.ENTERPRISE, "匹配成果"), (Role.RESEARCHER, "匹配需求")])
def test_dashboard_card_counts_what_mine_shows_open(db, login_as, broker, role, name):
    owner = login_as(role)
    mine = {"owner": owner.user}

    def pair(**fields):
        """A need and an achievement, the owner's side carrying ``fields``."""
        if role == Role.ENTERPRISE:
            return make_need(**mine, **fields), make_achievement()
        return make_need(), make_achievement(**mine, **fields)

    for _ in range(2):
        make_match(*pair())
    closed = make_match(*pair())
    change_state(closed, S.CLOSED, broker)
    make_match(*pair(status=ListingStatus.WITHDRAWN))  # open, but the owner's listing is off the market
    dashboard = owner.get("/dashboard").get_data(as_text=True)
    card = re.search(rf"{name}（进行中）</div>\s*<div[^>]*>(\d+)</div>", dashboard)
    assert card is not None and card.group(1) == "2"
    assert 'href="/matches/mine"' in dashboard
    page = owner.get("/matches/mine").get_data(as_text=True)
    assert re.search(r'id="open-count">(\d+)<', page).group(1) == "2"
    assert f"<h1 class=\"h3 mb-2\">{name}</h1>" in page


def test_enterprise_asks_for_an_introduction_once(enterprise, broker):
    match = make_match(make_need(owner=enterprise.user), make_achievement(title="想对接的成果"))
    response = enterprise.post(f"/matches/{match.id}/request", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "已提交对接申请" in page
    assert "已申请对接" in row_of(page, match.id) and "申请对接</button>" not in row_of(page, match.id)
    events = rows(MatchEvent, match_id=match.id, kind="intro_request")
    assert len(events) == 1 and events[0].actor_id == enterprise.user.id
    notes = rows(Notification, user_id=broker.id, kind="intro_request")
    mails = [m for m in rows(OutboxEmail, to_addr=broker.email) if "企业申请对接" in m.subject]
    assert len(notes) == 1 and len(mails) == 1 and "想对接的成果" in notes[0].body
    assert notes[0].link == f"/matches/{match.id}"
    assert len(rows(AuditLog, action="match.intro_request", object_id=match.id)) == 1

    again = enterprise.post(f"/matches/{match.id}/request", follow_redirects=True).get_data(as_text=True)
    assert "已申请，技术经理人会尽快联系您" in again
    assert len(rows(MatchEvent, match_id=match.id, kind="intro_request")) == 1
    assert len(rows(Notification, user_id=broker.id, kind="intro_request")) == 1


def test_a_shared_queue_request_tells_every_broker_covering_the_field(enterprise, make_user):
    match = make_match(make_need(owner=enterprise.user))
    assert match.broker_id is None
    covering = [cover(make_user(Role.BROKER), "06"), cover(make_user(Role.BROKER), "0603")]
    elsewhere = cover(make_user(Role.BROKER), "01")
    assert enterprise.post(f"/matches/{match.id}/request").status_code == 302
    for b in covering:
        assert len(rows(Notification, user_id=b.id, kind="intro_request")) == 1
        assert any("企业申请对接" in m.subject for m in rows(OutboxEmail, to_addr=b.email))
    assert rows(Notification, user_id=elsewhere.id, kind="intro_request") == []


def test_requests_are_refused_for_others_and_in_the_wrong_state(login_as, enterprise, researcher, broker):
    match = make_match(make_need(owner=enterprise.user), make_achievement(owner=researcher.user))
    stranger = login_as(Role.ENTERPRISE)
    assert stranger.post(f"/matches/{match.id}/request").status_code == 403
    assert researcher.post(f"/matches/{match.id}/request").status_code == 403
    assert enterprise.post("/matches/999999/request").status_code == 404
    assert enterprise.get(f"/matches/{match.id}").status_code == 403  # the broker's page stays staff-only
    walk_to(match, S.INTRODUCED, broker)
    response = enterprise.post(f"/matches/{match.id}/request")
    assert response.status_code == 409 and "已引荐" in response.get_data(as_text=True)
    assert rows(MatchEvent, match_id=match.id, kind="intro_request") == []
    assert "申请对接</button>" not in enterprise.get("/matches/mine").get_data(as_text=True)


def test_a_request_needs_the_counterpart_on_the_market(db, enterprise, broker):
    match = make_match(make_need(owner=enterprise.user))
    match.achievement.status = ListingStatus.WITHDRAWN
    db.session.commit()
    assert enterprise.post(f"/matches/{match.id}/request").status_code == 409
    assert rows(Notification, user_id=broker.id, kind="intro_request") == []


def test_an_introduction_whose_need_was_withdrawn_cannot_be_answered(db, researcher, broker):
    match = make_match(make_need(), make_achievement(owner=researcher.user))
    walk_to(match, S.INTRODUCED, broker)
    match.need.status = ListingStatus.WITHDRAWN
    db.session.commit()
    response = researcher.post(f"/matches/{match.id}/answer", data={"answer": "accept"})
    assert response.status_code == 409 and "已下架" in response.get_data(as_text=True)
    assert [e for e in rows(MatchEvent, match_id=match.id) if e.kind.startswith("intro")] == []
    assert rows(Notification, user_id=broker.id, kind="intro_answer") == []


def test_researcher_accepts_an_introduction_and_the_broker_sees_it(app, researcher, broker):
    match = make_match(make_need(), make_achievement(owner=researcher.user))
    page = researcher.get("/matches/mine").get_data(as_text=True)
    assert "接受引荐</button>" not in row_of(page, match.id)  # not introduced yet
    walk_to(match, S.INTRODUCED, broker)
    assert "接受引荐</button>" in row_of(researcher.get("/matches/mine").get_data(as_text=True), match.id)
    page = researcher.post(f"/matches/{match.id}/answer", data={"answer": "accept"},
                           follow_redirects=True).get_data(as_text=True)
    assert "您已接受引荐" in row_of(page, match.id) and "接受引荐</button>" not in row_of(page, match.id)
    assert [e.kind for e in rows(MatchEvent, match_id=match.id) if e.kind.startswith("intro")] == ["intro_accept"]
    notes = rows(Notification, user_id=broker.id, kind="intro_answer")
    assert len(notes) == 1 and "接受了引荐" in notes[0].body
    assert any("科研方答复引荐" in m.subject for m in rows(OutboxEmail, to_addr=broker.email))
    assert len(rows(AuditLog, action="match.intro_accept", object_id=match.id)) == 1

    staff = signed_in(app, broker)
    assert "科研方已接受" in queue_row(staff.get("/matches/").get_data(as_text=True), match.id)
    assert "科研方接受引荐" in staff.get(f"/matches/{match.id}").get_data(as_text=True)


def test_researcher_declines_with_a_reason_once(researcher, broker):
    match = make_match(make_need(), make_achievement(owner=researcher.user))
    assert researcher.post(f"/matches/{match.id}/answer", data={"answer": "decline"}).status_code == 409
    walk_to(match, S.INTRODUCED, broker)
    too_long = researcher.post(f"/matches/{match.id}/answer", data={"answer": "decline", "reason": "长" * 201},
                               follow_redirects=True).get_data(as_text=True)
    assert "原因不超过 200 个字" in too_long
    assert rows(MatchEvent, match_id=match.id, kind="intro_decline") == []
    page = researcher.post(f"/matches/{match.id}/answer", data={"answer": "decline", "reason": "  近期无产能  "},
                           follow_redirects=True).get_data(as_text=True)
    assert "您已答复暂不考虑：近期无产能" in row_of(page, match.id)
    declined = rows(MatchEvent, match_id=match.id, kind="intro_decline")
    assert len(declined) == 1 and declined[0].detail == "近期无产能"
    notes = rows(Notification, user_id=broker.id, kind="intro_answer")
    assert len(notes) == 1 and "近期无产能" in notes[0].body
    # the same answer again changes nothing; a different one is a conflict for the broker to sort out
    assert researcher.post(f"/matches/{match.id}/answer", data={"answer": "decline"}).status_code == 302
    assert researcher.post(f"/matches/{match.id}/answer", data={"answer": "accept"}).status_code == 409
    assert len(rows(MatchEvent, match_id=match.id, kind="intro_decline")) == 1
    assert rows(MatchEvent, match_id=match.id, kind="intro_accept") == []
    assert len(rows(Notification, user_id=broker.id, kind="intro_answer")) == 1


def test_answers_are_refused_for_others(login_as, researcher, enterprise, broker):
    match = make_match(make_need(owner=enterprise.user), make_achievement(owner=researcher.user))
    walk_to(match, S.INTRODUCED, broker)
    assert login_as(Role.RESEARCHER).post(f"/matches/{match.id}/answer", data={"answer": "accept"}).status_code == 403
    assert enterprise.post(f"/matches/{match.id}/answer", data={"answer": "accept"}).status_code == 403
    bad = researcher.post(f"/matches/{match.id}/answer", data={"answer": "maybe"}, follow_redirects=True)
    assert "请选择接受引荐或暂不考虑" in bad.get_data(as_text=True)
    assert [e for e in rows(MatchEvent, match_id=match.id) if e.kind.startswith("intro")] == []


def test_owner_actions_need_the_csrf_token(app, enterprise, broker):
    match = make_match(make_need(owner=enterprise.user))
    app.config["WTF_CSRF_ENABLED"] = True
    assert enterprise.post(f"/matches/{match.id}/request").status_code == 400
    assert rows(MatchEvent, match_id=match.id, kind="intro_request") == []
    page = enterprise.get("/matches/mine").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', row_of(page, match.id)).group(1)
    assert enterprise.post(f"/matches/{match.id}/request", data={"csrf_token": token}).status_code == 302
    assert len(rows(MatchEvent, match_id=match.id, kind="intro_request")) == 1


def count_queries(client, path: str) -> int:
    """How many SQL statements answering ``path`` runs."""
    seen = []

    def listen(*_):
        seen.append(1)

    event.listen(_db.engine, "before_cursor_execute", listen)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(_db.engine, "before_cursor_execute", listen)
    return len(seen)


def test_queue_badges_come_without_a_query_per_row(login_as):
    staff = login_as(Role.BROKER)
    cover(staff.user, "06")
    owners = [login_as(Role.ENTERPRISE) for _ in range(4)]
    needs = [make_need(owner=o.user, title=f"需求{n}") for n, o in enumerate(owners)]
    first = make_match(needs[0], make_achievement(title="成果0"))
    make_match(needs[1], make_achievement(title="成果1"))
    owners[0].post(f"/matches/{first.id}/request")
    page = staff.get("/matches/").get_data(as_text=True)
    assert page.count("企业申请对接") == 1 and "企业申请对接" in queue_row(page, first.id)
    few = count_queries(staff, "/matches/")
    for n, (o, need) in enumerate(zip(owners[1:], needs[1:]), start=1):
        o.post(f"/matches/{make_match(need, make_achievement(title=f'另一成果{n}')).id}/request")
    page = staff.get("/matches/").get_data(as_text=True)
    assert page.count("企业申请对接") == 4 and page.count("<tr data-match-id=") == 5
    assert count_queries(staff, "/matches/") == few
    assert "企业申请对接" in staff.get(f"/matches/{first.id}").get_data(as_text=True)  # the history's label


def test_a_match_on_a_planned_roadshow_reads_as_scheduled_to_its_owner(researcher, broker):
    match = make_match(make_need(), make_achievement(owner=researcher.user))
    walk_to(match, S.ROADSHOW, broker)
    row = row_of(researcher.get("/matches/mine").get_data(as_text=True), match.id)
    assert "已安排路演" in row
