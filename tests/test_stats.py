"""Statistics: the numbers behind each chart, their CSV downloads, and ECharts served locally."""
import csv
from datetime import date
import io

from sqlalchemy import event

from matchmaker.matches.services import add_note, change_state, record_deal
from matchmaker.stats.services import CHARTS, funnel
from models import ListingStatus, MatchEvent, MatchState, Role

from match_data import cover, make_achievement, make_match, make_need


def table(client, name):
    response = client.get(f"/stats/{name}.csv")
    assert response.status_code == 200 and response.data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def test_funnel_counts_every_stage_a_match_reached(login_as, make_user):
    admin = login_as(Role.ADMIN)
    broker = cover(make_user(Role.BROKER), "06", "重庆")
    won, lost, fresh = (make_match(make_need(title=f"需求{n}")) for n in range(3))
    for step in ("contacted", "introduced", "roadshow", "negotiating"):
        change_state(won, step, broker)
    record_deal(won, broker, "license", "88", date(2026, 11, 1))
    change_state(lost, "contacted", broker)
    change_state(lost, "introduced", broker)
    change_state(lost, "declined", broker, reason="budget_mismatch")
    assert fresh.state == MatchState.NEW
    rows = table(admin, "funnel")
    assert rows == [["阶段", "匹配数"], ["已匹配", "3"], ["已联系", "2"], ["已引荐", "2"], ["已安排路演", "1"],
                    ["已成交", "1"]]
    deals = {r[0]: r[1:] for r in table(admin, "deals")[1:]}
    assert deals["技术许可"] == ["1", "88.0"] and deals["技术转让"] == ["0", "0.0"]
    states = dict(table(admin, "matches-by-state")[1:])
    assert (states["新匹配"], states["已婉拒"], states["已成交"]) == ("1", "1", "1")
    load = {r[0]: r[1:] for r in table(admin, "broker-load")[1:]}
    assert load[broker.name][0] == "1"  # the fresh match is its only open one


def test_funnel_figures_on_a_known_history_come_from_one_aggregate_query(db, make_user):
    broker = cover(make_user(Role.BROKER), "06")
    won, closed, declined, untouched, fell_late, legacy = (make_match(make_need(title=f"需求{n}")) for n in range(6))
    for step in ("contacted", "introduced", "roadshow", "negotiating"):
        change_state(won, step, broker)
    record_deal(won, broker, "transfer", "120", date(2026, 11, 2))
    change_state(closed, "contacted", broker)
    change_state(closed, "closed", broker)
    change_state(declined, "declined", broker, reason="budget_mismatch")
    for step in ("contacted", "introduced", "roadshow"):
        change_state(fell_late, step, broker)
    change_state(fell_late, "declined", broker, reason="budget_mismatch")
    add_note(untouched, broker, "先观察")  # a history entry without a state
    # imported without its history: only the current state tells how far it got
    db.session.execute(db.delete(MatchEvent).filter_by(match_id=legacy.id))
    legacy.state = MatchState.INTRODUCED
    db.session.commit()

    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        header, rows = funnel()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert rows == [["已匹配", 6], ["已联系", 4], ["已引荐", 3], ["已安排路演", 2], ["已成交", 1]]
    # the events are counted in the database: one grouped query, not every event row read into Python
    [query] = statements
    assert "GROUP BY" in query and "max(" in query.lower()


def test_listings_by_field_region_and_status(login_as):
    broker = login_as(Role.BROKER)
    make_need(field_code="0603", region="重庆")
    make_achievement(field_code="0601", region="四川")
    make_achievement(field_code="0101", region="四川", status=ListingStatus.DRAFT, published_at=None)
    by_field = {r[0]: r[1:] for r in table(broker, "listings-by-field")[1:]}
    assert by_field == {"新能源与节能": ["1", "1"]}  # sub-fields roll up; the draft is not counted
    assert {r[0]: r[1:] for r in table(broker, "listings-by-region")[1:]}["四川"] == ["1", "0"]
    by_status = {r[0]: r[1:] for r in table(broker, "listings-by-status")[1:]}
    assert by_status["草稿"] == ["1", "0"] and by_status["已发布"] == ["1", "1"]
    trends = table(broker, "weekly-trends")
    assert len(trends) == 13 and trends[-1][1:3] == ["1", "1"]


def test_page_draws_every_chart_with_local_echarts(login_as, client):
    broker = login_as(Role.BROKER)
    page = broker.get("/stats/").get_data(as_text=True)
    assert "/static/vendor/echarts/echarts.min.js" in page and "cdn" not in page.lower()
    for name in CHARTS:
        assert f'id="chart-{name}"' in page and f"/stats/{name}.csv" in page
    assert client.get("/static/vendor/echarts/echarts.min.js").status_code == 200
    assert login_as(Role.RESEARCHER).get("/stats/").status_code == 403
    assert login_as(Role.ENTERPRISE).get("/stats/funnel.csv").status_code == 403
    assert broker.get("/stats/nothing.csv").status_code == 404
