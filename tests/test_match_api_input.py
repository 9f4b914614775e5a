"""What the match API and match page answer to bodies they cannot use: the message names the real problem."""
import pytest

from models import MatchState, Role

from match_data import cover, make_match

S = MatchState


@pytest.fixture
def broker(login_as):
    client = login_as(Role.BROKER)
    cover(client.user, "06")
    return client


@pytest.mark.parametrize("sent, shown", [("bogus", "bogus"), (["x"], '["x"]'), (7, "7"), ({"a": 1}, '{"a": 1}')])
def test_an_unknown_state_is_named_in_the_api_message(broker, sent, shown):
    match = make_match()
    response = broker.post(f"/api/v1/matches/{match.id}/state", json={"state": sent})
    assert response.status_code == 422 and response.json["field"] == "state"
    assert response.json["message"] == f"未知的状态：{shown}"
    assert "None" not in response.json["message"] and match.state == S.NEW


def test_a_missing_state_asks_for_one(broker):
    match = make_match()
    for body in ({}, {"state": None}, {"state": ""}):
        response = broker.post(f"/api/v1/matches/{match.id}/state", json=body)
        assert response.status_code == 422 and response.json["message"] == "请指定要变更的状态", body


def test_an_unknown_state_from_the_match_page_is_flashed_as_sent(broker):
    match = make_match()
    page = broker.post(f"/matches/{match.id}/state", data={"to_state": "飞升"}, follow_redirects=True)
    assert "未知的状态：飞升" in page.get_data(as_text=True) and match.state == S.NEW


def test_a_known_but_disallowed_state_still_names_both_states(broker):
    match = make_match()
    response = broker.post(f"/api/v1/matches/{match.id}/state", json={"state": "deal"})
    assert response.status_code == 409 and response.json["message"] == "不能从「新匹配」变更为「已成交」"
