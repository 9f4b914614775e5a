"""The measurement scripts on a tiny judged set: match_batch writes a run, eval_matching scores it."""
import json
import os
import subprocess
import sys

import pytest
from engine_cases import ACHIEVEMENTS, CATHODE_NEED

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture
def judged_set(tmp_path):
    """Corpus, needs, judgments and known items in the shared data formats; the cathode need judged."""
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps({
        "id": d.id, "title": d.fields["title"], "abstract": d.fields["body"],
        "keywords": d.fields["keywords"].replace(",", " ").split(), "discipline": "工学", "category": "工学",
    }, ensure_ascii=False) + "\n" for d in ACHIEVEMENTS), encoding="utf-8")
    title, _, text = CATHODE_NEED.partition("\n")
    needs = [{"id": "need-cathode", "title": title, "text": text},
             {"id": "need-wheat", "title": "小麦抗旱品种", "text": "我公司在河南种植小麦，需要抗旱高产的新品种。"}]
    queries = tmp_path / "needs.jsonl"
    queries.write_text("".join(json.dumps(n, ensure_ascii=False) + "\n" for n in needs), encoding="utf-8")
    qrels = tmp_path / "qrels.tsv"
    qrels.write_text("need-cathode\tcathode\t3\nneed-cathode\tleadacid\t1\nneed-wheat\twheat\t3\n")
    team = tmp_path / "team.tsv"  # a second judge's grades: one new pair, one the official file overrides
    team.write_text("need-wheat\tleadacid\t0\nneed-cathode\tcathode\t0\n")
    known = tmp_path / "known.jsonl"
    known.write_text(json.dumps({"qid": "kw-0", "query": "印染废水 臭氧", "relevant": {"wastewater": 3}},
                                ensure_ascii=False) + "\n", encoding="utf-8")
    return {"corpus": corpus, "queries": queries, "qrels": qrels, "team": team, "known": known}


def run_script(name, *args):
    """stdout of scripts/<name> run in a fresh interpreter (it must succeed)."""
    done = subprocess.run([sys.executable, os.path.join(REPO, "scripts", name), *map(str, args)],
                          capture_output=True, text=True, timeout=600, cwd=REPO)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_match_batch_writes_a_ranked_run_and_one_summary_line(judged_set, tmp_path):
    out = tmp_path / "run.tsv"
    stdout = run_script("match_batch.py", "--corpus", judged_set["corpus"], "--queries", judged_set["queries"],
                        "--k", 5, "--out", out, "--cache", "")
    assert len(stdout.strip().splitlines()) == 1 and "matched 2 queries" in stdout
    rows = [line.split("\t") for line in out.read_text().splitlines()]
    by_query = {}
    for qid, doc, rank, fused, score, queued in rows:
        assert 0 <= float(score) <= 100 and queued in ("0", "1")
        by_query.setdefault(qid, []).append((int(rank), doc, float(fused)))
    assert [r for r, _, _ in by_query["need-cathode"]] == list(range(1, len(by_query["need-cathode"]) + 1))
    assert len(by_query["need-cathode"]) <= 5
    assert by_query["need-cathode"][0][1] == "cathode" and by_query["need-wheat"][0][1] == "wheat"


def test_eval_matching_prints_engine_baselines_and_trust_figures(judged_set):
    stdout = run_script("eval_matching.py", "--corpus", judged_set["corpus"], "--queries", judged_set["queries"],
                        "--qrels", judged_set["qrels"], "--team-qrels", judged_set["team"],
                        "--known-items", judged_set["known"], "--cache", "",
                        "--bootstrap", "--loo")
    rows = {line.split()[0]: line.split()[1:] for line in stdout.splitlines()
            if line.split() and line.split()[0] in {"engine", "bm25-words", "bm25-bigrams", "m3e-small"}}
    assert set(rows) == {"engine", "bm25-words", "bm25-bigrams", "m3e-small"}
    ndcg10, recall2, _, known_mrr, judged, condensed = map(float, rows["engine"])
    assert recall2 == 1.0 and known_mrr == 1.0
    assert 0.0 < judged < 1.0 and condensed >= ndcg10  # dropping unjudged documents can only move judged ones up
    assert ndcg10 > 0.9  # both needs put their grade-3 achievement first
    assert "2 judged needs, 3 judgments; 1 known-item queries" in stdout
    assert "dev + team judgments: 2 needs, 4 judgments" in stdout  # the official 3 wins over the team's 0
    assert "bootstrap 95%: engine nDCG@10 in [" in stdout
    loo_line = next(line for line in stdout.splitlines() if line.startswith("leave-one-query-out"))
    assert 0.0 <= float(loo_line.split()[2]) <= 1.0


def test_match_batch_title_queries_and_the_queued_column(judged_set, tmp_path):
    """--query-fields title queries with the title alone; queued is 1 exactly for top-10 pairs at the threshold."""
    out = tmp_path / "run.tsv"
    env_threshold = "0"
    done = subprocess.run([sys.executable, os.path.join(REPO, "scripts", "match_batch.py"), "--corpus",
                           str(judged_set["corpus"]), "--queries", str(judged_set["queries"]), "--k", "12",
                           "--out", str(out), "--cache", "", "--query-fields", "title"],
                          capture_output=True, text=True, timeout=600, cwd=REPO,
                          env={**os.environ, "MATCHMAKER_MATCH_THRESHOLD": env_threshold})
    assert done.returncode == 0, done.stderr
    assert "(title, need-to-achievement)" in done.stdout and "threshold 0" in done.stdout
    rows = [line.split("\t") for line in out.read_text().splitlines()]
    assert rows and all(r[5] == ("1" if int(r[2]) <= 10 else "0") for r in rows)  # threshold 0: rank alone
    assert next(r for r in rows if r[0] == "need-wheat")[1] == "wheat"  # "小麦抗旱品种" alone finds it


def test_eval_matching_prints_the_broker_figures(judged_set, tmp_path):
    dev, team = tmp_path / "dev-only.tsv", tmp_path / "team-only.tsv"  # a need judged only by the team
    dev.write_text("need-cathode\tcathode\t3\nneed-cathode\tleadacid\t1\n")
    team.write_text("need-wheat\twheat\t3\nneed-wheat\tleadacid\t0\n")
    stdout = run_script("eval_matching.py", "--corpus", judged_set["corpus"], "--queries", judged_set["queries"],
                        "--qrels", dev, "--team-qrels", team,
                        "--known-items", judged_set["known"], "--cache", "", "--broker")
    for name in ("need full text", "need title", "achievement -> needs"):
        assert f"[{name}]" in stdout
    assert "queue at 15 (top 10): pairs " in stdout and "share0 " in stdout and "no-good queries matched" in stdout
    assert "reliability (top 20, judged " in stdout and "ECE " in stdout
    assert "broker figures on dev (1 needs)" in stdout and "broker figures on team (1 needs)" in stdout
