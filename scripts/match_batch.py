"""Match every query of a JSONL file against a corpus with the app's engine and settings; write a TREC-like run.

Usage: python scripts/match_batch.py --corpus FILE --queries FILE --k 100 --out RUN.tsv
"""
import argparse
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from config import engine_settings as config_settings, load_config  # noqa: E402
from indexer import open_index  # noqa: E402
from indexer.datasets import REPO, achievement_document, data_path, need_text, read_jsonl  # noqa: E402


def engine_settings(index_dir, **overrides):
    """The engine settings the app uses (config.py plus MATCHMAKER_* overrides), pointed at index_dir."""
    return {**config_settings(load_config(), index_dir), **overrides}


def build_engine(corpus, index_dir, progress=False, **overrides):
    """An engine index over the corpus records."""
    index = open_index("achievements", engine_settings(index_dir, **overrides))
    index.rebuild((achievement_document(r) for r in corpus), total=len(corpus), progress=progress)
    return index


def run_queries(index, queries, k):
    """{qid: [(docid, score), ...]} best first."""
    return {q["id"]: [(h.id, h.fused) for h in index.search(need_text(q), limit=k)] for q in queries}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=data_path("csl_achievements.jsonl.gz"))
    parser.add_argument("--queries", default=data_path("enterprise_needs_sample.jsonl"))
    parser.add_argument("--k", type=int, default=100)
    parser.add_argument("--out", required=True)
    parser.add_argument("--cache", default=os.path.join(REPO, "instance", "cache", "vectors"),
                        help="folder caching text vectors between runs ('' to disable)")
    args = parser.parse_args()
    if args.cache:
        from indexer.encoder import use_vector_cache

        use_vector_cache(args.cache)
    start = time.time()
    corpus, queries = read_jsonl(args.corpus), read_jsonl(args.queries)
    with tempfile.TemporaryDirectory() as tmp:
        run = run_queries(build_engine(corpus, tmp, progress=sys.stderr.isatty()), queries, args.k)
    with open(args.out, "w", encoding="utf-8") as f:
        for qid, hits in run.items():
            f.writelines(f"{qid}\t{doc}\t{rank}\t{score:.6f}\n" for rank, (doc, score) in enumerate(hits, 1))
    print(f"matched {len(queries)} queries against {len(corpus)} documents, top {args.k} each, "
          f"in {time.time() - start:.1f}s -> {args.out}")


if __name__ == "__main__":
    main()
