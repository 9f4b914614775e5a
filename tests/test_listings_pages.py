"""Listing pages: forms keep typed values, search with highlights/facets/pages, detail matches panel, mine, review."""
from datetime import date, timedelta
import re

import pytest

from matchmaker.extensions import db as _db
from matchmaker.listings import services
from matchmaker.listings.kinds import ACHIEVEMENTS
from models import Achievement, BrokerCoverage, ListingStatus, Match, Role, TechField, read_taxonomy_file

from listing_data import achievement_data, need_data, published


def form_post(data: dict) -> dict:
    """Service-style data as the browser posts it (IP rows as ip_items-N-field)."""
    out = {k: v for k, v in data.items() if k != "ip_items" and v is not None and v is not False}
    out["deadline"] = out["deadline"].isoformat() if isinstance(out.get("deadline"), date) else out.get("deadline", "")
    for i, item in enumerate(data.get("ip_items", [])):
        for k, v in item.items():
            out[f"ip_items-{i}-{k}"] = v
    return out


def test_form_error_keeps_every_typed_value(app, login_as):
    client = login_as(Role.RESEARCHER)
    data = achievement_data(ip_items=[
        {"ip_type": "invention", "number": "201910123456.X", "status": "granted"},
        {"ip_type": "invention", "number": "201910123456.7", "status": "filed"}])
    page = client.post("/achievements/new", data=form_post(data))
    body = page.get_data(as_text=True)
    assert page.status_code == 422
    assert "第 2 项知识产权：专利申请号校验位错误（应为 X）" in body
    for typed in (data["title"], data["summary"][:30], "201910123456.7", "li.secret@example.edu.cn", "李教授团队",
                  "固态电池，电解质，锂电池"):
        assert typed in body
    checked = re.findall(r'<input checked[^>]*name="coop_modes"[^>]*value="(\w+)"', body)
    assert checked == ["transfer", "license_general"]
    assert _db.session.scalar(_db.select(_db.func.count()).select_from(Achievement)) == 0


def test_too_many_keywords_are_refused_on_the_form_not_cut(app, login_as):
    client = login_as(Role.RESEARCHER)
    keywords = "，".join(f"关键词{n}" for n in range(1000))
    page = client.post("/achievements/new", data=form_post(achievement_data(keywords=keywords)))
    body = page.get_data(as_text=True)
    assert page.status_code == 422 and "关键词最多 20 个，现有 1000 个" in body
    assert "关键词999" in body  # what was typed stays in the form
    assert _db.session.scalar(_db.select(_db.func.count()).select_from(Achievement)) == 0


def test_create_with_several_ip_items_then_edit_and_submit_through_pages(app, login_as):
    client = login_as(Role.RESEARCHER)
    data = achievement_data(ip_items=[
        {"ip_type": "invention", "number": "CN201910123456X", "status": "granted"},
        {"ip_type": "software", "number": "2021SR0123456", "status": "granted"}])
    page = client.post("/achievements/new", data=form_post(data))
    assert page.status_code == 302
    ach = _db.session.scalars(_db.select(Achievement)).one()
    assert [(i.ip_type.value, i.number) for i in ach.ip_items] == [("invention", "201910123456.X"),
                                                                   ("software", "2021SR0123456")]
    edit = client.get(f"/achievements/{ach.id}/edit").get_data(as_text=True)
    assert "201910123456.X" in edit and "2021SR0123456" in edit
    assert client.post(f"/achievements/{ach.id}/edit", data=form_post(achievement_data(title="固态电池电解质新工艺",
                       ip_items=[]))).status_code == 302
    assert ach.title == "固态电池电解质新工艺" and ach.ip_items == []
    client.post(f"/achievements/{ach.id}/submit")
    assert ach.status == ListingStatus.PENDING


def test_need_form_with_challenge(app, login_as):
    client = login_as(Role.ENTERPRISE)
    bad = client.post("/needs/new", data=form_post(need_data(is_challenge="y")))
    assert bad.status_code == 422 and "揭榜挂帅须填写悬赏金额" in bad.get_data(as_text=True)
    ok = client.post("/needs/new", data=form_post(need_data(is_challenge="y", reward="200",
                                                             solver_conditions="有储能安全项目经验")))
    assert ok.status_code == 302
    detail = client.get(ok.headers["Location"]).get_data(as_text=True)
    assert "揭榜挂帅" in detail and "200 万元" in detail and "有储能安全项目经验" in detail
    [reward] = re.findall(r"揭榜挂帅</dt>\s*<dd[^>]*>(.*?)</dd>", detail, re.S)
    assert "悬赏 200 万元" in reward and "揭榜挂帅" not in reward  # the row label is not repeated in the value


