"""The match state machine: every allowed move, every refused one, and who may make them."""
from datetime import date

import pytest

from matchmaker.errors import Forbidden, InvalidTransition, ValidationError
from matchmaker.matches.services import PIPELINE, TRANSITIONS, change_state, record_deal
from matchmaker.matches.queue import QueueFilter
from models import (AuditLog, Deal, ListingStatus, MatchEvent, MatchNote, MatchState, Notification, OutboxEmail,
                    Role)

from match_data import cover, make_achievement, make_match, make_need, rows

S = MatchState
OPEN = [S.NEW, S.CONTACTED, S.INTRODUCED, S.ROADSHOW, S.NEGOTIATING]


@pytest.fixture
def worked(make_user):
    """A match assigned to a broker, with owners on both sides."""
    broker = cover(make_user(Role.BROKER), "06")
    researcher, enterprise = make_user(Role.RESEARCHER), make_user(Role.ENTERPRISE)
    match = make_match(make_need(owner=enterprise), make_achievement(owner=researcher))
    assert match.broker_id == broker.id
    return match, broker, researcher, enterprise


def walk_to(match, state, actor):
    """Move a match along the pipeline up to ``state``."""
    for step in PIPELINE[PIPELINE.index(match.state) + 1:PIPELINE.index(state) + 1]:
        change_state(match, step, actor)


def test_the_whole_pipeline_writes_an_event_and_an_audit_entry_per_step(worked):
    match, broker, *_ = worked
    walk_to(match, S.NEGOTIATING, broker)
    deal = record_deal(match, broker, "transfer", "120.50", date(2026, 11, 20))
    assert match.state == S.DEAL and deal.amount == pytest.approx(120.5)
    moves = [(e.from_state, e.to_state) for e in match.events if e.kind == "state"]
    assert moves == list(zip(PIPELINE, PIPELINE[1:]))
    audits = rows(AuditLog, object_type="match", object_id=match.id, action="match.state")
    assert [a.detail["to_state"] for a in audits] == [s.value for s in PIPELINE[1:]]
    assert all(a.actor_id == broker.id for a in audits)


def test_moves_outside_the_table_are_refused(db, worked):
    match, broker, *_ = worked
    refused = [(s, t) for s in S for t in S if t not in TRANSITIONS[s] and t != s]
    assert (S.NEW, S.INTRODUCED) in refused and (S.DEAL, S.CLOSED) in refused
    for start, target in refused:
        match.state = start
        db.session.commit()
        with pytest.raises((InvalidTransition, ValidationError)):
            change_state(match, target, broker, reason="too_early")
        db.session.rollback()
        assert match.state == start, (start, target)


def test_declined_and_closed_are_reachable_from_every_open_state(db, worked):
    match, broker, *_ = worked
    for start in OPEN:
        for end in (S.DECLINED, S.CLOSED):
            match.state = start
            db.session.commit()
            change_state(match, end, broker, reason="budget_mismatch")
            assert match.state == end, (start, end)
    assert TRANSITIONS[S.DECLINED] == TRANSITIONS[S.CLOSED] == ()


def test_deal_only_through_record_deal(db, worked):
    match, broker, *_ = worked
    walk_to(match, S.NEGOTIATING, broker)
    with pytest.raises(ValidationError, match="记录成交"):
        change_state(match, S.DEAL, broker)
    with pytest.raises(ValidationError):
        record_deal(match, broker, "transfer", "-1", date.today())
    db.session.rollback()
    assert rows(Deal) == [] and match.state == S.NEGOTIATING


def test_decline_needs_a_reason_and_other_needs_text(worked):
    match, broker, *_ = worked
    with pytest.raises(ValidationError, match="原因"):
        change_state(match, S.DECLINED, broker)
    with pytest.raises(ValidationError, match="其他"):
        change_state(match, S.DECLINED, broker, reason="other")
    change_state(match, S.DECLINED, broker, reason="other", note="企业已自行解决")
    assert match.decline_reason.value == "other" and match.decline_note == "企业已自行解决"
    assert rows(AuditLog, action="match.state")[-1].detail["reason"] == "other"


def test_other_brokers_and_listing_owners_may_not_move_it(make_user, worked):
    match, _, researcher, enterprise = worked
    for outsider in (make_user(Role.BROKER), researcher, enterprise):
        with pytest.raises(Forbidden):
            change_state(match, S.CONTACTED, outsider)
    assert match.state == S.NEW


