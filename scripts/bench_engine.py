"""Speed and memory of the engine vs the naive baseline (sentence-transformers fp32 + faiss flat).

For each N (default 10k and 100k achievements resampled from CSL text) and each system, a child process
measures: embedding throughput on a sample of real documents (docs/s), build throughput (docs/s: indexing
with the measured embedding cost per document added), search latency p50/p95 over real need texts (query
embedding included) and peak RSS. Document vectors beyond the sample are synthesised from encoded ones
(embedding 100k texts on 2 cores takes an hour), so the index sizes and search costs are the real ones.
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from indexer.datasets import achievement_document, data_path, need_text, read_jsonl  # noqa: E402

SYSTEMS = ("engine", "naive")


def prepare_encoder():
    """Make the engine encoder's one-off ONNX export now, so no child measures it (or the torch it imports)."""
    from match_batch import engine_settings
    from indexer.encoder import default_model_path
    from indexer.onnx_model import export_onnx

    settings = engine_settings(None)
    if settings["encoder_runtime"] == "onnx":
        export_onnx(settings["model_path"] or default_model_path(), settings["model_cache"])


def synthetic_corpus(records, n, seed=0):
    """n CSL-like records (generated lazily): title, keywords and abstract sentences of random records."""
    rng = np.random.default_rng(seed)
    sentences = [s for r in records for s in (r.get("abstract") or "").split("。") if len(s) > 8]
    for i in range(n):
        a, b = rng.integers(len(records), size=2)
        picks = rng.integers(len(sentences), size=int(rng.integers(3, 7)))
        yield {"id": f"syn-{i}", "title": records[a]["title"],
               "keywords": (records[a].get("keywords") or [])[:3] + (records[b].get("keywords") or [])[:2],
               "abstract": "。".join(sentences[j] for j in picks) + "。",
               "discipline": records[a].get("discipline"), "category": records[a].get("category")}


def synthetic_vectors(pool, count, rng=np.random.default_rng(1), chunk=8192):
    """count stand-in vectors: mixes of two really encoded vectors plus noise (made in chunks to save memory)."""
    out = np.empty((count, pool.shape[1]), dtype=np.float32)
    for start in range(0, count, chunk):
        m = min(chunk, count - start)
        a, b = rng.integers(len(pool), size=(2, m))
        v = pool[a] + 0.6 * pool[b] + rng.normal(0, 0.02, (m, pool.shape[1])).astype(np.float32)
        out[start:start + m] = v / np.linalg.norm(v, axis=1, keepdims=True)
    return out


def percentiles(times):
    """p50 and p95 in milliseconds."""
    return float(np.percentile(times, 50) * 1000), float(np.percentile(times, 95) * 1000)


def run_engine(records, n, queries, sample):
    """Measurements of the engine (app settings from config.py)."""
    from match_batch import engine_settings
    from indexer import open_index
    from indexer.analysis import doc_fields, doc_text
    import tempfile

    folder = tempfile.TemporaryDirectory(prefix="bench-")  # removed when this child exits
    index = open_index("bench", engine_settings(folder.name))
    encoder = index.encoder
    texts = [doc_text(doc_fields(achievement_document(r).fields)) for r in synthetic_corpus(records, sample, seed=7)]
    start = time.perf_counter()
    pool = encoder.encode(texts)
    embed_rate = len(texts) / (time.perf_counter() - start)
    real_encode = encoder.encode
    encoder.encode = lambda t, progress=False: synthetic_vectors(pool, len(t))
    start = time.perf_counter()
    index.rebuild((achievement_document(r) for r in synthetic_corpus(records, n)), total=n)
    index_time = time.perf_counter() - start
    encoder.encode = real_encode
    times = []
    for q in queries:
        start = time.perf_counter()
        index.search(q, limit=10)
        times.append(time.perf_counter() - start)
    return embed_rate, index_time, times


def run_naive(records, n, queries, sample):
    """Measurements of sentence-transformers fp32 defaults + faiss IndexFlatIP."""
    import faiss
    from eval_matching import doc_string
    from sentence_transformers import SentenceTransformer
    from indexer.encoder import default_model_path

    model = SentenceTransformer(default_model_path(), device="cpu")
    texts = [doc_string(r) for r in synthetic_corpus(records, sample, 7)]
    start = time.perf_counter()
    pool = model.encode(texts, normalize_embeddings=True)
    embed_rate = sample / (time.perf_counter() - start)
    start = time.perf_counter()
    vecs = synthetic_vectors(pool, n)
    index = faiss.IndexFlatIP(vecs.shape[1])
    index.add(vecs)
    index_time = time.perf_counter() - start
    del vecs
    times = []
    for q in queries:
        start = time.perf_counter()
        index.search(model.encode([q], normalize_embeddings=True), 10)
        times.append(time.perf_counter() - start)
    return embed_rate, index_time, times


def child(system, n, sample, n_queries):
    """Measure one system at one size in this process; print a JSON line."""
    records = read_jsonl(data_path("csl_achievements.jsonl.gz"))
    queries = [need_text(q) for q in read_jsonl(data_path("enterprise_needs_sample.jsonl"))][:n_queries]
    run = run_engine if system == "engine" else run_naive
    embed_rate, index_time, times = run(records, n, queries, sample)
    # build rate: indexing as timed, plus embedding every document at the measured rate
    build_rate = n / (index_time + n / embed_rate)
    p50, p95 = percentiles(times[3:])  # the first queries warm caches
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"system": system, "n": n, "embed": embed_rate, "build": build_rate,
                      "p50": p50, "p95": p95, "rss": rss}))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--sample", type=int, default=500, help="documents really embedded per run")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--systems", default=",".join(SYSTEMS), help="which of engine,naive to measure")
    parser.add_argument("--child", nargs=2, metavar=("SYSTEM", "N"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child[0], int(args.child[1]), args.sample, args.queries)
    systems = list(dict.fromkeys(s for s in args.systems.split(",") if s))  # in order, once each
    if not systems or set(systems) - set(SYSTEMS):
        parser.error(f"--systems: choose from {','.join(SYSTEMS)}, got {args.systems!r}")
    rows = []
    env = dict(os.environ, HF_HUB_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
    if "engine" in systems:
        prepare_encoder()
    for n in map(int, args.sizes.split(",")):
        for system in systems:
            cmd = [sys.executable, __file__, "--child", system, str(n), "--sample", str(args.sample),
                   "--queries", str(args.queries)]
            out = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True).stdout
            rows.append(json.loads(out.strip().splitlines()[-1]))
            print(f"measured {system} at N={n}", file=sys.stderr)
    print(f"{'N':>7} {'system':<7} {'embed doc/s':>11} {'build doc/s':>11} {'p50 ms':>7} {'p95 ms':>7} {'RSS MB':>7}")
    for row in rows:
        print(f"{row['n']:>7} {row['system']:<7} {row['embed']:>11.1f} {row['build']:>11.1f} "
              f"{row['p50']:>7.1f} {row['p95']:>7.1f} {row['rss']:>7.0f}")
    if set(systems) != set(SYSTEMS):
        return  # ratios need both systems
    for n in map(int, args.sizes.split(",")):
        e, b = (next(r for r in rows if r["n"] == n and r["system"] == s) for s in SYSTEMS)
        print(f"{n:>7} {'ratio':<7} {e['embed'] / b['embed']:>10.2f}x {e['build'] / b['build']:>10.2f}x "
              f"{e['p50'] / b['p50']:>6.2f}x {e['p95'] / b['p95']:>6.2f}x {e['rss'] / b['rss']:>6.2f}x")


if __name__ == "__main__":
    main()