def test_needs_hall_filters_open_challenges_with_a_count(app, client, make_user):
    owner, admin = make_user(Role.ENTERPRISE), make_user(Role.ADMIN)
    challenge = published("needs", owner, admin, title="储能电池热失控揭榜项目", is_challenge=True, reward="300",
                          solver_conditions="具备储能安全项目经验")
    ordinary = published("needs", owner, admin, title="普通的电池检测需求")
    published("needs", owner, admin, title="另一项普通需求", region="四川")
    page = client.get("/needs/").get_data(as_text=True)
    facet = page[page.index('data-facet="challenge"'):]
    facet = facet[:facet.index("</div>\n", facet.index("<ul"))]
    assert "需求类型" in facet and 'href="/needs/?challenge=1"' in facet
    assert re.search(r">揭榜挂帅</a>\s*<span class=\"text-muted\">\(1\)</span>", facet)
    only = client.get("/needs/?challenge=1").get_data(as_text=True)
    assert f'href="/needs/{challenge.id}"' in only and f'href="/needs/{ordinary.id}"' not in only
    searched = client.get("/needs/?challenge=1&q=电池").get_data(as_text=True)  # with a query too
    assert f'href="/needs/{challenge.id}"' in searched and f'href="/needs/{ordinary.id}"' not in searched
    counts = client.get("/needs/?region=四川").get_data(as_text=True)  # counts follow the other facets
    assert 'data-facet="challenge"' in counts and ">揭榜挂帅</a>" not in counts


def test_wrong_role_gets_403_and_others_drafts_are_404(app, login_as, make_user):
    researcher, enterprise = login_as(Role.RESEARCHER), login_as(Role.ENTERPRISE)
    assert enterprise.get("/achievements/new").status_code == 403
    assert researcher.get("/needs/new").status_code == 403
    draft = services.create_listing(ACHIEVEMENTS, researcher.user, achievement_data())
    assert researcher.get(f"/achievements/{draft.id}").status_code == 200
    assert enterprise.get(f"/achievements/{draft.id}").status_code == 404
    assert login_as(Role.RESEARCHER).post(f"/achievements/{draft.id}/submit").status_code == 404
    assert app.test_client().get(f"/achievements/{draft.id}").status_code == 404
    assert login_as(Role.ADMIN).get(f"/achievements/{draft.id}").status_code == 200


@pytest.fixture
def catalogue(app, make_user):
    owner, admin = make_user(Role.RESEARCHER), make_user(Role.ADMIN)
    rows = [
        published("achievements", owner, admin),
        published("achievements", owner, admin, title="废旧锂电池梯次利用与回收技术", region="重庆", trl="8",
                  summary="对退役动力锂电池进行检测分选和梯次利用，再对报废电池进行湿法回收。", keywords="锂电池，回收"),
        published("achievements", owner, admin, title="玉米抗旱新品种选育", field_code="0207", region="河南",
                  trl="9", summary="选育耐旱高产玉米新品种，已在黄淮海地区推广种植。", keywords="玉米，育种",
                  coop_modes=["transfer"], ip_items=[]),
    ]
    return rows


def test_keyword_search_highlights_terms_and_counts_facets(app, client, catalogue):
    page = client.get("/achievements/?q=锂电池").get_data(as_text=True)
    assert "<mark>锂电池</mark>" in page
    assert "梯次利用" in page and "复合电解质" in page
    assert "玉米" not in page  # a weak semantic-only hit is not a keyword result
    assert 'data-facet="region"' in page and "重庆" in page
    narrowed = client.get("/achievements/?q=锂电池&region=重庆").get_data(as_text=True)
    assert "梯次利用" in narrowed and "复合电解质" not in narrowed
    by_stage = client.get("/achievements/?stage=中试").get_data(as_text=True)
    assert "复合电解质" in by_stage and "玉米" not in by_stage and "梯次利用" not in by_stage
    empty = client.get("/achievements/?q=锂电池&region=西藏").get_data(as_text=True)
    assert "没有找到相关科技成果" in empty


