"""CSRF, password hashing, login rate limiting, error pages and route access declarations."""
import re

import pytest
import sqlalchemy as sa

from matchmaker.errors import Conflict
from models import Role, User


def test_post_without_csrf_token_is_rejected_in_chinese(password, app, client, make_user):
    app.config["WTF_CSRF_ENABLED"] = True
    user = make_user()
    response = client.post("/auth/login", data={"email": user.email, "password": password})
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True) and "请刷新页面后重新提交" in response.get_data(as_text=True)
    assert client.get("/dashboard").status_code == 302  # not logged in


def test_post_with_csrf_token_from_the_form_is_accepted(password, app, client, make_user):
    app.config["WTF_CSRF_ENABLED"] = True
    user = make_user()
    page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/auth/login", data={"email": user.email, "password": password, "csrf_token": token})
    assert response.status_code == 302
    logout_token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/dashboard").get_data(as_text=True))
    assert client.post("/auth/logout", data={"csrf_token": logout_token.group(1)}).status_code == 302


def test_admin_action_without_csrf_token_is_rejected(app, login_as, make_user, db):
    target = make_user(Role.ENTERPRISE)
    admin = login_as(Role.ADMIN)
    app.config["WTF_CSRF_ENABLED"] = True
    assert admin.post(f"/admin/users/{target.id}/active", data={"active": "0"}).status_code == 400
    db.session.refresh(target)
    assert target.active is True


def test_passwords_are_stored_hashed(db, make_user):
    user = make_user(password="Plain1234secret")
    stored = db.session.scalar(sa.select(User.password_hash).where(User.id == user.id))
    assert "Plain1234secret" not in stored
    assert stored.split(":")[0] in ("scrypt", "pbkdf2")
    assert user.check_password("Plain1234secret") and not user.check_password("plain1234secret")


def test_eleventh_failed_login_within_a_minute_gets_429(client, make_user, auth):
    user = make_user()
    for _ in range(10):
        assert auth.login(user.email, "wrong-pass1").status_code == 200
    response = auth.login(user.email, "wrong-pass1")
    assert response.status_code == 429
    assert "操作过于频繁" in response.get_data(as_text=True)
    assert auth.login(user.email).status_code == 429  # even the right password waits


def test_login_limit_also_applies_per_email_across_addresses(password, app, make_user):
    user = make_user()
    for n in range(10):
        c = app.test_client()
        c.environ_base["REMOTE_ADDR"] = f"10.0.0.{n}"
        c.post("/auth/login", data={"email": user.email, "password": "wrong-pass1"})
    c = app.test_client()
    c.environ_base["REMOTE_ADDR"] = "10.0.1.1"
    assert c.post("/auth/login", data={"email": user.email, "password": "wrong-pass1"}).status_code == 429
    other = make_user()
    assert c.post("/auth/login", data={"email": other.email, "password": password}).status_code == 302


def test_successful_logins_do_not_count_against_the_limit(password, app, make_user):
    user = make_user()
    for _ in range(12):
        c = app.test_client()
        assert c.post("/auth/login", data={"email": user.email, "password": password}).status_code == 302


def test_unknown_route_gets_chinese_404_page(client):
    response = client.get("/no/such/page")
    body = response.get_data(as_text=True)
    assert response.status_code == 404 and "页面不存在" in body and "<nav" in body


def test_forbidden_route_gets_chinese_403_page(login_as):
    response = login_as(Role.RESEARCHER).get("/admin/")
    assert response.status_code == 403 and "无权访问" in response.get_data(as_text=True)


def test_wrong_method_gets_chinese_405_page(client):
    response = client.delete("/")
    assert response.status_code == 405 and "请求方式不允许" in response.get_data(as_text=True)


def test_server_error_gets_chinese_500_page_without_traceback(app, client):
    def boom():
        raise RuntimeError("secret internals")

    app.add_url_rule("/_boom", "boom", boom)
    app.testing = False  # let the error handler answer instead of re-raising to the test
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/_boom")
    body = response.get_data(as_text=True)
    assert response.status_code == 500 and "服务器开小差了" in body
    assert "secret internals" not in body and "Traceback" not in body


def test_api_errors_are_json_problems(app, client):
    def conflict():
        raise Conflict("该记录已存在。", field="title")

    app.add_url_rule("/api/v1/_conflict", "conflict", conflict)
    missing = client.get("/api/v1/no-such-endpoint")
    assert missing.status_code == 404
    assert missing.get_json() == {"error": "not_found", "message": "您访问的页面不存在或已被删除。"}
    response = client.get("/api/v1/_conflict")
    assert response.status_code == 409
    assert response.get_json() == {"error": "conflict", "message": "该记录已存在。", "field": "title"}


def test_domain_error_on_a_page_gets_the_chinese_error_page(app, client):
    def conflict():
        raise Conflict("该记录已存在。")

    app.add_url_rule("/_conflict", "page_conflict", conflict)
    response = client.get("/_conflict")
    assert response.status_code == 409 and "该记录已存在。" in response.get_data(as_text=True)


def test_every_route_states_who_may_reach_it(app):
    """public, signed_in or role_required (matchmaker.security): no route is left undeclared."""
    views = {name: view for name, view in app.view_functions.items()
             if name != "static" and not name.startswith("bootstrap.")}
    assert {"main.index", "auth.login", "admin.users"} <= set(views)
    undeclared = [name for name, view in views.items() if not getattr(view, "access", None)]
    assert undeclared == []


def test_pages_load_assets_locally_never_from_a_cdn(client):
    page = client.get("/auth/login").get_data(as_text=True)
    assets = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', page)
    assert any("bootstrap" in a and a.endswith(".css") for a in assets)
    assert assets and all(a.startswith("/") and not a.startswith("//") for a in assets), assets
    for asset in assets:
        assert client.get(asset).status_code == 200


@pytest.mark.parametrize("proxies, second_client_limited", [(1, False), (0, True)])
def test_behind_a_proxy_the_forwarded_client_address_is_limited_not_the_proxy(tmp_path, proxies,
                                                                                second_client_limited):
    from matchmaker import create_app
    from matchmaker.extensions import db as _db

    app = create_app({"TESTING": True, "SECRET_KEY": "t", "PROXY_COUNT": proxies, "REGISTER_RATE_LIMIT": "3 per hour",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'proxy.db'}", "WTF_CSRF_ENABLED": False,
                      "INDEX_DIR": str(tmp_path / "index"), "RATELIMIT_STORAGE_URI": "memory://"})
    with app.app_context():
        _db.create_all()
        client = app.test_client()

        def register_from(address):
            return client.post("/auth/register", data={"email": "x"}, headers={"X-Forwarded-For": address},
                               environ_base={"REMOTE_ADDR": "10.9.9.9"})  # the proxy's own address

        assert [register_from("203.0.113.7").status_code for _ in range(3)] == [200, 200, 200]
        assert register_from("203.0.113.7").status_code == 429
        assert (register_from("198.51.100.2").status_code == 429) is second_client_limited
        _db.session.remove()
        _db.engine.dispose()
