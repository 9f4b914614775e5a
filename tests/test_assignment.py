"""Assignment: the least-loaded covering broker gets a new match; nobody covering means the shared queue."""
import pytest

from matchmaker.errors import Forbidden
from matchmaker.matches.assignment import reassign_match, take_match
from models import MatchEvent, MatchState, Notification, OutboxEmail, Role

from match_data import cover, make_achievement, make_match, make_need, rows


def test_covering_broker_with_fewest_open_matches_gets_the_match(make_user):
    busy, idle, elsewhere = (make_user(Role.BROKER) for _ in range(3))
    cover(busy, "06", "重庆")
    cover(idle, "0603", "重庆")
    cover(elsewhere, "01", "重庆")  # wrong field
    first = make_match(need=make_need(), score=70)
    second = make_match(need=make_need(title="第二个需求"), score=75)
    third = make_match(need=make_need(title="第三个需求"))

    assert first.broker_id == busy.id  # 0-0 tie -> lowest id
    assert second.broker_id == idle.id  # busy already has one open match
    assert third.broker_id == busy.id  # 1-1 tie again -> lowest id
    assert elsewhere.id not in {first.broker_id, second.broker_id, third.broker_id}


def test_top_field_and_any_region_cover_sub_fields_and_every_region(make_user):
    broker = cover(make_user(Role.BROKER), "06", None)
    match = make_match(need=make_need(region="新疆"), achievement=make_achievement(region="西藏"))
    assert match.broker_id == broker.id


def test_region_of_either_side_counts(make_user):
    broker = cover(make_user(Role.BROKER), None, "四川")  # the achievement's region, not the need's
    assert make_match().broker_id == broker.id


def test_closed_matches_do_not_count_as_load(db, make_user):
    a, b = make_user(Role.BROKER), make_user(Role.BROKER)
    cover(a, "06")
    cover(b, "06")
    old = make_match(need=make_need(title="旧"))
    assert old.broker_id == a.id
    old.state = MatchState.CLOSED
    db.session.commit()
    assert make_match(need=make_need(title="新")).broker_id == a.id


def test_inactive_brokers_are_skipped(db, make_user):
    cover(make_user(Role.BROKER, active=False), "06")
    assert make_match().broker_id is None


def test_uncovered_match_lands_in_shared_queue_and_a_broker_takes_it(db, make_user):
    match = make_match()
    assert match.broker_id is None
    assert [e.detail for e in match.events if e.kind == "assigned"] == ["进入共享队列"]
    first, second = make_user(Role.BROKER), make_user(Role.BROKER)
    take_match(match, first)
    assert match.broker_id == first.id
    with pytest.raises(Forbidden):
        take_match(match, second)


def test_broker_is_told_in_app_only_not_one_mail_per_match(db, make_user):
    broker = cover(make_user(Role.BROKER), "06")
    make_match()
    make_match(need=make_need(title="又一个"))
    notes = rows(Notification, user_id=broker.id, kind="match_assigned")
    assert len(notes) == 2
    assert rows(OutboxEmail, to_addr=broker.email) == []


def test_admin_reassigns_and_brokers_may_not(db, make_user):
    a, b = cover(make_user(Role.BROKER), "06"), make_user(Role.BROKER)
    admin = make_user(Role.ADMIN)
    match = make_match()
    with pytest.raises(Forbidden):
        reassign_match(match, b, a)
    reassign_match(match, b, admin)
    assert match.broker_id == b.id
    assert len(rows(MatchEvent, match_id=match.id, kind="assigned", actor_id=admin.id)) == 1
    reassign_match(match, None, admin)
    assert match.broker_id is None


def test_admin_reassigns_through_the_page(login_as, make_user):
    admin = login_as(Role.ADMIN)
    broker = make_user(Role.BROKER)
    match = make_match()
    response = admin.post(f"/matches/{match.id}/assign", data={"broker_id": broker.id})
    assert response.status_code == 302
    assert match.broker_id == broker.id
    other = login_as(Role.BROKER)
    assert other.post(f"/matches/{match.id}/assign", data={"broker_id": other.user.id}).status_code == 403


def test_reassigning_to_an_unknown_broker_id_changes_nothing(login_as, make_user):
    admin = login_as(Role.ADMIN)
    broker = cover(make_user(Role.BROKER), "06")
    match = make_match()
    response = admin.post(f"/matches/{match.id}/assign", data={"broker_id": 999999}, follow_redirects=True)
    assert response.status_code == 200 and "只能分派给在岗的技术经理人" in response.get_data(as_text=True)
    assert match.broker_id == broker.id  # not silently sent back to the shared queue


def test_broker_is_told_when_a_side_is_withdrawn(db, make_user):
    from matchmaker.listings.services import withdraw_listing

    broker = cover(make_user(Role.BROKER), "06")
    enterprise = make_user(Role.ENTERPRISE)
    match = make_match(make_need(owner=enterprise, title="被撤回的需求"))
    withdraw_listing(match.need, enterprise)
    [note] = rows(Notification, user_id=broker.id, kind="match_update")
    assert "被撤回的需求" in note.body and "已撤回" in note.title
    assert match.state == MatchState.NEW  # the broker decides; nothing is closed behind their back
