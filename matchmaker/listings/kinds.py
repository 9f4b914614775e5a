"""The two kinds of listing, each declared once: generic code in listings/ asks the kind, never its name.

A kind declares its model, its own fields (form input, spreadsheet column, cleaning rule, what the engine
reads, whether it is a structured term), the rule across its fields, its engine filters, hall facets and
sorts, and what a hall loads with each row. Adding a field to one kind is the model column, its migration
and one ``Field`` here (plus the kind's template where the field is shown).
"""
from dataclasses import dataclass, replace
from datetime import date
from typing import Callable

from wtforms import BooleanField, FieldList, FormField, SelectField, StringField, TextAreaField

from models import TRL_LEVELS, Achievement, IPItem, IPOwnership, Need, PriceMode, Role

from . import validation as v
from .columns import COMMON_COLUMNS, CONTACT, Column
from .forms import IP_ROWS, IPItemForm


def _text_input(f: "Field"):
    return TextAreaField(f.form_label or f.label, description=f.help, render_kw={"rows": 3})


def _line_input(f: "Field"):
    return StringField(f.form_label or f.label, description=f.help)


SHARED_TERMS = frozenset({"region", "coop_modes"})  # the terms every kind has (ListingKind.term_fields)


@dataclass(frozen=True)
class Field:
    """One field a kind has beyond the shared ones (title, body, keywords, field, region, modes, contacts).

    ``clean(data, field, errors, today)`` returns the cleaned value (errors go into ``errors``); ``text`` says
    what the engine reads of it ("body" or "keywords"); a ``term`` is a structured value a published listing
    may change without a new review; ``terms`` fields are typed as a list of words.
    """

    name: str
    label: str  # in error messages and, unless form_label says otherwise, on the form
    clean: Callable = None
    form: Callable = _text_input
    form_label: str = ""
    help: str = ""
    header: str = ""  # spreadsheet column header (default: the label)
    aliases: tuple = ()
    example: str = ""
    text: str | None = None
    term: bool = False
    terms: bool = False
    read: Callable | None = None  # listing -> plain value (default: the attribute)
    write: Callable | None = None  # (listing, value) -> changed? (default: set the attribute)

    def cleaned(self, data: dict, errors: dict, today: date):
        if self.clean is None:
            return v.clean_note(data, self.name, self.label, errors)
        return self.clean(data, self, errors, today)

    def column(self, private: bool) -> Column:
        return Column(self.header or self.label, self.name, private=private, aliases=self.aliases,
                      example=self.example)


# cleaning rules of single fields: (data, field, errors, today) -> value
def _terms(data, f, errors, today):
    return v.clean_terms(data, f.name, f.label, errors)


def _amount(data, f, errors, today):
    return v.clean_amount(data, f.name, f.label, errors)


def _enum(enum, default):
    def clean(data, f, errors, today):
        value = enum.parse(data.get(f.name) or default)
        if value is None:
            errors[f.name] = f"未知的{f.label}：{data.get(f.name)}"
        return value or default
    return clean


def _trl(data, f, errors, today):
    return v.clean_trl(data.get(f.name), errors)


def _deadline(data, f, errors, today):
    return v.clean_deadline(data.get(f.name), errors, today)


def _flag(data, f, errors, today):
    return bool(data.get(f.name))


def _ip_items(data, f, errors, today):
    try:
        return v.clean_ip_items(data.get(f.name) or [])
    except v.ValidationError as exc:
        errors[f.name] = exc.message
        return []


def _read_ip_items(listing) -> list[dict]:
    return [{"ip_type": i.ip_type, "number": i.number, "status": i.status} for i in listing.ip_items]


def _write_ip_items(listing, items) -> bool:
    if [(i.ip_type, i.number, i.status) for i in listing.ip_items] == \
            [(i["ip_type"], i["number"], i["status"]) for i in items]:
        return False
    listing.ip_items = [IPItem(position=n, **i) for n, i in enumerate(items)]
    return True


def _ip_items_input(f):
    return FieldList(FormField(IPItemForm), min_entries=IP_ROWS)


# rules across one kind's fields: (cleaned values, errors) -> None
def _price_rule(out: dict, errors: dict) -> None:
    if out["price_mode"] == PriceMode.LISTED and not out["price_amount"] and "price_amount" not in errors:
        errors["price_amount"] = "挂牌价须填写价格（万元）"
    if out["price_mode"] != PriceMode.LISTED:
        out["price_amount"] = None


