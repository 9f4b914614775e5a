"""The form fields both kinds share, and the plain-data round trip to the services.

Rules live in validation.clean_listing; forms only carry text, so a failed check
re-renders every typed value with the service's Chinese message on its field.
"""
from datetime import date
from decimal import Decimal
import enum

from flask_wtf import FlaskForm
from wtforms import FieldList, Form, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.widgets import CheckboxInput, ListWidget

from models import REGIONS, CoopMode, IPStatus, IPType

from ..errors import DomainError
from ..formtools import attach_error
from .tech_fields import field_choices
from .validation import InvalidListing


class CheckboxesField(SelectMultipleField):
    """A multiple choice rendered as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class Required:
    """Marks a field as required in the page (the asterisk); the rule itself is in clean_listing."""

    field_flags = {"required": True}

    def __call__(self, form, field):
        pass


class ReasonForm(FlaskForm):
    """A reviewer's reason (shown to the owner)."""

    reason = TextAreaField("原因（发布者可见）", render_kw={"rows": 3})


IP_ROWS = 3  # blank rows offered below the filled ones of a repeated field (an achievement's IP items)


class IPItemForm(Form):
    """One IP item: type, number (CN patent application numbers are checked), status."""

    ip_type = SelectField("类型", choices=[("", "—")] + IPType.choices())
    number = StringField("编号/申请号", render_kw={"placeholder": "如 201910123456.X"})
    status = SelectField("状态", choices=IPStatus.choices())

    @property
    def filled(self) -> bool:
        return bool(self.ip_type.data or self.number.data)


class ListingForm(FlaskForm):
    """Fields common to achievements and needs; listing_form() adds a kind's own from its declaration."""

    title = StringField("标题", [Required()], render_kw={"maxlength": 200})
    keywords = StringField("关键词", description="多个关键词用中文逗号、顿号或分号分隔（没有这些时按英文逗号或空格分隔）")
    field_code = SelectField("技术领域", [Required()])
    region = SelectField("所在地区", [Required()], choices=[("", "请选择")] + [(r, r) for r in REGIONS])
    coop_modes = CheckboxesField("合作方式", choices=CoopMode.choices())
    contact_name = StringField("联系人", description="联系方式仅平台技术经理人和管理员可见")
    contact_phone = StringField("联系电话")
    contact_email = StringField("联系邮箱")
    submit = SubmitField("保存")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.field_code.choices = [("", "请选择")] + field_choices()
        for field in self._fields.values():
            if isinstance(field, FieldList):  # always a few empty rows to add more
                filled = sum(1 for entry in field if entry.form.filled)
                while len(field) < filled + IP_ROWS:
                    field.append_entry()

    def values(self) -> dict:
        """The submitted values as plain data for the services (text kept as typed)."""
        return {name: field.data for name, field in self._fields.items()
                if name not in ("csrf_token", "submit")}

    def show_errors(self, error: DomainError) -> None:
        """Put a service error (or every field error of an InvalidListing) on the form."""
        if isinstance(error, InvalidListing):
            for name, message in error.errors.items():
                attach_error(self, DomainError(message, name))
        else:
            attach_error(self, error)


def listing_form(kind) -> type:
    """The form class of a kind: the shared fields, its body, and each of its own fields' input (kinds.py)."""
    body = TextAreaField(kind.body.form_label or kind.body.label, [Required()], render_kw={"rows": 6})
    own = {f.name: f.form(f) for f in kind.fields}
    return type(f"{kind.model.__name__}Form", (ListingForm,), {kind.body.name: body, **own})


def form_data(values: dict, kind=None) -> dict:
    """Service values -> form data: lists joined, enums to values, amounts and dates to text."""
    def plain(value):
        if isinstance(value, enum.Enum):
            return value.value
        if isinstance(value, Decimal):
            return format(value.normalize(), "f")
        if isinstance(value, date):
            return value.isoformat()
        return value

    out = {}
    for name, value in values.items():
        if name == "keywords" or (kind is not None and kind.has(name) and kind.field(name).terms):
            out[name] = "，".join(value or [])
        elif name == "ip_items":
            out[name] = [{k: plain(v) for k, v in item.items()} for item in value]
        elif name == "trl":
            out[name] = str(value) if value else ""
        else:
            out[name] = plain(value)
    return out
