"""Fusion of the retrieval signals and calibration of the 0-100 match score: the one place for both."""
import math

import numpy as np

# Chosen on dev_qrels.tsv plus the team judgments (104 needs; scripts/eval_matching.py): keyword-led, the
# centre of a plateau (bm25 0.45-0.55, dense 0.2-0.3, dense_keys 0.1-0.15 all within 0.005 nDCG@10), checked
# by leave-one-query-out; override with settings fusion_method / fusion_weights.
# dense_keys: the cosine to the query's key terms embedded on their own (search.Query), listing texts only.
DEFAULT_METHOD = "minmax"
DEFAULT_WEIGHTS = {"bm25": 0.45, "dense": 0.23, "dense_title": 0.18, "dense_keys": 0.14}
# Typed keyword searches (a focused text this short) have no judged set. Their keyword signals rest on
# two or three terms, and jieba's search mode counts a long word once per sub-word (锂电池 -> 锂电池,
# 锂电, 电池), so one word can outweigh the rest: the dense signal leads for them.
SHORT_QUERY_CHARS = 32
DEFAULT_SHORT_WEIGHTS = {"bm25": 0.30, "dense": 0.60, "dense_title": 0.10}

# The calibrated score: 100 x the chance that a broker grades the pair at least 2 (worth a conversation),
# a logistic over features of the pair (search.features), fitted by scripts/fit_calibration.py on dev +
# team judgments for full texts, titles and achievement -> need queries, cross-validated by query.
# The features are relative to the query's own background (a cosine's distance from the query's mean
# cosine over the collection, in spreads), so a weak best hit looks weak whatever the query's length.
FEATURES = ("bm25", "bm25_bigram", "dense_z", "dense_title_z", "dense_keys_z", "dense", "informative",
            "log_chars", "short", "short_dense_z", "short_bm25")
# the features the default fit uses: with more (bm25_bigram, dense_title_z, absolute cosines) the
# cross-validated log loss stayed within 0.0003 (scripts/fit_calibration.py --features)
DEFAULT_FEATURES = ("bm25", "dense_z", "dense_keys_z", "informative", "log_chars", "short_dense_z", "short_bm25")
# Fit of 2026-12-04 (5-fold CV log loss 0.0656 full texts, 0.0606 titles, 0.0080 achievement -> needs).
DEFAULT_CALIBRATION = {"bias": -9.042, "weights": {"bm25": 2.233, "dense_z": 0.879, "dense_keys_z": 0.566,
                                                   "informative": 2.09, "log_chars": 0.415, "short_dense_z": -0.219,
                                                   "short_bm25": 0.575}}
RRF_K = 60
# What the reasons of a hit call strong / medium evidence (below: weak): the BM25 share of the query's
# ceiling, and a cosine's distance above the query's background in spreads (search.Query.background).
REASON_LEVELS = {"keywords": ("bm25", 0.3, 0.15), "semantic": ("dense_z", 4.0, 2.5),
                 "key_terms": ("dense_keys_z", 4.0, 2.5)}


def reasons(columns, i, with_key_terms=True):
    """{evidence: level} of row i of design() columns, in words a broker reads (Hit.reasons)."""
    out = {}
    for name, (column, strong, medium) in REASON_LEVELS.items():
        if name == "key_terms" and not with_key_terms:
            continue
        value = float(columns[column][i])
        out[name] = "strong" if value >= strong else "medium" if value >= medium else "weak"
    return out


def _minmax(x):
    """Scale x to 0..1 within this candidate set."""
    lo, hi = float(x.min()), float(x.max())
    return (x - lo) / (hi - lo) if hi > lo else np.zeros_like(x)


def _rrf(x):
    """Reciprocal rank of each value within this candidate set."""
    ranks = np.empty(len(x), dtype=np.float64)
    ranks[np.argsort(-x, kind="stable")] = np.arange(1, len(x) + 1)
    return 1.0 / (RRF_K + ranks)


_NORMALIZERS = {"convex": lambda x: x, "minmax": _minmax, "rrf": _rrf}


def design(features):
    """{FEATURES name: array} from search.features' raw columns (lengths and short-query interactions added)."""
    chars = np.asarray(features["chars"], dtype=np.float64)
    short = (chars <= SHORT_QUERY_CHARS).astype(np.float64)
    out = {name: np.asarray(features[name], dtype=np.float64) for name in FEATURES if name in features}
    out["chars"] = chars
    out["log_chars"] = np.log(np.maximum(chars, 1.0)) / math.log(1000)
    out["short"] = short
    out["short_dense_z"] = short * out["dense_z"]
    out["short_bm25"] = short * out["bm25"]
    return out


class Matcher:
    """Combines per-signal scores (absolute: BM25 share of the query's ceiling, cosine) into one."""

    def __init__(self, method=None, weights=None, calibration=None, short_weights=None):
        self.method = method or DEFAULT_METHOD
        if self.method not in _NORMALIZERS:
            raise ValueError(f"unknown fusion method {self.method!r}; use one of {sorted(_NORMALIZERS)}")
        self.weights = dict(weights or DEFAULT_WEIGHTS)
        self.short_weights = dict(short_weights or DEFAULT_SHORT_WEIGHTS)
        self.calibration = calibration or DEFAULT_CALIBRATION
        unknown = set(self.calibration["weights"]) - set(FEATURES)
        if unknown:
            raise ValueError(f"unknown calibration features {sorted(unknown)}; use some of {list(FEATURES)}")

    @staticmethod
    def is_short(query_chars):
        """Whether a focused query text of this length is a typed keyword search (None: unknown, a listing)."""
        return query_chars is not None and query_chars <= SHORT_QUERY_CHARS

    def weights_for(self, query_chars):
        """The fusion weights a query of this focused length gets."""
        return self.short_weights if self.is_short(query_chars) else self.weights

    def fuse(self, signals, query_chars=None):
        """Fused score of each candidate from {signal: scores} arrays of equal length.

        query_chars: length of the focused query text; a short one (a keyword search) gets short_weights.
        """
        norm = _NORMALIZERS[self.method]
        fused = np.zeros(len(next(iter(signals.values()))), dtype=np.float64)
        for name, weight in self.weights_for(query_chars).items():
            if name in signals and weight:
                fused += weight * norm(np.asarray(signals[name], dtype=np.float64))
        return fused

    def logit(self, features):
        """The calibration's log-odds of each row of search.features' columns."""
        columns = design(features)
        z = np.full(len(columns["short"]), self.calibration["bias"], dtype=np.float64)
        for name, weight in self.calibration["weights"].items():
            z += weight * columns[name]
        return z

    def calibrate(self, features):
        """0-100 score: the chance a broker grades the pair at least 2, the same for every kind of query."""
        return 100.0 / (1.0 + np.exp(-self.logit(features)))
