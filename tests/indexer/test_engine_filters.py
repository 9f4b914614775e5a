"""Filters are applied inside retrieval, in both value and range forms."""
import pytest
from engine_cases import CATHODE_NEED

from indexer import QueryError


def test_equality_filter_keeps_only_matching_docs(make_index):
    hits = make_index().search(CATHODE_NEED, limit=10, filters={"region": "四川"})
    assert {h.id for h in hits} == {"cathode", "bms"}


def test_filter_applies_before_the_cut(make_index):
    # the only doc in 重庆 is far down for this query; limit=1 must still return it
    hits = make_index().search(CATHODE_NEED, limit=1, filters={"region": "重庆"})
    assert [h.id for h in hits] == ["vision"]


def test_list_values_match_any_element(make_index):
    index = make_index()
    assert {h.id for h in index.search("电池", 10, {"field": "0401"})} == {"cathode"}
    assert {h.id for h in index.search("电池", 10, {"coop": ["license", "development"]})} == \
        {"cathode", "bms", "recycling", "vision"}


def test_numeric_ranges_and_combination(make_index):
    index = make_index()
    assert {h.id for h in index.search("电池", 10, {"trl": {"min": 6, "max": 7}})} == {"cathode", "bms", "vision"}
    assert {h.id for h in index.search("电池", 10, {"budget": {"max": 25}, "region": "四川"})} == {"bms"}
    assert {h.id for h in index.search("电池", 10, {"trl": 8})} == {"wheat"}


def test_unknown_values_and_fields_match_nothing(make_index):
    index = make_index()
    assert index.search("电池", 10, {"region": "火星"}) == []
    assert index.search("电池", 10, {"no_such_field": "x"}) == []


@pytest.mark.parametrize("bad", [["region"], {"trl": {"above": 3}}, {"trl": {"min": "high"}}, {"region": []},
                                 {"region": {}}, {"region": [{"a": 1}]}])
def test_malformed_filters_raise(make_index, bad):
    with pytest.raises(QueryError):
        make_index().search("电池", 10, bad)
