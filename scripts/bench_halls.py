"""Server time of the achievements and needs halls at scale: no query, a typed query, a query plus two facets.

Builds a scratch app (SQLite file and embedded indexes in a temporary folder) holding --n published
achievements and --n published needs resampled from the CSL texts and the sample needs, with random fields,
regions, maturity, modes, budgets and deadlines, then times GET requests in-process (the request's server
time, rendering included). Document vectors are synthesised from a sample of really encoded ones, as in
bench_engine.py (embedding 200,000 texts on 2 cores takes hours); queries are really embedded, and every
timed query is a different text, so no cache answers it.

Usage: python scripts/bench_halls.py [--n 100000] [--requests 30]
"""
import argparse
import os
import random
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench_engine import synthetic_corpus, synthetic_vectors  # noqa: E402
from indexer.datasets import data_path, read_jsonl  # noqa: E402


def fill(db, kind, n, records, taxonomy, rng):
    """n published listings of ``kind`` (core inserts in chunks)."""
    from models import REGIONS, CoopMode, IndexState, IPOwnership, ListingStatus, PriceMode, utcnow

    leaves = [r["code"] for r in taxonomy if r["parent_code"]]
    modes = [m.value for m in CoopMode]
    now = utcnow()
    table = kind.model.__table__
    rows = []
    for i, r in enumerate(synthetic_corpus(records, n, seed=11 if kind.name == "needs" else 12)):
        row = {"title": r["title"][:200], "keywords": r["keywords"], "field_code": rng.choice(leaves),
               "region": rng.choice(REGIONS), "coop_modes": rng.sample(modes, rng.randint(1, 3)),
               "status": ListingStatus.PUBLISHED, "index_state": IndexState.SYNCED,
               "published_at": now, "submitted_at": now, "created_at": now, "updated_at": now}
        if kind.name == "achievements":
            row.update(summary=r["abstract"], trl=rng.randint(1, 9), industries=[], price_mode=PriceMode.NEGOTIABLE)
        else:
            budget = rng.choice([None, 20, 80, 150, 500, 2000])
            row.update(description=r["abstract"], budget_min=None, budget_max=budget, ip_ownership=IPOwnership.NEGOTIABLE,
                       deadline=None if rng.random() < 0.5 else now.date().replace(year=now.year + 1),
                       is_challenge=rng.random() < 0.1)
        rows.append(row)
        if len(rows) == 5000 or i == n - 1:
            db.session.execute(table.insert(), rows)
            db.session.commit()
            rows = []


def build_index(kind, pool):
    """The kind's embedded index rebuilt from the DB rows, with synthesised document vectors."""
    from matchmaker.extensions import db
    from matchmaker.listings.documents import listing_document
    from matchmaker.listings.index import get_index

    index = get_index(kind.name)
    real = index.encoder.encode
    index.encoder.encode = lambda texts, progress=False: synthetic_vectors(pool, len(texts))
    model = kind.model
    docs = (listing_document(r) for r in db.session.scalars(db.select(model).execution_options(yield_per=1000)))
    index.rebuild(docs, total=db.session.scalar(db.select(db.func.count()).select_from(model)))
    index.encoder.encode = real


def timed(client, urls):
    """Milliseconds per GET (each must answer 200)."""
    out = []
    for url in urls:
        start = time.perf_counter()
        response = client.get(url)
        out.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="listings of each kind")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per hall and shape")
    parser.add_argument("--sample", type=int, default=400, help="documents really embedded for the vector pool")
    args = parser.parse_args()
    from urllib.parse import urlencode

    from matchmaker import create_app
    from matchmaker.extensions import db
    from matchmaker.listings.kinds import KINDS
    from matchmaker.listings.tech_fields import field_rows
    from indexer.analysis import doc_fields, doc_text
    from indexer.datasets import achievement_document

    records = read_jsonl(data_path("csl_achievements.jsonl.gz"))
    needs = read_jsonl(data_path("enterprise_needs_sample.jsonl"))
    queries = [n["title"] for n in needs] + [" ".join(n["title"][:6] for n in needs[i:i + 2]) for i in range(len(needs))]
    rng = random.Random(3)
    rng.shuffle(queries)
    with tempfile.TemporaryDirectory(prefix="bench-halls-") as tmp:
        app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/halls.db",
                          "INDEX_DIR": f"{tmp}/index", "SCHEDULER_ENABLED": False, "RATELIMIT_ENABLED": False})
        with app.app_context():
            db.create_all()
            taxonomy = field_rows()
            start = time.perf_counter()
            for kind in KINDS.values():
                fill(db, kind, args.n, records, taxonomy, rng)
            print(f"inserted {args.n} achievements and {args.n} needs in {time.perf_counter() - start:.0f} s",
                  flush=True)
            from matchmaker.listings.index import get_index
            texts = [doc_text(doc_fields(achievement_document(r).fields))
                     for r in synthetic_corpus(records, args.sample, seed=7)]
            pool = get_index("achievements").encoder.encode(texts)
            start = time.perf_counter()
            for kind in KINDS.values():
                build_index(kind, pool)
            print(f"indexed both kinds in {time.perf_counter() - start:.0f} s", flush=True)
            tops = [r["code"] for r in taxonomy if not r["parent_code"]]
        client = app.test_client()
        print(f"{'hall':<13} {'request':<22} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
        q = iter(queries * 4)
        for name in KINDS:
            timed(client, [f"/{name}/", f"/{name}/?q={next(q)}"])  # warm-up: templates, encoder, taxonomy
            shapes = {
                "no query": [f"/{name}/?page={1 + i % 5}" for i in range(args.requests)],
                "query": [f"/{name}/?" + urlencode({"q": next(q)}) for _ in range(args.requests)],
                "query + 2 facets": [f"/{name}/?" + urlencode({"q": next(q), "field": rng.choice(tops),
                                                               "coop": "development" if name == "needs" else "transfer"})
                                     for _ in range(args.requests)],
                "no query + 2 facets": [f"/{name}/?" + urlencode({"field": rng.choice(tops), "region": "四川"})
                                        for _ in range(args.requests)],
            }
            for shape, urls in shapes.items():
                ms = np.array(timed(client, urls))
                print(f"{name:<13} {shape:<22} {np.percentile(ms, 50):8.0f} {np.percentile(ms, 95):8.0f} "
                      f"{ms.max():8.0f}", flush=True)


if __name__ == "__main__":
    main()
