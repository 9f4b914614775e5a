"""Contact fields (and an achievement's team) reach brokers and admins only: pages, exports, API."""
import pytest

from models import Role

from listing_data import published

SECRETS = ("李老师", "028-85401234", "li.secret@example.edu.cn", "李教授团队",
           "王经理", "13800001111", "wang.secret@example.com")


@pytest.fixture
def pair(app, make_user):
    admin = make_user(Role.ADMIN)
    ach = published("achievements", make_user(Role.RESEARCHER), admin)
    need = published("needs", make_user(Role.ENTERPRISE), admin)
    return ach, need


def urls(ach, need) -> list[str]:
    return [f"/achievements/{ach.id}", f"/needs/{need.id}", "/achievements/", "/needs/",
            "/achievements/?q=锂电池", "/needs/?q=锂电池",
            "/achievements/export.csv", "/needs/export.csv", "/achievements/export.csv?q=电解质",
            "/api/v1/achievements", "/api/v1/needs", "/api/v1/achievements?q=锂电池",
            f"/api/v1/achievements/{ach.id}", f"/api/v1/needs/{need.id}",
            f"/api/v1/achievements/{ach.id}/related", f"/api/v1/needs/{need.id}/related"]


@pytest.mark.parametrize("role", [None, Role.RESEARCHER, Role.ENTERPRISE])
def test_private_fields_never_reach_other_roles(app, pair, login_as, role):
    client = login_as(role) if role else app.test_client()
    for url in urls(*pair):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.get_data(as_text=True)
        leaked = [s for s in SECRETS if s in body]
        assert not leaked, (url, leaked)


def test_owners_do_not_see_the_other_sides_contacts_in_their_matches_panel(app, pair, make_user):
    ach, need = pair
    client = app.test_client()
    with client.session_transaction() as sess:
        sess["_user_id"] = ach.owner.get_id()
    panel = client.get(f"/achievements/{ach.id}").get_data(as_text=True)
    assert need.title in panel and "wang.secret@example.com" not in panel and "王经理" not in panel


@pytest.mark.parametrize("role", [Role.BROKER, Role.ADMIN])
def test_brokers_and_admins_see_contacts_everywhere_they_need_them(app, pair, login_as, role):
    ach, need = pair
    client = login_as(role)
    detail = client.get(f"/achievements/{ach.id}").get_data(as_text=True)
    assert all(s in detail for s in SECRETS[:4])
    export = client.get("/needs/export.csv").get_data(as_text=True)
    assert "联系邮箱" in export and "wang.secret@example.com" in export
    api = client.get(f"/api/v1/achievements/{ach.id}").get_json()
    assert api["contact_email"] == "li.secret@example.edu.cn" and api["team"].startswith("李教授团队")
    listed = client.get("/api/v1/needs").get_json()["items"][0]
    assert listed["contact_phone"] == "13800001111"


def test_public_export_has_no_contact_columns(app, pair, client):
    export = client.get("/achievements/export.csv")
    text = export.get_data(as_text=True)
    assert export.mimetype == "text/csv" and text.startswith("\ufeff编号,机构,外部编号,标题")
    assert "联系" not in text.splitlines()[0] and "团队" not in text.splitlines()[0]
    assert pair[0].title in text


@pytest.mark.parametrize("role", [None, Role.RESEARCHER, Role.ENTERPRISE])
def test_edit_forms_of_other_peoples_listings_are_refused_without_their_contacts(app, pair, login_as, role):
    ach, need = pair
    client = login_as(role) if role else app.test_client()
    for url in (f"/achievements/{ach.id}/edit", f"/needs/{need.id}/edit"):
        response = client.get(url)
        assert response.status_code == (302 if role is None else 403), url
        body = response.get_data(as_text=True)
        assert not [s for s in SECRETS if s in body], url
