"""Listing validation rules that keep bad text out of mail headers and database columns."""
import pytest

from matchmaker.listings.kinds import ACHIEVEMENTS, NEEDS
from matchmaker.listings.validation import InvalidListing, clean_listing

from listing_data import achievement_data, need_data


def test_a_title_typed_over_several_lines_is_stored_on_one(app):
    out = clean_listing(NEEDS, need_data(title="第一行标题\r\n  第二行标题\t完"))
    assert out["title"] == "第一行标题 第二行标题 完"


@pytest.mark.parametrize("field, value, message", [
    ("contact_name", "张" * 61, "联系人不超过 60 个字"),
    ("contact_email", "a" * 250 + "@x.cn", "联系邮箱不超过 254 个字"),
    ("contact_phone", "1" * 33, "联系电话"),
])
def test_overlong_contact_fields_get_a_chinese_error_on_their_field(app, field, value, message):
    with pytest.raises(InvalidListing) as caught:
        clean_listing(ACHIEVEMENTS, achievement_data(**{field: value}))
    assert message in caught.value.errors[field]


@pytest.mark.parametrize("value, expected", [("6", 6), (" 9 ", 9), ("１", 1), ("TRL", None), (7, 7)])
def test_trl_accepts_ascii_and_full_width_digits_1_to_9(app, value, expected):
    if expected is None:
        with pytest.raises(InvalidListing):
            clean_listing(ACHIEVEMENTS, achievement_data(trl=value))
    else:
        assert clean_listing(ACHIEVEMENTS, achievement_data(trl=value))["trl"] == expected


@pytest.mark.parametrize("value", ["①", "²", "٣", "0", "10", "6.5", "-1"])
def test_trl_that_only_looks_like_a_digit_gets_a_chinese_error(app, value):
    with pytest.raises(InvalidListing) as caught:
        clean_listing(ACHIEVEMENTS, achievement_data(trl=value))
    assert caught.value.errors["trl"] == "技术成熟度应为 1-9 的整数"



@pytest.mark.parametrize("kind, field, value, message", [
    (ACHIEVEMENTS, "title", "固态电池\x00空字节测试", "标题包含不允许的控制字符"),
    (ACHIEVEMENTS, "summary", "摘要足够长的一段文字\x07以及响铃字符", "摘要包含不允许的控制字符"),
    (ACHIEVEMENTS, "keywords", "固态电池，电\x00解质", "关键词“电\x00解质”包含不允许的控制字符"),
    (ACHIEVEMENTS, "innovation_points", "点" * 5001, "创新点不超过 5000 个字"),
    (ACHIEVEMENTS, "team", "团队\x00", "团队介绍包含不允许的控制字符"),
    (ACHIEVEMENTS, "contact_name", "李\x00老师", "联系人包含不允许的控制字符"),
    (ACHIEVEMENTS, "ip_items", [{"ip_type": "software", "number": "2021SR\x00123", "status": "granted"}],
     "编号包含不允许的控制字符"),
    (NEEDS, "indicators", "指" * 5001, "核心指标不超过 5000 个字"),
    (NEEDS, "description", "描" * 20001, "需求描述不超过 20000 个字"),
])
def test_free_text_is_capped_and_refuses_nul_and_control_characters(app, kind, field, value, message):
    data = achievement_data if kind is ACHIEVEMENTS else need_data
    with pytest.raises(InvalidListing) as caught:
        clean_listing(kind, data(**{field: value}))
    assert message in caught.value.errors[field]


def test_newlines_and_tabs_in_long_text_are_kept(app):
    out = clean_listing(ACHIEVEMENTS, achievement_data(key_indicators="离子电导率\r\n\t循环 2000 次"))
    assert out["key_indicators"] == "离子电导率\r\n\t循环 2000 次"


@pytest.mark.parametrize("typed, terms", [
    ("固态电池，电解质、锂电池；正极", ["固态电池", "电解质", "锂电池", "正极"]),
    ("MDA-MB-231 细胞，1-氢-3,5-二甲基吡唑", ["MDA-MB-231 细胞", "1-氢-3,5-二甲基吡唑"]),
    ("lithium battery, solid electrolyte", ["lithium battery", "solid electrolyte"]),
    ("锂电池 正极材料  锂电池", ["锂电池", "正极材料"]),
    ("  ", []),
])
def test_keywords_split_on_the_strongest_separator_typed(typed, terms):
    from matchmaker.listings.validation import split_terms

    assert split_terms(typed) == terms


def test_edited_keywords_come_back_unchanged(app):
    from matchmaker.listings.forms import form_data
    from matchmaker.listings.validation import split_terms

    keywords = ["MDA-MB-231 细胞", "1-氢-3,5-二甲基吡唑", "锂电池"]
    assert split_terms(form_data({"keywords": keywords})["keywords"]) == keywords
