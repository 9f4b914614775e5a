"""The role matrix: each role against each route family gets the designed status.

Add a row per route: (method, path, {role: status}). ``ANON`` is the anonymous
visitor. 302 for an anonymous visitor means "redirected to the login page";
403 means a signed-in user of the wrong role. Every row's route must exist (a
renamed route fails its rows instead of silently losing its access check), except
the "no-such" rows that check the 404 of a route that is meant not to exist.
"""
import pytest

from models import Role

ANON, R, E, B, A = "anonymous", "researcher", "enterprise", "broker", "admin"
EVERYONE = (ANON, R, E, B, A)


def expect(anon=None, researcher=None, enterprise=None, broker=None, admin=None, all=None):
    """A {role: status} row; ``all`` fills the roles not named."""
    given = {ANON: anon, R: researcher, E: enterprise, B: broker, A: admin}
    return {role: status if status is not None else all for role, status in given.items()}


PUBLIC = expect(all=200)
SIGNED_IN = expect(anon=302, all=200)
ADMIN_ONLY = expect(anon=302, admin=200, all=403)
STAFF = expect(anon=302, broker=200, admin=200, all=403)  # brokers and admins
ADMIN_POST = expect(anon=302, admin=302, all=403)  # a form action that redirects back
RESEARCHER_ONLY = expect(anon=302, researcher=200, all=403)
ENTERPRISE_ONLY = expect(anon=302, enterprise=200, all=403)
LISTING_OWNERS = expect(anon=302, researcher=200, enterprise=200, all=403)
API_PUBLIC = expect(all=200)
API_STAFF = expect(anon=401, broker=200, admin=200, all=403)

MATRIX = [
    # main
    ("GET", "/", PUBLIC),
    ("GET", "/dashboard", expect(anon=302, admin=302, all=200)),  # admins land on /admin/
    ("GET", "/no-such-page", expect(all=404)),
    # auth
    ("GET", "/auth/login", expect(anon=200, all=302)),
    ("GET", "/auth/register", expect(anon=200, all=302)),
    ("POST", "/auth/logout", expect(anon=302, all=302)),
    ("GET", "/auth/logout", expect(all=405)),
    ("GET", "/auth/password", SIGNED_IN),
    # admin
    ("GET", "/admin/", ADMIN_ONLY),
    ("GET", "/admin/users", ADMIN_ONLY),
    ("GET", "/admin/users?role=broker&page=2", ADMIN_ONLY),
    ("GET", "/admin/organizations", ADMIN_ONLY),
    ("GET", "/admin/organizations?state=unverified&q=大学", ADMIN_ONLY),
    ("GET", "/admin/brokers/new", ADMIN_ONLY),
    ("POST", "/admin/organizations/1/verify", ADMIN_POST),
    ("POST", "/admin/users/1/active", ADMIN_POST),
    ("POST", "/admin/organizations/999/verify", expect(anon=302, admin=404, all=403)),
    # listings, broker workflow, API
    ("GET", "/achievements/", PUBLIC),
    ("GET", "/achievements/mine", RESEARCHER_ONLY),
    ("GET", "/achievements/new", RESEARCHER_ONLY),
    ("GET", "/achievements/999999", expect(all=404)),
    ("GET", "/needs/", PUBLIC),
    ("GET", "/needs/mine", ENTERPRISE_ONLY),
    ("GET", "/needs/new", ENTERPRISE_ONLY),
    ("GET", "/matches/", STAFF),
    ("GET", "/matches/mine", LISTING_OWNERS),
    ("GET", "/review/", STAFF),
    ("GET", "/roadshows/", STAFF),
    ("GET", "/roadshows/shortlist", STAFF),
    ("GET", "/stats/", STAFF),
    ("GET", "/notifications/", SIGNED_IN),
    ("GET", "/notifications/preferences", SIGNED_IN),
    ("GET", "/import/", ADMIN_ONLY),
    ("GET", "/api/v1/achievements", API_PUBLIC),
    ("GET", "/api/v1/needs", API_PUBLIC),
    ("GET", "/api/v1/matches", API_STAFF),
    ("GET", "/api/v1/no-such-endpoint", expect(all=404)),
]


def route_exists(app, method: str, path: str) -> bool:
    """True when some view answers ``path`` (any method)."""
    from werkzeug.exceptions import MethodNotAllowed, NotFound
    from werkzeug.routing import RequestRedirect

    adapter = app.url_map.bind("localhost")
    try:
        adapter.match(path.split("?")[0], method=method)
    except (MethodNotAllowed, RequestRedirect):
        return True
    except NotFound:
        return False
    return True


def meant_to_exist(path: str) -> bool:
    """Every row names a real route except the "no-such" rows, which check the 404 page itself."""
    return "no-such" not in path


def client_for(app, user):
    """A fresh test client, signed in as ``user`` when given (each row starts from a clean session)."""
    c = app.test_client()
    if user is not None:
        with c.session_transaction() as sess:
            sess["_user_id"] = user.get_id()
            sess["_fresh"] = True
    return c


def check_row(app, visitor, role: str, method: str, path: str, statuses: dict) -> None:
    """Assert that ``path`` is (or is not) a route as its row says, and answers ``role`` as designed."""
    assert route_exists(app, method, path) == meant_to_exist(path), f"no route for {method} {path}"
    response = client_for(app, visitor).open(path, method=method)
    body = response.get_data(as_text=True)
    assert response.status_code == statuses[role], body[:300]
    if role == ANON and statuses[role] == 302:
        assert "/auth/login" in response.location
    if path.startswith("/api/"):
        assert response.is_json or statuses[role] == 302
    elif statuses[role] in (403, 404, 405):
        assert "<html" in body and "Traceback" not in body


@pytest.mark.parametrize("role", EVERYONE)
def test_role_matrix(app, make_user, subtests, role):
    make_user(Role.RESEARCHER)  # organization 1 and user 1: the targets of the POST rows
    visitor = None if role == ANON else make_user(Role(role))
    for method, path, statuses in MATRIX:
        with subtests.test(msg=f"{method} {path} as {role}"):
            check_row(app, visitor, role, method, path, statuses)


@pytest.mark.parametrize("row", [("GET", "/achievement/999999", expect(all=404)),  # a renamed route
                                 ("POST", "/admin/user/1/active", expect(all=404))])
def test_a_row_whose_route_is_wrong_fails(app, row):
    """A row naming a route that does not exist fails instead of being skipped (its 404 would pass)."""
    method, path, statuses = row
    with pytest.raises(AssertionError):
        check_row(app, None, ANON, method, path, statuses)
