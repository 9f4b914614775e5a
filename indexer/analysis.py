"""What each signal sees of a document or a query: weighted fields for BM25, one focused text for the encoder."""
import re

from .focus import focus
from .tokenize import tokenize

# Bump whenever what the signals see of a document changes: an index built under another version
# holds stale terms or vectors and must be rebuilt (the embedded backend checks it on load).
ANALYSIS_VERSION = 2
# Field repeats for BM25 (a cheap field weighting: title terms count twice).
FIELD_REPEATS = {"title": 2, "keywords": 1, "body": 1}
MAX_QUERY_CHARS = 20000  # longer texts are cut: a listing never needs more, and cost stays bounded
# The encoder sees the first 160 characters of a focused query: nDCG@10 is flat from 128 to 384 on dev
# and the team needs (scripts/eval_matching.py), and the query embedding is most of a search's time.
QUERY_EMBED_CHARS = 160


def clean(text):
    """Text as a str, cut to a bounded length."""
    return str(text or "")[:MAX_QUERY_CHARS]


def keywords_text(value):
    """Keywords given as a list or as a comma/space separated string, as one line."""
    if isinstance(value, (list, tuple)):
        value = " ".join(map(str, value))
    return re.sub(r"[,，;；、]+", " ", clean(value))


def doc_fields(fields):
    """A document's fields as both signals see them: cleaned title, keywords on one line, focused body."""
    return {"title": clean(fields.get("title")), "keywords": keywords_text(fields.get("keywords")),
            "body": focus(clean(fields.get("body")))}


def doc_terms(fields, scheme):
    """BM25 terms of a document's doc_fields() under the analyzer scheme."""
    terms = []
    for name, repeat in FIELD_REPEATS.items():
        terms.extend(tokenize(fields[name], scheme) * repeat)
    return terms


def doc_text(fields):
    """The text the encoder embeds for a document's doc_fields(): title, focused body, then its keywords.

    Keywords last, labelled, rather than between title and body: measured on dev plus the team
    judgments (scripts/eval_matching.py), +0.006 nDCG@10 across fusion weights.
    """
    parts = [fields["title"].strip(), fields["body"].strip()]
    keywords = fields["keywords"].split()
    if keywords:
        parts.append("关键词：" + "，".join(keywords))
    return "。".join(p for p in parts if p)


def split_title(text):
    """(title, body) of a query: a short first line of a multi-line text is its title."""
    text = clean(text).strip()
    first, _, rest = text.partition("\n")
    if rest.strip() and len(first.strip()) <= 80:
        return first.strip(), rest
    return "", text


def query_terms(text, scheme):
    """BM25 terms of a query: title terms count twice, like a document's; the body is focused."""
    title, body = split_title(text)
    return tokenize(title, scheme) * FIELD_REPEATS["title"] + tokenize(focus(body), scheme)


def query_texts(text):
    """The texts the encoder embeds for a query: the focused whole (its start), and the title (or the whole)."""
    title, _ = split_title(text)
    whole = focus(clean(text)).strip()[:QUERY_EMBED_CHARS]
    return whole, title or whole
