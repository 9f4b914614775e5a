"""Small text helpers the listing templates use (registered as Jinja globals)."""
from decimal import Decimal

from models import CoopMode, PriceMode, trl_label

from ..audit import audit_action_label, audit_object_text, audit_object_url
from .highlight import highlight
from .facets import FACET_LABELS
from .tech_fields import field_label


def amount_text(value: Decimal | None) -> str:
    """'120 万元' for an amount."""
    return f"{format(value.normalize(), 'f')} 万元" if value is not None else ""


def budget_text(need) -> str:
    """'50–200 万元', '不低于 50 万元', '不超过 200 万元' or '面议'."""
    low, high = need.budget_min, need.budget_max
    if low is None and high is None:
        return "面议"
    if low is not None and high is not None:
        return amount_text(low) if low == high else f"{format(low.normalize(), 'f')}–{amount_text(high)}"
    return f"不低于 {amount_text(low)}" if low is not None else f"不超过 {amount_text(high)}"


def price_text(achievement) -> str:
    """'挂牌价 120 万元', '面议' or '协议定价'."""
    if achievement.price_mode == PriceMode.LISTED and achievement.price_amount is not None:
        return f"挂牌价 {amount_text(achievement.price_amount)}"
    return achievement.price_mode.label


def coop_text(values) -> str:
    """Chinese labels of cooperation modes, joined by 、."""
    return "、".join(CoopMode(v).label for v in values or [] if CoopMode.parse(v)) or "未填写"


def register_template_helpers(bp) -> None:
    """Make the helpers available to every template (through the blueprint, app-wide)."""
    bp.add_app_template_filter(highlight, "highlight")
    for name, func in {"field_label": field_label, "trl_text": trl_label, "budget_text": budget_text,
                       "price_text": price_text, "coop_text": coop_text, "amount_text": amount_text}.items():
        bp.add_app_template_global(func, name)
    bp.add_app_template_global(FACET_LABELS, "facet_labels")
    for func in (audit_action_label, audit_object_text, audit_object_url):  # the admin dashboard's audit table
        bp.add_app_template_global(func)
