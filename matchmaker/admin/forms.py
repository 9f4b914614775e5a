"""Admin forms: creating a broker with the fields and regions they cover."""
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..auth.services import check_password_strength
from ..formtools import service_check
from models import REGIONS

REQUIRED = "此项为必填项。"


class CheckboxesField(SelectMultipleField):
    """A multiple choice rendered as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class BrokerForm(FlaskForm):
    name = StringField("姓名", validators=[DataRequired(REQUIRED), Length(max=60, message="不能超过 60 个字符。")])
    email = StringField("电子邮箱", validators=[DataRequired(REQUIRED), Email("请输入有效的电子邮箱地址。"),
                                               Length(max=254, message="不能超过 254 个字符。")])
    phone = StringField("手机号码", validators=[Optional(), Length(max=32, message="不能超过 32 个字符。")])
    password = PasswordField("初始密码", validators=[DataRequired(REQUIRED), service_check(check_password_strength)],
                             description="至少 8 位，须同时包含字母和数字；请线下告知经理人并提醒其修改。")
    organization_id = SelectField("所属服务机构", coerce=int, validators=[Optional()])
    field_codes = CheckboxesField("覆盖技术领域", description="不选表示覆盖全部领域。")
    regions = CheckboxesField("覆盖地区", choices=[(r, r) for r in REGIONS], description="不选表示覆盖全部地区。")
    submit = SubmitField("创建技术经理人")

    def set_choices(self, fields, organizations) -> None:
        """Fill the field and organization choices from the database."""
        self.field_codes.choices = [(f.code, f.name) for f in fields]
        self.organization_id.choices = [(0, "（暂不指定）")] + [(o.id, o.name) for o in organizations]
