"""Login and registration forms; structural checks here, domain rules in services."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, RadioField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from .services import check_credit_code, check_password_strength
from ..formtools import service_check
from models import REGIONS, OrgKind, Role

EMAIL = "请输入有效的电子邮箱地址。"
SUMMARY = "内容有误，请按提示修改。"  # above the form; passwords are not kept, so it does not promise that


def required(message: str) -> DataRequired:
    """A DataRequired validator that says which field is missing."""
    return DataRequired(message=message)


class SummarizedForm(FlaskForm):
    """A form that, when a field is wrong, also says so above the form (like the listing forms)."""

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not valid and SUMMARY not in self.form_errors:
            self.form_errors.append(SUMMARY)
        return valid


def too_long(limit: int) -> Length:
    """A Length validator with a Chinese message."""
    return Length(max=limit, message=f"不能超过 {limit} 个字符。")


class LoginForm(FlaskForm):
    email = StringField("电子邮箱", validators=[required("请填写电子邮箱"), Email(EMAIL), too_long(254)])
    password = PasswordField("密码", validators=[required("请填写密码"), too_long(128)])
    remember = BooleanField("记住我")
    submit = SubmitField("登录")


class RegisterForm(SummarizedForm):
    role = RadioField("我是", choices=[(Role.RESEARCHER.value, "科研人员（高校、科研院所）"),
                                      (Role.ENTERPRISE.value, "企业用户")],
                      default=Role.RESEARCHER.value, validate_choice=False)
    name = StringField("姓名", validators=[required("请填写姓名"), too_long(60)])
    email = StringField("电子邮箱", validators=[required("请填写电子邮箱"), Email(EMAIL), too_long(254)])
    phone = StringField("手机号码", validators=[Optional(), too_long(32)],
                        description="仅平台技术经理人可见，用于对接联系。")
    password = PasswordField("密码", validators=[required("请设置密码"), too_long(128),
                                                service_check(check_password_strength)],
                             description="至少 8 位，须同时包含字母和数字。")
    confirm = PasswordField("确认密码", validators=[required("请再次输入密码"),
                                                  EqualTo("password", "两次输入的密码不一致。")])
    org_choice = RadioField("所属机构", choices=[("existing", "加入已有机构"), ("new", "登记新机构")],
                            default="existing", validate_choice=False)
    organization = StringField("机构名称", validators=[too_long(120)],
                               description="输入关键字后从列表中选择。")
    org_name = StringField("新机构名称", validators=[too_long(120)])
    org_kind = SelectField("机构类型", choices=[("", "请选择")] + OrgKind.choices(),
                           validate_choice=False)
    org_region = SelectField("所在地区", choices=[("", "请选择")] + [(r, r) for r in REGIONS],
                             validate_choice=False)
    org_credit_code = StringField("统一社会信用代码",
                                  description="18 位，企业必填；高校、科研院所填写后将校验。")
    submit = SubmitField("注册")

    def validate_org_credit_code(self, field) -> None:
        """Check the code (18 characters, check digit) only when a new organization is registered."""
        if self.org_choice.data == "new":
            service_check(check_credit_code)(self, field)

    def new_org(self) -> dict | None:
        """The new organization's fields, when the user chose to register one."""
        if self.org_choice.data != "new":
            return None
        return {"name": self.org_name.data, "kind": self.org_kind.data,
                "region": self.org_region.data, "credit_code": self.org_credit_code.data}


class PasswordChangeForm(SummarizedForm):
    current = PasswordField("当前密码", validators=[required("请填写当前密码"), too_long(128)])
    password = PasswordField("新密码", validators=[required("请设置新密码"), too_long(128),
                                                 service_check(check_password_strength)],
                             description="至少 8 位，须同时包含字母和数字。")
    confirm = PasswordField("确认新密码", validators=[required("请再次输入新密码"),
                                                   EqualTo("password", "两次输入的密码不一致。")])
    submit = SubmitField("修改密码")
