"""What every search backend must do, written once against the SearchIndex interface (indexer/base.py).

Runs on the embedded backend always. The Elasticsearch parameter runs when ELASTICSEARCH_URL names a live cluster
and the backend is registered in indexer.BACKENDS; otherwise it is skipped with the reason. Each test opens a
fresh index under its own name, so a shared cluster is safe to use.
"""
import os
import uuid

import pytest
from engine_cases import ACHIEVEMENTS, CATHODE_NEED

from indexer import BACKENDS, Document, StaleIndex, open_index

NEEDS = [
    Document("need-cathode", {"title": "高镍正极材料循环寿命提升",
                              "body": "高镍三元正极材料循环容量衰减快、产气严重，需要表面包覆改性技术。",
                              "keywords": "正极材料 包覆"}, {"field": ["04"], "region": "四川", "challenge": "1"}),
    Document("need-wheat", {"title": "旱地小麦增产品种需求", "body": "西北旱地需要耐旱高产的小麦新品种及配套栽培技术。",
                            "keywords": "小麦 抗旱"}, {"field": ["07"], "region": "甘肃"}),
    Document("need-dye", {"title": "印染废水COD深度去除", "body": "印染企业二级出水COD偏高，需要催化氧化等深度处理技术。",
                          "keywords": "印染废水"}, {"field": ["06"], "region": "浙江", "budget": 300.0}),
]


def _elasticsearch():
    if not os.environ.get("ELASTICSEARCH_URL"):
        pytest.skip("ELASTICSEARCH_URL is not set: no Elasticsearch cluster to run the conformance suite on")
    if "elasticsearch" not in BACKENDS:
        pytest.skip("the Elasticsearch backend is not registered in indexer.BACKENDS yet")
    return {"backend": "elasticsearch", "elasticsearch_url": os.environ["ELASTICSEARCH_URL"]}


@pytest.fixture(params=["embedded", "elasticsearch"])
def backend(request, tmp_path, encoder):
    """(settings, open) for one backend: open(name, docs, **more) gives a fresh index holding docs."""
    settings = {"index_dir": str(tmp_path)} if request.param == "embedded" else _elasticsearch()
    prefix = f"conformance-{uuid.uuid4().hex[:8]}-"

    def make(name="achievements", docs=ACHIEVEMENTS, **more):
        index = open_index(prefix + name, {**settings, **more})
        if docs:
            index.upsert(docs)
        return index
    make.name = lambda name: prefix + name
    return settings, make


def test_upsert_replace_and_delete_are_visible_to_the_next_search(backend):
    _, make = backend
    index = make()
    assert index.count() == len(ACHIEVEMENTS) and index.ids() == {d.id for d in ACHIEVEMENTS}
    assert index.search(CATHODE_NEED, limit=1)[0].id == "cathode"
    index.upsert([ACHIEVEMENTS[0]._replace(fields={"title": "水稻育种", "body": "杂交水稻新品种选育与推广。",
                                                       "keywords": "水稻"})])
    assert index.search(CATHODE_NEED, limit=1)[0].id != "cathode"  # the replaced text is what is searched
    assert index.delete(["bms", "no-such-id"]) == 1
    assert "bms" not in {h.id for h in index.search("电池管理系统荷电状态", limit=10)}
    assert index.count() == len(ACHIEVEMENTS) - 1


@pytest.mark.parametrize("filters, expected", [
    ({"region": "四川"}, {"cathode", "bms"}),
    ({"field": "0401"}, {"cathode"}),
    ({"coop": ["license", "development"]}, {"cathode", "bms", "recycling", "vision"}),
    ({"trl": {"min": 6, "max": 7}}, {"cathode", "bms", "vision"}),
    ({"budget": {"max": 25}, "region": "四川"}, {"bms"}),
    ({"region": "火星"}, set()),
])
def test_every_filter_applies_inside_retrieval(backend, filters, expected):
    _, make = backend
    assert {h.id for h in make().search("电池 技术", limit=10, filters=filters)} <= expected
    assert {h.id for h in make(name="full").search(CATHODE_NEED, limit=50, filters=filters)} == expected


def test_a_filter_holds_before_the_cut(backend):
    _, make = backend
    assert [h.id for h in make().search(CATHODE_NEED, limit=1, filters={"region": "重庆"})] == ["vision"]


def test_both_directions_rank_the_known_counterpart_first(backend):
    _, make = backend
    achievements, needs = make(), make(name="needs", docs=NEEDS)
    assert achievements.search(CATHODE_NEED, limit=1)[0].id == "cathode"
    assert needs.search("高镍三元正极材料的氧化铝包覆改性，抑制循环产气", limit=1)[0].id == "need-cathode"
    assert needs.search("抗旱小麦品种选育", limit=1, filters={"region": "甘肃"})[0].id == "need-wheat"
    assert [h.id for h in needs.search("废水处理", limit=3, filters={"challenge": "1"})] == ["need-cathode"]


def test_hits_explain_themselves(backend):
    _, make = backend
    best = make().search(CATHODE_NEED, limit=3)[0]
    assert 0 <= best.score <= 100 and best.fused > 0
    assert {"bm25", "dense"} <= set(best.signals)
    assert set(best.reasons) >= {"keywords", "semantic"} and set(best.reasons.values()) <= {"strong", "medium", "weak"}
    assert best.shared_terms and all(t in CATHODE_NEED for t in best.shared_terms)


def test_rebuild_replaces_the_whole_index(backend):
    _, make = backend
    index = make()
    assert index.rebuild(NEEDS) == len(NEEDS)
    assert index.ids() == {d.id for d in NEEDS}


def test_an_index_built_with_other_analyzers_is_stale_and_can_be_reset(backend):
    settings, make = backend
    index = make()
    index.save()
    with pytest.raises(StaleIndex):
        open_index(make.name("achievements"), {**settings, "analyzers": ["words", "bigrams"]})
    other = {**settings, "analyzers": ["words", "bigrams"]}
    reset = open_index(make.name("achievements"), {**other, "on_stale": "reset"})
    assert reset.reset_reason and reset.count() == 0 and reset.search(CATHODE_NEED, limit=3) == []
