"""The need form: shared listing fields plus budget, deadline, IP ownership and the challenge."""
from datetime import date

from wtforms import BooleanField, SelectField, StringField, TextAreaField

from models import IPOwnership

from ..listings.forms import ListingForm, Required


class NeedForm(ListingForm):
    description = TextAreaField("需求描述", [Required()], render_kw={"rows": 6})
    indicators = TextAreaField("核心指标", render_kw={"rows": 3})
    budget_min = StringField("预算下限（万元）", description="上下限都不填表示面议")
    budget_max = StringField("预算上限（万元）")
    deadline = StringField("截止日期", render_kw={"type": "date"})
    ip_ownership = SelectField("知识产权归属", choices=IPOwnership.choices())
    is_challenge = BooleanField("揭榜挂帅")
    reward = StringField("悬赏金额（万元）")
    solver_conditions = TextAreaField("揭榜条件", render_kw={"rows": 3})

    def values(self) -> dict:
        """Plain data, with the deadline parsed (left as text when it is not a date)."""
        values = super().values()
        try:
            values["deadline"] = date.fromisoformat(values["deadline"]) if values["deadline"] else None
        except ValueError:
            pass
        return values
