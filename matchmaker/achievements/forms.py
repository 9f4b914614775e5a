"""The achievement form: shared listing fields plus TRL, price, IP items and team."""
from wtforms import FieldList, Form, FormField, SelectField, StringField, TextAreaField

from models import TRL_LEVELS, IPStatus, IPType, PriceMode

from ..listings.forms import ListingForm, Required

IP_ROWS = 3  # blank IP rows offered below the filled ones


class IPItemForm(Form):
    """One IP item: type, number (CN patent application numbers are checked), status."""

    ip_type = SelectField("类型", choices=[("", "—")] + IPType.choices())
    number = StringField("编号/申请号", render_kw={"placeholder": "如 201910123456.X"})
    status = SelectField("状态", choices=IPStatus.choices())


class AchievementForm(ListingForm):
    summary = TextAreaField("成果简介", [Required()], render_kw={"rows": 6})
    industries = StringField("应用行业", description="多个行业用逗号分隔")
    trl = SelectField("技术成熟度",
                      choices=[("", "未填写")] + [(str(k), f"TRL {k} · {v[1]}（{v[0]}）") for k, v in TRL_LEVELS.items()])
    price_mode = SelectField("价格方式", choices=PriceMode.choices())
    price_amount = StringField("挂牌价（万元）")
    innovation_points = TextAreaField("创新点", render_kw={"rows": 3})
    key_indicators = TextAreaField("关键技术指标", render_kw={"rows": 3})
    team = TextAreaField("团队介绍", description="团队信息仅平台技术经理人和管理员可见", render_kw={"rows": 3})
    ip_items = FieldList(FormField(IPItemForm), min_entries=IP_ROWS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        filled = sum(1 for e in self.ip_items if e.ip_type.data or e.number.data)
        while len(self.ip_items) < filled + IP_ROWS:  # always a few empty rows to add more
            self.ip_items.append_entry()
