"""Cron's view of the commands: work that failed is one error line and exit 1, never a quiet exit 0."""
import os
import subprocess
import sys

import sqlalchemy as sa

from models import IndexState

from match_data import make_achievement

ROOT = os.path.dirname(os.path.dirname(__file__))


def flask_cli(app, *args, index_dir):
    """Run the real `flask` command on the test's database; return the finished process."""
    env = dict(os.environ, FLASK_APP="wsgi", MATCHMAKER_SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
               MATCHMAKER_INDEX_DIR=str(index_dir), MATCHMAKER_SCHEDULER_ENABLED="false")
    flask = os.path.join(os.path.dirname(sys.executable), "flask")
    return subprocess.run([flask, *args], env=env, capture_output=True, text=True, timeout=120, cwd=ROOT)


def test_reindex_pending_exits_1_when_the_index_cannot_be_written(app, db, tmp_path):
    ach = make_achievement(index_state=IndexState.PENDING)
    index_dir = tmp_path / "cron-index"
    index_dir.mkdir()
    (index_dir / "achievements").write_text("not a folder")  # every write fails, as on a full or read-only disk
    done = flask_cli(app, "reindex", "--pending", index_dir=index_dir)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "failed 1" in done.stderr and "仍待同步" in done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    db.session.expire_all()
    assert ach.index_state == IndexState.PENDING


def test_reindex_pending_with_nothing_failed_still_exits_0(app, runner):
    make_achievement(index_state=IndexState.SYNCED)
    result = runner.invoke(args=["reindex", "--pending"])
    assert result.exit_code == 0 and "re-synced 0 listings" in result.output


def test_worker_once_exits_1_with_one_line_when_a_job_raises(app, db, tmp_path):
    db.session.execute(sa.text("ALTER TABLE need RENAME TO need_gone"))  # expire_needs can no longer query
    db.session.commit()
    done = flask_cli(app, "worker", "--once", "--job", "expire_needs", "--job", "flush_outbox",
                     index_dir=tmp_path / "index")
    assert done.returncode == 1, done.stdout + done.stderr
    failures = [line for line in done.stderr.splitlines() if line.startswith("expire_needs:")]
    assert len(failures) == 1 and "失败" in failures[0], done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert "flush_outbox: {" in done.stdout  # the other jobs still ran
    assert "expire_needs: None" not in done.stdout


def test_worker_once_exits_0_when_every_job_succeeds(app, runner):
    result = runner.invoke(args=["worker", "--once", "--job", "expire_needs"])
    assert result.exit_code == 0 and "expire_needs: 0" in result.output, result.output


def test_the_worker_repairs_listings_whose_index_write_failed(app, db, runner, tmp_path):
    ach = make_achievement(index_state=IndexState.PENDING)
    result = runner.invoke(args=["worker", "--once", "--job", "reindex_pending"])
    assert result.exit_code == 0 and "reindex_pending: 1" in result.output, result.output
    db.session.expire_all()
    assert ach.index_state == IndexState.SYNCED
    broken = make_achievement(index_state=IndexState.PENDING)
    index_dir = tmp_path / "cron-index"
    index_dir.mkdir()
    (index_dir / "achievements").write_text("not a folder")
    done = flask_cli(app, "worker", "--once", "--job", "reindex_pending", index_dir=index_dir)
    assert done.returncode == 1 and "reindex_pending:" in done.stderr and "Traceback" not in done.stderr
    db.session.expire_all()
    assert broken.index_state == IndexState.PENDING
