"""A real server on a free localhost port (in a thread) and Debian's chromium driven by Playwright."""
import os
import socket
import threading

import pytest
from werkzeug.serving import make_server

from matchmaker import create_app
from matchmaker.extensions import db
from models import Organization, OrgKind, Role, User

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PASSWORD = "Passw0rd!demo"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def live_app(tmp_path):
    """The app on its own SQLite file and index folder, CSRF on as in production."""
    app = create_app({
        "TESTING": True, "SECRET_KEY": "browser-test",
        "SQLALCHEMY_DATABASE_URI": "sqlite:///" + os.path.join(tmp_path, "browser.db"),
        "INDEX_DIR": os.path.join(tmp_path, "index"), "RATELIMIT_STORAGE_URI": "memory://",
    })
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def accounts(live_app):
    """A researcher (verified university) and an admin, by e-mail."""
    org = Organization(name="西南交通大学（测试）", kind=OrgKind.UNIVERSITY, region="四川", verified=True)
    users = {
        "researcher": User(email="researcher@example.cn", name="陈研究员", role=Role.RESEARCHER, organization=org),
        "admin": User(email="admin@example.cn", name="平台管理员", role=Role.ADMIN),
    }
    for user in users.values():
        user.set_password(PASSWORD)
        db.session.add(user)
    db.session.commit()
    return {role: u.email for role, u in users.items()}


@pytest.fixture
def server(live_app):
    """Base URL of the app served by werkzeug in a background thread."""
    httpd = make_server("127.0.0.1", free_port(), live_app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(5)


@pytest.fixture
def browser():
    """Debian's chromium under Playwright's sync API."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium fonts-noto-cjk")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def login(browser, server):
    """Open a fresh browser context logged in through the real login form; returns its page."""
    contexts = []

    def open_as(email: str):
        context = browser.new_context(locale="zh-CN")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20000)
        page.goto(f"{server}/auth/login")
        page.fill("#email", email)
        page.fill("#password", PASSWORD)
        page.click("form button[type=submit], form input[type=submit]")
        page.wait_for_url(lambda url: "/auth/login" not in url)
        return page

    yield open_as
    for context in contexts:
        context.close()
