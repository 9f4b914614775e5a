"""Match every query of a JSONL file against a corpus with the app's engine and settings; write a TREC-like run.

Each line: qid<TAB>docid<TAB>rank<TAB>fused<TAB>score<TAB>queued, where score is the calibrated 0-100 score a
broker sees and queued is 1 when the app would store the pair as a match (rank <= MATCH_TOP_N and score >=
MATCH_THRESHOLD of the configuration, MATCHMAKER_* overrides applied).

Usage: python scripts/match_batch.py --corpus FILE --queries FILE --k 100 --out RUN.tsv
         [--query-fields title]            (query with the need's title alone)
         [--direction achievement-to-need] (CSL records as queries against a needs file as corpus)
"""
import argparse
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from config import engine_settings as config_settings, load_config  # noqa: E402
from indexer import open_index  # noqa: E402
from indexer.datasets import (REPO, achievement_document, achievement_query, data_path, need_document,  # noqa: E402
                              need_text, read_jsonl)

# direction -> (document of a corpus record, index name, query text of a query record by --query-fields)
DIRECTIONS = {
    "need-to-achievement": (achievement_document, "achievements",
                            {"full": need_text, "title": lambda r: r.get("title") or ""}),
    "achievement-to-need": (need_document, "needs",
                            {"full": achievement_query, "title": lambda r: r.get("title") or ""}),
}


def engine_settings(index_dir, **overrides):
    """The engine settings the app uses (config.py plus MATCHMAKER_* overrides), pointed at index_dir."""
    return {**config_settings(load_config(), index_dir), **overrides}


def build_engine(corpus, index_dir, progress=False, document=achievement_document, name="achievements",
                 **overrides):
    """An engine index over the corpus records (achievements by default; document=need_document for needs)."""
    index = open_index(name, engine_settings(index_dir, **overrides))
    index.rebuild((document(r) for r in corpus), total=len(corpus), progress=progress)
    return index


def run_queries(index, queries, k, text_of=need_text):
    """{qid: [(docid, fused), ...]} best first."""
    return {q["id"]: [(h.id, h.fused) for h in index.search(text_of(q), limit=k)] for q in queries}


def run_hits(index, queries, k, text_of=need_text):
    """{qid: [Hit, ...]} best first (queries whose text is empty get no hits)."""
    return {q["id"]: index.search(text_of(q), limit=k) if text_of(q).strip() else [] for q in queries}


def queued(hits, threshold, top_n):
    """1/0 per hit: would the app store it as a match (among the top_n, score at or above threshold)."""
    return [int(rank <= top_n and h.score >= threshold) for rank, h in enumerate(hits, 1)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=None, help="default: the CSL achievements (the sample needs for "
                                                       "--direction achievement-to-need)")
    parser.add_argument("--queries", default=None, help="default: the sample needs (the CSL achievements for "
                                                        "--direction achievement-to-need)")
    parser.add_argument("--direction", choices=sorted(DIRECTIONS), default="need-to-achievement")
    parser.add_argument("--query-fields", choices=("full", "title"), default="full",
                        help="query with the whole record (default) or with its title alone")
    parser.add_argument("--ids", help="only the query ids listed in this file (first column; # comments)")
    parser.add_argument("--k", type=int, default=100)
    parser.add_argument("--out", required=True)
    parser.add_argument("--cache", default=os.path.join(REPO, "instance", "cache", "vectors"),
                        help="folder caching text vectors between runs ('' to disable)")
    args = parser.parse_args()
    if args.k < 1:
        parser.error("--k must be at least 1")
    if args.cache:
        from indexer.encoder import use_vector_cache

        use_vector_cache(args.cache)
    reverse = args.direction == "achievement-to-need"
    corpus_path = args.corpus or data_path("enterprise_needs_sample.jsonl" if reverse else "csl_achievements.jsonl.gz")
    queries_path = args.queries or data_path("csl_achievements.jsonl.gz" if reverse else "enterprise_needs_sample.jsonl")
    document, name, texts = DIRECTIONS[args.direction]
    config = load_config()
    threshold, top_n = float(config["MATCH_THRESHOLD"]), int(config["MATCH_TOP_N"])
    start = time.time()
    corpus, queries = read_jsonl(corpus_path), read_jsonl(queries_path)
    if args.ids:
        with open(args.ids, encoding="utf-8") as f:
            wanted = {line.split("\t")[0].strip() for line in f if line.strip() and not line.startswith("#")}
        queries = [q for q in queries if q["id"] in wanted]
    with tempfile.TemporaryDirectory() as tmp:
        index = build_engine(corpus, tmp, progress=sys.stderr.isatty(), document=document, name=name)
        run = run_hits(index, queries, args.k, texts[args.query_fields])
    with open(args.out, "w", encoding="utf-8") as f:
        for qid, hits in run.items():
            f.writelines(f"{qid}\t{h.id}\t{rank}\t{h.fused:.6f}\t{h.score:.1f}\t{q}\n"
                         for rank, (h, q) in enumerate(zip(hits, queued(hits, threshold, top_n)), 1))
    print(f"matched {len(queries)} queries ({args.query_fields}, {args.direction}) against {len(corpus)} documents, "
          f"top {args.k} each, threshold {threshold:g}, in {time.time() - start:.1f}s -> {args.out}")


if __name__ == "__main__":
    main()
