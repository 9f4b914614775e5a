"""One coverage rule for review, the review queue, viewing and match assignment: a matrix of shapes.

Coverage rows are (field, region) with NULL meaning any. Expected answers are written out by hand below,
not computed with the rule under test.
"""
from types import SimpleNamespace

import pytest

from matchmaker.extensions import db
from matchmaker.listings import services
from matchmaker.listings.access import can_review, can_view
from matchmaker.listings.kinds import get_kind
from matchmaker.listings.queries import review_queue
from matchmaker.matches.assignment import covering_brokers
from models import BrokerCoverage, ListingStatus, Role

from listing_data import achievement_data

# listings: (field, region)
LISTINGS = {"energy_sc": ("0603", "四川"), "energy_tj": ("0603", "天津"), "soft_sc": ("0101", "四川"),
            "soft_tj": ("0101", "天津"), "energy_top_sc": ("06", "四川")}
# coverage shape -> the listings it covers
SHAPES = {
    "top field, any region": ([("06", None)], {"energy_sc", "energy_tj", "energy_top_sc"}),
    "sub-field, any region": ([("0603", None)], {"energy_sc", "energy_tj"}),
    "region only": ([(None, "天津")], {"energy_tj", "soft_tj"}),
    "field in a region": ([("06", "四川")], {"energy_sc", "energy_top_sc"}),
    "everything": ([(None, None)], set(LISTINGS)),
    "zhang: fields plus region-only rows": ([("04", None), ("07", None), (None, "天津"), (None, "云南")],
                                            {"energy_tj", "soft_tj"}),
    "no coverage": ([], set()),
}


@pytest.fixture
def listings(app, make_user):
    owner = make_user(Role.RESEARCHER)
    kind = get_kind("achievements")
    made = {}
    for name, (field, region) in LISTINGS.items():
        listing = services.create_listing(kind, owner, achievement_data(title=f"覆盖测试成果{name}", field_code=field,
                                                                        region=region))
        services.submit_listing(listing, owner)
        made[name] = listing
    return owner, made


def broker_with(make_user, rows):
    broker = make_user(Role.BROKER)
    broker.coverage = [BrokerCoverage(field_code=f, region=r) for f, r in rows]
    db.session.commit()
    return broker


@pytest.mark.parametrize("shape", list(SHAPES))
def test_review_view_queue_and_assignment_follow_one_rule(listings, make_user, shape):
    """Assignment: a broker covers a match when a row covers either side (here the achievement side only)."""
    rows, expected = SHAPES[shape]
    _, made = listings
    broker = broker_with(make_user, rows)
    for name, listing in made.items():
        assert can_review(listing, broker) == (name in expected), (shape, name)
        assert can_view(listing, broker) == (name in expected), (shape, name)  # all pending here
        match = SimpleNamespace(achievement=listing, need=None)  # the two sides are all the rule reads
        assert (broker in covering_brokers(match)) == (name in expected), (shape, name)
    queued = {l.id for l in review_queue(get_kind("achievements"), broker, per_page=100).items}
    assert queued == {made[n].id for n in expected}


def test_a_region_only_broker_cannot_publish_or_read_elsewhere(app, listings, make_user, login_as):
    """The reproduction: region-only rows never mean every listing everywhere."""
    _, made = listings
    client = login_as(Role.BROKER)
    client.user.coverage = [BrokerCoverage(field_code="04", region=None), BrokerCoverage(field_code=None, region="天津")]
    db.session.commit()
    target = made["soft_sc"]  # 四川, field 0101
    assert client.post(f"/review/achievements/{target.id}/approve").status_code in (403, 404)
    assert target.status == ListingStatus.PENDING
    assert client.get(f"/achievements/{target.id}").status_code in (403, 404)
    assert client.post(f"/review/achievements/{made['soft_tj'].id}/approve").status_code in (302, 303)


def test_a_draft_stays_private_to_its_owner_even_for_covering_brokers(app, make_user):
    owner = make_user(Role.RESEARCHER)
    draft = services.create_listing(get_kind("achievements"), owner, achievement_data())
    broker = broker_with(make_user, [(None, None)])
    assert draft.status == ListingStatus.DRAFT
    assert not can_view(draft, broker) and can_view(draft, owner)
