"""The downloadable import template: a header row, an example row and a sheet of instructions."""
import io

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from models import REGIONS, CoopMode, IPOwnership, IPStatus, IPType, PriceMode

from ..listings.kinds import get_kind
from ..listings.tech_fields import field_choices

NOTES = {
    "外部编号": "选填。本批数据在贵单位的编号；填写后重复导入按此编号更新，不会产生重复记录",
    "技术领域": "填写代码或名称，如 0603 或“新能源与节能 / 新型高效能量转换与储存技术”，见“技术领域”表",
    "地区": "省级行政区简称：" + "、".join(REGIONS),
    "技术成熟度": "1-9 的整数（TRL）",
    "合作方式": "可多选，用顿号分隔：" + "、".join(m.label for m in CoopMode),
    "价格方式": "、".join(m.label for m in PriceMode) + "；挂牌价须填写价格",
    "知识产权": "每项“类型:编号:状态”，多项用分号分隔；类型：" + "、".join(m.label for m in IPType)
                + "；状态：" + "、".join(m.label for m in IPStatus) + "；专利申请号按校验位校验",
    "知识产权归属": "、".join(m.label for m in IPOwnership),
    "截止日期": "YYYY-MM-DD，不早于今天",
    "揭榜挂帅": "是/否；填“是”时须填写悬赏金额、揭榜条件和截止日期",
    "联系人": "联系方式仅平台技术经理人和管理员可见",
}


def build_template(kind_name: str) -> bytes:
    """An .xlsx template for ``kind_name``: the header row only (examples live on the notes sheet)."""
    book = Workbook()
    sheet = book.active
    sheet.title = "导入数据"
    columns = get_kind(kind_name).columns()
    sheet.append([("*" if c.required else "") + c.header for c in columns])
    for cell, column in zip(sheet[1], columns):
        cell.font = Font(bold=True)
        if column.required:
            cell.fill = PatternFill("solid", fgColor="FFF2CC")
        sheet.column_dimensions[cell.column_letter].width = max(12, len(column.header) * 2 + 4)
    notes = book.create_sheet("填写说明")
    notes.append(["列名", "是否必填", "示例", "说明"])
    for column in columns:
        notes.append([column.header, "必填" if column.required else "选填", column.example,
                      NOTES.get(column.header, "")])
    notes.append([])
    notes.append(["在“导入数据”表第 2 行起逐行填写；表头带 * 的列为必填，列的顺序可以调整。"])
    fields = book.create_sheet("技术领域")
    fields.append(["代码", "名称"])
    for code, label in field_choices():
        fields.append([code, label])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
