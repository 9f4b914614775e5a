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
