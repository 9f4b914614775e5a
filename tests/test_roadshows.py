"""Roadshows: create an event, add matches and achievements, order them, record who presented."""
from datetime import datetime, timedelta

import pytest

from matchmaker.errors import Forbidden, ValidationError
from matchmaker.matches.services import change_state
from matchmaker.roadshows.services import add_item, create_roadshow, move_item, record_presentation
from models import MatchState, Role

from match_data import cover, make_achievement, make_match, make_need


def test_roadshow_programme_is_built_ordered_and_recorded(make_user):
    broker = cover(make_user(Role.BROKER), "06")
    with pytest.raises(ValidationError, match="地点"):
        create_roadshow(broker, "路演", datetime.now())
    with pytest.raises(Forbidden):
        create_roadshow(make_user(Role.RESEARCHER), "路演", datetime.now(), place="成都")
    roadshow = create_roadshow(broker, "新能源专场", datetime.now() + timedelta(days=3),
                               link="https://meeting.example.cn/123", focus_field_code="06")
    match = make_match()
    change_state(match, MatchState.CONTACTED, broker)
    change_state(match, MatchState.INTRODUCED, broker)
    first = add_item(roadshow, broker, match=match)
    assert match.state == MatchState.ROADSHOW  # an introduced match scheduled for a roadshow
    second = add_item(roadshow, broker, achievement=make_achievement(title="单独路演的成果"))
    with pytest.raises(ValidationError, match="已在"):
        add_item(roadshow, broker, match=match)
    move_item(roadshow, second.id, -1, broker)
    assert [i.id for i in roadshow.items] == [second.id, first.id]
    record_presentation(roadshow, first.id, broker, "李教授", "企业有意向，进入洽谈")
    assert (first.presenter, first.outcome) == ("李教授", "企业有意向，进入洽谈")


def test_broker_adds_a_match_from_its_page(login_as):
    broker = login_as(Role.BROKER)
    cover(broker.user, "06")
    roadshow = create_roadshow(broker.user, "周五路演", datetime.now() + timedelta(days=1), place="成都")
    match = make_match(make_need(title="上路演的需求"))
    assert "加入路演议程" in broker.get(f"/matches/{match.id}").get_data(as_text=True)
    broker.post("/roadshows/items", data={"roadshow_id": roadshow.id, "match_id": match.id})
    page = broker.get(f"/roadshows/{roadshow.id}").get_data(as_text=True)
    assert "上路演的需求" in page
    assert match.state == MatchState.NEW  # not introduced yet: listed, state unchanged
