"""Ranking, both directions and explanations, with the real model."""
from engine_cases import ACHIEVEMENTS, CATHODE_NEED

from indexer import Document


def test_cathode_need_ranks_the_cathode_achievement_first(make_index):
    hits = make_index().search(CATHODE_NEED, limit=5)
    assert hits[0].id == "cathode"
    assert [h.fused for h in hits] == sorted((h.fused for h in hits), reverse=True)


def test_short_keyword_query(make_index):
    index = make_index()
    assert index.search("锂电池 正极", limit=3)[0].id == "cathode"
    assert index.search("小麦育种", limit=3)[0].id == "wheat"


def test_achievement_to_needs_direction(make_index):
    needs = [
        Document("need-cathode", {"title": "高镍正极材料循环寿命提升", "body": CATHODE_NEED}, {"region": "四川"}),
        Document("need-dye", {"title": "印染废水COD超标治理", "body": "我厂印染废水COD高，生化处理后仍不达标，寻求深度处理工艺。"}, {}),
        Document("need-robot", {"title": "机械臂上下料自动化", "body": "冲压线人工上下料效率低，需要视觉引导机器人抓取。"}, {}),
    ]
    index = make_index(needs, name="needs")
    by_id = {d.id: d for d in ACHIEVEMENTS}
    for achievement, need in [("cathode", "need-cathode"), ("wastewater", "need-dye"), ("vision", "need-robot")]:
        text = "\n".join(by_id[achievement].fields.values())
        assert index.search(text, limit=1)[0].id == need


def test_hits_explain_themselves(make_index):
    index = make_index()
    best = index.search(CATHODE_NEED, limit=7)
    top, last = best[0], best[-1]
    assert "正极材料" in top.shared_terms or "正极" in top.shared_terms
    assert set(top.signals) >= {"bm25", "dense"}
    assert all(0 <= h.score <= 100 for h in best)
    assert top.score > last.score
    assert last.shared_terms == [] or last.signals["bm25"] < top.signals["bm25"]


def test_calibrated_score_is_comparable_across_queries(make_index):
    index = make_index()
    relevant = index.search(CATHODE_NEED, limit=1)[0].score
    off_topic = index.search("量子通信中的纠缠光子源与单光子探测器", limit=1)[0].score
    assert relevant > off_topic + 20
