"""Spreadsheet columns of each kind, shared by the bulk import, its template and the CSV export.

Each column has a Chinese header, the service field it fills, and how a cell becomes a value
and a value becomes a cell; ``private`` columns are exported to brokers and admins only.
"""
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
import re

from models import CoopMode, IPOwnership, IPStatus, IPType, PriceMode

from .tech_fields import field_label, resolve_field

LIST_SEP = re.compile(r"[，,;；、/\s]+")
IP_SEP = re.compile(r"[;；\n]+")


@dataclass(frozen=True)
class Column:
    header: str
    name: str  # the service field (or "external_id", the import's own key)
    required: bool = False
    private: bool = False
    aliases: tuple = ()
    example: str = ""


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel gives numbers as floats
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value).strip()


def parse_cell(name: str, value):
    """A spreadsheet cell -> the value clean_listing expects for field ``name``."""
    text = _text(value)
    if name == "field_code":
        return resolve_field(text) or text
    if name == "coop_modes":
        return [p for p in LIST_SEP.split(text) if p]
    if name == "trl":
        return re.sub(r"(?i)^trl\s*", "", text)
    if name == "ip_items":
        items = []
        for part in (p.strip() for p in IP_SEP.split(text) if p.strip()):
            bits = [b.strip() for b in re.split(r"[:：|]", part)]
            items.append({"ip_type": bits[0], "number": bits[1] if len(bits) > 1 else "",
                          "status": bits[2] if len(bits) > 2 else ""})
        return items
    if name == "deadline":
        if isinstance(value, (date, datetime)):
            return value if not isinstance(value, datetime) else value.date()
        try:
            return date.fromisoformat(text.replace("/", "-")) if text else None
        except ValueError:
            return text  # clean_listing reports the bad format
    if name == "is_challenge":
        return text.lower() in ("是", "y", "yes", "true", "1", "揭榜挂帅")
    return text


def format_cell(listing, name: str) -> str:
    """A listing's value of field ``name`` as spreadsheet text (the import reads it back)."""
    value = getattr(listing, "external_key" if name == "external_id" else name, None)
    if name == "field_code":
        return field_label(value)
    if name in ("keywords", "industries"):
        return "，".join(value or [])
    if name == "coop_modes":
        return "、".join(CoopMode(v).label for v in value or [])
    if name == "ip_items":
        return "；".join(f"{i.ip_type.label}:{i.number or ''}:{i.status.label}" for i in value)
    if name == "is_challenge":
        return "是" if value else "否"
    if isinstance(value, (PriceMode, IPOwnership, IPType, IPStatus)):
        return value.label
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


CONTACT = (Column("联系人", "contact_name", private=True, example="张老师"),
           Column("联系电话", "contact_phone", private=True, example="028-85401234"),
           Column("联系邮箱", "contact_email", private=True, example="zhang@example.edu.cn"))
# the columns every kind has; each kind adds its own fields' (kinds.ListingKind.columns)
COMMON_COLUMNS = {c.name: c for c in (
    Column("外部编号", "external_id"),
    Column("标题", "title", True),
    Column("关键词", "keywords"),
    Column("技术领域", "field_code", True),
    Column("地区", "region", True),
    Column("合作方式", "coop_modes"),
)}


def export_columns(kind, private: bool) -> list[Column]:
    """The export's columns, 外部编号 included (it re-imports in place); private ones only when ``private``."""
    return [c for c in kind.columns() if private or not c.private]
