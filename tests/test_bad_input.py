"""Hostile ids and page numbers get a 404/422 with a Chinese message, or a clamped page: never a 500.

SQLite (and PostgreSQL) raise on integers past 64 bits instead of finding nothing, so every route
family is walked with ids and pages just past that limit, far past it, and too long for int().
"""
import re

import pytest

from matchmaker.params import MAX_ID, MAX_PAGE, id_arg, page_arg
from matchmaker.errors import ValidationError
from models import Role
from match_data import make_match

ANON = "anonymous"
CHINESE = re.compile(r"[\u4e00-\u9fff]{2,}")
HUGE_IDS = [str(MAX_ID + 1), "99999999999999999999", "9" * 5000]
HUGE_PAGES = [str(MAX_ID), "99999999999999999999", "9" * 5000, "-3", "0", "abc", "１２"]

# (role, method, path with {id}): every route family with an <int:...> in its URL
ID_ROUTES = [
    (ANON, "GET", "/achievements/{id}"),
    (ANON, "GET", "/needs/{id}"),
    (ANON, "GET", "/api/v1/needs/{id}"),
    (ANON, "GET", "/api/v1/achievements/{id}/related"),
    (Role.RESEARCHER, "GET", "/achievements/{id}/edit"),
    (Role.RESEARCHER, "POST", "/achievements/{id}/submit"),
    (Role.ENTERPRISE, "POST", "/needs/{id}/close"),
    (Role.BROKER, "GET", "/matches/{id}"),
    (Role.BROKER, "POST", "/matches/{id}/take"),
    (Role.ADMIN, "POST", "/matches/{id}/assign"),
    (Role.BROKER, "GET", "/api/v1/matches/{id}"),
    (Role.BROKER, "POST", "/review/needs/{id}/approve"),
    (Role.BROKER, "GET", "/roadshows/{id}"),
    (Role.BROKER, "POST", "/roadshows/{id}/items/{id}/move"),
    (Role.RESEARCHER, "POST", "/notifications/{id}/read"),
    (Role.RESEARCHER, "POST", "/notifications/saved-searches/{id}/delete"),
    (Role.ADMIN, "POST", "/admin/users/{id}/active"),
    (Role.ADMIN, "POST", "/admin/organizations/{id}/verify"),
]

# (role, method, path, form): ids carried by the query string or a form -> 422 (or 404 when the id is unknown)
ARG_CASES = [
    (Role.BROKER, "GET", "/matches/new?need_id={id}", None, 422),
    (Role.BROKER, "GET", "/matches/new?achievement_id={id}", None, 422),
    (Role.BROKER, "GET", "/matches/new?need_id=abc", None, 422),
    (Role.BROKER, "POST", "/matches/new", {"need_id": "{id}", "achievement_id": "{id}"}, 404),
    (Role.BROKER, "POST", "/roadshows/items", {"roadshow_id": "{id}"}, 422),
    (Role.BROKER, "POST", "/roadshows/items", {"roadshow_id": "1", "achievement_id": "{id}"}, 422),
    (Role.BROKER, "POST", "/roadshows/items", {"roadshow_id": "1", "match_id": "x1"}, 422),
]

# (role, path): every paginated page
PAGED = [
    (Role.ADMIN, "/admin/users"),
    (Role.ADMIN, "/admin/organizations"),
    (Role.BROKER, "/matches/"),
    (Role.BROKER, "/api/v1/matches"),
    (Role.RESEARCHER, "/notifications/"),
    (ANON, "/achievements/"),
    (ANON, "/needs/"),
    (ANON, "/api/v1/needs"),
]


@pytest.fixture
def as_role(app, login_as):
    """A client for a role (anonymous: a plain client); a server error becomes a 500 response, not a raise."""
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def client(role):
        return app.test_client() if role == ANON else login_as(role)

    return client


def message_of(response) -> str:
    """The user-facing text: the JSON problem's message on the API, the page otherwise."""
    return response.get_json()["message"] if response.is_json else response.get_data(as_text=True)


@pytest.mark.parametrize("role,method,path", ID_ROUTES, ids=[f"{m} {p}" for _, m, p in ID_ROUTES])
def test_out_of_range_ids_in_urls_are_404(as_role, subtests, role, method, path):
    client = as_role(role)
    for huge in HUGE_IDS:
        with subtests.test(id=huge[:25]):
            response = client.open(path.format(id=huge), method=method)
            assert response.status_code == 404, message_of(response)[:300]
            assert "不存在" in message_of(response)
            assert response.is_json == path.startswith("/api/")


@pytest.mark.parametrize("role,method,path", ID_ROUTES[:4], ids=[p for _, _, p in ID_ROUTES[:4]])
def test_the_largest_id_is_still_a_route_and_a_plain_miss(as_role, role, method, path):
    response = as_role(role).open(path.format(id=MAX_ID), method=method)
    assert response.status_code == 404 and "不存在" in message_of(response)


@pytest.mark.parametrize("role,method,path,form,status", ARG_CASES, ids=[f"{m} {p} {f}" for _, m, p, f, _ in ARG_CASES])
def test_bad_ids_in_query_strings_and_forms_are_refused(as_role, role, method, path, form, status):
    data = {k: v.format(id=HUGE_IDS[1]) for k, v in form.items()} if form else None
    response = as_role(role).open(path.format(id=HUGE_IDS[1]), method=method, data=data)
    assert response.status_code == status, message_of(response)[:300]
    assert CHINESE.search(message_of(response))


def test_reassigning_to_an_out_of_range_broker_is_refused(app, as_role):
    match = make_match()
    admin = as_role(Role.ADMIN)
    for bad in ("99999999999999999999", "two"):
        response = admin.post(f"/matches/{match.id}/assign", data={"broker_id": bad})
        assert response.status_code == 422 and "不是有效的编号" in message_of(response)
    assert admin.post(f"/matches/{match.id}/assign", data={"broker_id": "0"}).status_code == 302


@pytest.mark.parametrize("role,path", PAGED, ids=[p for _, p in PAGED])
def test_any_page_number_renders_a_clamped_page(as_role, subtests, role, path):
    client = as_role(role)
    for page in HUGE_PAGES:
        with subtests.test(page=page[:25]):
            response = client.get(f"{path}?page={page}")
            assert response.status_code == 200, message_of(response)[:300]
            if response.is_json:
                assert 1 <= response.get_json()["page"] <= MAX_PAGE
            else:
                assert CHINESE.search(response.get_data(as_text=True))


def test_page_arg_clamps_and_id_arg_refuses(app):
    assert [page_arg({"page": p}) for p in ("7", "0", "-2", "x", "", str(MAX_ID), "9" * 5000, " 3 ")] == \
        [7, 1, 1, 1, 1, MAX_PAGE, MAX_PAGE, 3]
    assert page_arg({}) == 1
    assert [id_arg("id", {"id": v}) for v in ("12", "0", "", " ")] + [id_arg("id", {})] == [12, 0, None, None, None]
    assert id_arg("id", {"id": str(MAX_ID)}) == MAX_ID
    for bad in (str(MAX_ID + 1), "9" * 5000, "-1", "1.5", "abc", "²"):
        with pytest.raises(ValidationError):
            id_arg("id", {"id": bad})
