"""The 0-100 score as a probability: features relative to the query's background, informative shared terms."""
import numpy as np
from engine_cases import CATHODE_NEED

from indexer import analysis, matcher
from indexer.keyword import not_informative

THRESHOLD = 15  # config.MATCH_THRESHOLD


def test_numbers_units_and_generic_words_are_never_informative():
    for term in ("100", "2019", "3.5", "50mm", "10kg", "mg", "成本", "工艺", "过程", "产生", "保持"):
        assert not_informative(term), term
    for term in ("废水", "mems", "压电", "锂电池", "正极材料", "co2"):
        assert not not_informative(term), term


def test_shared_terms_are_the_informative_ones_weightiest_first(make_index):
    index = make_index()
    text = "印染废水深度处理\n印染废水处理成本高，工艺过程产生污泥，COD 100 mg/L，需要保持稳定运行的臭氧催化氧化技术。"
    hit = next(h for h in index.search(text, limit=7) if h.id == "wastewater")
    assert "印染废水" in hit.shared_terms
    assert not {"成本", "工艺", "过程", "产生", "保持", "100", "mg"} & set(hit.shared_terms)
    kw = index.keyword["words"]
    assert set(kw.informative_terms(["印染废水", "臭氧", "成本"], None)) <= {"印染废水", "臭氧"}
    weights = kw.informative_terms(analysis.query_terms(text, "words"), index.term_prior.weight)
    assert hit.shared_terms == sorted(hit.shared_terms, key=lambda t: (-weights[t], t))


def test_score_rises_with_each_feature_and_a_weak_best_hit_stays_weak(make_index):
    base = {"chars": np.array([200.0]), "bm25": np.array([0.1]), "dense_z": np.array([2.0]),
            "dense_keys_z": np.array([2.0]), "informative": np.array([0.1])}
    m = matcher.Matcher()
    start = m.calibrate(base)[0]
    for name in ("bm25", "dense_z", "dense_keys_z", "informative"):
        assert m.calibrate({**base, name: base[name] + 1.0})[0] > start, name
    index = make_index()
    good = index.search(CATHODE_NEED, limit=1)[0]
    weak = index.search("量子通信中的纠缠光子源与单光子探测器", limit=1)[0]
    typed = index.search("小麦育种", limit=1)[0]
    assert good.id == "cathode" and good.score >= THRESHOLD
    assert typed.id == "wheat" and typed.score >= THRESHOLD  # a two-word search with its subject in the index
    assert weak.score < 1  # its best hit is only the least unrelated: never a match
    assert good.reasons["keywords"] == "strong" and set(weak.reasons.values()) == {"weak"}


def test_background_is_the_query_own_distribution_over_the_collection(make_index):
    from indexer.search import Query

    index = make_index()
    whole = Query(index, CATHODE_NEED).background(index)
    title = Query(index, "高镍正极材料").background(index)
    for centre, spread in list(whole.values()) + list(title.values()):
        assert -1 <= centre <= 1 and spread >= 0.02
    assert "dense_keys" in whole and "dense_keys" not in title  # a typed search has no key-terms vector
    # the sample is cached between writes and drawn again after one
    first = index.background_slots(1000)
    assert index.background_slots(1000) is first
    index.delete(["wheat"])
    assert len(index.background_slots(1000)) == len(first) - 1


def test_design_marks_short_queries_and_caps_nothing():
    cols = matcher.design({"chars": np.array([10.0, 500.0]), "bm25": np.array([0.5, 0.5]),
                           "dense_z": np.array([3.0, 3.0])})
    assert cols["short"].tolist() == [1.0, 0.0]
    assert cols["short_dense_z"].tolist() == [3.0, 0.0] and cols["short_bm25"].tolist() == [0.5, 0.0]
    assert cols["log_chars"][0] < cols["log_chars"][1]
