"""Logins end when they should: a password change or a deactivation ends the user's other sessions
and remember-me cookies; registration attempts are rate-limited per IP."""
from models import Role

NEW_PASSWORD = "Str0ng!Pass#2026"


def sign_in(app, email: str, password: str, remember: bool = True):
    """A test client signed in through the real login form."""
    c = app.test_client()
    data = {"email": email, "password": password}
    if remember:
        data["remember"] = "y"
    assert c.post("/auth/login", data=data).status_code == 302
    return c


def client_with(app, name: str, value: str):
    """A fresh client holding only the cookie ``name`` (as a stolen or forgotten cookie would be)."""
    c = app.test_client()
    c.set_cookie(name, value)
    return c


def dashboard_status(c) -> int:
    return c.get("/dashboard").status_code


def cookies_of(c) -> dict[str, str]:
    return {name: c.get_cookie(name).value for name in ("session", "remember_token")}


def test_password_change_ends_other_logins_and_keeps_the_changing_one(app, make_user, password):
    user = make_user(Role.RESEARCHER)
    other = sign_in(app, user.email, password)
    old = cookies_of(other)
    for name, value in old.items():  # each cookie alone signs a fresh browser in, before the change
        assert dashboard_status(client_with(app, name, value)) == 200, name

    changer = sign_in(app, user.email, password)
    response = changer.post("/auth/password", data={"current": password, "password": NEW_PASSWORD,
                                                    "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert dashboard_status(changer) == 200

    assert dashboard_status(other) == 302
    for name, value in old.items():
        response = client_with(app, name, value).get("/dashboard")
        assert response.status_code == 302 and "/auth/login" in response.location, name
    # The changing browser's re-issued remember-me cookie carries the new token and still works.
    assert dashboard_status(client_with(app, "remember_token", changer.get_cookie("remember_token").value)) == 200


def test_deactivation_ends_sessions_for_good(app, make_user, login_as, password):
    user = make_user(Role.ENTERPRISE)
    victim = sign_in(app, user.email, password)
    old = cookies_of(victim)
    admin = login_as(Role.ADMIN)
    assert admin.post(f"/admin/users/{user.id}/active", data={"active": "0"}).status_code == 302
    assert admin.post(f"/admin/users/{user.id}/active", data={"active": "1"}).status_code == 302
    # Re-activated, the account signs in again with its password, but not with the old cookies.
    assert dashboard_status(victim) == 302
    for name, value in old.items():
        assert dashboard_status(client_with(app, name, value)) == 302, name
    assert dashboard_status(sign_in(app, user.email, password, remember=False)) == 200


def test_a_cookie_holding_the_bare_user_id_signs_nobody_in(app, make_user):
    user = make_user(Role.RESEARCHER)
    c = app.test_client()
    with c.session_transaction() as sess:
        sess["_user_id"] = str(user.id)  # what sessions held before session tokens
    assert dashboard_status(c) == 302
    with c.session_transaction() as sess:
        sess["_user_id"] = f"{user.id}:not-the-token"
    assert dashboard_status(c) == 302


def test_logout_ends_the_session_and_every_saved_cookie(app, make_user, password):
    """A session cookie copied before logout, or a remember-me cookie replayed after it, signs nobody in."""
    user = make_user(Role.RESEARCHER)
    browser = sign_in(app, user.email, password)
    saved = cookies_of(browser)
    other_device = sign_in(app, user.email, password)
    assert browser.post("/auth/logout").status_code == 302
    for name, value in saved.items():
        response = client_with(app, name, value).get("/dashboard")
        assert response.status_code == 302 and "/auth/login" in response.location, name
    assert dashboard_status(other_device) == 302
    assert dashboard_status(sign_in(app, user.email, password)) == 200  # the password still works


def test_a_sign_in_lasts_at_most_the_remember_duration(app, make_user, password):
    """The sign-in time travels signed with the cookie; an older one is refused whatever the cookie claims."""
    from datetime import timedelta

    user = make_user(Role.RESEARCHER)
    remembered = sign_in(app, user.email, password).get_cookie("remember_token").value
    assert dashboard_status(client_with(app, "remember_token", remembered)) == 200
    assert app.config["REMEMBER_COOKIE_DURATION"] <= timedelta(days=30)
    app.config["REMEMBER_COOKIE_DURATION"] = timedelta(seconds=-1)  # every sign-in is now too old
    assert dashboard_status(client_with(app, "remember_token", remembered)) == 302
    c = app.test_client()
    with c.session_transaction() as sess:
        sess["_user_id"] = f"{user.id}:{user.session_token}"  # no sign-in time: an older format
    app.config["REMEMBER_COOKIE_DURATION"] = timedelta(days=30)
    assert dashboard_status(c) == 302


def register_from(app, address: str, email: str):
    c = app.test_client()
    c.environ_base["REMOTE_ADDR"] = address
    return c.post("/auth/register", data={"role": "researcher", "name": "张三", "email": email,
                                          "password": "Tianfu#Lab2026", "confirm": "Tianfu#Lab2026",
                                          "org_choice": "existing", "organization": "无此机构"})


def test_registration_attempts_are_limited_per_ip(app, make_user):
    taken = make_user(Role.RESEARCHER)
    for _ in range(10):
        response = register_from(app, "10.1.0.1", taken.email)
        assert response.status_code == 200 and "该邮箱已注册" in response.get_data(as_text=True)
    response = register_from(app, "10.1.0.1", taken.email)
    assert response.status_code == 429 and "操作过于频繁" in response.get_data(as_text=True)
    page = app.test_client()
    page.environ_base["REMOTE_ADDR"] = "10.1.0.1"
    assert page.get("/auth/register").status_code == 200  # only POSTs count
    assert register_from(app, "10.1.0.2", taken.email).status_code == 200


def test_registration_limit_is_configurable(app, make_user):
    app.config["REGISTER_RATE_LIMIT"] = "2 per hour"
    taken = make_user(Role.RESEARCHER)
    assert [register_from(app, "10.2.0.1", taken.email).status_code for _ in range(3)] == [200, 200, 429]
