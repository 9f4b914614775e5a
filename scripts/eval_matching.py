"""Quality of the engine on judged real needs (dev_qrels.tsv), side by side with reference baselines.

Prints nDCG@10 (gain 2^g-1), Recall@20 of grade>=2 and of grade>=1; unjudged documents count as grade 0.
Also prints known-item MRR@10 on dev_queries.jsonl as an overfitting check (it is not tuned on), and
on request how far the figures can be trusted with so few judged needs: a paired bootstrap over
queries (--bootstrap) and leave-one-query-out choice of the fusion weights (--loo).

A second table scores the same runs on dev plus the team judgments (data/team_qrels.tsv: 80 more
sample needs and the unjudged top-10 hits of the dev needs, graded by the team with
JUDGING_RUBRIC.md; the official grade wins where both exist). --bootstrap and --loo then use that
larger set.

--broker adds what a broker sees on dev and on the team needs (scripts/heldout_eval.py): the queue at
MATCH_THRESHOLD and the reliability of the 0-100 score, for need full texts, need titles and achievements -> needs.
--heldout prints only those figures, plus the reference fusion's, on the frozen held-out set (data/heldout/),
which nothing is tuned on. The score's own fit and its cross-validated calibration: scripts/fit_calibration.py.
"""
import argparse
import os
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from indexer.datasets import (REPO, achievement_query, data_path, need_document, need_text, read_jsonl,  # noqa: E402
                              read_qrels)
from indexer.encoder import get_encoder, use_vector_cache  # noqa: E402
from indexer.keyword import KeywordIndex  # noqa: E402
from indexer.matcher import DEFAULT_WEIGHTS  # noqa: E402
from indexer.tokenize import tokenize  # noqa: E402
from match_batch import build_engine, run_hits, run_queries  # noqa: E402
import heldout_eval  # noqa: E402

K = 100
TEAM_QRELS = os.path.join(REPO, "data", "team_qrels.tsv")
HELDOUT = os.path.join(REPO, "data", "heldout")
# Fusion weights tried by --loo: (bm25, dense, dense_title, dense_keys), bm25 in steps of 0.05, with the
# default and the earlier keyword-led (0.55, 0.25, 0.2, 0) among them.
SIGNALS = ("bm25", "dense", "dense_title", "dense_keys")
WEIGHT_GRID = [(float(round(b, 2)), float(round(1 - b - t - k, 2)), t, k) for b in np.arange(0.35, 0.61, 0.05)
               for t in (0.1, 0.15, 0.2) for k in (0.0, 0.1, 0.15, 0.2) if 1 - b - t - k >= 0.15]
DEFAULT_POINT = tuple(DEFAULT_WEIGHTS.get(name, 0.0) for name in SIGNALS)
WEIGHT_GRID += [DEFAULT_POINT] if DEFAULT_POINT not in WEIGHT_GRID else []


ndcg, recall = heldout_eval.ndcg, heldout_eval.recall  # one definition of each metric


def evaluate(run, qrels):
    """Mean nDCG@10, R@20(>=2), R@20(>=1) over the judged queries, and per-query nDCG."""
    per_query = {q: ndcg([d for d, _ in run.get(q, [])], g) for q, g in qrels.items()}
    metrics = [float(np.mean(list(per_query.values())))]
    for min_grade in (2, 1):
        values = [recall([d for d, _ in run.get(q, [])], g, min_grade) for q, g in qrels.items()]
        metrics.append(float(np.mean([v for v in values if v is not None])))
    return metrics, per_query


def judged_figures(run, qrels):
    """Share of judged documents in the top 10, and nDCG@10 of the condensed lists (unjudged ones dropped).

    Unjudged documents count as grade 0 above, so a system that surfaces documents the judges never saw
    loses to one that stays within the judged pool, whatever those documents are. Condensed nDCG
    (Sakai 2007) scores how well the judged documents are ordered; it is never below plain nDCG.
    """
    shares, condensed = [], []
    for q, grades in qrels.items():
        ranked = [d for d, _ in run.get(q, [])]
        shares.append(np.mean([d in grades for d in ranked[:10]]) if ranked else 0.0)
        condensed.append(ndcg([d for d in ranked if d in grades], grades))
    return float(np.mean(shares)), float(np.mean(condensed))


def bootstrap(per_query, other, samples=10000, seed=0):
    """95% intervals of the mean of per_query and of its mean difference to other, queries resampled."""
    qids = list(per_query)
    a, b = np.array([per_query[q] for q in qids]), np.array([other[q] for q in qids])
    picks = np.random.default_rng(seed).integers(0, len(qids), size=(samples, len(qids)))
    mean, diff = a[picks].mean(axis=1), (a - b)[picks].mean(axis=1)
    return np.percentile(mean, [2.5, 97.5]), float((a - b).mean()), np.percentile(diff, [2.5, 97.5])