def test_admin_may_move_any_match(make_user, worked):
    match, broker, *_ = worked
    change_state(match, S.CONTACTED, make_user(Role.ADMIN))
    assert match.state == S.CONTACTED and match.broker_id == broker.id


def test_any_broker_moving_a_shared_match_takes_it(make_user):
    match = make_match()
    broker = make_user(Role.BROKER)
    change_state(match, S.CONTACTED, broker)
    assert match.broker_id == broker.id


def test_introduction_tells_both_sides_without_the_other_sides_contacts(worked):
    match, broker, researcher, enterprise = worked
    walk_to(match, S.INTRODUCED, broker)
    for owner in (researcher, enterprise):
        notes = rows(Notification, user_id=owner.id, kind="introduction")
        mails = rows(OutboxEmail, to_addr=owner.email)
        assert len(notes) == 1 and len(mails) == 1
        text = notes[0].body + mails[0].body + mails[0].subject
        assert match.need.title in text and match.achievement.title in text
        for secret in ("need.secret@example.com", "13900000001", "王需求", "ach.secret@example.edu.cn",
                       "02800000002", "李成果"):
            assert secret not in text


def test_owner_sees_every_match_of_their_listings_but_no_contacts(login_as, make_user):
    enterprise = login_as(Role.ENTERPRISE)
    broker = cover(make_user(Role.BROKER), "06")
    introduced = make_match(make_need(owner=enterprise.user, title="已引荐的需求"))
    make_match(make_need(owner=enterprise.user, title="尚未处理的需求"), make_achievement(title="另一个成果"))
    walk_to(introduced, S.INTRODUCED, broker)
    page = enterprise.get("/matches/mine").get_data(as_text=True)
    assert "已引荐的需求" in page and "尚未处理的需求" in page
    assert "ach.secret@example.edu.cn" not in page and "02800000002" not in page
    assert enterprise.get("/matches/").status_code == 403
    assert enterprise.post(f"/matches/{introduced.id}/state", data={"to_state": "closed"}).status_code == 403


def test_broker_works_a_match_through_the_pages(login_as):
    broker = login_as(Role.BROKER)
    cover(broker.user, "06")
    match = make_match(terms=["锂电池"])
    page = broker.get(f"/matches/{match.id}").get_data(as_text=True)
    assert "<mark>锂电池</mark>" in page and "need.secret@example.com" in page  # brokers see contacts
    broker.post(f"/matches/{match.id}/state", data={"to_state": "contacted"})
    broker.post(f"/matches/{match.id}/notes", data={"body": "已电话联系企业"})
    response = broker.post(f"/matches/{match.id}/state", data={"to_state": "declined", "reason": ""},
                           follow_redirects=True)
    assert "婉拒时必须选择原因" in response.get_data(as_text=True)
    assert match.state == S.CONTACTED
    kinds = [e.kind for e in rows(MatchEvent, match_id=match.id)]
    assert kinds == ["created", "assigned", "state", "note"]


def test_queue_filters_and_sorts(login_as):
    broker = login_as(Role.BROKER)
    cover(broker.user, None)
    low = make_match(make_need(title="低分需求"), score=61)
    high = make_match(make_need(title="高分需求", region="北京"), score=90)
    old = make_match(make_need(title="陈旧需求"), score=70, age_days=40)
    page = broker.get("/matches/?sort=score").get_data(as_text=True)
    assert page.index("高分需求") < page.index("陈旧需求") < page.index("低分需求")
    strict = broker.get("/matches/?min_score=95")
    assert strict.status_code == 200 and "队列中没有匹配" in strict.get_data(as_text=True)
    assert "高分需求" not in strict.get_data(as_text=True)
    high_only = broker.get("/matches/?min_score=85").get_data(as_text=True)
    assert f'data-match-id="{high.id}"' in high_only and "陈旧需求" not in high_only
    recent = broker.get("/matches/?age=30").get_data(as_text=True)
    assert "陈旧需求" not in recent and "低分需求" in recent
    beijing = broker.get("/matches/?region=北京").get_data(as_text=True)
    assert "高分需求" in beijing and "低分需求" not in beijing
    oldest = broker.get("/matches/?sort=oldest").get_data(as_text=True)
    assert oldest.index("陈旧需求") < oldest.index("低分需求")
    closed = broker.get("/matches/?state=closed").get_data(as_text=True)
    assert not any(f'data-match-id="{m.id}"' in closed for m in (low, high, old))