def _need_rule(out: dict, errors: dict) -> None:
    low, high = out["budget_min"], out["budget_max"]
    if low is not None and high is not None and low > high:
        errors["budget_max"] = "预算上限不能小于下限"
    if out["is_challenge"]:
        if not out["reward"] and "reward" not in errors:
            errors["reward"] = "揭榜挂帅须填写悬赏金额（万元）"
        if not out["solver_conditions"]:
            errors["solver_conditions"] = "揭榜挂帅须填写揭榜条件"
        if not out["deadline"] and "deadline" not in errors:
            errors["deadline"] = "揭榜挂帅须填写截止日期"
    else:
        out["reward"] = out["solver_conditions"] = None


# engine filters of one kind beyond the shared field/region/coop: listing -> {trl, budget, challenge}
def _achievement_filters(a) -> dict:
    return {"trl": a.trl, "budget": a.price_amount, "challenge": None}


def _need_filters(n) -> dict:
    budget = n.budget_max if n.budget_max is not None else n.budget_min
    return {"trl": None, "budget": budget, "challenge": "1" if n.is_challenge else None}  # 揭榜挂帅 facet


@dataclass(frozen=True)
class ListingKind:
    """How one kind of listing is named, owned, validated, indexed, searched and matched."""

    name: str  # URL segment, index name and blueprint name: "achievements" / "needs"
    model: type
    object_type: str  # audit-log object type: "achievement" / "need"
    label: str  # 科技成果 / 技术需求
    short_label: str  # 成果 / 需求: 成果大厅, 相关成果
    owner_role: Role
    other_name: str  # the kind this one is matched against
    body: Field  # the long text: summary / description
    match_column: str  # the Match column holding a listing of this kind
    fields: tuple = ()
    rule: Callable | None = None
    filters: Callable = None
    facets: tuple = ()
    sorts: tuple = ("relevance", "newest")
    eager: tuple = ()  # relationships a hall loads with its rows (the API and the CSV export read them)
    column_order: tuple = ()  # spreadsheet columns by name (fields left out come last, before the contacts)
    examples: tuple = ()  # (column name, example) of the shared columns in this kind's import template

    @property
    def other(self) -> "ListingKind":
        return KINDS[self.other_name]

    @property
    def body_attr(self) -> str:
        return self.body.name

    @property
    def hall(self) -> str:
        return f"{self.short_label}大厅"

    @property
    def related_label(self) -> str:
        """The panel of the other kind's listings on this kind's page."""
        return f"相关{self.other.short_label}"

    def has(self, name: str) -> bool:
        return any(f.name == name for f in self.fields)

    def field(self, name: str) -> Field:
        return next(f for f in (self.body,) + self.fields if f.name == name)

    @property
    def private_fields(self) -> tuple:
        """This kind's own fields only brokers and admins see (the model's PRIVATE_FIELDS beyond contacts)."""
        return tuple(f for f in self.fields if f.name in self.model.PRIVATE_FIELDS)

    @property
    def term_fields(self) -> frozenset:
        """Structured, validated values a published listing may change without a new review (no free text): the
        shared ones and this kind's fields declared as terms."""
        return SHARED_TERMS | {f.name for f in self.fields if f.term}

    def text_fields(self, part: str) -> list[str]:
        """The fields the engine reads as ``part`` ("body" or "keywords"), in order."""
        return [f.name for f in self.fields if f.text == part]

    def columns(self) -> tuple:
        """Spreadsheet columns of the import, its template and the CSV export."""
        mine = {f.name: f.column(f.name in self.model.PRIVATE_FIELDS) for f in (self.body,) + self.fields}
        mine[self.body.name] = replace(mine[self.body.name], required=True)
        examples = dict(self.examples)
        common = {n: replace(c, example=examples.get(n, c.example)) for n, c in COMMON_COLUMNS.items()}
        known = {**common, **mine}
        order = [n for n in self.column_order if n in known]
        order += [f.name for f in self.fields if f.name not in order]
        return tuple(known[n] for n in order) + CONTACT