def leave_one_out(engine, queries, qrels):
    """Mean nDCG@10 when each need is ranked with the grid weights that do best on all the others."""
    saved = dict(engine.matcher.weights)
    table = []  # weights x queries
    try:
        for weights in WEIGHT_GRID:
            engine.matcher.weights = dict(zip(SIGNALS, weights))
            run = run_queries(engine, queries, 10)
            table.append([ndcg([d for d, _ in run[q["id"]]], qrels[q["id"]]) for q in queries])
    finally:
        engine.matcher.weights = saved
    table = np.array(table)
    held_out = [table[np.argmax(table.sum(axis=1) - table[:, i]), i] for i in range(len(queries))]
    return float(np.mean(held_out)), WEIGHT_GRID[int(np.argmax(table.sum(axis=1)))]


def agreement(team, official):
    """Exact agreement and linear weighted kappa of the team's grades with the official ones on shared pairs."""
    pairs = [(official[q][d], g) for q, grades in team.items() for d, g in grades.items() if d in official.get(q, {})]
    if not pairs:
        return None
    a, b = np.array(pairs).T
    seen = np.zeros((4, 4))
    np.add.at(seen, (a, b), 1)
    chance = np.outer(seen.sum(1), seen.sum(0)) / len(a)
    cost = np.abs(np.subtract.outer(np.arange(4), np.arange(4))) / 3
    return len(a), float(np.mean(a == b)), float(1 - (cost * seen).sum() / max((cost * chance).sum(), 1e-12))


def doc_string(r):
    """Plain title + keywords + abstract of a CSL record (what the baselines see)."""
    return "。".join([r["title"], " ".join(r.get("keywords") or []), r.get("abstract") or ""])


def top(scores, ids, k=K):
    """[(id, score)] of the k best scores."""
    order = np.argsort(-scores, kind="stable")[:k]
    return [(ids[i], float(scores[i])) for i in order]


def bm25_scores(corpus, texts, scheme):
    """BM25 score matrix (queries x docs) on plain text, textbook parameters."""
    index = KeywordIndex(k1=1.2, b=0.75)
    for slot, r in enumerate(corpus):
        index.add(slot, tokenize(doc_string(r), scheme))
    return np.stack([index.scores(tokenize(t, scheme))[0] for t in texts])


def dense_scores(corpus, texts):
    """Cosine matrix (queries x docs) of sentence-transformers m3e-small fp32."""
    encoder = get_encoder(None, "torch")
    return encoder.encode(texts) @ encoder.encode([doc_string(r) for r in corpus]).T


def minmax(m):
    """Row-wise min-max scaling."""
    lo, hi = m.min(axis=1, keepdims=True), m.max(axis=1, keepdims=True)
    return (m - lo) / np.where(hi > lo, hi - lo, 1)


def baselines(corpus, texts):
    """{name: score matrix} of the reference baselines."""
    words, bigrams, dense = (bm25_scores(corpus, texts, "words"), bm25_scores(corpus, texts, "bigrams"),
                             dense_scores(corpus, texts))
    return {"bm25-words": words, "bm25-bigrams": bigrams, "m3e-small": dense,
            "minmax(bm25w+m3e)": 0.5 * minmax(words) + 0.5 * minmax(dense)}


def print_table(title, runs, qrels, known_qrels, per_query=False):
    """One table of every system's figures on qrels."""
    print(title)
    print(f"{'system':<20} {'nDCG@10':>8} {'R@20>=2':>8} {'R@20>=1':>8} {'known MRR@10':>13} {'judged@10':>9} "
          f"{'cond nDCG@10':>12}")
    for name, run in runs.items():
        (n, r2, r1), scores = evaluate(run, qrels)
        mrr = np.mean([next((1 / (i + 1) for i, (d, _) in enumerate(run[q][:10]) if d in rel), 0.0)
                       for q, rel in known_qrels.items()]) if known_qrels else float("nan")
        judged, condensed = judged_figures(run, qrels)
        print(f"{name:<20} {n:>8.4f} {r2:>8.4f} {r1:>8.4f} {mrr:>13.4f} {judged:>9.3f} {condensed:>12.4f}")
        if per_query:
            print("   " + " ".join(f"{q[-4:]}:{v:.2f}" for q, v in scores.items()))


def read_ids(path):
    """First column of a TSV with # comments."""
    with open(path, encoding="utf-8") as f:
        return [line.split("\t")[0].strip() for line in f if line.strip() and not line.startswith("#")]


