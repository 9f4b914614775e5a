"""The upload form of the bulk import page."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SelectField, SubmitField

from .services import organization_choices

KIND_CHOICES = [("achievements", "科技成果"), ("needs", "技术需求")]


class ImportForm(FlaskForm):
    kind = SelectField("导入类型", choices=KIND_CHOICES)
    org_id = SelectField("归属机构", coerce=int, description="导入的记录归属该机构，直接发布（管理员导入视为已审核）")
    file = FileField("数据文件", validators=[FileRequired("请选择文件"),
                                          FileAllowed(["csv", "xlsx"], "只支持 .csv 和 .xlsx 文件")],
                     description="CSV（UTF-8 或 GBK 编码）或 Excel .xlsx，第 1 行为表头")
    submit = SubmitField("开始导入")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.org_id.choices = organization_choices()
