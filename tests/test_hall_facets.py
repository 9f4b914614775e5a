"""Hall facets: the SQL aggregates of a whole hall and the one-pass count over a query's hits agree, value for
value, on the same listings and selections (disjunctive: a facet ignores its own selection)."""
from datetime import date, timedelta

import pytest

from listing_data import published
from matchmaker.listings.kinds import ACHIEVEMENTS, NEEDS
from matchmaker.listings.search import facet_counts, hit_facets
from models import Role

NEEDS_MADE = [
    dict(region="四川", field_code="0603", budget_min="", budget_max="", coop_modes=["development"]),
    dict(region="四川", field_code="0102", budget_max="30", budget_min="", coop_modes=["service", "development"]),
    dict(region="重庆", field_code="0603", budget_max="500", is_challenge=True, reward="100", solver_conditions="具备中试条件"),
    dict(region="重庆", field_code="0401", budget_max="5000", coop_modes=["transfer"]),
    dict(region="天津", field_code="0102", budget_max="150", deadline=date.today() + timedelta(days=3)),
]
ACHIEVEMENTS_MADE = [dict(region="四川", field_code="0603", trl="6", coop_modes=["transfer"]),
                     dict(region="四川", field_code="0102", trl="2", coop_modes=["transfer", "license_general"]),
                     dict(region="重庆", field_code="0401", trl="", coop_modes=[]),
                     dict(region="天津", field_code="0603", trl="9", coop_modes=["equity"])]


@pytest.fixture
def halls(app, make_user):
    admin, owner, company = make_user(Role.ADMIN), make_user(Role.RESEARCHER), make_user(Role.ENTERPRISE)
    needs = [published("needs", company, admin, title=f"需求第{i}项技术攻关", **c) for i, c in enumerate(NEEDS_MADE)]
    achs = [published("achievements", owner, admin, title=f"成果第{i}项关键技术", **c)
            for i, c in enumerate(ACHIEVEMENTS_MADE)]
    return {NEEDS: [n.id for n in needs], ACHIEVEMENTS: [a.id for a in achs]}


@pytest.mark.parametrize("kind, filters", [
    (NEEDS, {}), (NEEDS, {"region": "四川"}), (NEEDS, {"region": "重庆", "budget": "200-1000"}),
    (NEEDS, {"challenge": "1", "field": "06"}), (NEEDS, {"coop": "development", "budget": "negotiable"}),
    (NEEDS, {"budget": "no-such-bucket"}), (ACHIEVEMENTS, {}), (ACHIEVEMENTS, {"stage": "产业化"}),
    (ACHIEVEMENTS, {"coop": "transfer", "region": "四川"}), (ACHIEVEMENTS, {"field": "06", "stage": "中试"}),
], ids=lambda v: getattr(v, "name", None) or repr(v))
def test_whole_hall_and_hit_counts_agree(halls, kind, filters):
    ids = halls[kind]
    counted, passing = hit_facets(kind, filters, ids)
    assert counted == facet_counts(kind, filters)
    assert set(kind.facets) == set(counted) and any(counted.values())  # something was counted


def test_counts_are_disjunctive_and_follow_the_other_selections(halls):
    whole = facet_counts(NEEDS, {"region": "四川"})
    assert {v: n for v, _, n in whole["region"]} == {"四川": 2, "重庆": 2, "天津": 1}  # its own selection ignored
    assert {v: n for v, _, n in whole["budget"]} == {"negotiable": 1, "lt50": 1}  # the others' applied
    _, passing = hit_facets(NEEDS, {"region": "重庆", "budget": "gt1000"}, halls[NEEDS])
    assert passing == [halls[NEEDS][3]]
