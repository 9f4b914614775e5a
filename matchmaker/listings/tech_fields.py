"""The technical-field tree as the listing pages need it: names, choices, top codes."""
from flask import current_app, g

from models import TechField, read_taxonomy_file

from ..extensions import db


def field_rows() -> list[dict]:
    """Taxonomy rows from the database, or from TAXONOMY_FILE while the table is still empty."""
    if "taxonomy_rows" not in g:
        g.taxonomy_rows = _load_rows()
    return g.taxonomy_rows


def _load_rows() -> list[dict]:
    rows = [{"code": f.code, "name": f.name, "parent_code": f.parent_code, "position": f.position}
            for f in db.session.scalars(db.select(TechField).order_by(TechField.code))]
    if rows:
        return rows
    cache = current_app.extensions.setdefault("taxonomy_file_rows", {})
    path = current_app.config["TAXONOMY_FILE"]
    if path not in cache:
        cache[path] = read_taxonomy_file(path)
    return cache[path]


def field_names() -> dict[str, str]:
    """Code -> name for every field, top-level and sub-field."""
    return {r["code"]: r["name"] for r in field_rows()}


def field_label(code: str | None) -> str:
    """'电子信息 / 软件' for a sub-field, the name for a top field, '' when empty."""
    if not code:
        return ""
    names = field_names()
    top = top_code(code)
    if top != code and top in names:
        return f"{names[top]} / {names.get(code, code)}"
    return names.get(code, code)


def top_code(code: str | None) -> str | None:
    """The top-level field of a code (its parent, or itself)."""
    if not code:
        return None
    if "taxonomy_parents" not in g:
        g.taxonomy_parents = {r["code"]: r["parent_code"] for r in field_rows()}
    return g.taxonomy_parents.get(code) or code


def field_choices() -> list[tuple[str, str]]:
    """(code, label) pairs for a select: each top field followed by its sub-fields."""
    if "taxonomy_choices" not in g:  # resolve_field runs once per imported row
        g.taxonomy_choices = _build_choices(field_rows())
    return list(g.taxonomy_choices)


def _build_choices(rows: list[dict]) -> list[tuple[str, str]]:
    tops = sorted((r for r in rows if not r["parent_code"]), key=lambda r: r["position"])
    choices = []
    for top in tops:
        choices.append((top["code"], top["name"]))
        children = sorted((r for r in rows if r["parent_code"] == top["code"]), key=lambda r: r["position"])
        choices += [(c["code"], f"{top['name']} / {c['name']}") for c in children]
    return choices


def resolve_field(text: str) -> str | None:
    """The code for a code, a name or a 'top / sub' label; None when unknown."""
    text = (text or "").strip()
    if not text:
        return None
    for code, label in field_choices():
        if text in (code, label) or label.endswith("/ " + text) or label == text.replace("/", " / "):
            return code
    return None
