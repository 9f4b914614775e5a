"""The scale-out database: the migrations and the main flows on a real PostgreSQL (Debian's package).

A throw-away cluster is started by the fixture on a free port (as the `postgres` system user when the
tests run as root, since PostgreSQL refuses to run as root); skipped where the package is missing.
"""
import glob
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

import pytest
import sqlalchemy as sa

from smtp_server import free_port

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def pg_binary(name: str) -> str | None:
    """Path of a PostgreSQL server program from the newest installed Debian package."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(p.split("/")[4]))
    return found[-1] if found else shutil.which(name)


@pytest.fixture(scope="module")
def postgres_url():
    """A fresh PostgreSQL cluster and database; yields its SQLAlchemy URL."""
    initdb, pg_ctl = pg_binary("initdb"), pg_binary("pg_ctl")
    if not initdb or not pg_ctl:
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql)")
    as_user = []
    # not under pytest's tmp folder: the server's user must be able to reach it
    folder = pathlib.Path(tempfile.mkdtemp(prefix="matchmaker-pg-"))
    if os.geteuid() == 0:  # the server refuses root: run it as the package's system user
        as_user = ["runuser", "-u", "postgres", "--"]
        shutil.chown(folder, "postgres")
    data, port = str(folder / "data"), free_port()
    subprocess.run(as_user + [initdb, "-D", data, "-A", "trust", "-U", "mm", "-E", "UTF8"],
                   check=True, capture_output=True)
    subprocess.run(as_user + [pg_ctl, "-D", data, "-w", "-l", str(folder / "log"),
                              "-o", f"-p {port} -k {folder} -h 127.0.0.1", "start"], check=True, capture_output=True)
    try:
        admin = sa.create_engine(f"postgresql+psycopg://mm@127.0.0.1:{port}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text("CREATE DATABASE matchmaker"))
        admin.dispose()
        yield f"postgresql+psycopg://mm@127.0.0.1:{port}/matchmaker"
    finally:
        subprocess.run(as_user + [pg_ctl, "-D", data, "-m", "fast", "stop"], capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def flask_cli(url: str, index_dir, *args) -> subprocess.CompletedProcess:
    """The real `flask` command against the PostgreSQL database."""
    env = dict(os.environ, FLASK_APP="wsgi", MATCHMAKER_SQLALCHEMY_DATABASE_URI=url,
               MATCHMAKER_INDEX_DIR=str(index_dir), MATCHMAKER_SCHEDULER_ENABLED="false")
    flask = os.path.join(os.path.dirname(sys.executable), "flask")
    done = subprocess.run([flask, *args], env=env, capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


@pytest.fixture(scope="module")
def demo_on_postgres(postgres_url, tmp_path_factory):
    """Migrated, seeded, indexed and matched demo data on PostgreSQL; yields (url, index folder)."""
    index_dir = tmp_path_factory.mktemp("pg-index")
    flask_cli(postgres_url, index_dir, "db", "upgrade")
    flask_cli(postgres_url, index_dir, "taxonomy", "load")
    flask_cli(postgres_url, index_dir, "seed-demo", "--limit", "40")
    flask_cli(postgres_url, index_dir, "reindex")
    matched = flask_cli(postgres_url, index_dir, "match", "--all")
    assert "Matched" in matched.stdout
    return postgres_url, index_dir


def test_migrations_build_the_models_schema_on_postgres_and_go_back_down(postgres_url, tmp_path):
    import flask_migrate
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from matchmaker import create_app
    from matchmaker.extensions import db

    url = postgres_url.rsplit("/", 1)[0] + "/migrations_only"
    admin = sa.create_engine(postgres_url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text("CREATE DATABASE migrations_only"))
    admin.dispose()
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "SQLALCHEMY_DATABASE_URI": url,
                      "INDEX_DIR": str(tmp_path / "index")})
    with app.app_context():
        flask_migrate.upgrade()
        with db.engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata) == []
        flask_migrate.downgrade(revision="base")
        assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}
        flask_migrate.upgrade()
        db.engine.dispose()


def test_every_role_walks_the_site_and_works_a_match_on_postgres(demo_on_postgres, tmp_path):
    from matchmaker import create_app
    from matchmaker.extensions import db
    from models import Achievement, Match, MatchState, Role, User

    url, index_dir = demo_on_postgres
    app = create_app({"SECRET_KEY": "t", "SQLALCHEMY_DATABASE_URI": url, "INDEX_DIR": str(index_dir),
                      "WTF_CSRF_ENABLED": False, "RATELIMIT_STORAGE_URI": "memory://"})
    pages = ["/", "/dashboard", "/achievements/", "/achievements/?q=电池", "/needs/", "/needs/?q=电池&challenge=1",
             "/matches/", "/matches/?sort=score", "/matches/mine", "/roadshows/", "/roadshows/shortlist",
             "/review/", "/admin/", "/admin/users", "/admin/organizations?q=大学", "/stats/", "/notifications/",
             "/api/v1/achievements?q=电池", "/api/v1/matches", "/achievements/mine", "/needs/mine"]
    logins = {"admin@demo.example.com": "Admin#2026", "broker.zhang@demo.example.com": "Broker#2026",
              "researcher.scu@demo.example.com": "Research#2026",
              "enterprise.cnbattery@demo.example.com": "Company#2026", None: None}
    # no app context held around the requests: each request gets its own, so no signed-in user leaks
    for email, password in logins.items():
        client = app.test_client()
        if email:
            assert client.post("/auth/login", data={"email": email, "password": password}).status_code == 302
        failures = [(email, page, code) for page in pages if (code := client.get(page).status_code) >= 500]
        assert failures == []
    with app.app_context():
        match = db.session.scalar(sa.select(Match).join(Achievement, Match.achievement_id == Achievement.id)
                                  .join(User, Achievement.owner_id == User.id)
                                  .where(Match.state == MatchState.NEW, User.role == Role.RESEARCHER)
                                  .order_by(Match.id))
        assert match is not None, "the demo produced no match of a researcher's achievement on PostgreSQL"
        match_id, owner_id = match.id, match.achievement.owner.get_id()
    admin = app.test_client()
    admin.post("/auth/login", data={"email": "admin@demo.example.com", "password": "Admin#2026"})
    for state in ("contacted", "introduced"):
        assert admin.post(f"/api/v1/matches/{match_id}/state", json={"state": state}).status_code == 200
    assert admin.post(f"/api/v1/matches/{match_id}/notes", json={"body": "已电话联系"}).status_code == 201
    researcher = app.test_client()
    with researcher.session_transaction() as sess:
        sess["_user_id"], sess["_fresh"] = owner_id, True
    assert researcher.post(f"/matches/{match_id}/answer", data={"answer": "accept"}).status_code == 302
    page = researcher.get("/matches/mine").get_data(as_text=True)
    assert f'data-match-id="{match_id}"' in page and "您已接受引荐" in page
    assert admin.get("/stats/").status_code == 200  # the funnel's grouped SQL runs on PostgreSQL
    with app.app_context():
        assert db.session.get(Match, match_id).state == MatchState.INTRODUCED
        db.session.remove()
        db.engine.dispose()
