"""The listing JSON API, and the index-healing commands (flask reindex, --pending, the worker's job)."""
import shutil

from matchmaker.listings import services
from matchmaker.listings.kinds import ACHIEVEMENTS
from matchmaker.listings.index import forget_indexes, get_index
from models import IndexState, ListingStatus, Role

from listing_data import achievement_data, indexed_ids, published


def test_api_search_returns_scores_terms_and_facets(app, client, make_user):
    owner, admin = make_user(Role.RESEARCHER), make_user(Role.ADMIN)
    ach = published("achievements", owner, admin)
    published("achievements", owner, admin, title="玉米抗旱新品种选育", field_code="0207", region="河南",
              summary="选育耐旱高产玉米新品种，已在黄淮海地区推广种植。", keywords="玉米，育种", ip_items=[])
    body = client.get("/api/v1/achievements?q=锂电池").get_json()
    assert [i["id"] for i in body["items"]] == [ach.id]
    assert body["items"][0]["score"] > 0 and "锂电池" in body["items"][0]["shared_terms"]
    assert body["items"][0]["ip_items"] == [{"ip_type": "invention", "number": "201910123456.X", "status": "granted"}]
    everything = client.get("/api/v1/achievements?region=河南").get_json()
    assert everything["total"] == 1 and everything["items"][0]["region"] == "河南"
    regions = {f["value"]: f["count"] for f in everything["facets"]["region"]}
    assert regions == {"四川": 1, "河南": 1}  # a facet's own choice does not hide its other values


def test_api_hides_unpublished_listings_with_a_json_404(app, client, make_user):
    draft = services.create_listing(ACHIEVEMENTS, make_user(Role.RESEARCHER), achievement_data())
    response = client.get(f"/api/v1/achievements/{draft.id}")
    assert response.status_code == 404 and response.is_json and response.get_json()["error"] == "not_found"


def test_api_related_lists_the_other_side(app, client, make_user):
    admin = make_user(Role.ADMIN)
    ach = published("achievements", make_user(Role.RESEARCHER), admin)
    need = published("needs", make_user(Role.ENTERPRISE), admin)
    items = client.get(f"/api/v1/achievements/{ach.id}/related").get_json()["items"]
    assert items[0]["id"] == need.id and items[0]["kind"] == "needs" and items[0]["score"] > 0


def crashed_publish(owner, admin):
    """The DB state after a crash between the approval's commit and its index update."""
    ach = services.create_listing(ACHIEVEMENTS, owner, achievement_data())
    services.submit_listing(ach, owner)
    from matchmaker.extensions import db
    # a bulk UPDATE: the process died after the commit, before the post-commit hook could index it
    db.session.execute(db.update(type(ach)).where(type(ach).id == ach.id)
                       .values(status=ListingStatus.PUBLISHED, index_state=IndexState.PENDING))
    db.session.commit()
    db.session.refresh(ach)
    return ach


def test_reindex_pending_heals_a_crashed_publish(app, runner, make_user):
    ach = crashed_publish(make_user(Role.RESEARCHER), make_user(Role.ADMIN))
    assert str(ach.id) not in indexed_ids("achievements")
    result = runner.invoke(args=["reindex", "--pending"])
    assert result.exit_code == 0 and "re-synced 1" in result.output
    assert ach.index_state == IndexState.SYNCED and str(ach.id) in indexed_ids("achievements")


def test_a_search_page_leaves_pending_listings_to_the_worker(app, client, runner, make_user):
    """Reads never write: the page neither indexes nor matches; the worker's job (or the CLI) does."""
    ach = crashed_publish(make_user(Role.RESEARCHER), make_user(Role.ADMIN))
    page = client.get("/achievements/?q=电解质").get_data(as_text=True)
    assert f'href="/achievements/{ach.id}"' not in page and ach.index_state == IndexState.PENDING
    from matchmaker.jobs import reindex_pending
    assert reindex_pending() == 1
    assert ach.index_state == IndexState.SYNCED
    page = client.get("/achievements/?q=电解质").get_data(as_text=True)
    assert f'href="/achievements/{ach.id}"' in page


def test_reindex_rebuilds_both_indexes_from_the_database(app, runner, make_user):
    admin = make_user(Role.ADMIN)
    ach = published("achievements", make_user(Role.RESEARCHER), admin)
    need = published("needs", make_user(Role.ENTERPRISE), admin)
    withdrawn = published("achievements", ach.owner, admin, title="已撤回的成果不应回到索引")
    services.withdraw_listing(withdrawn, ach.owner)
    forget_indexes()
    shutil.rmtree(app.config["INDEX_DIR"])  # the index is lost; the DB is the truth
    assert get_index("achievements").count() == 0
    result = runner.invoke(args=["reindex"])
    assert result.exit_code == 0, result.output
    assert "achievements: 1 indexed, needs: 1 indexed" in result.output
    assert indexed_ids("achievements") == {str(ach.id)} and indexed_ids("needs") == {str(need.id)}


def test_a_listing_edited_during_a_rebuild_stays_marked_for_resync(app, runner, make_user):
    from datetime import timedelta

    from matchmaker.extensions import db
    from models import utcnow

    ach = published("achievements", make_user(Role.RESEARCHER), make_user(Role.ADMIN))
    ach.updated_at = utcnow() + timedelta(minutes=5)  # as if saved after the rebuild read the table
    db.session.commit()
    assert runner.invoke(args=["reindex"]).exit_code == 0
    db.session.refresh(ach)
    assert ach.index_state == IndexState.PENDING
