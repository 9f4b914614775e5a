"""Roadshows: create an event, add matches and achievements, order them, record who presented."""
from datetime import datetime, timedelta

import pytest

from matchmaker.errors import Forbidden, ValidationError
from matchmaker.matches.services import change_state
from matchmaker.roadshows.services import (add_item, create_roadshow, move_item, record_presentation, remove_item,
                                           set_roadshow_status)
from models import AuditLog, MatchState, Roadshow, RoadshowStatus, Role

from match_data import cover, make_achievement, make_match, make_need, rows


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


def test_only_the_organizer_or_an_admin_changes_a_roadshow(login_as, make_user):
    organizer = cover(make_user(Role.BROKER), "06")
    roadshow = create_roadshow(organizer, "他人的路演", datetime.now() + timedelta(days=2), place="成都")
    item = add_item(roadshow, organizer, achievement=make_achievement())
    other = login_as(Role.BROKER)
    for attempt in (lambda: set_roadshow_status(roadshow, "cancelled", other.user),
                    lambda: move_item(roadshow, item.id, 1, other.user),
                    lambda: remove_item(roadshow, item.id, other.user),
                    lambda: record_presentation(roadshow, item.id, other.user, "冒名者", "无")):
        with pytest.raises(Forbidden, match="组织者"):
            attempt()
    for path, data in ((f"/roadshows/{roadshow.id}/status", {"status": "cancelled"}),
                       (f"/roadshows/{roadshow.id}/items/{item.id}/move", {"direction": "down"}),
                       (f"/roadshows/{roadshow.id}/items/{item.id}/remove", {}),
                       (f"/roadshows/{roadshow.id}/items/{item.id}/presentation",
                        {"presenter": "冒名者", "outcome": "无"})):
        response = other.post(path, data=data)
        assert response.status_code == 403, path
        assert "只有该路演的组织者或管理员可以操作" in response.get_data(as_text=True)
    page = other.get(f"/roadshows/{roadshow.id}").get_data(as_text=True)
    assert "他人的路演" in page and "更新状态" not in page and "移出" not in page  # read-only for others
    assert roadshow.status == RoadshowStatus.PLANNED and [i.id for i in roadshow.items] == [item.id]
    assert item.presenter is None
    set_roadshow_status(roadshow, "held", make_user(Role.ADMIN))  # admins moderate every roadshow
    assert roadshow.status == RoadshowStatus.HELD


def test_a_broker_cannot_add_to_another_brokers_roadshow(login_as, make_user):
    organizer = make_user(Role.BROKER)
    theirs = create_roadshow(organizer, "他人的路演", datetime.now() + timedelta(days=2), place="成都")
    other = login_as(Role.BROKER)
    cover(other.user, "06")
    mine = create_roadshow(other.user, "我的路演", datetime.now() + timedelta(days=3), place="重庆")
    match = make_match()
    assert match.broker_id == other.user.id  # the match is theirs to work; the roadshow is not
    change_state(match, MatchState.CONTACTED, other.user)
    change_state(match, MatchState.INTRODUCED, other.user)
    audits = len(rows(AuditLog))

    picker = other.get(f"/matches/{match.id}").get_data(as_text=True)
    assert "我的路演" in picker and "他人的路演" not in picker
    for form in ({"roadshow_id": theirs.id, "match_id": match.id},
                 {"roadshow_id": theirs.id, "achievement_id": make_achievement().id}):
        response = other.post("/roadshows/items", data=form)
        assert response.status_code == 403
        assert "只有该路演的组织者或管理员可以操作" in response.get_data(as_text=True)
    with pytest.raises(Forbidden, match="组织者"):
        add_item(theirs, other.user, match=match)
    assert theirs.items == [] and match.state == MatchState.INTRODUCED
    assert len(rows(AuditLog)) == audits  # nothing written, not even the audit entry

    admin = login_as(Role.ADMIN)  # admins may add to any roadshow, so their picker lists them all
    picker = admin.get(f"/matches/{match.id}").get_data(as_text=True)
    assert "我的路演" in picker and "他人的路演" in picker
    other.post("/roadshows/items", data={"roadshow_id": mine.id, "match_id": match.id})
    assert [i.match_id for i in mine.items] == [match.id] and match.state == MatchState.ROADSHOW


