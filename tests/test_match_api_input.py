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


WRITE_ENDPOINTS = ["state", "notes"]  # every JSON write endpoint under /api/v1


@pytest.mark.parametrize("path", WRITE_ENDPOINTS)
@pytest.mark.parametrize("data", ['{"body": "x"', '{"state": "closed",}', "{'state': 'closed'}", b"\xff\xfe{}"])
def test_unparseable_json_is_a_400_not_an_empty_body(broker, path, data):
    match = make_match()
    response = broker.post(f"/api/v1/matches/{match.id}/{path}", data=data, content_type="application/json")
    assert response.status_code == 400 and response.is_json
    assert response.json["message"] == "请求体不是有效的 JSON"
    assert match.state == S.NEW and match.notes == []


@pytest.mark.parametrize("path", WRITE_ENDPOINTS)
@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_a_body_not_sent_as_json_is_a_415(broker, path, content_type):
    match = make_match()
    response = broker.post(f"/api/v1/matches/{match.id}/{path}", data='{"state": "closed", "body": "x"}',
                           content_type=content_type)
    assert response.status_code == 415 and response.is_json and response.json["error"] == "unsupported_media_type"
    assert response.json["message"] == "请以 application/json 提交"
    assert match.state == S.NEW and match.notes == []


def test_well_formed_json_still_works_including_a_charset(broker):
    match = make_match()
    note = broker.post(f"/api/v1/matches/{match.id}/notes", data='{"body": "已电话联系企业"}',
                       content_type="application/json; charset=utf-8")
    assert note.status_code == 201 and note.json["body"] == "已电话联系企业"
    assert broker.post(f"/api/v1/matches/{match.id}/state", json={"state": "closed"}).status_code == 200
    assert match.state == S.CLOSED


def test_json_null_is_not_an_object(broker):
    match = make_match()
    response = broker.post(f"/api/v1/matches/{match.id}/notes", data="null", content_type="application/json")
    assert response.status_code == 422 and response.json["message"] == "请求体必须是 JSON 对象"


@pytest.mark.parametrize("body, message", [("前半\x00后半", "控制字符"), ("长" * 5001, "不超过 5000 个字"),
                                           (12, "必须是文本")])
def test_notes_and_state_notes_refuse_nul_overlong_and_non_text(broker, body, message):
    match = make_match()
    note = broker.post(f"/api/v1/matches/{match.id}/notes", json={"body": body})
    assert note.status_code == 422 and message in note.json["message"] and match.notes == []
    state = broker.post(f"/api/v1/matches/{match.id}/state", json={"state": "contacted", "note": body})
    assert state.status_code == 422 and message in state.json["message"] and match.state == S.NEW


def test_api_times_carry_their_utc_offset(broker, client):
    from datetime import datetime

    match = make_match()
    broker.post(f"/api/v1/matches/{match.id}/notes", json={"body": "已电话联系"})
    body = broker.get(f"/api/v1/matches/{match.id}").json
    assert body["created_at"].endswith("+00:00") and all(e["at"].endswith("+00:00") for e in body["events"])
    assert datetime.fromisoformat(body["created_at"]).utcoffset().total_seconds() == 0
    listing = client.get(f"/api/v1/achievements/{match.achievement_id}").get_json()
    assert listing["published_at"].endswith("+00:00")


@pytest.mark.parametrize("path", WRITE_ENDPOINTS)
@pytest.mark.parametrize("data, message", [
    ('{"body": ' + "[" * 5000 + "]" * 5000 + "}", "嵌套过深"),  # deeper than the parser's stack
    ('{"body": ' + "[" * 20 + "]" * 20 + "}", "嵌套过深"),
    ('{"body": "\\ud800", "state": "contacted"}', "无效的 Unicode"),  # a lone surrogate
    ('{"\\udfff": 1}', "无效的 Unicode"),
])
def test_hostile_json_bodies_get_a_400_problem_never_a_500(broker, path, data, message):
    match = make_match()
    response = broker.post(f"/api/v1/matches/{match.id}/{path}", data=data, content_type="application/json")
    assert response.status_code == 400 and message in response.json["message"], response.get_data(as_text=True)
    assert match.state == S.NEW
