"""Figures a broker sees, on judged queries: ranking, the queue at the threshold, calibration of the score.

For three query sets of a judged collection (need full texts and need titles against the achievements,
achievements against the needs) it prints:
- ranking: nDCG@10 and Recall@20 (grade >= 2), with 95% bootstrap intervals over queries;
- the queue at MATCH_THRESHOLD (pairs among each query's MATCH_TOP_N best that the app stores): pairs queued,
  share graded >= 2, share graded 0, queries without any grade >= 2 counterpart that still get a match, and
  the share of grade >= 2 pairs reaching the queue (of those in the top 10, and of all judged ones);
- reliability: the 0-100 score against the observed share graded >= 2 by band, and the expected calibration
  error (over each query's top 20; unjudged pairs count as 0, the judged share is printed).
Used by scripts/eval_matching.py --heldout (data/heldout/) and on the tuning judgments.
"""
import math

import numpy as np

BANDS = (10, 20, 40, 60, 80)


def ndcg(ranked, grades, k=10):
    """nDCG@k with gain 2^g - 1."""
    dcg = sum((2 ** grades.get(d, 0) - 1) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    ideal = sorted(grades.values(), reverse=True)[:k]
    idcg = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def recall(ranked, grades, min_grade, k=20):
    """Share of documents graded >= min_grade found in the top k (None when there are none)."""
    wanted = {d for d, g in grades.items() if g >= min_grade}
    return len(wanted & set(ranked[:k])) / len(wanted) if wanted else None


def interval(values, samples=10000, seed=0):
    """(mean, 2.5th, 97.5th percentile) of the mean of values, resampled."""
    values = np.asarray([v for v in values if v is not None], dtype=np.float64)
    if len(values) == 0:
        return float("nan"), float("nan"), float("nan")
    picks = np.random.default_rng(seed).integers(0, len(values), size=(samples, len(values)))
    means = values[picks].mean(axis=1)
    return float(values.mean()), float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))


def ranking(run, qrels):
    """{metric: (mean, lo, hi)}: nDCG@10 over queries with any grade >= 1, Recall@20 (grade >= 2)."""
    ranked = {q: [h[0] for h in run.get(q, [])] for q in qrels}
    with_any = [q for q, g in qrels.items() if any(v >= 1 for v in g.values())]
    return {"nDCG@10": interval([ndcg(ranked[q], qrels[q]) for q in with_any]),
            "R@20>=2": interval([recall(ranked[q], qrels[q], 2) for q in qrels])}


def queue(run, qrels, threshold, top_n):
    """The queue at the threshold: {figure: value} over the judged queries."""
    queued, strong_top, strong_queued, strong_all = [], 0, 0, 0
    empty_needs, empty_with_match = 0, 0
    for q, grades in qrels.items():
        hits = run.get(q, [])[:top_n]
        mine = [grades.get(d, 0) for d, _, score in hits if score >= threshold]
        queued.extend(mine)
        strong_top += sum(grades.get(d, 0) >= 2 for d, _, _ in hits)
        strong_queued += sum(g >= 2 for g in mine)
        strong_all += sum(g >= 2 for g in grades.values())
        if not any(g >= 2 for g in grades.values()):
            empty_needs += 1
            empty_with_match += bool(mine)
    n = len(queued)
    return {"queued": n, "share>=2": sum(g >= 2 for g in queued) / n if n else float("nan"),
            "share0": sum(g == 0 for g in queued) / n if n else float("nan"),
            "no-good queries": empty_needs, "no-good with a match": empty_with_match,
            "no-good share matched": empty_with_match / empty_needs if empty_needs else float("nan"),
            ">=2 in top10 queued": strong_queued / strong_top if strong_top else float("nan"),
            ">=2 judged queued": strong_queued / strong_all if strong_all else float("nan")}


def reliability(run, qrels, depth=20):
    """(ECE, judged share, [(band label, mean predicted, observed share, pairs)]) over each query's top depth."""
    pred, obs, judged = [], [], []
    for q, grades in qrels.items():
        for d, _, score in run.get(q, [])[:depth]:
            pred.append(score / 100)
            obs.append(float(grades.get(d, 0) >= 2))
            judged.append(d in grades)
    pred, obs = np.array(pred), np.array(obs)
    if len(pred) == 0:
        return float("nan"), 0.0, []
    bands = np.digitize(pred * 100, BANDS)
    edges = (0,) + BANDS + (100,)
    rows = [(f"{edges[b]}-{edges[b + 1]}", float(pred[bands == b].mean()), float(obs[bands == b].mean()),
             int((bands == b).sum())) for b in range(len(edges) - 1) if (bands == b).any()]
    ece = sum(abs(p - o) * n for _, p, o, n in rows) / len(pred)
    return float(ece), float(np.mean(judged)), rows


def print_report(name, run, qrels, threshold, top_n):
    """All three blocks for one query set."""
    r = ranking(run, qrels)
    q = queue(run, qrels, threshold, top_n)
    ece, judged, rows = reliability(run, qrels)
    print(f"[{name}] {len(qrels)} queries")
    print("  ranking: " + "  ".join(f"{m} {v:.4f} [{lo:.3f}, {hi:.3f}]" for m, (v, lo, hi) in r.items()))
    print(f"  queue at {threshold:g} (top {top_n}): pairs {q['queued']}, share>=2 {q['share>=2']:.3f}, "
          f"share0 {q['share0']:.3f}, no-good queries matched {q['no-good with a match']}/{q['no-good queries']} "
          f"({q['no-good share matched']:.3f}), >=2 queued: {q['>=2 in top10 queued']:.3f} of top-10, "
          f"{q['>=2 judged queued']:.3f} of all judged")
    print(f"  reliability (top 20, judged {judged:.3f}): ECE {ece:.4f}  " +
          " ".join(f"{band}:{p * 100:.0f}/{o * 100:.0f}({n})" for band, p, o, n in rows))
    return r, q, ece
