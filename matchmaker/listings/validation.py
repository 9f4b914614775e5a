"""Validation of listing data shared by the forms, the import and the API: one set of rules."""
import re
import unicodedata
from datetime import date
from decimal import Decimal

from models import REGIONS, CoopMode, IPStatus, IPType

from ..clock import platform_today
from ..errors import ValidationError
from ..formtools import CONTROL_RE, LONG_TEXT_MAX, NOTE_MAX, clean_text
from .tech_fields import field_names

PATENT_TYPES = (IPType.INVENTION, IPType.UTILITY, IPType.DESIGN)
# The type digit (5th of the 12-digit form) each patent type may carry: PCT entries use 8 and 9.
PATENT_TYPE_DIGITS = {IPType.INVENTION: "18", IPType.UTILITY: "29", IPType.DESIGN: "3"}
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TERM_MAX = 50  # one keyword or industry
PHONE_RE = re.compile(r"^\+?[0-9][0-9\- ]{5,18}[0-9]$")


class InvalidListing(ValidationError):
    """Several field errors at once: ``errors`` maps field name -> Chinese message."""

    def __init__(self, errors: dict[str, str]):
        field, message = next(iter(errors.items()))
        super().__init__(message, field)
        self.errors = errors


def patent_check_digit(digits: str) -> str:
    """The check character of an 8- or 12-digit CN application number (mod 11, 10 -> X)."""
    weights = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5) if len(digits) == 12 else (2, 3, 4, 5, 6, 7, 8, 9)
    total = sum(int(d) * w for d, w in zip(digits, weights)) % 11
    return "X" if total == 10 else str(total)


def normalize_patent_number(text: str, ip_type: IPType | None = None) -> str:
    """'ZL 2019 1 0123456.X' -> '201910123456.X'; ValidationError when malformed or the check fails."""
    raw = re.sub(r"[\s.．·]", "", (text or "").upper())
    raw = re.sub(r"^(ZL|CN)", "", raw)
    if not re.fullmatch(r"\d{12}[\dX]|\d{8}[\dX]", raw):
        raise ValidationError("专利申请号格式应为 12 位数字加校验位，如 201910123456.X", "number")
    digits, check = raw[:-1], raw[-1]
    if patent_check_digit(digits) != check:
        raise ValidationError(f"专利申请号校验位错误（应为 {patent_check_digit(digits)}）", "number")
    if len(digits) == 12 and ip_type in PATENT_TYPE_DIGITS and digits[4] not in PATENT_TYPE_DIGITS[ip_type]:
        raise ValidationError(f"申请号第 5 位 {digits[4]} 与专利类型“{ip_type.label}”不符", "number")
    return f"{digits}.{check}"


def clean_ip_items(items: list[dict]) -> list[dict]:
    """Validated IP items; blank rows dropped; ValidationError naming the row on a bad one."""
    cleaned = []
    for i, item in enumerate(items, start=1):
        number = (item.get("number") or "").strip()
        if not item.get("ip_type") and not number:
            continue
        ip_type = IPType.parse(item.get("ip_type"))
        if ip_type is None:
            raise ValidationError(f"第 {i} 项知识产权：请选择类型", "ip_items")
        status = IPStatus.parse(item.get("status")) or IPStatus.GRANTED
        if ip_type in PATENT_TYPES:
            if not number:
                raise ValidationError(f"第 {i} 项知识产权：专利须填写申请号", "ip_items")
            try:
                number = normalize_patent_number(number, ip_type)
            except ValidationError as exc:
                raise ValidationError(f"第 {i} 项知识产权：{exc.message}", "ip_items") from None
        elif len(number) > 40:
            raise ValidationError(f"第 {i} 项知识产权：编号不超过 40 个字符", "ip_items")
        elif CONTROL_RE.search(number):
            raise ValidationError(f"第 {i} 项知识产权：编号包含不允许的控制字符", "ip_items")
        cleaned.append({"ip_type": ip_type, "number": number or None, "status": status})
    return cleaned


# Separators of a typed keyword list, strongest first: the first kind present is the list's separator,
# so "MDA-MB-231 细胞，1-氢-3,5-二甲基吡唑" keeps its spaces and ASCII commas inside the keywords
# (the edit form joins keywords with "，"), while "锂电池 正极材料" still gives two.
SEPARATORS = (r"[，、;；\n]+", r",+", r"\s+")


def split_terms(text) -> list[str]:
    """Keywords or industries from a list or a string separated by ，、；; (else commas, else spaces), deduplicated."""
    if isinstance(text, (list, tuple)):
        parts = text
    else:
        text = text or ""
        pattern = next((p for p in SEPARATORS if re.search(p, text.strip())), SEPARATORS[-1])
        parts = re.split(pattern, text)
    seen = []
    for p in (str(x).strip() for x in parts):
        if p and p not in seen:
            seen.append(p)
    return seen