def test_add_item_needs_a_workable_open_match(make_user):
    owner = cover(make_user(Role.BROKER), "06")
    stranger = make_user(Role.BROKER)
    roadshow = create_roadshow(stranger, "路演", datetime.now() + timedelta(days=2), place="成都")
    match = make_match()
    assert match.broker_id == owner.id
    with pytest.raises(Forbidden):
        add_item(roadshow, stranger, match=match)  # someone else's match
    assert roadshow.items == []
    closed = make_match(make_need(title="已关闭的需求"))
    change_state(closed, MatchState.CLOSED, owner)
    mine = create_roadshow(owner, "我的路演", datetime.now() + timedelta(days=2), place="成都")
    with pytest.raises(ValidationError, match="不能加入路演"):
        add_item(mine, owner, match=closed)
    assert mine.items == []
    add_item(mine, owner, match=match)
    assert [i.match_id for i in mine.items] == [match.id]


@pytest.mark.parametrize("fields, message", [
    (dict(title="路" * 201, place="成都"), "路演名称不超过 200"),
    (dict(title="路演", place="地" * 201), "地点不超过 200"),
    (dict(title="路演", link="https://example.cn/" + "a" * 490), "线上链接不超过 500"),
    (dict(title="路演", link="meeting.example.cn/123"), "http"),
    (dict(title="路演", link="javascript:alert(1)"), "http"),
])
def test_roadshow_text_is_checked_against_its_columns(make_user, fields, message):
    broker = make_user(Role.BROKER)
    with pytest.raises(ValidationError, match=message):
        create_roadshow(broker, starts_at=datetime.now(), **fields)


def test_presenter_name_is_limited(make_user):
    broker = make_user(Role.BROKER)
    roadshow = create_roadshow(broker, "路演", datetime.now() + timedelta(days=1), place="成都")
    item = add_item(roadshow, broker, achievement=make_achievement())
    with pytest.raises(ValidationError, match="路演人不超过 120"):
        record_presentation(roadshow, item.id, broker, "人" * 121, "结果")
    record_presentation(roadshow, item.id, broker, "人" * 120, "结果")
    assert len(item.presenter) == 120


@pytest.mark.parametrize("presenter, outcome, message", [
    ("张三", "果" * 5001, "路演结果不超过 5000"),
    ("张三", "达成意向\x00", "路演结果包含不允许的控制字符"),
    ("张\x00三", "达成意向", "路演人包含不允许的控制字符"),
    ("张三", "达成\x1b[31m意向", "路演结果包含不允许的控制字符"),
])
def test_presentation_text_is_capped_and_free_of_control_characters(make_user, presenter, outcome, message):
    broker = make_user(Role.BROKER)
    roadshow = create_roadshow(broker, "路演", datetime.now() + timedelta(days=1), place="成都")
    item = add_item(roadshow, broker, achievement=make_achievement())
    with pytest.raises(ValidationError, match=message):
        record_presentation(roadshow, item.id, broker, presenter, outcome)
    record_presentation(roadshow, item.id, broker, "张三", "双方达成意向\r\n\t下周洽谈")
    assert item.outcome == "双方达成意向\r\n\t下周洽谈"


def test_shortlist_cli_reports_bad_arguments_without_a_traceback(runner, tmp_path):
    week = "2026-W47"
    result = runner.invoke(args=["roadshow", "shortlist", "--week", week,
                                 "--out", str(tmp_path / "missing" / "x.xlsx")])
    assert result.exit_code == 1 and "无法写入" in result.output
    assert isinstance(result.exception, SystemExit)  # a ClickException, not an uncaught OSError
    field = runner.invoke(args=["roadshow", "shortlist", "--week", week, "--field", "no-such-field",
                                "--out", str(tmp_path / "x.xlsx")])
    assert field.exit_code == 2 and "未知的技术领域" in field.output
    audience = runner.invoke(args=["roadshow", "shortlist", "--week", week, "--audience", "press",
                                   "--out", str(tmp_path / "x.xlsx")])
    assert audience.exit_code == 2 and "--audience" in audience.output
    assert not (tmp_path / "x.xlsx").exists()


