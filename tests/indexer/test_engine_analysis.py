"""The analyzer and query focus."""
from indexer.focus import focus
from indexer.tokenize import tokenize


def test_domain_terms_stay_whole_and_stopwords_go():
    words = tokenize("研发高镍正极材料的包覆技术")
    assert "正极材料" in words and "正极" in words
    assert "研发" not in words and "技术" not in words


def test_same_analysis_for_fullwidth_and_case():
    assert tokenize("ＬＩＤＡＲ 激光雷达") == tokenize("lidar 激光雷达")


def test_bigrams():
    assert tokenize("锂电池", "bigrams") == ["锂电", "电池"]


def test_focus_drops_company_background_but_keeps_the_problem():
    need = ("需求内容：\n  开发高韧性立方氮化硼单晶。\n现有工作基础：\n  公司有标准化厂房3栋。\n"
            "  2018年度实现销售收入2002万元。\n预期目标：\n  抗冲击韧性≥67%。")
    core = focus(need)
    assert "立方氮化硼" in core and "抗冲击韧性" in core
    assert "厂房" not in core and "销售收入" not in core


def test_the_encoder_sees_title_focused_body_then_labelled_keywords():
    from indexer.analysis import doc_fields, doc_text

    fields = doc_fields({"title": "高镍正极包覆", "keywords": "正极材料, 包覆；高镍",
                         "body": "采用氧化铝包覆高镍正极材料。现有工作基础：公司年产值5亿元。"})
    assert doc_text(fields) == "高镍正极包覆。采用氧化铝包覆高镍正极材料。。关键词：正极材料，包覆，高镍"
    assert doc_text(doc_fields({"title": "只有标题"})) == "只有标题"


def test_keyword_searches_and_listing_texts_use_their_own_weights():
    import numpy as np

    from indexer.matcher import SHORT_QUERY_CHARS, Matcher

    matcher = Matcher(weights={"bm25": 1.0}, short_weights={"dense": 1.0})
    signals = {"bm25": np.array([1.0, 0.0, 0.5]), "dense": np.array([0.0, 1.0, 0.5])}
    assert matcher.fuse(signals, query_chars=SHORT_QUERY_CHARS).argmax() == 1
    assert matcher.fuse(signals, query_chars=SHORT_QUERY_CHARS + 1).argmax() == 0
    assert matcher.fuse(signals).argmax() == 0  # length unknown: a listing text


def test_the_encoder_sees_the_start_of_a_long_focused_query():
    from indexer.analysis import QUERY_EMBED_CHARS, query_texts

    whole, title = query_texts("高镍正极包覆\n" + "需要提高高镍正极材料的循环稳定性。" * 200)
    assert title == "高镍正极包覆" and whole.startswith("高镍正极包覆")
    assert len(whole) == QUERY_EMBED_CHARS
    assert query_texts("  锂电池 正极  ") == ("锂电池 正极", "锂电池 正极")  # no title line: the text twice