def as_run(hits):
    """{query id: [(doc id, fused, score)]} of run_hits' hits, what heldout_eval reads."""
    return {q: [(h.id, h.fused, h.score) for h in hs] for q, hs in hits.items()}


def broker_figures(corpus, needs, sets):
    """heldout_eval's report for need full texts, need titles and achievements -> needs, for each
    (label, need qrels, achievement qrels) of ``sets``, one engine per side for all of them;
    {label: {kind: figures}}."""
    from config import load_config

    config = load_config()
    threshold, top_n = float(config["MATCH_THRESHOLD"]), int(config["MATCH_TOP_N"])
    by_need = {n["id"]: n for n in needs}
    by_ach = {r["id"]: r for r in corpus}
    out = {label: {} for label, _, _ in sets}
    with tempfile.TemporaryDirectory() as tmp:
        engine = build_engine(corpus, tmp, progress=sys.stderr.isatty())
        for label, need_qrels, _ in sets:
            print(f"broker figures on {label} (threshold {threshold:g}, top {top_n}; unjudged pairs count as 0)")
            asked = [by_need[q] for q in need_qrels if q in by_need]
            for name, text_of in (("need full text", need_text), ("need title", lambda n: n["title"])):
                run = as_run(run_hits(engine, asked, K, text_of))
                out[label][name] = heldout_eval.print_report(name, run, need_qrels, threshold, top_n)
    if any(ach for _, _, ach in sets):
        with tempfile.TemporaryDirectory() as tmp:
            engine = build_engine(needs, tmp, document=need_document, name="needs")
            for label, _, ach_qrels in sets:
                if ach_qrels:
                    print(f"broker figures on {label}, achievement queries")
                    run = as_run(run_hits(engine, [by_ach[a] for a in ach_qrels if a in by_ach], K,
                                          achievement_query))
                    out[label]["achievement -> needs"] = heldout_eval.print_report(
                        "achievement -> needs", run, ach_qrels, threshold, top_n)
    return out


def achievement_qrels(need_qrels):
    """{achievement: {need: grade}} for the achievements with a grade >= 2 pair: an achievement's judged needs
    were pooled deep, its other needs count as 0 (unjudged)."""
    out = {}
    for q, grades in need_qrels.items():
        for d, g in grades.items():
            out.setdefault(d, {})[q] = g
    return {a: g for a, g in out.items() if any(v >= 2 for v in g.values())}