def test_highlight_escapes_html_first(app, client, make_user):
    owner, admin = make_user(Role.RESEARCHER), make_user(Role.ADMIN)
    published("achievements", owner, admin, title="<script>alert(1)</script> 锂电池隔膜")
    page = client.get("/achievements/?q=锂电池").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; <mark>锂电池</mark>" in page


def test_empty_query_lists_newest_first_with_pages(app, client, catalogue):
    app.config["PER_PAGE"] = 2
    first = client.get("/achievements/").get_data(as_text=True)
    assert first.index("玉米抗旱") < first.index("梯次利用") and "复合电解质" not in first
    assert "page=2" in first
    second = client.get("/achievements/?page=2").get_data(as_text=True)
    assert "复合电解质" in second and "玉米抗旱" not in second


def test_empty_hall_shows_an_empty_state(app, client):
    assert "还没有已发布的技术需求" in client.get("/needs/").get_data(as_text=True)


def test_needs_search_sorts_by_budget_and_hides_expired(app, client, make_user, db):
    owner, admin = make_user(Role.ENTERPRISE), make_user(Role.ADMIN)
    small = published("needs", owner, admin, title="小额预算的电池检测需求", budget_min="5", budget_max="10")
    big = published("needs", owner, admin, title="大额预算的电池产线需求", budget_min="500", budget_max="900")
    page = client.get("/needs/?sort=budget").get_data(as_text=True)
    assert page.index(big.title) < page.index(small.title)
    assert "200–1000 万" in page
    big.deadline = date.today() - timedelta(days=1)
    db.session.commit()
    page = client.get("/needs/?q=电池").get_data(as_text=True)  # a need past its deadline is gone at once
    assert f'href="/needs/{big.id}"' not in page and f'href="/needs/{small.id}"' in page
    db.session.expire_all()
    assert big.status == ListingStatus.PUBLISHED  # read, not written: the daily job records the expiry


def test_detail_shows_matches_from_the_other_side(app, client, make_user):
    researcher, enterprise, admin = make_user(Role.RESEARCHER), make_user(Role.ENTERPRISE), make_user(Role.ADMIN)
    ach = published("achievements", researcher, admin)
    need = published("needs", enterprise, admin)
    page = client.get(f"/achievements/{ach.id}").get_data(as_text=True)
    panel = page[page.index('id="related-panel"'):]
    assert "相关需求" in panel and need.title in panel and "共同关键词" in panel
    other = client.get(f"/needs/{need.id}").get_data(as_text=True)
    assert "相关成果" in other and ach.title in other and "匹配成果" not in other  # not the brokers' matches


def test_related_panel_is_ordered_by_the_score_it_shows_and_leaves_out_weak_hits(app, client, make_user):
    researcher, enterprise, admin = make_user(Role.RESEARCHER), make_user(Role.ENTERPRISE), make_user(Role.ADMIN)
    ach = published("achievements", researcher, admin)
    close = published("needs", enterprise, admin, title="固态电池复合电解质离子电导率提升",
                      description="需要提高固态电解质室温离子电导率，抑制锂枝晶，提升锂电池安全性。",
                      keywords="固态电解质，锂电池")
    nearby = published("needs", enterprise, admin, title="固态锂电池电极界面阻抗降低",
                       description="固态锂电池中电解质与电极的界面阻抗大，需要界面改性技术，延长电池循环寿命。",
                       keywords="固态电池，界面改性")
    published("needs", enterprise, admin)  # battery thermal-runaway warning: same field, another problem
    published("needs", enterprise, admin, title="金属结构件焊接变形控制", field_code="0601",
              description="企业生产大型金属结构件，焊接后变形大，需要变形控制工艺。", keywords="焊接，金属结构")
    published("needs", enterprise, admin, title="玉米抗旱新品种选育", field_code="0601",
              description="需要适合西南丘陵地区的抗旱玉米品种及配套栽培技术。", keywords="玉米，抗旱")
    page = client.get(f"/achievements/{ach.id}").get_data(as_text=True)
    panel = page[page.index('id="related-panel"'):page.index("</aside>")]
    badges = [int(b) for b in re.findall(r'title="匹配度（0–100）[^"]*">(\d+)<', panel)]
    assert len(badges) >= 2 and badges == sorted(badges, reverse=True)
    assert min(badges) >= app.config["SEARCH_MIN_SEMANTIC_SCORE"]
    assert panel.index(close.title) < panel.index(nearby.title)
    assert "焊接" not in panel and "玉米" not in panel  # unrelated needs are not offered as related


