"""The one analyzer: jieba words (search mode, domain dictionary) or CJK character bigrams."""
import functools
import logging
import os
import re
import unicodedata

DATA_DIR = os.path.join(os.path.dirname(__file__), "data")
_KEEP = re.compile(r"[\u4e00-\u9fff]+|[a-z0-9][a-z0-9.+\-]*")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")


@functools.lru_cache(maxsize=1)
def _jieba():
    """A private jieba tokenizer with the domain user dictionary (loaded on first use)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    tok.load_userdict(os.path.join(DATA_DIR, "userdict.txt"))
    return tok


@functools.lru_cache(maxsize=1)
def stopwords():
    """Words too common in listings to carry meaning."""
    with open(os.path.join(DATA_DIR, "stopwords.txt"), encoding="utf-8") as f:
        return frozenset(w.strip() for w in f if w.strip() and not w.startswith("#"))


def normalize(text):
    """NFKC-fold and lowercase; control characters become spaces."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    return "".join(" " if unicodedata.category(c)[0] == "C" else c for c in text)


def tokenize(text, scheme="words"):
    """Terms of text: "words" = jieba search-mode words, "bigrams" = overlapping CJK bigrams."""
    text = normalize(text)
    if scheme == "bigrams":
        out = []
        for run in _CJK_RUN.findall(text):
            out.extend(run[i:i + 2] for i in range(max(1, len(run) - 1)))
        out.extend(m for m in re.findall(r"[a-z0-9][a-z0-9.+\-]*", text) if len(m) > 1)
        return out
    stop = stopwords()
    out = []
    for chunk in _KEEP.findall(text):
        words = _jieba().cut_for_search(chunk) if chunk[0] >= "\u4e00" else [chunk]
        out.extend(w for w in words if len(w) > 1 and w not in stop)
    return out
