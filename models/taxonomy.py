"""Technical-field taxonomy: a two-level tree loaded from a JSON data file."""
import json

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class TechField(Base):
    __tablename__ = "tech_field"

    code: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    parent_code: Mapped[str | None] = mapped_column(sa.ForeignKey("tech_field.code"), index=True)
    position: Mapped[int] = mapped_column(default=0)

    @property
    def is_top(self) -> bool:
        return self.parent_code is None


def read_taxonomy_file(path: str) -> list[dict]:
    """Flatten a taxonomy JSON file into rows {code, name, parent_code, position}."""
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    rows = []
    for i, top in enumerate(data["fields"]):
        rows.append({"code": top["code"], "name": top["name"], "parent_code": None, "position": i})
        for j, child in enumerate(top.get("children", [])):
            rows.append({"code": child["code"], "name": child["name"],
                         "parent_code": top["code"], "position": j})
    return rows