def test_my_listings_show_status_reason_and_match_count(app, login_as, make_user, db):
    client = login_as(Role.RESEARCHER)
    admin, enterprise = make_user(Role.ADMIN), make_user(Role.ENTERPRISE)
    ach = published("achievements", client.user, admin)
    need = published("needs", enterprise, admin)
    if not db.session.scalar(db.select(Match).filter_by(achievement_id=ach.id)):
        db.session.add(Match(need=need, achievement=ach, score=80.0))
        db.session.commit()
    draft = services.create_listing(ACHIEVEMENTS, client.user, achievement_data(title="待修改的草稿成果"))
    services.submit_listing(draft, client.user)
    services.request_changes(draft, admin, "请补充团队信息")
    page = client.get("/achievements/mine").get_data(as_text=True)
    row = page[page.index(f'data-id="{ach.id}"'):]
    assert "已发布" in row[:600] and '<td class="text-end">1</td>' in row[:600]
    assert "请补充团队信息" in page and "草稿" in page


def test_review_queue_scoped_to_broker_fields(app, login_as, make_user, db):
    for row in read_taxonomy_file(app.config["TAXONOMY_FILE"]):
        db.session.add(TechField(**row))
    db.session.commit()
    owner = make_user(Role.RESEARCHER)
    energy = services.create_listing(ACHIEVEMENTS, owner, achievement_data())
    seeds = services.create_listing(ACHIEVEMENTS, owner, achievement_data(title="玉米抗旱新品种选育", field_code="0207"))
    for x in (energy, seeds):
        services.submit_listing(x, owner)
    broker = login_as(Role.BROKER)
    db.session.add(BrokerCoverage(broker=broker.user, field_code="06"))
    db.session.commit()
    queue = broker.get("/review/").get_data(as_text=True)
    assert energy.title in queue and seeds.title not in queue
    assert broker.post(f"/review/achievements/{seeds.id}/approve").status_code == 404
    assert login_as(Role.RESEARCHER).get("/review/").status_code == 403
    refused = broker.post(f"/review/achievements/{energy.id}/reject", data={"reason": ""}, follow_redirects=True)
    assert "请填写原因" in refused.get_data(as_text=True) and energy.status == ListingStatus.PENDING
    assert broker.post(f"/review/achievements/{energy.id}/approve").status_code == 302
    assert energy.status == ListingStatus.PUBLISHED
    admin_queue = login_as(Role.ADMIN).get("/review/").get_data(as_text=True)
    assert seeds.title in admin_queue and energy.title not in admin_queue


def test_circled_trl_posted_to_the_form_is_a_field_error_not_a_500(app, login_as):
    page = login_as(Role.RESEARCHER).post("/achievements/new", data=form_post(achievement_data(trl="①")))
    assert page.status_code == 422
    assert "技术成熟度应为 1-9 的整数" in page.get_data(as_text=True)
    assert app.extensions["sqlalchemy"].session.query(Achievement).count() == 0


def test_edit_page_of_a_published_listing_warns_that_public_changes_need_review(app, login_as, make_user):
    client = login_as(Role.RESEARCHER)
    ach = published("achievements", client.user, make_user(Role.ADMIN))
    form = client.get(f"/achievements/{ach.id}/edit").get_data(as_text=True)
    assert "修改标题、简介等公开内容后需重新审核，审核通过前将暂时下架" in form
    page = client.post(f"/achievements/{ach.id}/edit", data=form_post(achievement_data(title="固态电池电解质新工艺")),
                       follow_redirects=True)
    assert "已重新提交审核" in page.get_data(as_text=True)
    assert ach.status == ListingStatus.PENDING
    assert app.test_client().get(f"/achievements/{ach.id}").status_code == 404
    draft = services.create_listing(ACHIEVEMENTS, client.user, achievement_data())
    assert "需重新审核" not in client.get(f"/achievements/{draft.id}/edit").get_data(as_text=True)


def test_a_title_with_a_nul_byte_is_refused_by_the_form(app, login_as):
    page = login_as(Role.RESEARCHER).post("/achievements/new",
                                          data=form_post(achievement_data(title="标题\x00空字节测试")))
    assert page.status_code == 422 and "标题包含不允许的控制字符" in page.get_data(as_text=True)
    assert _db.session.scalars(_db.select(Achievement)).all() == []


