"""Every `flask` command answers a missing file or a bad option with one Chinese/click error line, no traceback."""
import gzip
import os
import subprocess
import sys

import pytest
import sqlalchemy as sa

from models import Achievement, Need, User

# (args, text the error line carries); {dir} is the test's temp folder with the files made by bad_files()
CASES = [
    (["seed-demo", "--corpus", "{dir}/plain.txt"], "无法读取语料文件"),
    (["seed-demo", "--corpus", "{dir}/objects.jsonl.gz"], "格式不符"),
    (["seed-demo", "--corpus", "{dir}/latin1.jsonl.gz"], "无法读取语料文件"),
    (["seed-demo", "--needs", "{dir}/plain.txt", "--limit", "1"], "无法读取需求文件"),
    (["seed-demo", "--needs", "{dir}/list.json", "--limit", "1"], "无法读取需求文件"),
    (["seed-demo", "--corpus", "{dir}/missing.gz"], "does not exist"),
    (["seed-demo", "--limit", "-1"], "--limit"),
    (["seed-demo", "--limit", "0"], "--limit"),
    (["seed-demo", "--limit", "lots"], "--limit"),
    (["import", "achievements", "{dir}/missing.csv"], "无法读取"),
    (["import", "needs", "{dir}/plain.txt", "--org", "没有这个机构"], "没有名为“没有这个机构”的机构"),
    (["reindex", "--pending=yes"], "--pending"),
    (["match", "--need", "99999999999999999999"], "--need"),
    (["match", "--need", "-4"], "--need"),
    (["match", "--achievement", "424242"], "没有编号为 424242 的成果"),
    (["create-admin", "--email", "not-an-email", "--name", "管理员", "--password", "Passw0rd!x"], "邮箱"),
    (["taxonomy", "load", "{dir}/missing.json"], "does not exist"),
    (["taxonomy", "load", "{dir}/plain.txt"], "分类文件格式错误"),
    (["worker", "--once", "--job", "no_such_job"], "--job"),
]


@pytest.fixture
def bad_files(tmp_path):
    """Files that are not what the commands expect."""
    (tmp_path / "plain.txt").write_text("这不是压缩文件\n", encoding="utf-8")
    (tmp_path / "list.json").write_text("[1, 2]", encoding="utf-8")
    with gzip.open(tmp_path / "objects.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.write('{"id": "x1", "title": "没有摘要和学科"}\n')
    with gzip.open(tmp_path / "latin1.jsonl.gz", "wb") as fh:
        fh.write('{"id": "é"}\n'.encode("latin-1"))
    return tmp_path


def count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.mark.parametrize("args,text", CASES, ids=[" ".join(a[:3]) for a, _ in CASES])
def test_bad_input_is_one_error_line_and_writes_nothing(runner, db, bad_files, args, text):
    result = runner.invoke(args=[a.format(dir=bad_files) for a in args])
    assert result.exit_code in (1, 2), result.output
    assert isinstance(result.exception, SystemExit), result.exception  # a clean exit, not an exception
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if text in line]
    assert len(lines) == 1, result.output
    assert count(db, User) == count(db, Achievement) == count(db, Need) == 0


def test_missing_default_taxonomy_file_is_an_error_line(app, runner, tmp_path):
    app.config["TAXONOMY_FILE"] = str(tmp_path / "gone.json")
    result = runner.invoke(args=["taxonomy", "load"])
    assert result.exit_code == 1 and "无法读取分类文件" in result.output and "Traceback" not in result.output


def test_worker_refuses_job_without_once_instead_of_running_every_job(app, tmp_path):
    # a subprocess with a timeout: the old behaviour started the blocking scheduler and never returned
    env = dict(os.environ, FLASK_APP="wsgi", MATCHMAKER_SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
               MATCHMAKER_INDEX_DIR=str(tmp_path / "index"), MATCHMAKER_SCHEDULER_ENABLED="false")
    flask = os.path.join(os.path.dirname(sys.executable), "flask")
    done = subprocess.run([flask, "worker", "--job", "expire_needs"], env=env, capture_output=True, text=True,
                          timeout=60, cwd=os.path.dirname(os.path.dirname(__file__)))
    assert done.returncode == 2 and "--job 只能与 --once 一起使用" in done.stderr and "Traceback" not in done.stderr
