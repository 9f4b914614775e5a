"""Fusion of the retrieval signals and calibration of the 0-100 match score: the one place for both."""
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
# Logistic map from absolute signals (BM25 share of the query's ceiling, cosines) to the chance that a
# broker grades the pair at least related (grade >= 1), fitted on the 2,711 dev + team judgments
# (`scripts/eval_matching.py --calibration` prints the fit and how predicted shares match observed ones).
DEFAULT_CALIBRATION = {"bias": -12.94, "weights": {"bm25": 17.58, "dense": 11.07, "dense_title": 4.24}}
RRF_K = 60


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


class Matcher:
    """Combines per-signal scores (absolute: BM25 share of the query's ceiling, cosine) into one."""

    def __init__(self, method=None, weights=None, calibration=None, short_weights=None):
        self.method = method or DEFAULT_METHOD
        if self.method not in _NORMALIZERS:
            raise ValueError(f"unknown fusion method {self.method!r}; use one of {sorted(_NORMALIZERS)}")
        self.weights = dict(weights or DEFAULT_WEIGHTS)
        self.short_weights = dict(short_weights or DEFAULT_SHORT_WEIGHTS)
        self.calibration = calibration or DEFAULT_CALIBRATION

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

    def calibrate(self, signals):
        """0-100 score from absolute signals, so one threshold means the same for every query."""
        z = np.full(len(next(iter(signals.values()))), self.calibration["bias"], dtype=np.float64)
        for name, weight in self.calibration["weights"].items():
            if name in signals:
                z += weight * np.asarray(signals[name], dtype=np.float64)
        return 100.0 / (1.0 + np.exp(-z))
