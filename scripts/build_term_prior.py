"""Count how many needs use each query term and write the table indexer/prior.py damps generic words with.

Usage: python scripts/build_term_prior.py [--needs FILE] [--out indexer/data/need_terms.tsv]
The needs file is JSONL in the format of enterprise_needs_sample.jsonl (id, title, text). Only word counts
are kept (terms used by at least indexer.prior.MIN_DF needs), no judgments.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from indexer.analysis import query_terms  # noqa: E402
from indexer.datasets import data_path, need_text, read_jsonl  # noqa: E402
from indexer.prior import DEFAULT_PATH, MIN_DF, TermPrior  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--needs", default=data_path("enterprise_needs_sample.jsonl"))
    parser.add_argument("--out", default=DEFAULT_PATH)
    args = parser.parse_args()
    needs = read_jsonl(args.needs)
    if len(needs) < 2:
        parser.error(f"{args.needs}: need at least 2 needs to count terms over, found {len(needs)}")
    prior = TermPrior.count(query_terms(need_text(n), "words") for n in needs)
    prior.write(args.out, f"{len(needs)} enterprise needs ({os.path.basename(args.needs)})")
    print(f"{len(prior.df)} terms used by >= {MIN_DF} of {prior.size} needs -> {args.out}")


if __name__ == "__main__":
    main()
