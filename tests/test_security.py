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


def client_at(app, address):
    c = app.test_client()
    c.environ_base["REMOTE_ADDR"] = address
    return c


def test_guessing_from_one_address_does_not_lock_the_owner_out(password, app, make_user):
    user = make_user()
    attacker = client_at(app, "10.0.0.66")
    for _ in range(11):
        attacker.post("/auth/login", data={"email": user.email, "password": "wrong-pass1"})
    assert attacker.post("/auth/login", data={"email": user.email, "password": password}).status_code == 429
    owner = client_at(app, "10.0.1.1")
    assert owner.post("/auth/login", data={"email": user.email, "password": password}).status_code == 302


def test_the_slow_per_account_backstop_stops_spread_guessing_and_tells_the_owner(password, app, make_user):
    from matchmaker.extensions import db
    from models import Notification, OutboxEmail

    app.config["LOGIN_ACCOUNT_RATE_LIMIT"] = "5 per hour"
    user = make_user()
    for n in range(5):
        client_at(app, f"10.0.0.{n}").post("/auth/login", data={"email": user.email, "password": "wrong-pass1"})
    def notes():
        return db.session.scalars(db.select(Notification).filter_by(user_id=user.id, kind="account_security")).all()

    assert notes() == []
    for n in range(2):  # breached twice: the owner hears once
        response = client_at(app, f"10.0.2.{n}").post("/auth/login", data={"email": user.email, "password": "x"})
        assert response.status_code == 429
    [note] = notes()
    assert "错误密码" in note.title
    assert len(db.session.scalars(db.select(OutboxEmail).filter_by(to_addr=user.email)).all()) == 1
    other = make_user()  # other accounts are not slowed
    assert client_at(app, "10.0.2.9").post("/auth/login", data={"email": other.email,
                                                                "password": password}).status_code == 302


def test_a_failed_login_costs_a_hash_check_whether_or_not_the_email_exists(app, make_user):
    """Timing does not tell registered e-mails apart: both paths check a password hash."""
    import time

    from matchmaker.auth.services import authenticate
    from matchmaker.errors import ValidationError

    user = make_user(password="Known!Account2026")

    def cost(email):
        start = time.perf_counter()
        try:
            authenticate(email, "wrong-pass1")
        except ValidationError:
            pass
        return time.perf_counter() - start

    cost("nobody@example.cn")  # the first call makes the dummy hash
    known = min(cost(user.email) for _ in range(3))
    unknown = min(cost("nobody@example.cn") for _ in range(3))
    assert unknown > known / 3  # a skipped hash check would be 10x faster or more


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


def test_every_response_carries_the_security_headers(client, login_as):
    for c, path in ((client, "/"), (client, "/auth/login"), (client, "/static/js/app.js"), (client, "/no/such"),
                    (login_as(Role.BROKER), "/api/v1/matches")):
        headers = c.get(path).headers
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"] and "script-src 'self'" in \
            headers["Content-Security-Policy"], path
        assert headers["X-Frame-Options"] == "DENY" and headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin", path


def test_templates_hold_no_inline_script_the_policy_would_block():
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parents[1] / "matchmaker" / "templates"
    for template in root.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"\son[a-z]+\s*=", text), template  # onclick=, onchange=, ...
        for attrs in re.findall(r"<script([^>]*)>", text):
            assert "src=" in attrs or "application/json" in attrs, template


def test_only_ascii_digits_are_ids(app, make_user, client):
    from listing_data import published

    researcher, admin = make_user(Role.RESEARCHER), make_user(Role.ADMIN)
    listing = published("achievements", researcher, admin)
    assert client.get(f"/achievements/{listing.id}").status_code == 200
    arabic_indic = "".join(chr(0x0660 + int(d)) for d in str(listing.id))  # ٣ for 3
    assert client.get(f"/achievements/{arabic_indic}").status_code == 404
    fullwidth = "".join(chr(0xFF10 + int(d)) for d in str(listing.id))
    assert client.get(f"/achievements/{fullwidth}").status_code == 404


def test_exports_are_rate_limited_per_user_and_per_address(app, client, login_as):
    app.config["EXPORT_RATE_LIMIT"] = "3 per minute"
    for _ in range(3):
        assert client.get("/needs/export.csv").status_code == 200
    response = client.get("/needs/export.csv")
    assert response.status_code == 429 and "操作过于频繁" in response.get_data(as_text=True)
    assert client.get("/needs/?q=电池").status_code == 200  # the hall itself is not slowed
    broker = login_as(Role.BROKER)
    broker.environ_base["REMOTE_ADDR"] = "10.0.3.1"
    for _ in range(3):
        assert broker.get("/achievements/export.csv").status_code == 200
    broker.environ_base["REMOTE_ADDR"] = "10.0.3.2"  # a new address does not reset the user's count
    assert broker.get("/stats/funnel.csv").status_code == 429


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(app):
    from matchmaker.extensions import db

    if db.engine.dialect.name != "sqlite":
        import pytest
        pytest.skip("SQLite only")
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar().lower() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == app.config["SQLITE_BUSY_TIMEOUT_MS"]
