"""Freeze the held-out evaluation set and write its blind judging pools (run once, before any tuning).

The held-out set (data/heldout/):
- needs.tsv: 65 needs of enterprise_needs_sample.jsonl that neither dev_qrels.tsv nor team_qrels.tsv judges,
  picked at random (seed 20261203). Each is a query twice: its full text, and its title alone.
- achievements.tsv: 40 CSL records as achievement -> need queries against the 299 sample needs: 20 picked at
  random from the whole corpus, 20 at random among the achievements some pooling system puts in the top 5 of
  a held-out need (so that the direction has queries with a counterpart to find; recorded per query).
Pools: the union of the top 10 of several systems per query (the engine as it stood, words and bigram BM25,
m3e-small alone, min-max fusion of bigram BM25 with m3e; for needs on the full text and on the title), shown
to the judges in random order without system names (pools/*.md). Their grades go to data/heldout/qrels.tsv.
Never tune on it: scripts/eval_matching.py --heldout reports it.

Usage: python scripts/heldout_pools.py [--out data/heldout]
"""
import argparse
import os
import random
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from indexer.datasets import (REPO, achievement_query, data_path, need_document, need_text, read_jsonl,  # noqa: E402
                              read_qrels)
from indexer.encoder import use_vector_cache  # noqa: E402
from eval_matching import TEAM_QRELS, bm25_scores, dense_scores, doc_string, minmax  # noqa: E402
from match_batch import build_engine  # noqa: E402

SEED = 20261203
N_NEEDS, N_RANDOM_ACH, N_POOLED_ACH = 65, 20, 20
POOL_DEPTH = 10
NEED_CHARS = 900  # what a judge reads of a need candidate (title and the start of its text)


def pools(scores, ids, depth=POOL_DEPTH):
    """Top-depth ids of each row of a score matrix."""
    return [[ids[i] for i in np.argsort(-row, kind="stable")[:depth]] for row in scores]


def reference_systems(docs_text, texts, dense_docs=None):
    """{system: score matrix} of the plain reference systems over plain document strings."""
    words, bigrams = bm25_scores(docs_text, texts, "words"), bm25_scores(docs_text, texts, "bigrams")
    dense = dense_scores(docs_text, texts)
    return {"bm25w": words, "bm25b": bigrams, "m3e": dense, "fusion": 0.7 * minmax(bigrams) + 0.3 * minmax(dense)}


def write_pool(path, header, query_id, query_text, candidates, rng):
    """One blind pool file: the query, then its candidates in random order with their ids."""
    candidates = list(candidates.items())
    rng.shuffle(candidates)
    with open(path, "a", encoding="utf-8") as f:
        f.write(f"\n\n## QUERY {query_id}\n{header}\n\n{query_text.strip()}\n\n### CANDIDATES ({len(candidates)})\n")
        for cid, text in candidates:
            f.write(f"\n[{cid}] {text.strip()}\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(REPO, "data", "heldout"))
    parser.add_argument("--groups", type=int, default=7, help="pool files to split the queries into")
    args = parser.parse_args()
    use_vector_cache(os.path.join(REPO, "instance", "cache", "vectors"))
    os.makedirs(os.path.join(args.out, "pools"), exist_ok=True)
    rng = random.Random(SEED)
    corpus = read_jsonl(data_path("csl_achievements.jsonl.gz"))
    needs = read_jsonl(data_path("enterprise_needs_sample.jsonl"))
    used = set(read_qrels(data_path("dev_qrels.tsv"))) | set(read_qrels(TEAM_QRELS))
    held = rng.sample([n for n in needs if n["id"] not in used], N_NEEDS)
    by_id = {r["id"]: r for r in corpus}
    ids = [r["id"] for r in corpus]

    # need -> achievement pools: full texts and titles
    full, titles = [need_text(n) for n in held], [n["title"] for n in held]
    need_pool = {n["id"]: set() for n in held}
    top5 = set()  # achievements some system ranks in the top 5 of a held-out need's full text
    for texts in (full, titles):
        for system, matrix in reference_systems(corpus, texts).items():
            for n, top in zip(held, pools(matrix, ids)):
                need_pool[n["id"]].update(top)
                if texts is full:
                    top5.update(top[:5])
    with tempfile.TemporaryDirectory() as tmp:
        engine = build_engine(corpus, tmp)
        for texts in (full, titles):
            for n, text in zip(held, texts):
                need_pool[n["id"]].update(h.id for h in engine.search(text, limit=POOL_DEPTH))

    # achievement -> need queries
    pooled_pick = rng.sample(sorted(top5), N_POOLED_ACH)
    random_pick = rng.sample([i for i in ids if i not in pooled_pick], N_RANDOM_ACH)
    ach_queries = [(i, "random") for i in random_pick] + [(i, "pooled") for i in pooled_pick]
    need_docs = [{"id": n["id"], "title": n["title"], "abstract": n.get("text") or "", "keywords": []} for n in needs]
    need_ids = [n["id"] for n in needs]
    texts = [achievement_query(by_id[i]) for i, _ in ach_queries]
    ach_pool = {i: set() for i, _ in ach_queries}
    for system, matrix in reference_systems(need_docs, texts).items():
        for (i, _), top in zip(ach_queries, pools(matrix, need_ids)):
            ach_pool[i].update(top)
    with tempfile.TemporaryDirectory() as tmp:
        engine = build_engine(needs, tmp, document=need_document, name="needs")
        for (i, _), text in zip(ach_queries, texts):
            ach_pool[i].update(h.id for h in engine.search(text, limit=POOL_DEPTH))

    with open(os.path.join(args.out, "needs.tsv"), "w", encoding="utf-8") as f:
        f.write("# held-out needs (query twice: full text, title alone); frozen before tuning\n")
        f.writelines(f"{n['id']}\t{n['title']}\n" for n in held)
    with open(os.path.join(args.out, "achievements.tsv"), "w", encoding="utf-8") as f:
        f.write("# held-out achievement -> need queries: id, how picked (random | pooled), title\n")
        f.writelines(f"{i}\t{how}\t{by_id[i]['title']}\n" for i, how in ach_queries)

    need_by_id = {n["id"]: n for n in needs}
    jobs = [("need", n["id"]) for n in held] + [("achievement", i) for i, _ in ach_queries]
    for old in os.listdir(os.path.join(args.out, "pools")):
        os.remove(os.path.join(args.out, "pools", old))
    sizes = []
    for k, (kind, qid) in enumerate(jobs):
        path = os.path.join(args.out, "pools", f"pool-{k % args.groups + 1}.md")
        if kind == "need":
            cands = {d: doc_string(by_id[d]) for d in sorted(need_pool[qid])}
            write_pool(path, "Enterprise NEED; candidates are research ACHIEVEMENTS.", qid,
                       need_text(need_by_id[qid]), cands, rng)
        else:
            cands = {d: need_text(need_by_id[d])[:NEED_CHARS] for d in sorted(ach_pool[qid])}
            write_pool(path, "Research ACHIEVEMENT; candidates are enterprise NEEDS.", qid,
                       doc_string(by_id[qid]), cands, rng)
        sizes.append(len(cands))
    print(f"{len(held)} needs, {len(ach_queries)} achievement queries; {sum(sizes)} pairs to judge "
          f"({min(sizes)}-{max(sizes)} per query) in {args.groups} pool files under {args.out}/pools")


if __name__ == "__main__":
    main()