ACHIEVEMENTS = ListingKind(
    "achievements", Achievement, "achievement", "科技成果", "成果", Role.RESEARCHER, "needs",
    body=Field("summary", "摘要", header="成果简介", form_label="成果简介", aliases=("摘要", "简介"),
               example="本成果提出一种聚合物与陶瓷复合的固态电解质，可抑制锂枝晶，提升电池安全性。"),
    match_column="achievement_id",
    fields=(
        Field("industries", "应用行业", _terms, _line_input, help="多个行业用逗号分隔", example="新能源汽车，储能",
              text="keywords", terms=True),
        Field("trl", "技术成熟度", _trl, lambda f: SelectField(f.label, choices=[("", "未填写")] + [
            (str(k), f"TRL {k} · {s}（{d}）") for k, (d, s) in TRL_LEVELS.items()]), aliases=("TRL",), example="6",
            term=True),
        Field("price_mode", "价格方式", _enum(PriceMode, PriceMode.NEGOTIABLE),
              lambda f: SelectField(f.label, choices=PriceMode.choices()), example="挂牌价", term=True),
        Field("price_amount", "价格", _amount, _line_input, form_label="挂牌价（万元）", header="价格(万元)",
              aliases=("价格（万元）", "挂牌价(万元)"), example="120", term=True),
        Field("ip_items", "知识产权", _ip_items, _ip_items_input, read=_read_ip_items, write=_write_ip_items,
              example="发明专利:201910123456.X:已授权；软件著作权:2020SR123456:已授权"),
        Field("innovation_points", "创新点", text="body"),
        Field("key_indicators", "关键技术指标", aliases=("技术指标",), text="body"),
        Field("team", "团队介绍", header="团队", aliases=("团队介绍",), help="团队信息仅平台技术经理人和管理员可见"),
    ),
    rule=_price_rule, filters=_achievement_filters,
    facets=("field", "region", "stage", "coop"), sorts=("relevance", "newest", "trl"), eager=("ip_items",),
    column_order=("external_id", "title", "summary", "keywords", "field_code", "industries", "region", "trl",
                  "coop_modes", "price_mode", "price_amount", "ip_items", "innovation_points", "key_indicators",
                  "team"),
    examples=(("external_id", "CG-2026-001"), ("title", "高安全性固态锂电池电解质制备技术"),
              ("keywords", "固态电池，电解质，锂电池"), ("field_code", "新能源与节能 / 新型高效能量转换与储存技术"),
              ("region", "四川"), ("coop_modes", "转让、普通许可")),
)

NEEDS = ListingKind(
    "needs", Need, "need", "技术需求", "需求", Role.ENTERPRISE, "achievements",
    body=Field("description", "需求描述", aliases=("问题描述", "摘要"),
               example="企业生产储能电池包，需要在热失控发生前提前预警的检测技术，可集成到现有电池管理系统。"),
    match_column="need_id",
    fields=(
        Field("indicators", "核心指标", example="预警提前量不少于 5 分钟", text="body"),
        Field("budget_min", "预算下限", _amount, _line_input, form_label="预算下限（万元）", help="上下限都不填表示面议",
              header="预算下限(万元)", aliases=("预算下限（万元）",), example="50", term=True),
        Field("budget_max", "预算上限", _amount, _line_input, form_label="预算上限（万元）", header="预算上限(万元)",
              aliases=("预算上限（万元）", "预算(万元)", "预算（万元）"), example="200", term=True),
        Field("deadline", "截止日期", _deadline, lambda f: StringField(f.label, render_kw={"type": "date"}),
              example="2027-06-30", term=True),
        Field("ip_ownership", "知识产权归属", _enum(IPOwnership, IPOwnership.NEGOTIABLE),
              lambda f: SelectField(f.label, choices=IPOwnership.choices()), example="双方共有"),
        Field("is_challenge", "揭榜挂帅", _flag, lambda f: BooleanField(f.label), example="否"),
        Field("reward", "悬赏金额", _amount, _line_input, form_label="悬赏金额（万元）", header="悬赏金额(万元)",
              aliases=("悬赏金额（万元）",), term=True),
        Field("solver_conditions", "揭榜条件", text="body"),
    ),
    rule=_need_rule, filters=_need_filters,
    facets=("challenge", "field", "region", "coop", "budget"), sorts=("relevance", "newest", "budget", "deadline"),
    column_order=("external_id", "title", "description", "indicators", "keywords", "field_code", "region",
                  "budget_min", "budget_max", "deadline", "coop_modes", "ip_ownership", "is_challenge", "reward",
                  "solver_conditions"),
    examples=(("external_id", "XQ-2026-001"), ("title", "动力电池包热失控预警技术"), ("keywords", "热失控，预警，电池包"),
              ("field_code", "新能源与节能"), ("region", "重庆"), ("coop_modes", "技术开发")),
)

KINDS = {k.name: k for k in (ACHIEVEMENTS, NEEDS)}


def kind_of(listing) -> ListingKind:
    """The kind of a listing object (TypeError for anything that is not one)."""
    for kind in KINDS.values():
        if isinstance(listing, kind.model):
            return kind
    raise TypeError(f"not a listing: {listing!r}")


def get_kind(name: str) -> ListingKind:
    """The kind named ``name``; KeyError for anything else."""
    return KINDS[name]


def register_kind(kind: ListingKind) -> ListingKind:
    """Make ``kind`` the declaration of its name (e.g. a variant with one more field); return the one it replaced."""
    old = KINDS[kind.name]
    KINDS[kind.name] = kind
    return old

