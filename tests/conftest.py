"""Shared fixtures: an app on a temp SQLite file and temp index dir, clients per role."""
import os

import pytest
from flask import g, request_started

from matchmaker import create_app
from matchmaker.extensions import db as _db
from models import Organization, OrgKind, Role, User

PASSWORD = "Passw0rd!demo"
_HASHES: dict[str, str] = {}  # password -> a real werkzeug hash, computed once per session (hashing is slow)


@pytest.fixture
def app(tmp_path):
    """A fresh app with its own SQLite file and index folder."""
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test",
        "SQLALCHEMY_DATABASE_URI": "sqlite:///" + os.path.join(tmp_path, "test.db"),
        "INDEX_DIR": os.path.join(tmp_path, "index"),
        "RATELIMIT_STORAGE_URI": "memory://",
        "IMPORT_BACKGROUND": False,  # uploads run in the request; test_import starts a real background one
        "WTF_CSRF_ENABLED": False,  # CSRF itself is tested with it on, in test_security.py
    })

    def forget_cached_user(sender, **extra):
        # Requests reuse the fixture's app context, so Flask-Login's per-request cache in g
        # would leak the previous request's user; in production every request has its own g.
        g.pop("_login_user", None)

    request_started.connect(forget_cached_user, app, weak=False)
    with app.app_context():
        _db.create_all()
        yield app
        _db.session.remove()
        _db.engine.dispose()
    request_started.disconnect(forget_cached_user, app)


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def password():
    """The password make_user gives every user unless told otherwise."""
    return PASSWORD


@pytest.fixture
def make_user(app):
    """Create a user of a role (with an organization where the role has one)."""
    counter = {"n": 0}

    def make(role: Role | str = Role.RESEARCHER, email: str | None = None, org: Organization | None = None,
             password: str = PASSWORD, **fields) -> User:
        role = Role(str(role))
        counter["n"] += 1
        n = counter["n"]
        if org is None and role in (Role.RESEARCHER, Role.ENTERPRISE, Role.BROKER):
            kind = {Role.RESEARCHER: OrgKind.UNIVERSITY, Role.ENTERPRISE: OrgKind.ENTERPRISE,
                    Role.BROKER: OrgKind.SERVICE}[role]
            org = Organization(name=f"测试机构{n}-{role.value}", kind=kind, region="四川", verified=True)
            _db.session.add(org)
        user = User(email=email or f"{role.value}{n}@example.cn", name=f"测试用户{n}", role=role,
                    organization=org, **fields)
        if password not in _HASHES:
            user.set_password(password)
            _HASHES[password] = user.password_hash
        user.password_hash = _HASHES[password]
        _db.session.add(user)
        _db.session.commit()
        return user

    return make


class AuthActions:
    """Log a test client in and out through the real login form."""

    def __init__(self, client):
        self._client = client

    def login(self, email: str, password: str = PASSWORD):
        return self._client.post("/auth/login", data={"email": email, "password": password})

    def logout(self):
        return self._client.post("/auth/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def login_as(app, make_user):
    """Return a test client logged in as a fresh user of ``role`` (CSRF off for brevity)."""

    def login(role: Role | str, **kwargs):
        user = make_user(role, **kwargs)
        c = app.test_client()
        with c.session_transaction() as sess:
            sess["_user_id"] = user.get_id()
            sess["_fresh"] = True
        c.user = user
        return c

    return login


@pytest.fixture
def university(db):
    """A verified university, 西南交通大学, that registrations can ask to join."""
    org = Organization(name="西南交通大学", kind=OrgKind.UNIVERSITY, region="四川", verified=True)
    db.session.add(org)
    db.session.commit()
    return org
