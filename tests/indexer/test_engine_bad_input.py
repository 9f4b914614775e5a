"""Bad input gets a clear error or a sane result, never a crash or a corrupted index."""
import pytest

from indexer import Document, QueryError


@pytest.mark.parametrize("text", ["", "   \n\t ", None, 42])
def test_empty_or_non_text_query_raises(make_index, text):
    with pytest.raises(QueryError, match="query text"):
        make_index().search(text)


@pytest.mark.parametrize("limit", [0, -1, 1001, "5", 2.5, True])
def test_limit_out_of_range_raises(make_index, limit):
    with pytest.raises(QueryError, match="limit"):
        make_index().search("电池", limit=limit)


@pytest.mark.parametrize("text", ["lithium battery cathode coating", "🔋🔋⚡️ 锂电池😀正极", "锂\x00电\x07池\u200b正极\x1b[31m",
                                  "锂电池正极材料" * 15000, "！！！？？？"])
def test_odd_text_gives_a_sane_result(make_index, text):
    index = make_index()
    hits = index.search(text, limit=3)
    assert len(hits) <= 3 and all(0 <= h.score <= 100 for h in hits)
    if "锂电池" in text and "\x00" not in text:
        assert hits[0].id == "cathode"


def test_odd_documents_index_without_harm(make_index):
    index = make_index()
    odd = [Document("empty", {}, {}), Document("emoji", {"title": "🔋" * 50, "body": "\x00\x01" * 10}, {"trl": "n/a"}),
           Document("huge", {"title": "长文本", "body": "电池" * 60000}, {"budget": float("nan")})]
    assert index.upsert(odd) == 3
    assert index.search("锂电池正极", limit=1)[0].id == "cathode"
    with pytest.raises(ValueError):
        index.upsert([Document("", {"title": "x"}, {})])
    assert index.count() == 10
    index.save()
    assert index.search("锂电池正极", limit=1)[0].id == "cathode"


def test_limit_larger_than_the_index(make_index):
    assert len(make_index().search("电池", limit=1000)) <= 7


def test_empty_index_returns_nothing(make_index):
    assert make_index(docs=[]).search("电池") == []
