"""Forms of the broker's match page."""
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional

from models import ContractType, DeclineReason, MatchState

from ..params import MAX_ID
from .assignment import active_brokers


class StateForm(FlaskForm):
    """Move a match to another state; declining needs a reason."""

    to_state = SelectField("变更为", choices=MatchState.choices(), validators=[DataRequired()])
    reason = SelectField("婉拒原因", choices=[("", "（婉拒时必选）")] + DeclineReason.choices(),
                         validators=[Optional()])
    note = TextAreaField("说明", validators=[Optional()])


class NoteForm(FlaskForm):
    body = TextAreaField("备注", validators=[DataRequired(message="备注不能为空")])


class DealForm(FlaskForm):
    contract_type = SelectField("合同类型", choices=ContractType.choices(), validators=[DataRequired()])
    # text, checked by services.parse_amount: DecimalField + NumberRange raised on "sNaN" (a 500)
    amount = StringField("合同金额（万元）", validators=[InputRequired(message="请填写金额")])
    signed_on = DateField("签约日期", validators=[DataRequired(message="请填写签约日期")])


class AssignForm(FlaskForm):
    """Admin: give the match to an active broker or back to the shared queue."""

    broker_id = SelectField("改派给", coerce=int, choices=[])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.broker_id.choices = [(0, "（退回共享队列）")] + [(b.id, b.name) for b in active_brokers()]


class ManualMatchForm(FlaskForm):
    need_id = IntegerField(validators=[DataRequired(), NumberRange(min=1, max=MAX_ID)])
    achievement_id = IntegerField(validators=[DataRequired(), NumberRange(min=1, max=MAX_ID)])
    reason = StringField("匹配理由", validators=[Optional()])



class AnswerForm(FlaskForm):
    """A researcher's answer to an introduction: accept, or not now with an optional short reason."""

    reason = StringField("原因（可选）", validators=[Optional()])