def test_a_match_whose_side_was_withdrawn_is_not_added_even_before_introduction(make_user):
    from matchmaker.errors import InvalidTransition
    from matchmaker.listings.services import withdraw_listing

    broker = cover(make_user(Role.BROKER), "06")
    researcher = make_user(Role.RESEARCHER)
    roadshow = create_roadshow(broker, "周五路演", datetime.now() + timedelta(days=1), place="成都")
    match = make_match(achievement=make_achievement(owner=researcher))
    change_state(match, MatchState.CONTACTED, broker)
    withdraw_listing(match.achievement, researcher)
    with pytest.raises(InvalidTransition, match="已下架"):
        add_item(roadshow, broker, match=match)
    assert roadshow.items == [] and match.state == MatchState.CONTACTED


def test_an_item_added_twice_at_the_same_moment_is_refused_by_the_database(app, db, make_user):
    import sqlalchemy as sa

    from models import RoadshowItem

    broker = cover(make_user(Role.BROKER), "06")
    roadshow = create_roadshow(broker, "周五路演", datetime.now() + timedelta(days=1), place="成都")
    achievement = make_achievement()
    other = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    done = []

    def add_elsewhere(session, flush_context, instances):  # the other request commits first
        if not done:
            done.append(True)
            with other.begin() as conn:
                conn.execute(sa.insert(RoadshowItem.__table__).values(roadshow_id=roadshow.id, position=0,
                                                                      achievement_id=achievement.id))

    sa.event.listen(db.session(), "before_flush", add_elsewhere)
    try:
        with pytest.raises(ValidationError, match="已在"):
            add_item(roadshow, broker, achievement=achievement)
    finally:
        sa.event.remove(db.session(), "before_flush", add_elsewhere)
        other.dispose()
    assert done and len(rows(RoadshowItem)) == 1


def test_a_match_added_to_a_planned_roadshow_reads_as_scheduled_not_presented(login_as):
    broker = login_as(Role.BROKER)
    cover(broker.user, "06")
    roadshow = create_roadshow(broker.user, "下周路演", datetime.now() + timedelta(days=7), place="成都")
    match = make_match(make_need(title="排进路演的需求"))
    change_state(match, MatchState.CONTACTED, broker.user)
    change_state(match, MatchState.INTRODUCED, broker.user)
    broker.post("/roadshows/items", data={"roadshow_id": roadshow.id, "match_id": match.id})
    assert match.state == MatchState.ROADSHOW and roadshow.status == RoadshowStatus.PLANNED
    page = broker.get(f"/matches/{match.id}").get_data(as_text=True)
    assert "已安排路演" in page and "已路演" not in page  # nothing has been presented yet


def local_now(app) -> datetime:
    """Now on the platform's wall clock (TIMEZONE), as a broker types it into the form."""
    from zoneinfo import ZoneInfo
    return datetime.now(ZoneInfo(app.config["TIMEZONE"])).replace(tzinfo=None)


@pytest.mark.parametrize("when", ["2020-01-01T10:00", "one hour ago"])
def test_a_roadshow_cannot_start_in_the_past(app, login_as, when):
    broker = login_as(Role.BROKER)
    if when == "one hour ago":  # on the platform's clock; still ahead of UTC when TIMEZONE is east of it
        when = f"{local_now(app) - timedelta(hours=1):%Y-%m-%dT%H:%M}"
    response = broker.post("/roadshows/", data={"title": "过去的路演", "starts_at": when, "place": "成都"})
    assert response.status_code == 422 and "路演时间不能早于当前时间" in response.get_data(as_text=True)
    assert rows(Roadshow) == []


def test_a_roadshow_later_today_is_accepted(app, login_as):
    broker = login_as(Role.BROKER)
    soon = local_now(app) + timedelta(minutes=5)
    response = broker.post("/roadshows/", data={"title": "稍后的路演", "starts_at": f"{soon:%Y-%m-%dT%H:%M}",
                                                 "place": "成都"})
    assert response.status_code == 302
    [roadshow] = rows(Roadshow)
    assert roadshow.starts_at == soon.replace(second=0, microsecond=0)  # kept as the local time entered