def test_json_api_lists_reads_and_moves_matches(login_as, make_user):
    broker = login_as(Role.BROKER)
    cover(broker.user, "06")
    mine = make_match(make_need(title="我的需求"))
    cover(make_user(Role.BROKER), "01")
    listing = broker.get("/api/v1/matches").json
    assert [m["id"] for m in listing["items"]] == [mine.id]
    assert "need.secret@example.com" not in str(listing)
    moved = broker.post(f"/api/v1/matches/{mine.id}/state", json={"state": "contacted"}).json
    assert moved["state"] == "contacted" and moved["allowed_moves"] == ["introduced", "declined", "closed"]
    refused = broker.post(f"/api/v1/matches/{mine.id}/state", json={"state": "deal"})
    assert refused.status_code == 409 and refused.json["error"] == "conflict"
    assert login_as(Role.RESEARCHER).get("/api/v1/matches").status_code == 403


def test_queue_filters_are_clamped_instead_of_failing(login_as):
    broker = login_as(Role.BROKER)
    cover(broker.user, None)
    make_match(make_need(title="百年之内的需求"), age_days=400)
    for query in ("age=99999999999", "age=-5", "min_score=1e999", "min_score=nan", "min_score=-1&age=1e3"):
        response = broker.get(f"/matches/?{query}")
        assert response.status_code == 200, query
    assert "百年之内的需求" in broker.get("/matches/?age=99999999999").get_data(as_text=True)
    assert "百年之内的需求" not in broker.get("/matches/?age=-5").get_data(as_text=True)  # 0 days
    f = QueueFilter.from_args({"age": "99999999999", "min_score": "1e999"}, broker.user)
    assert (f.max_age_days, f.min_score) == (36500, 100.0)
    assert broker.get("/api/v1/matches?age=99999999999").status_code == 200


@pytest.mark.parametrize("path, body", [
    ("state", [1, 2]), ("state", "x"), ("notes", [1, 2]), ("notes", 5),
    ("state", {"state": "contacted", "note": 123}), ("notes", {"body": ["x"]}), ("notes", {"body": 1}),
])
def test_json_api_refuses_malformed_bodies_with_422(login_as, path, body):
    broker = login_as(Role.BROKER)
    cover(broker.user, "06")
    match = make_match()
    response = broker.post(f"/api/v1/matches/{match.id}/{path}", json=body)
    assert response.status_code == 422 and response.json["error"] == "validation_error"
    assert any("\u4e00" <= ch <= "\u9fff" for ch in response.json["message"])  # a Chinese message
    assert match.state == S.NEW and rows(MatchNote) == []


@pytest.mark.parametrize("amount", ["1e30", "Infinity", "NaN", "-Infinity", "100000000000"])
def test_deal_amounts_outside_the_column_are_refused(db, worked, amount):
    match, broker, *_ = worked
    walk_to(match, S.NEGOTIATING, broker)
    with pytest.raises(ValidationError, match="金额"):
        record_deal(match, broker, "transfer", amount, date.today())
    db.session.rollback()
    assert rows(Deal) == [] and match.state == S.NEGOTIATING
    deal = record_deal(match, broker, "transfer", "99999999999.99", date.today())
    assert str(deal.amount) == "99999999999.99"


def test_deal_form_with_an_absurd_amount_is_a_message_not_a_500(login_as):
    broker = login_as(Role.BROKER)
    cover(broker.user, "06")
    match = make_match()
    walk_to(match, S.NEGOTIATING, broker.user)
    for amount in ("1e30", "Infinity", "NaN"):
        response = broker.post(f"/matches/{match.id}/deal", follow_redirects=True,
                               data={"contract_type": "transfer", "amount": amount, "signed_on": "2026-11-01"})
        assert response.status_code == 200 and "金额" in response.get_data(as_text=True)
    assert rows(Deal) == [] and match.state == S.NEGOTIATING


