"""Does a big import keep the site up? Hall latency before and while `flask import` runs on a copy of the demo.

Copies the demo database and indexes (instance/) into a scratch folder, serves the copy with gunicorn
(matchmaker/serve.py) on a spare loopback port, writes an N-row CSV of CSL-like achievements, measures
anonymous hall pages (typed searches and the plain hall) with scripts/load_test.py's client, then starts
`flask import achievements` on the copy and measures the same pages while it runs, for at most --seconds.
Prints p50/p95/p99 and errors for both windows and how far the import got (rows staged, published, indexed).
The demo itself is never touched.

    scripts/setup.sh   # once: the demo in instance/
    .venv/bin/python scripts/bench_import.py --rows 100000 --seconds 240
"""
import argparse
import csv
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "scripts"))

from bench_engine import synthetic_corpus  # noqa: E402
from indexer.datasets import data_path, read_jsonl  # noqa: E402
from load_test import QUERIES, Client, percentile  # noqa: E402

HEADER = ["外部编号", "标题", "成果简介", "关键词", "技术领域", "地区", "技术成熟度", "合作方式", "价格方式"]
FIELDS = ["0603", "0101", "0401", "0702", "0801", "0201", "0502"]
REGIONS = ["四川", "重庆", "天津", "云南", "河南", "陕西"]


def write_rows(path: str, n: int) -> None:
    records = list(read_jsonl(data_path("csl_achievements.jsonl.gz")))
    rng = random.Random(3)
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(HEADER)
        for i, r in enumerate(synthetic_corpus(records, n)):
            out.writerow([f"BENCH-{i}", f"{r['title']}（批次{i}）", r["abstract"][:400],
                          "，".join(r["keywords"][:5]) or "测试", rng.choice(FIELDS), rng.choice(REGIONS),
                          str(rng.randint(3, 8)), "转让", "面议"])


def copy_instance(scratch: str) -> dict:
    """A consistent copy of the demo DB (SQLite's backup API) and its indexes; the env that points at them."""
    source = os.path.join(ROOT, "instance", "matchmaker.db")
    if not os.path.exists(source):
        sys.exit("no demo in instance/: run scripts/setup.sh first")
    target = os.path.join(scratch, "bench.db")
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    shutil.copytree(os.path.join(ROOT, "instance", "index"), os.path.join(scratch, "index"))
    return {"MATCHMAKER_SQLALCHEMY_DATABASE_URI": "sqlite:///" + target,
            "MATCHMAKER_INDEX_DIR": os.path.join(scratch, "index")}


def measure(base: str, seconds: float, users: int) -> tuple[list[float], int]:
    """Anonymous hall requests by ``users`` threads for ``seconds``: (latencies, responses >= 500)."""
    times, errors, lock = [], [0], threading.Lock()
    stop = time.monotonic() + seconds

    def user(seed: int):
        rng, client = random.Random(seed), Client(base)
        while time.monotonic() < stop:
            kind = rng.choice(["achievements", "needs"])
            path = f"/{kind}/?q={urllib.parse.quote(rng.choice(QUERIES))}" if rng.random() < .7 else f"/{kind}/"
            began = time.monotonic()
            status, _ = client.get(path)
            with lock:
                times.append(time.monotonic() - began)
                errors[0] += status >= 500
            time.sleep(rng.expovariate(1.0))

    threads = [threading.Thread(target=user, args=(i,), daemon=True) for i in range(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times, errors[0]


def report(label: str, times: list[float], errors: int) -> None:
    print(f"{label:16s} requests {len(times):5d}  p50 {percentile(times, .5) * 1000:6.0f} ms  "
          f"p95 {percentile(times, .95) * 1000:6.0f} ms  p99 {percentile(times, .99) * 1000:6.0f} ms  "
          f"5xx {errors}")


def job_progress(db_path: str) -> str:
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as con:
        row = con.execute("SELECT state, rows_total, rows_read, created, rejected, indexed, to_index "
                          "FROM import_job ORDER BY id DESC LIMIT 1").fetchone()
    if row is None:
        return "no job yet"
    state, total, read, created, rejected, indexed, to_index = row
    return (f"state {state}: read {read}/{total or '?'} rows, staged {created}, rejected {rejected}, "
            f"indexed and matched {indexed}/{to_index or '?'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=240.0, help="how long to measure during the import")
    parser.add_argument("--baseline", type=float, default=30.0, help="seconds measured before the import")
    parser.add_argument("--users", type=int, default=10, help="anonymous visitors, one request a second each")
    parser.add_argument("--port", type=int, default=5057)
    args = parser.parse_args()
    if not (0 < args.rows <= 100_000 and 0 < args.seconds <= 900 and 0 < args.users <= 50):
        parser.error("--rows up to 100000, --seconds up to 900, --users up to 50")
    scratch = tempfile.mkdtemp(prefix="bench-import-")
    procs = []
    try:
        env = {**os.environ, **copy_instance(scratch), "MATCHMAKER_WEB_BIND": f"127.0.0.1:{args.port}"}
        csv_path = os.path.join(scratch, "rows.csv")
        started = time.monotonic()
        write_rows(csv_path, args.rows)
        print(f"wrote {args.rows} rows ({os.path.getsize(csv_path) / 2**20:.0f} MB) in {time.monotonic() - started:.0f} s")
        bin_dir = os.path.dirname(sys.executable)
        procs.append(subprocess.Popen([os.path.join(bin_dir, "gunicorn"), "-c", "python:matchmaker.serve",
                                       "--access-logfile", "/dev/null", "wsgi:app"], cwd=ROOT, env=env,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        base = f"http://127.0.0.1:{args.port}"
        for _ in range(120):
            try:
                if Client(base).get("/")[0] == 200:
                    break
            except OSError:
                time.sleep(1)
        measure(base, 10, args.users)  # warm the workers
        report("before import", *measure(base, args.baseline, args.users))
        importer = subprocess.Popen([os.path.join(bin_dir, "flask"), "import", "achievements", csv_path], cwd=ROOT,
                                    env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        procs.append(importer)
        began = time.monotonic()
        times, errors = measure(base, args.seconds, args.users)
        report("during import", times, errors)
        db_path = env["MATCHMAKER_SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
        print(f"import after {time.monotonic() - began:.0f} s: {job_progress(db_path)}"
              + ("" if importer.poll() is None else f" (exited {importer.returncode})"))
    finally:
        for proc in procs:
            proc.kill()
            proc.wait()
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
