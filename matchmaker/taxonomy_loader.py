"""Load or replace the two-level technical-field taxonomy (TechField) from a JSON file."""
from dataclasses import dataclass

import sqlalchemy as sa

from models import BrokerCoverage, TechField, read_taxonomy_file

from .errors import ValidationError
from .extensions import db


@dataclass
class TaxonomyResult:
    """What a load changed: counts of top-level and sub-fields, and of rows added/updated/removed."""

    top: int = 0
    sub: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)


def check_taxonomy_rows(rows: list[dict]) -> None:
    """Raise ValidationError unless there are rows and their codes are unique (the file's nesting fixes the parents)."""
    codes = [r["code"] for r in rows]
    duplicates = sorted({c for c in codes if codes.count(c) > 1})
    if duplicates:
        raise ValidationError(f"分类代码重复：{', '.join(duplicates)}")
    if not rows:
        raise ValidationError("分类文件没有任何领域")


def load_taxonomy(path: str) -> TaxonomyResult:
    """Make TechField equal to the file: add new codes, update changed ones, remove missing ones.

    Idempotent: loading the same file twice changes nothing. Broker coverage on a
    removed field is dropped with it (listings keep their code as plain text).
    """
    try:
        rows = read_taxonomy_file(path)
    except OSError as error:
        raise ValidationError(f"无法读取分类文件 {path}：{error.strerror or error}") from None
    except (ValueError, KeyError, TypeError) as error:  # bad JSON or a missing "fields"/"code"/"name"
        raise ValidationError(f"分类文件格式错误：{error}") from None
    check_taxonomy_rows(rows)
    existing = {f.code: f for f in db.session.scalars(sa.select(TechField))}
    result = TaxonomyResult(top=sum(r["parent_code"] is None for r in rows))
    result.sub = len(rows) - result.top
    for row in rows:  # parents come before their children in the file's order
        field = existing.get(row["code"])
        if field is None:
            db.session.add(TechField(**row))
            result.added += 1
        elif any(getattr(field, k) != v for k, v in row.items()):
            for key, value in row.items():
                setattr(field, key, value)
            result.updated += 1
    db.session.flush()
    removed = sorted(set(existing) - {r["code"] for r in rows},
                     key=lambda code: existing[code].parent_code is None)  # children first
    if removed:
        db.session.execute(sa.delete(BrokerCoverage).where(BrokerCoverage.field_code.in_(removed)))
        for code in removed:
            db.session.delete(existing[code])
            db.session.flush()
        result.removed = len(removed)
    db.session.commit()
    return result


def ensure_taxonomy(path: str) -> None:
    """Load the taxonomy from ``path`` when the TechField table is still empty."""
    if db.session.scalar(sa.select(sa.func.count()).select_from(TechField)) == 0:
        load_taxonomy(path)