def clean_listing(kind, data: dict, today: date | None = None) -> dict:
    """Return cleaned listing values for ``kind``; InvalidListing with every field error otherwise."""
    errors: dict[str, str] = {}
    out = {}

    def need(name: str, label: str, min_len: int, max_len: int):
        value = _text(data, name, label, max_len, errors) or ""
        if name not in errors and len(value) < min_len:
            errors[name] = f"{label}不能为空" if not value else f"{label}至少 {min_len} 个字"
        out[name] = value

    need("title", "标题", 4, 200)
    out["title"] = " ".join(out["title"].split())  # one line: titles go into mail subjects and exports
    need(kind.body.name, kind.body.label, 10, LONG_TEXT_MAX)
    out["keywords"] = clean_terms(data, "keywords", "关键词", errors)
    code = (data.get("field_code") or "").strip()
    if code not in field_names():
        errors["field_code"] = "请选择技术领域" if not code else f"未知的技术领域：{code}"
    out["field_code"] = code
    region = (data.get("region") or "").strip()
    if region not in REGIONS:
        errors["region"] = "请选择地区" if not region else f"未知的地区：{region}"
    out["region"] = region
    coop = []
    for value in data.get("coop_modes") or []:
        mode = CoopMode.parse(value)
        if mode is None:
            errors["coop_modes"] = f"未知的合作方式：{value}"
        elif mode.value not in coop:
            coop.append(mode.value)
    out["coop_modes"] = coop
    _clean_contact(data, out, errors)
    today = today or platform_today()
    for f in kind.fields:  # the kind's own fields (kinds.py), then its rule across them
        out[f.name] = f.cleaned(data, errors, today)
    if kind.rule is not None:
        kind.rule(out, errors)
    if errors:
        raise InvalidListing(errors)
    return out


CONTACT_LIMITS = {"contact_name": ("联系人", 60), "contact_phone": ("联系电话", 32), "contact_email": ("联系邮箱", 254)}


MAX_TERMS = 20  # keywords or industries of one listing


def _text(data: dict, name: str, label: str, max_len: int, errors: dict) -> str | None:
    """clean_text of ``data[name]``; its error goes into ``errors`` (then None)."""
    try:
        return clean_text(data.get(name), name, label, max_len)
    except ValidationError as exc:
        errors[name] = exc.message
        return None


def clean_terms(data: dict, name: str, label: str, errors: dict) -> list[str]:
    """Keywords or industries: at most MAX_TERMS terms of at most TERM_MAX characters, no control characters.
    More terms are an error the user sees, never a silent cut."""
    try:
        terms = split_terms(data.get(name))
    except TypeError:  # e.g. a JSON number from the API
        errors[name] = f"{label}格式不正确：请用逗号或顿号分隔的文字"
        return []
    if len(terms) > MAX_TERMS:
        errors[name] = f"{label}最多 {MAX_TERMS} 个，现有 {len(terms)} 个，请删减后再保存"
        return terms
    for term in terms:
        try:
            clean_text(term, name, f"{label}“{term[:10]}”", TERM_MAX)
        except ValidationError as exc:
            errors[name] = exc.message
    return terms


def _clean_contact(data: dict, out: dict, errors: dict) -> None:
    for name, (label, limit) in CONTACT_LIMITS.items():
        out[name] = _text(data, name, label, limit, errors)
    if out["contact_phone"] and not PHONE_RE.match(out["contact_phone"]):
        errors["contact_phone"] = "联系电话格式不正确"
    if out["contact_email"] and not EMAIL_RE.match(out["contact_email"]):
        errors["contact_email"] = "联系邮箱格式不正确"


def clean_amount(data: dict, name: str, label: str, errors: dict) -> Decimal | None:
    value = data.get(name)
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except ArithmeticError:
        errors[name] = f"{label}应为数字（万元）"
        return None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e11"):
        errors[name] = f"{label}应为不小于 0 的数字（万元）"
        return None
    return amount.quantize(Decimal("0.01"))


def clean_trl(value, errors: dict) -> int | None:
    """TRL 1-9 from ASCII or full-width digits; "①", "²" and other look-alikes get a Chinese error."""
    if value is None or value == "":
        return None
    text = str(value).strip()
    # NFKC only for full-width "１": it would also turn "①" and "²" into digits, which are not a TRL
    if re.fullmatch(r"[1-9１-９]", text):
        return int(unicodedata.normalize("NFKC", text))
    errors["trl"] = "技术成熟度应为 1-9 的整数"
    return None


def clean_note(data: dict, name: str, label: str, errors: dict) -> str | None:
    """An optional text of at most NOTE_MAX characters (innovation points, indicators, conditions)."""
    return _text(data, name, label, NOTE_MAX, errors)


def clean_deadline(value, errors: dict, today: date) -> date | None:
    """A date (or YYYY-MM-DD text, as a form sends it) not before today; None when empty."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip()) if value.strip() else None
        except ValueError:
            errors["deadline"] = "截止日期格式应为 YYYY-MM-DD"
            return None
    if value and not isinstance(value, date):
        errors["deadline"] = "截止日期格式应为 YYYY-MM-DD"
        return None
    if value and value < today:
        errors["deadline"] = "截止日期不能早于今天"
    return value or None
