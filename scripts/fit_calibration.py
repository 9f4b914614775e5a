"""Fit the 0-100 match score (indexer/matcher.py DEFAULT_CALIBRATION) on the tuning judgments, cross-validated.

The score is the chance that a broker grades a pair at least 2. Training pairs are the engine's top hits (and
every judged candidate) of three kinds of query over dev_qrels.tsv + data/team_qrels.tsv:
- full: a need's whole text against the achievements;
- title: the need's title alone (what a typed search or a short listing looks like);
- reverse: an achievement (title, keywords, abstract) against the 299 sample needs, scored only on the
  judged needs, whose pools were deep enough that an unjudged pair there is taken as grade 0.
Unjudged hits of the first two count as 0 as well. The logistic is fitted by Newton steps; the figures are
from 5-fold cross-validation by query (a query's pairs never train their own prediction): log loss, expected
calibration error and predicted against observed share by score band, per kind of query. The held-out set
(data/heldout/) is never read here.

Usage: python scripts/fit_calibration.py [--top 30] [--features bm25,dense_z,...]
"""
import argparse
import os
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from indexer import matcher, search  # noqa: E402
from indexer.datasets import (REPO, achievement_query, data_path, need_document, need_text, read_jsonl,  # noqa: E402
                              read_qrels)
from indexer.encoder import use_vector_cache  # noqa: E402
from match_batch import build_engine  # noqa: E402

TEAM_QRELS = os.path.join(REPO, "data", "team_qrels.tsv")
BANDS = (0.1, 0.2, 0.4, 0.6, 0.8)
FOLDS = 5


def pairs_of(index, qid, text, grades, top, restrict=None):
    """Feature rows of a query's top hits by fused score plus its judged candidates: (features, grades)."""
    query = search.Query(index, text)
    mask = index.alive_mask().copy()
    if restrict is not None:
        allowed = np.zeros(len(mask), dtype=bool)
        allowed[[index.slots[d] for d in restrict if d in index.slots]] = True
        mask &= allowed
    slots = search.candidates(index, query, search.CANDIDATES, mask)
    if len(slots) == 0:
        return None
    signals = query.signals(index, slots)
    fused = index.matcher.fuse(signals, query_chars=query.chars)
    order = np.argsort(-fused, kind="stable")
    ids = [index.slot_ids[s] for s in slots]
    keep = sorted(set(order[:top].tolist()) | {i for i, d in enumerate(ids) if d in grades})
    keep = np.array(keep, dtype=np.int64)
    feats = search.features(index, query, slots[keep], {k: v[keep] for k, v in signals.items()})
    rank = np.empty(len(slots), dtype=np.int64)
    rank[order] = np.arange(len(slots))
    return feats, np.array([grades.get(ids[i], 0) for i in keep]), rank[keep], [ids[i] for i in keep]


def collect(top):
    """{kind: (design columns, grades, query ids, ranks, doc ids)} over the tuning judgments."""
    corpus = read_jsonl(data_path("csl_achievements.jsonl.gz"))
    needs = read_jsonl(data_path("enterprise_needs_sample.jsonl"))
    qrels = read_qrels(data_path("dev_qrels.tsv"))
    team = read_qrels(TEAM_QRELS)
    merged = {q: {**team.get(q, {}), **qrels.get(q, {})} for q in {**team, **qrels}}
    judged_needs = [n for n in needs if n["id"] in merged]
    by_ach = {}
    for q, grades in merged.items():
        for d, g in grades.items():
            by_ach.setdefault(d, {})[q] = g
    records = {r["id"]: r for r in corpus}
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        index = build_engine(corpus, tmp, progress=sys.stderr.isatty())
        for kind, text_of in (("full", need_text), ("title", lambda n: n["title"])):
            out[kind] = [(n["id"], pairs_of(index, n["id"], text_of(n), merged[n["id"]], top))
                         for n in judged_needs]
    with tempfile.TemporaryDirectory() as tmp:
        index = build_engine(needs, tmp, document=need_document, name="needs")
        restrict = set(merged)
        out["reverse"] = [(a, pairs_of(index, a, achievement_query(records[a]), by_ach[a], top, restrict))
                          for a in sorted(by_ach) if a in records]
    data = {}
    for kind, rows in out.items():
        rows = [(q, r) for q, r in rows if r is not None]
        cols = [matcher.design(r[0]) for _, r in rows]
        data[kind] = ({name: np.concatenate([c[name] for c in cols]) for name in cols[0]},
                      np.concatenate([r[1] for _, r in rows]),
                      np.concatenate([[q] * len(r[1]) for q, r in rows]),
                      np.concatenate([r[2] for _, r in rows]),
                      [d for _, r in rows for d in r[3]])
    return data


def predict(w, x):
    """Probabilities of rows x under fit() weights w."""
    return 1 / (1 + np.exp(-np.clip(w[0] + x @ w[1:], -30, 30)))