def test_deal_form_names_the_bad_amount_even_for_a_signalling_nan(login_as):
    broker = login_as(Role.BROKER)
    cover(broker.user, "06")
    match = make_match()
    walk_to(match, S.NEGOTIATING, broker.user)
    for amount in ("sNaN", "-sNaN", "-1", "abc"):
        response = broker.post(f"/matches/{match.id}/deal", follow_redirects=True,
                               data={"contract_type": "transfer", "amount": amount, "signed_on": "2026-11-01"})
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and "合同金额应为" in page, (amount, response.status_code)
    assert rows(Deal) == [] and match.state == S.NEGOTIATING
    broker.post(f"/matches/{match.id}/deal", data={"contract_type": "transfer", "amount": "12.5",
                                                   "signed_on": "2026-11-01"})
    assert [str(d.amount) for d in rows(Deal)] == ["12.50"] and match.state == S.DEAL


def test_manual_match_starts_only_from_published_listings(login_as, make_user):
    broker = login_as(Role.BROKER)
    pending = make_need(title="待审核的需求", status=ListingStatus.PENDING)
    withdrawn = make_achievement(title="已撤回的成果", status=ListingStatus.WITHDRAWN)
    assert broker.get(f"/matches/new?need_id={pending.id}").status_code == 404
    assert broker.get(f"/matches/new?achievement_id={withdrawn.id}").status_code == 404
    admin = login_as(Role.ADMIN)  # admins may review pending listings, but not pair them
    assert admin.get(f"/matches/new?need_id={pending.id}").status_code == 404


@pytest.fixture
def withdrawn_side(worked):
    """The worked match, contacted, after its achievement was withdrawn and its need closed by their owners."""
    from matchmaker.listings.services import close_listing, withdraw_listing

    match, broker, researcher, enterprise = worked
    change_state(match, S.CONTACTED, broker)
    withdraw_listing(match.achievement, researcher)
    close_listing(match.need, enterprise)
    return match, broker, researcher, enterprise


def test_a_match_whose_side_left_the_market_can_only_be_closed_or_declined(login_as, withdrawn_side):
    match, broker, researcher, enterprise = withdrawn_side
    api = login_as(Role.ADMIN)
    response = api.post(f"/api/v1/matches/{match.id}/state", json={"state": "introduced"})
    assert response.status_code == 409 and response.json["message"] == "成果或需求已下架，只能关闭或婉拒此匹配"
    assert match.state == S.CONTACTED
    assert rows(Notification, kind="introduction") == [] and rows(OutboxEmail, to_addr=researcher.email) == []
    assert api.get(f"/api/v1/matches/{match.id}").json["allowed_moves"] == ["declined", "closed"]
    assert api.post(f"/api/v1/matches/{match.id}/state", json={"state": "closed"}).status_code == 200
    assert match.state == S.CLOSED


def test_one_unpublished_side_is_enough_to_stop_a_match_and_a_deal(db, worked):
    from matchmaker.listings.services import expire_needs

    match, broker, *_ = worked
    walk_to(match, S.NEGOTIATING, broker)
    match.need.deadline = date(2020, 1, 1)
    db.session.commit()
    assert expire_needs() == [match.need]
    with pytest.raises(InvalidTransition, match="已下架"):
        record_deal(match, broker, "transfer", "10", date.today())
    db.session.rollback()
    assert rows(Deal) == [] and match.state == S.NEGOTIATING
    change_state(match, S.DECLINED, broker, reason="budget_mismatch")
    assert match.state == S.DECLINED


def test_an_introduced_match_with_a_withdrawn_side_does_not_go_on_a_roadshow(login_as, make_user):
    from datetime import datetime, timedelta

    from matchmaker.listings.services import withdraw_listing
    from matchmaker.roadshows.services import create_roadshow
    from models import RoadshowItem

    broker = login_as(Role.BROKER)
    cover(broker.user, "06")
    researcher = make_user(Role.RESEARCHER)
    match = make_match(achievement=make_achievement(owner=researcher))
    walk_to(match, S.INTRODUCED, broker.user)
    withdraw_listing(match.achievement, researcher)
    roadshow = create_roadshow(broker.user, "周五路演", datetime.now() + timedelta(days=1), place="成都")
    page = broker.post("/roadshows/items", data={"roadshow_id": roadshow.id, "match_id": match.id},
                       follow_redirects=True).get_data(as_text=True)
    assert "成果或需求已下架" in page and match.state == S.INTRODUCED and rows(RoadshowItem) == []