def test_review_queue_pages_and_a_refused_decision_returns_to_the_reviewers_page(app, login_as, make_user):
    app.config["PER_PAGE"] = 2
    owner = make_user(Role.RESEARCHER)
    pending = []
    for n in range(5):
        listing = services.create_listing(ACHIEVEMENTS, owner, achievement_data(title=f"待审成果第{n}号"))
        services.submit_listing(listing, owner)
        pending.append(listing)
    admin = login_as(Role.ADMIN)
    first = admin.get("/review/").get_data(as_text=True)
    assert "待审成果第0号" in first and "待审成果第1号" in first and "待审成果第2号" not in first
    assert "共 5 条，第 1/3 页" in first and 'href="/review/?achievements_page=2#queue-achievements"' in first
    second = admin.get("/review/?achievements_page=2").get_data(as_text=True)
    assert "待审成果第2号" in second and "待审成果第3号" in second and "待审成果第0号" not in second
    assert 'name="next" value="/review/?achievements_page=2"' in second
    target = pending[2]
    for decision in ("request_changes", "reject"):
        refused = admin.post(f"/review/achievements/{target.id}/{decision}",
                             data={"reason": "  ", "next": "/review/?achievements_page=2"})
        assert refused.status_code == 302
        assert refused.location == f"/review/?achievements_page=2#review-actions-achievements-{target.id}"
        assert "请填写原因" in admin.get(refused.location).get_data(as_text=True)
    assert target.status == ListingStatus.PENDING
    elsewhere = admin.post(f"/review/achievements/{target.id}/reject", data={"reason": "", "next": "//evil.example"})
    assert elsewhere.location == f"/review/#review-actions-achievements-{target.id}"  # not an open redirect
    done = admin.post(f"/review/achievements/{target.id}/request_changes",
                      data={"reason": "请补充指标", "next": "/review/?achievements_page=2"})
    assert done.location == "/review/?achievements_page=2" and target.status == ListingStatus.DRAFT
    from_detail = admin.get(f"/achievements/{pending[4].id}").get_data(as_text=True)
    assert f'name="next" value="/achievements/{pending[4].id}"' in from_detail


def test_the_challenge_filter_is_applied_inside_retrieval(app, make_user):
    from matchmaker.listings.kinds import NEEDS
    from matchmaker.listings.search import engine_filters, engine_hits

    owner, admin = make_user(Role.ENTERPRISE), make_user(Role.ADMIN)
    challenge = published("needs", owner, admin, title="储能电池热失控揭榜项目", is_challenge=True, reward="300",
                          solver_conditions="具备储能安全项目经验")
    published("needs", owner, admin, title="动力电池热失控预警需求")
    assert engine_filters(NEEDS, {"challenge": "1"}) == {"challenge": "1"}
    filtered = engine_hits(NEEDS, "电池热失控", {"challenge": "1"}, limit=1)  # room for one hit only
    assert filtered[0].id == str(challenge.id)


def test_a_typed_query_is_ranked_by_relevance_unless_another_order_is_picked(app, client, make_user):
    """The hall's sort box sends sort="" by default, so a query is ranked by relevance, not by date."""
    enterprise, admin = make_user(Role.ENTERPRISE), make_user(Role.ADMIN)
    close = published("needs", enterprise, admin, title="印染污水处理与中水回用",
                      description="印染厂污水处理后COD仍超标，需要深度处理和中水回用技术。", keywords="污水处理，中水回用")
    newer = published("needs", enterprise, admin, title="豆浆生产前处理设备改进",
                      description="豆浆生产线浸泡和清洗用水多，前处理设备需要改进，配套的污水处理站也要扩容。", keywords="豆浆，前处理")
    assert newer.published_at >= close.published_at
    empty = client.get("/needs/").get_data(as_text=True)
    assert '<option value="" selected>' in empty  # the default choice, not 最新发布, is what the form sends
    page = client.get("/needs/?q=污水处理&sort=").get_data(as_text=True)
    results = page[page.index('id="results"'):]
    assert results.index(f'href="/needs/{close.id}"') < results.index(f'href="/needs/{newer.id}"')
    by_date = client.get("/needs/?q=污水处理&sort=newest").get_data(as_text=True)
    results = by_date[by_date.index('id="results"'):]
    assert results.index(f'href="/needs/{newer.id}"') < results.index(f'href="/needs/{close.id}"')
    assert '<option value="newest" selected>' in by_date
