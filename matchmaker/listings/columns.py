"""Spreadsheet columns of each kind, shared by the bulk import, its template and the CSV export.

Each column has a Chinese header, the service field it fills, and how a cell becomes a value
and a value becomes a cell; ``private`` columns are exported to brokers and admins only.
"""
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
import re

from models import CoopMode, IPOwnership, IPStatus, IPType, PriceMode

from .taxonomy import field_label, resolve_field

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
COLUMNS = {
    "achievements": (
        Column("外部编号", "external_id", example="CG-2026-001"),
        Column("标题", "title", True, example="高安全性固态锂电池电解质制备技术"),
        Column("成果简介", "summary", True, aliases=("摘要", "简介"), example="本成果提出一种聚合物与陶瓷复合的固态电解质，可抑制锂枝晶，提升电池安全性。"),
        Column("关键词", "keywords", example="固态电池，电解质，锂电池"),
        Column("技术领域", "field_code", True, example="新能源与节能 / 新型高效能量转换与储存技术"),
        Column("应用行业", "industries", example="新能源汽车，储能"),
        Column("地区", "region", True, example="四川"),
        Column("技术成熟度", "trl", aliases=("TRL",), example="6"),
        Column("合作方式", "coop_modes", example="转让、普通许可"),
        Column("价格方式", "price_mode", example="挂牌价"),
        Column("价格(万元)", "price_amount", aliases=("价格（万元）", "挂牌价(万元)"), example="120"),
        Column("知识产权", "ip_items", example="发明专利:201910123456.X:已授权；软件著作权:2020SR123456:已授权"),
        Column("创新点", "innovation_points"),
        Column("关键技术指标", "key_indicators", aliases=("技术指标",)),
        Column("团队", "team", private=True, aliases=("团队介绍",)),
    ) + CONTACT,
    "needs": (
        Column("外部编号", "external_id", example="XQ-2026-001"),
        Column("标题", "title", True, example="动力电池包热失控预警技术"),
        Column("需求描述", "description", True, aliases=("问题描述", "摘要"), example="企业生产储能电池包，需要在热失控发生前提前预警的检测技术，可集成到现有电池管理系统。"),
        Column("核心指标", "indicators", example="预警提前量不少于 5 分钟"),
        Column("关键词", "keywords", example="热失控，预警，电池包"),
        Column("技术领域", "field_code", True, example="新能源与节能"),
        Column("地区", "region", True, example="重庆"),
        Column("预算下限(万元)", "budget_min", aliases=("预算下限（万元）",), example="50"),
        Column("预算上限(万元)", "budget_max", aliases=("预算上限（万元）", "预算(万元)", "预算（万元）"), example="200"),
        Column("截止日期", "deadline", example="2027-06-30"),
        Column("合作方式", "coop_modes", example="技术开发"),
        Column("知识产权归属", "ip_ownership", example="双方共有"),
        Column("揭榜挂帅", "is_challenge", example="否"),
        Column("悬赏金额(万元)", "reward", aliases=("悬赏金额（万元）",)),
        Column("揭榜条件", "solver_conditions"),
    ) + CONTACT,
}


def export_columns(kind_name: str, private: bool) -> list[Column]:
    """The export's columns, 外部编号 included (it re-imports in place); private ones only when ``private``."""
    return [c for c in COLUMNS[kind_name] if private or not c.private]
