"""BM25: recent writes are scored at once without a full matrix rebuild, and agree with one."""
import numpy as np
import pytest

from indexer.keyword import KeywordIndex
from indexer.tokenize import tokenize

TEXTS = ["锂电池正极材料包覆改性", "小麦抗旱品种选育", "工业机器人视觉定位", "印染废水臭氧催化氧化",
         "锂电池回收湿法浸出", "电池管理系统荷电状态估计"]


def test_delta_scoring_matches_a_full_refresh():
    index = KeywordIndex()
    for slot, text in enumerate(TEXTS):
        index.add(slot, tokenize(text))
    index.scores(tokenize("锂电池"))  # builds the matrix
    index.add(len(TEXTS), tokenize("钠离子电池层状氧化物正极"))
    index.remove(1)
    query = tokenize("钠离子电池正极")
    delta, _ = index.scores(query)
    assert index._matrix.shape[1] == len(TEXTS)  # no rebuild happened
    assert int(np.argmax(delta)) == len(TEXTS) and delta[1] == 0
    index._refresh()
    full, _ = index.scores(query)
    assert list(np.argsort(-full)[:3]) == list(np.argsort(-delta)[:3])


def test_key_terms_skip_words_only_deleted_documents_had_and_overlong_tokens():
    from indexer.keyword import KEY_TERM_CHARS

    index = KeywordIndex()
    for slot, text in enumerate(TEXTS):
        index.add(slot, tokenize(text))
    long_token = "a1" * KEY_TERM_CHARS
    index.add(len(TEXTS), tokenize("小麦条锈病 " + long_token))
    query = tokenize("小麦条锈病 锂电池正极材料 " + long_token)
    index.remove(len(TEXTS))
    index._refresh()  # the deleted document's words keep their ids but no live document has them
    assert "条锈病" not in index.key_terms(query, 10) and long_token not in index.key_terms(query, 10)
    assert "正极材料" in index.key_terms(query, 10)
    _, ceiling = index.scores(query)
    _, without = index.scores(tokenize("小麦 锂电池正极材料"))
    assert ceiling == pytest.approx(without)  # unmatched words add nothing to the best possible score
