"""Matching on publish, with the real engine: threshold, top-N cap, no duplicate pairs, re-match on edit."""
import pytest

from matchmaker.errors import Conflict
from matchmaker.listings import services
from matchmaker.matches.matching import create_manual_match
from models import ListingStatus, Match, MatchOrigin, Role

from listing_data import published
from match_data import rows

RICE = dict(title="水稻抗旱品种分子育种技术",
            summary="利用分子标记辅助选择培育抗旱水稻新品种，节水稳产，适合西南丘陵地区。",
            keywords="水稻，抗旱，分子育种", field_code="0401", industries="种植业", innovation_points="抗旱基因聚合",
            key_indicators="节水 30%")


@pytest.fixture
def people(app, make_user):
    app.config.update(MATCH_THRESHOLD=15, MATCH_TOP_N=10)
    return make_user(Role.RESEARCHER), make_user(Role.ENTERPRISE), make_user(Role.ADMIN)


def edit(listing, actor, reviewer, **changes):
    """Save an edit as the edit form would (all fields, some changed); it goes back to review: approve it."""
    data = services.listing_values(listing)
    data.update(changes)
    services.update_listing(listing, actor, data)
    assert listing.status == ListingStatus.PENDING
    return services.approve_listing(listing, reviewer)


def pairs() -> set[tuple[int, int]]:
    return {(m.need_id, m.achievement_id) for m in rows(Match)}


def test_publishing_a_need_matches_it_above_the_threshold_only(people):
    researcher, enterprise, admin = people
    battery = published("achievements", researcher, admin)
    rice = published("achievements", researcher, admin, **RICE)
    need = published("needs", enterprise, admin)  # about battery thermal runaway
    [match] = rows(Match)
    assert (match.need_id, match.achievement_id) == (need.id, battery.id)
    assert match.origin == MatchOrigin.ENGINE and match.score >= 15
    assert match.score_parts and "锂电池" in match.explanation["shared_terms"]
    assert {"bm25", "dense", "dense_title", "dense_keys"} <= set(match.score_parts)  # a listing text's signals
    assert rice.id not in {m.achievement_id for m in rows(Match)}


def test_a_higher_threshold_stores_nothing(app, people):
    researcher, enterprise, admin = people
    app.config["MATCH_THRESHOLD"] = 99.9
    published("achievements", researcher, admin)
    published("needs", enterprise, admin)
    assert rows(Match) == []


def test_top_n_caps_the_matches_of_one_listing(app, people):
    researcher, enterprise, admin = people
    app.config["MATCH_TOP_N"] = 1
    published("achievements", researcher, admin)
    published("achievements", researcher, admin, title="锂电池热失控预警与电池管理系统",
              summary="基于多传感器融合的锂电池热失控早期预警方法，可集成到电池管理系统，提前报警。")
    published("needs", enterprise, admin)
    assert len(rows(Match)) == 1


def test_both_directions_and_no_duplicate_pair(people):
    researcher, enterprise, admin = people
    need = published("needs", enterprise, admin)  # nothing to match yet
    assert rows(Match) == []
    battery = published("achievements", researcher, admin)  # achievement -> needs finds the need
    assert pairs() == {(need.id, battery.id)}
    edit(need, enterprise, admin, title=need.title + "（更新）")  # need -> achievements again
    edit(battery, researcher, admin, title=battery.title + "（更新）")
    assert pairs() == {(need.id, battery.id)}
    assert len(rows(Match)) == 1


def test_editing_a_listing_re_matches_it_once_the_edit_is_approved(people):
    researcher, enterprise, admin = people
    published("achievements", researcher, admin)
    rice = published("achievements", researcher, admin, **RICE)
    need = published("needs", enterprise, admin)
    assert rice.id not in {a for _, a in pairs()}
    edit(need, enterprise, admin, title="抗旱水稻新品种引进需求",
         description="丘陵地区缺水，需要抗旱稳产的水稻新品种及配套育种技术。",
         keywords="水稻，抗旱，育种", indicators="节水 20% 以上", field_code="0401")
    assert (need.id, rice.id) in pairs()


def test_unpublished_counterparts_are_never_matched(people):
    researcher, enterprise, admin = people
    battery = published("achievements", researcher, admin)
    services.withdraw_listing(battery, researcher)
    published("needs", enterprise, admin)
    assert rows(Match) == []


def test_flask_match_all_fills_in_missing_matches_without_duplicates(app, runner, people):
    researcher, enterprise, admin = people
    app.config["MATCH_THRESHOLD"] = 101  # publish without matching
    published("achievements", researcher, admin)
    published("needs", enterprise, admin)
    assert rows(Match) == []
    app.config["MATCH_THRESHOLD"] = 15
    result = runner.invoke(args=["match", "--all"])
    assert result.exit_code == 0 and "1 new matches" in result.output
    assert runner.invoke(args=["match", "--all"]).output.strip().endswith("0 new matches.")
    assert len(rows(Match)) == 1
    assert runner.invoke(args=["match"]).exit_code != 0


def test_broker_creates_a_match_by_hand_once(app, people, make_user, login_as):
    researcher, enterprise, admin = people
    app.config["MATCH_THRESHOLD"] = 101
    rice = published("achievements", researcher, admin, **RICE)
    need = published("needs", enterprise, admin)
    broker = login_as(Role.BROKER)
    page = broker.get(f"/matches/new?need_id={need.id}&q=抗旱水稻").get_data(as_text=True)
    assert RICE["title"] in page
    response = broker.post("/matches/new", data={"need_id": need.id, "achievement_id": rice.id,
                                                 "reason": "企业口头提出"})
    [match] = rows(Match)
    assert response.headers["Location"].endswith(f"/matches/{match.id}")
    assert match.origin == MatchOrigin.BROKER and match.broker_id == broker.user.id
    with pytest.raises(Conflict):
        create_manual_match(need, rice, broker.user)


def test_a_pair_shows_one_score_whichever_side_was_matched_last(app, people):
    """Each direction is an estimate of the same chance: the match keeps both and shows the higher one, and the
    listing's related panel shows that stored score too."""
    from matchmaker.listings.queries import related_listings
    from matchmaker.matches.matching import match_listing

    researcher, enterprise, admin = people
    battery = published("achievements", researcher, admin)
    need = published("needs", enterprise, admin)
    [match] = rows(Match)
    by_side = dict(match.explanation["by_side"])
    assert set(by_side) == {"needs"}  # the need was published last and matched the achievement
    match_listing(battery)  # now from the achievement's side
    [match] = rows(Match)
    by_side = match.explanation["by_side"]
    assert set(by_side) == {"needs", "achievements"}
    assert match.score == max(by_side.values())
    [(listing, hit)] = [(l, h) for l, h in related_listings(need) if l.id == battery.id]
    assert hit.score == match.score
