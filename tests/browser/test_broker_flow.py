"""In a real browser: a broker takes a match from the queue to a roadshow and downloads the shortlist."""
from datetime import date, timedelta

from openpyxl import load_workbook
from playwright.sync_api import expect

from matchmaker.extensions import db
from models import Match, MatchState, Role, User

from conftest import PASSWORD
from match_data import make_achievement, make_match, make_need


def test_broker_takes_a_match_to_a_roadshow_and_downloads_the_shortlist(server, login, tmp_path):
    broker = User(email="broker@example.cn", name="周经理", role=Role.BROKER)
    broker.set_password(PASSWORD)
    db.session.add(broker)
    db.session.commit()
    chosen = make_match(make_need(title="储能电池热失控预警需求"), make_achievement(title="固态锂电池复合电解质"),
                        score=88, terms=["锂电池"])
    waiting = make_match(make_need(title="动力电池回收利用需求"), make_achievement(title="退役电池梯次利用技术"),
                         score=75)
    assert chosen.broker_id is None  # nobody covers it: the shared queue

    page = login("broker@example.cn")
    page.goto(f"{server}/matches/?scope=shared")
    page.locator("#match-queue tr", has_text="储能电池热失控预警需求").locator("a").click()
    page.click("#take-match")
    expect(page.locator("#match-broker")).to_have_text("周经理")
    for state in ("contacted", "introduced"):
        page.select_option("#to_state", state)
        page.click("#state-form button[type=submit]")
        expect(page.locator(".alert-success")).to_contain_text("状态已更新")
    expect(page.locator("h1 .badge").first).to_have_text("已引荐")
    match_url = page.url

    page.goto(f"{server}/roadshows/")
    page.fill("#title", "新能源专场路演")
    page.fill("#starts_at", (date.today() + timedelta(days=3)).isoformat() + "T14:00")
    page.fill("#place", "成都天府国际技术转移中心")
    page.select_option("#focus_field_code", "06")
    page.click("#roadshow-create button[type=submit]")
    expect(page.locator("h1")).to_contain_text("新能源专场路演")

    page.goto(match_url)
    page.click("#roadshow-form button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("已加入路演")
    expect(page.locator("h1 .badge").first).to_have_text("已安排路演")
    page.goto(f"{server}/roadshows/")
    page.click("text=新能源专场路演")
    expect(page.locator("#roadshow-items")).to_contain_text("储能电池热失控预警需求")

    page.goto(f"{server}/roadshows/shortlist")
    expect(page.locator("#shortlist")).to_contain_text("动力电池回收利用需求")
    with page.expect_download() as info:
        page.click("#download-xlsx")
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    sheet = load_workbook(path).active
    titles = [row[3].value for row in sheet.iter_rows(min_row=2)]
    assert titles == ["动力电池回收利用需求"]  # the presented match is no longer shortlisted
    assert "联系" not in "".join(c.value for c in sheet[1])  # the public file has no contact columns

    db.session.expire_all()
    assert db.session.get(Match, chosen.id).state == MatchState.ROADSHOW
    assert db.session.get(Match, waiting.id).state == MatchState.NEW