def heldout(corpus, needs):
    """The frozen held-out set of data/heldout/ (never tuned on): the broker figures and the reference fusion."""
    qrels = read_qrels(os.path.join(HELDOUT, "qrels.tsv"))
    need_ids, ach_ids = read_ids(os.path.join(HELDOUT, "needs.tsv")), read_ids(os.path.join(HELDOUT, "achievements.tsv"))
    need_qrels = {q: qrels.get(q, {}) for q in need_ids}
    ach_qrels = {a: qrels.get(a, {}) for a in ach_ids}
    label = f"the held-out set ({len(need_ids)} needs, {len(ach_ids)} achievement queries)"
    figures = broker_figures(corpus, needs, [(label, need_qrels, ach_qrels)])[label]
    by_need = {n["id"]: n for n in needs}
    texts = [need_text(by_need[q]) for q in need_ids]
    ids = [r["id"] for r in corpus]
    bigrams, dense = bm25_scores(corpus, texts, "bigrams"), dense_scores(corpus, texts)
    fusion = 0.7 * minmax(bigrams) + 0.3 * minmax(dense)
    run = {q: [(d, s, 0.0) for d, s in top(row, ids)] for q, row in zip(need_ids, fusion)}
    r = heldout_eval.ranking(run, need_qrels)
    print("reference, need full text, min-max(BM25 bigrams, m3e-small fp32 at 0.3): " +
          "  ".join(f"{m} {v:.4f} [{lo:.3f}, {hi:.3f}]" for m, (v, lo, hi) in r.items()))
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=data_path("csl_achievements.jsonl.gz"))
    parser.add_argument("--queries", default=data_path("enterprise_needs_sample.jsonl"))
    parser.add_argument("--qrels", default=data_path("dev_qrels.tsv"))
    parser.add_argument("--team-qrels", default=TEAM_QRELS,
                        help="more judgments of needs in --queries ('' to skip the second table)")
    parser.add_argument("--known-items", default=data_path("dev_queries.jsonl"))
    parser.add_argument("--cache", default=os.path.join(REPO, "instance", "cache", "vectors"))
    parser.add_argument("--encoders", action="store_true",
                        help="also run the engine with the torch fp32 and torch int8 encoders (default: ONNX fp32)")
    parser.add_argument("--per-query", action="store_true", help="also print nDCG@10 per query")
    parser.add_argument("--bootstrap", action="store_true",
                        help="also print 95%% bootstrap intervals of the engine's nDCG@10 and its gain over fusion")
    parser.add_argument("--loo", action="store_true",
                        help="also print leave-one-query-out nDCG@10 with fusion weights chosen from a grid")
    parser.add_argument("--broker", action="store_true",
                        help="also print the broker figures (queue at the threshold, reliability of the score) on "
                             "dev and on the team needs, for full texts, titles and achievements -> needs")
    parser.add_argument("--heldout", action="store_true",
                        help="only print the figures of the frozen held-out set (data/heldout/); never tune on it")
    args = parser.parse_args()
    use_vector_cache(args.cache or None)
    corpus = read_jsonl(args.corpus)
    if args.heldout:
        heldout(corpus, read_jsonl(args.queries))
        return
    qrels = read_qrels(args.qrels)
    team = read_qrels(args.team_qrels) if args.team_qrels and os.path.exists(args.team_qrels) else {}
    merged = {q: {**team.get(q, {}), **qrels.get(q, {})} for q in {**team, **qrels}}
    queries = [q for q in read_jsonl(args.queries) if q["id"] in merged]
    merged = {q["id"]: merged[q["id"]] for q in queries}
    known = read_jsonl(args.known_items) if os.path.exists(args.known_items) else []
    ids = [r["id"] for r in corpus]
    texts = [need_text(q) for q in queries] + [k["query"] for k in known]
    qids = [q["id"] for q in queries] + [k["qid"] for k in known]
    runs = {name: {qid: top(row, ids) for qid, row in zip(qids, m)} for name, m in baselines(corpus, texts).items()}
    trust = merged if team else qrels  # the set --bootstrap and --loo use
    engine_runs, held_out = {}, None
    variants = [("engine", {})] + [(f"engine-{r}", {"encoder_runtime": r}) for r in ("torch", "torch-int8")]
    for name, overrides in variants[:3 if args.encoders else 1]:
        with tempfile.TemporaryDirectory() as tmp:
            engine = build_engine(corpus, tmp, progress=sys.stderr.isatty(), **overrides)
            engine_runs[name] = run_queries(engine, [{"id": q, "text": t} for q, t in zip(qids, texts)], K)
            if args.loo and name == "engine":
                held_out = leave_one_out(engine, [{"id": q["id"], "text": need_text(q)} for q in queries
                                                  if q["id"] in trust], trust)
    runs = {**engine_runs, **runs}
    known_qrels = {k["qid"]: k["relevant"] for k in known}
    print(f"{len(qrels)} judged needs, {sum(len(g) for g in qrels.values())} judgments; "
          f"{len(known)} known-item queries")
    print_table("dev_qrels.tsv (official judgments)", runs, qrels, known_qrels, args.per_query)
    if team:
        print_table(f"dev + team judgments: {len(merged)} needs, {sum(len(g) for g in merged.values())} judgments",
                    runs, merged, known_qrels, args.per_query)
        shared = agreement(team, qrels)
        if shared:
            print(f"team vs official grades on {shared[0]} shared pairs: exact agreement {shared[1]:.3f}, "
                  f"linear weighted kappa {shared[2]:.3f} (the official grade is the one used)")
    if args.bootstrap:
        engine_q, fusion_q = evaluate(runs["engine"], trust)[1], evaluate(runs["minmax(bm25w+m3e)"], trust)[1]
        (lo, hi), gain, (glo, ghi) = bootstrap(engine_q, fusion_q)
        print(f"bootstrap 95%: engine nDCG@10 in [{lo:.3f}, {hi:.3f}]; "
              f"gain over minmax fusion {gain:+.3f} in [{glo:+.3f}, {ghi:+.3f}] ({len(trust)} needs resampled)")
    if args.broker:
        team_only = {q: g for q, g in merged.items() if q not in qrels}
        sets = [(label, need_qrels, achievement_qrels(need_qrels)) for label, need_qrels in
                ((f"dev ({len(qrels)} needs)", {q: merged[q] for q in qrels if q in merged}),
                 (f"team ({len(team_only)} needs)", team_only))]
        broker_figures(corpus, read_jsonl(args.queries), [s for s in sets if s[1]])
    if held_out:
        score, weights = held_out
        print(f"leave-one-query-out nDCG@10 {score:.4f} over {len(trust)} needs (weights chosen on the others "
              f"from {len(WEIGHT_GRID)} {SIGNALS} points; best on all: {weights})")


if __name__ == "__main__":
    main()
