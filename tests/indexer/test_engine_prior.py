"""The query term prior (generic words of needs count less) and the key-terms signal, with the real model."""
import json
import os
import subprocess
import sys

import pytest
from engine_cases import CATHODE_NEED

from indexer import Document
from indexer.prior import DEFAULT_PATH, MIN_DF, TermPrior, load
from indexer.search import Query

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_weights_fall_with_the_share_of_needs_using_a_word():
    prior = TermPrior(100, {"生产": 90, "设备": 30, "夹杂物": MIN_DF - 1})
    assert prior.weight("夹杂物") == 1.0  # too few needs to call it generic
    assert prior.weight("正极材料") == 1.0  # never seen
    assert 0.0 < prior.weight("生产") < prior.weight("设备") < 1.0
    assert TermPrior(10, {"的": 10}).weight("的") == 0.0


def test_the_shipped_table_damps_boilerplate_but_not_technology():
    prior = load(DEFAULT_PATH)
    assert prior.size >= 100
    assert prior.weight("生产") < prior.weight("关键技术") < 1.0
    assert prior.weight("正极材料") == prior.weight("夹杂物") == 1.0


def test_a_broken_table_names_its_line(tmp_path):
    bad = tmp_path / "prior.tsv"
    bad.write_text("texts\t50\n生产\tmany\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"prior.tsv:2: expected 'term<TAB>count'"):
        load(str(bad))
    bad.write_text("生产\t5\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no 'texts<TAB>N' line"):
        load(str(bad))


STEEL = [
    Document("inclusions", {"title": "轴承钢中非金属夹杂物的形成与控制",
                            "body": "研究转炉冶炼轴承钢时钢水氧含量对氧化物夹杂的影响，提出精炼渣系优化方案。"}),
    Document("seedlings", {"title": "提高苗木移植成活率的关键技术",
                           "body": "总结苗木起苗、运输和栽植环节的关键技术，移植成活率提高到95%。"}),
    Document("reservoir", {"title": "水库除险加固关键技术",
                           "body": "针对土石坝渗漏问题，提出防渗墙与帷幕灌浆结合的除险加固关键技术。"}),
]
STEEL_NEED = "高洁净度钢夹杂物控制关键技术\n转炉冶炼高端轴承钢，钢水氧含量偏高，需要控制夹杂物的关键技术，提高产品合格率。"


def test_generic_need_words_pull_less_with_the_prior(make_index):
    with_prior = {h.id: h for h in make_index(STEEL).search(STEEL_NEED, limit=3)}
    without = {h.id: h for h in make_index(STEEL, name="plain", term_prior="").search(STEEL_NEED, limit=3)}
    assert next(iter(with_prior)) == "inclusions"
    # 关键技术 is the only thing the seedlings achievement shares with the need: the prior shrinks its share
    assert with_prior["seedlings"].signals["bm25"] < without["seedlings"].signals["bm25"]
    assert with_prior["inclusions"].signals["bm25"] > without["inclusions"].signals["bm25"]


def test_listing_texts_get_a_key_terms_signal_and_keyword_searches_do_not(make_index):
    index = make_index()
    query = Query(index, CATHODE_NEED)
    assert "正极材料" in query.key_terms and "正极" not in query.key_terms  # longest forms only
    assert not {"公司", "销售收入", "厂房"} & set(query.key_terms)  # the background was focused away
    hits = index.search(CATHODE_NEED, limit=3)
    assert hits[0].id == "cathode" and "dense_keys" in hits[0].signals
    assert "dense_keys" not in index.search("锂电池 正极", limit=3)[0].signals


def test_build_term_prior_counts_needs_words(tmp_path):
    needs = tmp_path / "needs.jsonl"
    rows = [{"id": f"n{i}", "title": f"第{i}号需求", "text": text} for i, text in enumerate(
        ["提高生产效率，降低能耗。", "生产线自动化改造，提高效率。", "提高产品生产合格率。", "小麦抗旱品种选育。"])]
    needs.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "prior.tsv"
    done = subprocess.run([sys.executable, os.path.join(REPO, "scripts", "build_term_prior.py"),
                           "--needs", str(needs), "--out", str(out)], capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0, done.stderr
    prior = load(str(out))
    assert prior.size == 4 and prior.df["生产"] == 3 and "小麦" not in prior.df
    needs.write_text(json.dumps(rows[0], ensure_ascii=False) + "\n", encoding="utf-8")
    done = subprocess.run([sys.executable, os.path.join(REPO, "scripts", "build_term_prior.py"),
                           "--needs", str(needs), "--out", str(out)], capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 2 and "need at least 2 needs" in done.stderr
