"""Fusion of the retrieval signals and calibration of the 0-100 match score: the one place for both."""
import numpy as np

# Chosen on dev_qrels.tsv plus the team judgments (104 needs; scripts/eval_matching.py): the centre of a
# plateau (bm25 0.5-0.6 with dense_title 0.2 all within 0.003 nDCG@10 once each grid point is averaged
# with its neighbours), checked by leave-one-query-out; override with settings fusion_method / fusion_weights.
DEFAULT_METHOD = "minmax"
DEFAULT_WEIGHTS = {"bm25": 0.55, "dense": 0.25, "dense_title": 0.20}
# Typed keyword searches (a focused text this short) have no judged set. Their keyword signals rest on
# two or three terms, and jieba's search mode counts a long word once per sub-word (锂电池 -> 锂电池,
# 锂电, 电池), so one word can outweigh the rest: the dense signal leads for them.
SHORT_QUERY_CHARS = 32
DEFAULT_SHORT_WEIGHTS = {"bm25": 0.30, "dense": 0.60, "dense_title": 0.10}
# Logistic map from absolute signals (BM25 share of the query's ceiling, cosines) to the chance that a
# broker grades the pair at least related (grade >= 1), fitted on the 2,711 dev + team judgments
# (`scripts/eval_matching.py --calibration` prints the fit and how predicted shares match observed ones).
DEFAULT_CALIBRATION = {"bias": -13.3, "weights": {"bm25": 17.2, "dense": 12.0, "dense_title": 3.6}}
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

    def fuse(self, signals, query_chars=None):
        """Fused score of each candidate from {signal: scores} arrays of equal length.

        query_chars: length of the focused query text; a short one (a keyword search) gets short_weights.
        """
        norm = _NORMALIZERS[self.method]
        short = query_chars is not None and query_chars <= SHORT_QUERY_CHARS
        fused = np.zeros(len(next(iter(signals.values()))), dtype=np.float64)
        for name, weight in (self.short_weights if short else self.weights).items():
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
