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

