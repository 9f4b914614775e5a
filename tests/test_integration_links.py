"""Listing pages lead into the broker workflow: manual match from a detail page, subscribe from a search."""
import re
from html import unescape

import pytest

from models import Role, SavedSearch

from listing_data import achievement_data, published
from match_data import rows


def manual_match_href(page: str) -> str | None:
    """The 手动匹配 link's target on a detail page, if the page has one."""
    found = re.search(r'<a[^>]*href="([^"]+)"[^>]*>手动匹配</a>', page)
    return unescape(found.group(1)) if found else None


def subscribe_form(page: str) -> tuple[str, dict] | None:
    """(action, fields) of the 订阅此搜索 form on a search page, if the page has one."""
    form = re.search(r'<form[^>]*action="([^"]+)"[^>]*id="save-search-form">(.*?)</form>', page, re.S)
    if form is None:
        return None
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form.group(2)))
    return unescape(form.group(1)), {k: unescape(v) for k, v in fields.items()}


@pytest.fixture
def listings(make_user):
    """A published achievement and need, with their owners and the approving admin."""
    researcher, enterprise, admin = make_user(Role.RESEARCHER), make_user(Role.ENTERPRISE), make_user(Role.ADMIN)
    return published("achievements", researcher, admin), published("needs", enterprise, admin)


@pytest.mark.parametrize("role", [Role.BROKER, Role.ADMIN])
def test_staff_open_the_manual_match_page_from_either_detail_page(listings, login_as, role):
    achievement, need = listings
    client = login_as(role)
    for listing, kind, param in ((achievement, "achievements", "achievement_id"), (need, "needs", "need_id")):
        href = manual_match_href(client.get(f"/{kind}/{listing.id}").get_data(as_text=True))
        assert href == f"/matches/new?{param}={listing.id}"
        page = client.get(href)
        assert page.status_code == 200 and listing.title in page.get_data(as_text=True)


def test_others_never_see_the_manual_match_link(app, listings, client, login_as):
    achievement, need = listings
    owner = app.test_client()  # the achievement's own researcher
    with owner.session_transaction() as sess:
        sess["_user_id"] = achievement.owner.get_id()
    viewers = [client, owner, login_as(Role.ENTERPRISE), login_as(Role.RESEARCHER)]
    for viewer in viewers:
        for url in (f"/achievements/{achievement.id}", f"/needs/{need.id}"):
            page = viewer.get(url)
            assert page.status_code == 200 and manual_match_href(page.get_data(as_text=True)) is None


def test_no_manual_match_link_before_a_listing_is_published(make_user, login_as):
    from matchmaker.listings import services
    from matchmaker.listings.kinds import get_kind

    researcher = make_user(Role.RESEARCHER)
    listing = services.create_listing(get_kind("achievements"), researcher, achievement_data())
    services.submit_listing(listing, researcher)
    page = login_as(Role.ADMIN).get(f"/achievements/{listing.id}").get_data(as_text=True)
    assert "审核" in page and manual_match_href(page) is None


def test_subscribe_saves_the_current_query_and_filters(app, login_as):
    app.config["WTF_CSRF_ENABLED"] = True  # the button must carry its own token
    client = login_as(Role.ENTERPRISE)
    page = client.get("/achievements/?q=固态电池&field=06&region=四川&stage=中试").get_data(as_text=True)
    action, fields = subscribe_form(page)
    assert fields["csrf_token"]
    response = client.post(action, data=fields)
    assert response.status_code == 302
    [search] = rows(SavedSearch, user_id=client.user.id)
    assert (search.target, search.query) == ("achievements", "固态电池")
    assert search.filters == {"field": "06", "region": "四川", "stage": "中试"}
    assert "固态电池" in client.get("/notifications/saved-searches").get_data(as_text=True)


def test_subscribe_on_the_needs_page_saves_a_needs_search(login_as):
    client = login_as(Role.RESEARCHER)
    action, fields = subscribe_form(client.get("/needs/?q=热失控&budget=50-200").get_data(as_text=True))
    client.post(action, data=fields)
    [search] = rows(SavedSearch, user_id=client.user.id)
    assert (search.target, search.query, search.filters) == ("needs", "热失控", {"budget": "50-200"})


def test_anonymous_visitors_and_empty_searches_get_no_subscribe_button(client, login_as):
    assert subscribe_form(client.get("/achievements/?q=固态电池").get_data(as_text=True)) is None
    assert subscribe_form(client.get("/needs/?q=热失控").get_data(as_text=True)) is None
    # nothing to subscribe to without a query (the service refuses an empty one)
    assert subscribe_form(login_as(Role.ENTERPRISE).get("/achievements/").get_data(as_text=True)) is None
