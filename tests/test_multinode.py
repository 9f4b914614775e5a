"""Several web nodes for real: two gunicorn servers on different ports and an RQ worker, all on one real
PostgreSQL and one real Redis (Debian's packages, started here), with the embedded search backend on a shared
folder. A listing published on node A is indexed there, matched by the worker, found by a search on node B, and
its match is in the broker's queue on node B; failed logins are counted in Redis, so the limit holds across nodes.
"""
from http.cookiejar import CookieJar
import html
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
import sqlalchemy as sa

from smtp_server import free_port
from test_jobs import running_redis
from test_postgres import ROOT, flask_cli, postgres_url  # noqa: F401  (fixture: a throw-away PostgreSQL)

BIN = os.path.dirname(sys.executable)
SECRET = "multinode-test-secret"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A cookie-keeping HTTP client of one node that reads CSRF tokens off the forms, as a user's browser does."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()), NoRedirect())

    def request(self, path: str, data: dict | None = None) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, body, timeout=60) as response:
                return response.status, response.read().decode(), response.headers.get("Location", "")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace"), error.headers.get("Location", "")

    def get(self, path: str) -> str:
        status, page, _ = self.request(path)
        assert status == 200, (path, status)
        return page

    def post_form(self, page_path: str, action: str, data: dict) -> tuple[int, str, str]:
        """POST ``data`` to ``action`` with the CSRF token of the form on ``page_path``."""
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', self.get(page_path)).group(1)
        return self.request(action, {**data, "csrf_token": html.unescape(token)})

    def login(self, email: str, password: str) -> int:
        return self.post_form("/auth/login", "/auth/login", {"email": email, "password": password})[0]


def wait_for(check, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if (value := check()):
            return value
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def answers(node: str) -> bool:
    try:
        return Browser(node).request("/")[0] == 200
    except urllib.error.URLError:  # not listening yet
        return False


@pytest.fixture(scope="module")
def cluster(postgres_url, tmp_path_factory):  # noqa: F811
    """Two web nodes and an RQ worker on one migrated, seeded PostgreSQL, one Redis and a shared index folder."""
    with running_redis() as redis_url:
        yield from _cluster(postgres_url, redis_url, tmp_path_factory.mktemp("multinode"))


def _cluster(postgres_url, redis_url, tmp_path):
    index_dir = tmp_path / "shared-index"
    flask_cli(postgres_url, index_dir, "db", "upgrade")
    flask_cli(postgres_url, index_dir, "taxonomy", "load")
    flask_cli(postgres_url, index_dir, "seed-demo", "--limit", "40")
    flask_cli(postgres_url, index_dir, "reindex")
    env = dict(os.environ, FLASK_APP="wsgi", MATCHMAKER_SQLALCHEMY_DATABASE_URI=postgres_url,
               MATCHMAKER_INDEX_DIR=str(index_dir), MATCHMAKER_SECRET_KEY=SECRET, MATCHMAKER_JOB_QUEUE="redis",
               MATCHMAKER_REDIS_URL=redis_url, MATCHMAKER_RATELIMIT_STORAGE_URI=redis_url,
               MATCHMAKER_SCHEDULER_ENABLED="false", MATCHMAKER_MATCH_THRESHOLD="1", MATCHMAKER_WEB_WORKERS="1",
               MATCHMAKER_WEB_THREADS="2")
    processes, ports = [], []
    logs = tmp_path / "logs"
    logs.mkdir()
    try:
        for name in ("a", "b"):
            port = free_port()
            ports.append(port)
            processes.append(subprocess.Popen(
                [os.path.join(BIN, "gunicorn"), "-c", "python:matchmaker.serve", "wsgi:app"],
                env=dict(env, MATCHMAKER_WEB_BIND=f"127.0.0.1:{port}"), cwd=ROOT,
                stdout=open(logs / f"node-{name}.log", "w"), stderr=subprocess.STDOUT))
        processes.append(subprocess.Popen([os.path.join(BIN, "rq"), "worker", "--url", redis_url, "matchmaker"],
                                          env=env, cwd=ROOT, stdout=open(logs / "worker.log", "w"),
                                          stderr=subprocess.STDOUT))
        nodes = [f"http://127.0.0.1:{port}" for port in ports]
        for node in nodes:
            wait_for(lambda: answers(node), 120, f"{node} to answer (logs in {logs})")
        yield nodes, postgres_url, logs
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()


def test_a_listing_published_on_one_node_is_matched_by_the_worker_and_found_on_the_other(cluster):
    (node_a, node_b), url, logs = cluster
    engine = sa.create_engine(url)
    with engine.connect() as conn:  # a published demo need a covering broker works on: its text is the bait
        need = conn.execute(sa.text(
            "SELECT n.id, n.title, n.description, n.field_code FROM need n WHERE n.status = 'published' "
            "AND substr(n.field_code, 1, 2) IN ('04', '06', '07') ORDER BY n.id LIMIT 1")).one()
    title = f"{need.title}的成套解决方案"
    researcher = Browser(node_a)
    assert researcher.login("researcher.scu@demo.example.com", "Research#2026") == 302
    status, _, location = researcher.post_form("/achievements/new", "/achievements/new", {
        "title": title, "summary": need.description + " 本成果已完成中试验证，可提供成套工艺与装备。",
        "keywords": "", "field_code": need.field_code, "region": "四川", "coop_modes": ["transfer"],
        "price_mode": "negotiable"})
    assert status == 302, "the achievement was not saved"
    achievement_id = int(location.rstrip("/").rsplit("/", 1)[1])
    detail = f"/achievements/{achievement_id}"
    assert researcher.post_form(detail, f"{detail}/submit", {})[0] == 302
    admin = Browser(node_a)
    assert admin.login("admin@demo.example.com", "Admin#2026") == 302
    status, _, _ = admin.post_form(detail, f"/review/achievements/{achievement_id}/approve", {"reason": ""})
    assert status == 302

    def matched():
        with engine.connect() as conn:
            return conn.execute(sa.text("SELECT id FROM match WHERE achievement_id = :a AND need_id = :n"),
                                {"a": achievement_id, "n": need.id}).scalar()
    match_id = wait_for(matched, 90, "the worker to match the new achievement "
                                     f"(worker log: {(logs / 'worker.log').read_text()[-2000:]})")

    found = Browser(node_b).get("/achievements/?" + urllib.parse.urlencode({"q": need.title}))
    assert f'href="/achievements/{achievement_id}"' in found  # node B reads node A's index writes
    broker = Browser(node_b)
    assert broker.login("broker.zhang@demo.example.com", "Broker#2026") == 302
    queue = broker.get("/matches/?scope=all")
    assert f'data-match-id="{match_id}"' in queue or f"/matches/{match_id}" in queue
    engine.dispose()


def test_failed_logins_are_counted_across_nodes(cluster):
    (node_a, node_b), _, _ = cluster
    email = "enterprise.cnbattery@demo.example.com"
    for i in range(10):  # the limit is 10 failures a minute per (account, address), alternating nodes
        assert Browser(node_a if i % 2 else node_b).login(email, "wrong-password-1") == 200
    assert Browser(node_a).login(email, "wrong-password-1") == 429
    assert Browser(node_b).login(email, "Company#2026") == 429  # node B knows what node A counted