def reliability(p, y):
    """(ECE, 'pred/obs(n)' cells by band) of predictions p against outcomes y."""
    bands = np.digitize(p, BANDS)
    ece = sum(abs(p[bands == b].mean() - y[bands == b].mean()) * (bands == b).sum() for b in range(len(BANDS) + 1)
              if (bands == b).any()) / len(p)
    cells = " ".join(f"{p[bands == b].mean():.2f}/{y[bands == b].mean():.2f}({(bands == b).sum()})"
                     for b in range(len(BANDS) + 1) if (bands == b).any())
    return ece, cells


def log_loss(p, y):
    """Mean log loss."""
    p = np.clip(p, 1e-9, 1 - 1e-9)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def cross_validate(data, names, weights_of_kind=None, l2=1.0, seed=0):
    """Out-of-fold predictions per kind, folds drawn by query over all kinds together."""
    x = np.vstack([np.column_stack([d[0][n] for n in names]) for d in data.values()])
    y = np.concatenate([(d[1] >= 2).astype(float) for d in data.values()])
    kinds = np.concatenate([[k] * len(d[1]) for k, d in data.items()])
    queries = np.concatenate([[f"{k}:{q}" for q in d[2]] for k, d in data.items()])
    unique = np.unique(queries)
    fold_of = dict(zip(unique, np.random.default_rng(seed).integers(0, FOLDS, len(unique))))
    folds = np.array([fold_of[q] for q in queries])
    # the same need as full text and as title must not train its own prediction: fold by need id
    base = np.array([q.split(":", 1)[1] for q in queries])
    fold_by_id = {b: fold_of[q] for q, b in zip(queries, base)}
    folds = np.array([fold_by_id[b] for b in base])
    sample_weight = np.ones(len(y)) if weights_of_kind is None else np.array([weights_of_kind[k] for k in kinds])
    oof = np.zeros(len(y))
    for f in range(FOLDS):
        train = folds != f
        w = fit(x[train], y[train], sample_weight[train], l2)
        oof[~train] = predict(w, x[~train])
    final = fit(x, y, sample_weight, l2)
    return oof, y, kinds, final


def fit(x, y, sw, l2=1.0, steps=30):
    """Ridge logistic regression by Newton steps, a weight per row: [bias, weight per column] (bias not penalised)."""
    xb = np.hstack([np.ones((len(x), 1)), x])
    w = np.zeros(xb.shape[1])
    penalty = l2 * np.eye(len(w))
    penalty[0, 0] = 0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-np.clip(xb @ w, -30, 30)))
        hessian = (xb * (sw * p * (1 - p))[:, None]).T @ xb + penalty
        w -= np.linalg.solve(hessian, xb.T @ (sw * (p - y)) + penalty @ w)
    return w


def report(oof, y, kinds, label):
    """Print log loss, ECE and the reliability cells of out-of-fold predictions, overall and per kind."""
    print(label)
    for kind in ["all"] + sorted(set(kinds)):
        sel = np.ones(len(y), dtype=bool) if kind == "all" else kinds == kind
        ece, cells = reliability(oof[sel], y[sel])
        print(f"  {kind:<8} pairs {sel.sum():>6} (>=2: {int(y[sel].sum()):>4})  log loss {log_loss(oof[sel], y[sel]):.4f}"
              f"  ECE {ece:.4f}  {cells}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=30, help="top hits per query taken as pairs (plus judged ones)")
    parser.add_argument("--features", default=",".join(matcher.DEFAULT_FEATURES),
                        help=f"comma-separated, from {','.join(matcher.FEATURES)}")
    parser.add_argument("--l2", type=float, default=1.0)
    parser.add_argument("--cache", default=os.path.join(REPO, "instance", "cache", "vectors"))
    parser.add_argument("--dump", help="also save the pairs' columns to this .npz (for experiments)")
    args = parser.parse_args()
    use_vector_cache(args.cache or None)
    names = [n for n in args.features.split(",") if n]
    data = collect(args.top)
    if args.dump:
        flat = {f"{k}.{n}": v for k, d in data.items() for n, v in d[0].items()}
        flat.update({f"{k}.{part}": np.asarray(d[i]) for k, d in data.items()
                     for i, part in ((1, "grade"), (2, "qid"), (3, "rank"), (4, "doc"))})
        np.savez(args.dump, **flat)
    balance = {k: len(data["full"][1]) / len(d[1]) for k, d in data.items()}
    oof, y, kinds, final = cross_validate(data, names, balance, args.l2)
    report(oof, y, kinds, f"{FOLDS}-fold cross-validation by query, features {names}:")
    matcher_now = matcher.Matcher()
    now = np.concatenate([matcher_now.calibrate(d[0]) / 100 for d in data.values()])
    report(now, y, kinds, "the calibration in indexer/matcher.py now (in-sample: it was fitted on these pairs):")
    weights = {n: round(float(v), 3) for n, v in zip(names, final[1:])}
    print("DEFAULT_CALIBRATION = " + repr({"bias": round(float(final[0]), 3), "weights": weights}))


if __name__ == "__main__":
    main()
