"""Readers for the benchmark files: CSL achievements, enterprise needs, graded judgments."""
import gzip
import json
import os

from .base import Document

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA_DIR = os.path.join(os.path.dirname(REPO), "shared", "data")  # ../shared/data next to the repo


def data_path(name):
    """Default path of a shared data file."""
    return os.path.join(DATA_DIR, name)


def read_jsonl(path):
    """Records of a JSONL file, gzip or plain."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def achievement_document(record):
    """A CSL record (id, title, abstract, keywords, discipline, category) as an engine document."""
    keywords = record.get("keywords") or []
    if isinstance(keywords, str):
        keywords = [keywords]
    return Document(
        id=str(record["id"]),
        fields={"title": record.get("title") or "", "body": record.get("abstract") or "",
                "keywords": " ".join(keywords)},
        filters={"discipline": record.get("discipline"), "category": record.get("category")},
    )


def need_text(record):
    """A need record (id, title, text) as one query string, the way the app sends a listing."""
    return "\n".join(p for p in (record.get("title"), record.get("text")) if p)


def need_document(record):
    """A need record (id, title, text) as an engine document, for achievement -> need queries."""
    return Document(id=str(record["id"]), fields={"title": record.get("title") or "", "body": record.get("text") or "",
                                                  "keywords": ""}, filters={})


def achievement_query(record):
    """A CSL record as one query string, the way the app sends an achievement: title, keywords, then body."""
    keywords = record.get("keywords") or []
    if isinstance(keywords, str):
        keywords = [keywords]
    return "\n".join(p for p in (record.get("title"), " ".join(keywords), record.get("abstract")) if p)


def read_qrels(path):
    """{qid: {docid: grade}} from a qid<TAB>docid<TAB>grade file."""
    qrels = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 3:
                qrels.setdefault(parts[0], {})[parts[1]] = int(parts[2])
    return qrels
