"""Jobs: the periodic schedule, `flask worker --once` end to end, and the RQ queue on a real Redis."""
import os
from contextlib import contextmanager
import shutil
import socket
import subprocess
import time

import pytest

from matchmaker.jobs import PERIODIC_JOBS, build_scheduler, enqueue, process_scheduler, run_job
from models import Match, Role

from match_data import cover, make_achievement, make_need, rows
from smtp_server import SmtpServer, free_port


def test_scheduler_has_every_periodic_job_and_the_digest_interval_from_config(app):
    app.config["DIGEST_INTERVAL_HOURS"] = 6
    scheduler = build_scheduler(app)
    assert {job.id for job in scheduler.get_jobs()} == set(PERIODIC_JOBS)
    assert scheduler.get_job("broker_digests").trigger.interval.total_seconds() == 6 * 3600
    assert "mon" in str(scheduler.get_job("weekly_shortlist").trigger)
    assert str(scheduler.get_job("weekly_shortlist").trigger.timezone) == "Asia/Shanghai"  # the centre's Monday


def test_worker_once_runs_the_jobs_and_the_digest_reaches_smtp(app, runner, make_user):
    from match_data import make_match

    server = SmtpServer(free_port()).start()
    try:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port)
        broker = cover(make_user(Role.BROKER), "06")
        make_match()
        result = runner.invoke(args=["worker", "--once", "--job", "broker_digests", "--job", "flush_outbox"])
        assert result.exit_code == 0, result.output
        assert [m["To"] for m in server.inbox.messages] == [broker.email]
    finally:
        server.stop()


@contextmanager
def running_redis():
    """A throw-away redis-server on a free port (skips where Debian's redis-server is missing); yields its URL."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    proc = subprocess.Popen([binary, "--port", str(port), "--save", "", "--appendonly", "no"],
                            stdout=subprocess.DEVNULL)
    for _ in range(50):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            break
        except OSError:
            time.sleep(0.1)
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(5)


@pytest.fixture
def redis_url():
    with running_redis() as url:
        yield url


def test_redis_mode_queues_matching_until_a_worker_runs_it(app, redis_url):
    from redis import Redis
    from rq import Queue, SimpleWorker

    app.config.update(JOB_QUEUE="redis", REDIS_URL=redis_url, MATCH_THRESHOLD=0)
    need, ach = make_need(), make_achievement()
    from matchmaker.listings.index import sync_listings

    sync_listings([need, ach])
    enqueue("matchmaker.matches.matching.match_listing_by_id", "needs", need.id)
    assert rows(Match) == []  # queued, not run
    connection = Redis.from_url(redis_url)
    SimpleWorker([Queue("matchmaker", connection=connection)], connection=connection).work(burst=True)
    assert [(m.need_id, m.achievement_id) for m in rows(Match)] == [(need.id, ach.id)]


def settings(tmp_path, name: str, **config) -> dict:
    """create_app overrides for a throw-away app with its own database and index folder."""
    return {"SECRET_KEY": "t", "INDEX_DIR": str(tmp_path / f"index-{name}"),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / name}.sqlite", **config}


def test_scheduler_enabled_starts_one_per_process_from_the_app_factory(tmp_path):
    from matchmaker import create_app

    app = create_app(settings(tmp_path, "first", SCHEDULER_ENABLED=True))
    scheduler = app.extensions["scheduler"]
    try:
        assert scheduler.running and {j.id for j in scheduler.get_jobs()} == set(PERIODIC_JOBS)
        assert process_scheduler() is scheduler
        second = create_app(settings(tmp_path, "second", SCHEDULER_ENABLED=True))
        assert "scheduler" not in second.extensions  # one schedule per process, not one per app
    finally:
        scheduler.shutdown(wait=False)
    assert process_scheduler() is None
    for name, config in (("default", {}), ("testing", {"SCHEDULER_ENABLED": True, "TESTING": True})):
        quiet = create_app(settings(tmp_path, name, **config))  # off by default, never under tests
        assert "scheduler" not in quiet.extensions and process_scheduler() is None, name


def test_registering_the_notifications_blueprint_starts_no_scheduler(tmp_path):
    from flask import Flask

    from matchmaker.notifications import bp

    app = Flask("bare")
    app.config.update(SCHEDULER_ENABLED=True)
    app.register_blueprint(bp)
    assert "scheduler" not in app.extensions and process_scheduler() is None  # only create_app starts it


def test_a_job_run_outside_the_web_app_starts_no_scheduler(tmp_path, monkeypatch):
    """An RQ worker runs each job in an app of its own, with the web's MATCHMAKER_* environment."""
    for key, value in settings(tmp_path, "rq", SCHEDULER_ENABLED="true").items():
        monkeypatch.setenv(f"MATCHMAKER_{key}", value)
    assert run_job("os.getpid") == os.getpid()  # ran inside a fresh create_app()
    assert process_scheduler() is None
