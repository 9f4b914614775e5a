"""Query term prior: how generic a word is in enterprise needs, as a weight on its share of a BM25 query.

Words such as 生产, 设备, 关键技术 or 降低 turn up in needs of every field. BM25's idf only knows how rare
a word is among the documents searched, so a need whose title says "…关键技术" favours achievements
titled "…关键技术" whatever their subject. The prior damps such words by how many needs use them:

    weight = (log(N / (df + 1)) / log N) ** ALPHA   for words in at least MIN_DF of N needs, else 1

Measured with scripts/eval_matching.py (dev needs, and the team-judged ones, which count each need's own
words out of the table): ALPHA 0.2-0.4 and MIN_DF 2-10 all land within 0.005 nDCG@10 of each other.
The table (data/need_terms.tsv) is unlabelled word counts, rebuilt by scripts/build_term_prior.py.
"""
import functools
import math
import os

from .tokenize import DATA_DIR

DEFAULT_PATH = os.path.join(DATA_DIR, "need_terms.tsv")
ALPHA = 0.3
MIN_DF = 3


class TermPrior:
    """Weights in [0, 1] for query terms from a table of document frequencies in a body of needs."""

    def __init__(self, size, df):
        if size < 2:
            raise ValueError(f"a term prior needs counts over at least 2 texts, got {size}")
        self.size = size
        self.df = {t: d for t, d in df.items() if d >= MIN_DF}
        self._log_size = math.log(size)

    def weight(self, term):
        """1 for a word few needs use, towards 0 for one nearly all of them use."""
        df = self.df.get(term)
        if df is None:
            return 1.0
        return max(math.log(self.size / (df + 1)) / self._log_size, 0.0) ** ALPHA

    @classmethod
    def count(cls, term_lists):
        """A prior from the terms of each text (one list per text)."""
        df, size = {}, 0
        for terms in term_lists:
            size += 1
            for t in set(terms):
                df[t] = df.get(t, 0) + 1
        return cls(size, df)

    def write(self, path, source):
        """Save as a TSV: a comment naming the source, the number of texts, then term and df by df."""
        with open(path, "w", encoding="utf-8") as f:
            f.write(f"# Document frequency of query terms in {source}: terms in >= {MIN_DF} texts.\n"
                    "# Rebuilt by scripts/build_term_prior.py; read by indexer/prior.py.\n")
            f.write(f"texts\t{self.size}\n")
            for term, df in sorted(self.df.items(), key=lambda x: (-x[1], x[0])):
                f.write(f"{term}\t{df}\n")


@functools.lru_cache(maxsize=4)
def load(path=DEFAULT_PATH):
    """The prior stored at path (cached per path)."""
    size, df = None, {}
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 2 or not parts[1].isdigit():
                raise ValueError(f"{path}:{number}: expected 'term<TAB>count', got {line.strip()!r}")
            if parts[0] == "texts" and size is None:
                size = int(parts[1])
            else:
                df[parts[0]] = int(parts[1])
    if size is None:
        raise ValueError(f"{path}: no 'texts<TAB>N' line")
    return TermPrior(size, df)
