"""A GET never writes: every role's pages, over listings, a need past its deadline and a match, leave every
table as it was (a checksum of all rows before and after the crawl)."""
import hashlib
from datetime import date, timedelta

import pytest
from listing_data import published
from test_roles import MATRIX, client_for

from matchmaker.extensions import db as _db
from matchmaker.matches.matching import match_listing
from models import Match, Role

ROLES = (None, Role.RESEARCHER, Role.ENTERPRISE, Role.BROKER, Role.ADMIN)


def checksum() -> str:
    """A digest of every row of every table, in primary-key order."""
    digest = hashlib.sha256()
    for table in _db.metadata.sorted_tables:
        digest.update(table.name.encode())
        for row in _db.session.execute(_db.select(table).order_by(*table.primary_key.columns)):
            digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


@pytest.fixture
def world(app, make_user):
    """Both kinds published and matched, a need past its deadline, and one user per role."""
    app.config["MATCH_THRESHOLD"] = 1
    users = {role: make_user(role) for role in ROLES if role}
    admin = users[Role.ADMIN]
    achievement = published("achievements", users[Role.RESEARCHER], admin)
    need = published("needs", users[Role.ENTERPRISE], admin, title="高镍正极材料包覆改性技术需求",
                     description="需要提高高镍三元正极材料循环稳定性的表面包覆技术，用于动力锂电池。")
    due = published("needs", users[Role.ENTERPRISE], admin, title="到期的污泥干化需求")
    due.deadline = date.today() - timedelta(days=1)
    _db.session.commit()
    match_listing(need)
    match = _db.session.scalars(_db.select(Match)).first()
    return users, [f"/achievements/{achievement.id}", f"/needs/{need.id}", f"/needs/{due.id}",
                   f"/achievements/?q={achievement.title[:4]}", "/needs/?q=污泥", "/needs/?challenge=1"] \
        + ([f"/matches/{match.id}"] if match else [])


def test_every_page_of_every_role_leaves_the_database_unchanged(app, world):
    users, paths = world
    pages = [path for method, path, _ in MATRIX if method == "GET"] + paths
    before = checksum()
    for role in ROLES:
        client = client_for(app, users.get(role))
        for path in pages:
            assert client.get(path).status_code < 500, f"{path} as {role}"
        _db.session.rollback()
        assert checksum() == before, f"a GET as {role or 'anonymous'} wrote to the database"
