"""Forms of the roadshow pages."""
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Optional

from models import RoadshowStatus

from ..listings.tech_fields import field_choices
from .services import upcoming_roadshows


class RoadshowForm(FlaskForm):
    title = StringField("路演名称", validators=[DataRequired(message="请填写路演名称")])
    starts_at = DateTimeLocalField("时间", format="%Y-%m-%dT%H:%M",
                                   validators=[DataRequired(message="请填写路演时间")])
    place = StringField("地点", validators=[Optional()])
    link = StringField("线上链接", validators=[Optional()])
    focus_field_code = SelectField("聚焦领域", choices=[], validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.focus_field_code.choices = [("", "（不限）")] + field_choices()


class AddItemForm(FlaskForm):
    """Add a match (from its page) or an achievement (by id) to a roadshow."""

    roadshow_id = SelectField("加入路演", coerce=int, choices=[])
    match_id = HiddenField()
    achievement_id = IntegerField("成果编号", validators=[Optional()])


class PresentationForm(FlaskForm):
    presenter = StringField("路演人", validators=[Optional()])
    outcome = TextAreaField("路演结果", validators=[Optional()])


class StatusForm(FlaskForm):
    status = SelectField("状态", choices=RoadshowStatus.choices())


def roadshow_form(user, match=None) -> AddItemForm:
    """The add-to-roadshow form with the planned roadshows ``user`` may change as choices."""
    form = AddItemForm(match_id=match.id if match else None)
    form.roadshow_id.choices = [(r.id, f"{r.starts_at:%Y-%m-%d} {r.title}") for r in upcoming_roadshows(user)]
    return form
