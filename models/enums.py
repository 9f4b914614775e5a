"""Every enumeration of the domain with its Chinese label, in one place."""
import enum


class LabeledEnum(str, enum.Enum):
    """A str enum whose members carry a Chinese ``label`` for the UI."""

    def __new__(cls, value: str, label: str):
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.label = label
        return obj

    def __str__(self) -> str:
        return self.value

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """(value, label) pairs for form select fields."""
        return [(m.value, m.label) for m in cls]

    @classmethod
    def parse(cls, value):
        """Return the member for a value or a Chinese label; None when unknown."""
        if isinstance(value, cls):
            return value
        text = str(value or "").strip()
        for m in cls:
            if text in (m.value, m.label):
                return m
        return None


class Role(LabeledEnum):
    RESEARCHER = "researcher", "科研人员"
    ENTERPRISE = "enterprise", "企业用户"
    BROKER = "broker", "技术经理人"
    ADMIN = "admin", "平台管理员"


class OrgKind(LabeledEnum):
    UNIVERSITY = "university", "高校"
    INSTITUTE = "institute", "科研院所"
    ENTERPRISE = "enterprise", "企业"
    SERVICE = "service", "服务机构"


class ListingStatus(LabeledEnum):
    DRAFT = "draft", "草稿"
    PENDING = "pending", "待审核"
    PUBLISHED = "published", "已发布"
    REJECTED = "rejected", "未通过"
    WITHDRAWN = "withdrawn", "已撤回"
    EXPIRED = "expired", "已过期"
    CLOSED = "closed", "已关闭"
    STAGED = "staged", "导入中"  # a row of an import job not yet published (shown nowhere)


class IndexState(LabeledEnum):
    SYNCED = "synced", "已同步"
    PENDING = "pending", "待同步"
    UNMATCHED = "unmatched", "待匹配"  # indexed, not yet matched (left by an older in-request heal); resync matches it


class ImportState(LabeledEnum):
    QUEUED = "queued", "排队中"
    READING = "reading", "读取校验中"
    PUBLISHING = "publishing", "发布中"
    INDEXING = "indexing", "建立索引与匹配中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class CoopMode(LabeledEnum):
    TRANSFER = "transfer", "转让"
    LICENSE_EXCLUSIVE = "license_exclusive", "独占许可"
    LICENSE_SOLE = "license_sole", "排他许可"
    LICENSE_GENERAL = "license_general", "普通许可"
    EQUITY = "equity", "作价入股"
    DEVELOPMENT = "development", "技术开发"
    SERVICE = "service", "技术服务"
    USE_FIRST = "use_first", "先使用后付费"


class PriceMode(LabeledEnum):
    NEGOTIABLE = "negotiable", "面议"
    AGREEMENT = "agreement", "协议定价"
    LISTED = "listed", "挂牌价"


class IPType(LabeledEnum):
    INVENTION = "invention", "发明专利"
    UTILITY = "utility", "实用新型"
    DESIGN = "design", "外观设计"
    SOFTWARE = "software", "软件著作权"
    IC_LAYOUT = "ic_layout", "集成电路布图设计"
    PLANT_VARIETY = "plant_variety", "植物新品种"
    TRADE_SECRET = "trade_secret", "技术秘密"


class IPStatus(LabeledEnum):
    FILED = "filed", "申请中"
    GRANTED = "granted", "已授权"
    LAPSED = "lapsed", "已失效"


class IPOwnership(LabeledEnum):
    ENTERPRISE = "enterprise", "归企业所有"
    SHARED = "shared", "双方共有"
    DEVELOPER = "developer", "归研发方所有"
    NEGOTIABLE = "negotiable", "面议"


class MatchState(LabeledEnum):
    NEW = "new", "新匹配"
    CONTACTED = "contacted", "已联系"
    INTRODUCED = "introduced", "已引荐"
    ROADSHOW = "roadshow", "已安排路演"
    NEGOTIATING = "negotiating", "洽谈中"
    DEAL = "deal", "已成交"
    DECLINED = "declined", "已婉拒"
    CLOSED = "closed", "已关闭"


class MatchOrigin(LabeledEnum):
    ENGINE = "engine", "系统匹配"
    BROKER = "broker", "经理人创建"


class DeclineReason(LabeledEnum):
    TOO_EARLY = "too_early", "技术成熟度过低"
    BENEFIT_UNCLEAR = "benefit_unclear", "效益不明确"
    MARKET_UNCLEAR = "market_unclear", "市场路径不清晰"
    DESCRIPTION_UNCLEAR = "description_unclear", "描述不清楚"
    IP_UNAVAILABLE = "ip_unavailable", "知识产权不可用"
    BUDGET_MISMATCH = "budget_mismatch", "预算不匹配"
    OTHER = "other", "其他"


class ContractType(LabeledEnum):
    DEVELOPMENT = "development", "技术开发"
    TRANSFER = "transfer", "技术转让"
    LICENSE = "license", "技术许可"
    CONSULTING = "consulting", "技术咨询"
    SERVICE = "service", "技术服务"


class RoadshowStatus(LabeledEnum):
    PLANNED = "planned", "筹备中"
    HELD = "held", "已举办"
    CANCELLED = "cancelled", "已取消"


class OutboxStatus(LabeledEnum):
    PENDING = "pending", "待发送"
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败"


# Technology readiness levels: (level, Chinese description, stage)
TRL_LEVELS = {
    1: ("发现基本原理", "实验室"),
    2: ("形成技术概念", "实验室"),
    3: ("关键功能验证", "实验室"),
    4: ("实验室环境部件验证", "小试"),
    5: ("模拟环境部件验证", "小试"),
    6: ("模拟环境系统验证", "中试"),
    7: ("真实环境系统验证", "中试"),
    8: ("系统定型试验", "产业化"),
    9: ("规模化应用", "产业化"),
}


def trl_label(level: int | None) -> str:
    """'TRL 6 · 中试（模拟环境系统验证）' for a level, '未填写' when empty."""
    if not level or level not in TRL_LEVELS:
        return "未填写"
    text, stage = TRL_LEVELS[level]
    return f"TRL {level} · {stage}（{text}）"


def trl_stage(level: int | None) -> str:
    """The stage name (实验室/小试/中试/产业化) of a TRL level."""
    return TRL_LEVELS[level][1] if level in TRL_LEVELS else "未填写"


REGIONS = (
    "北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏",
    "浙江", "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "广西",
    "海南", "重庆", "四川", "贵州", "云南", "西藏", "陕西", "甘肃", "青海", "宁夏",
    "新疆", "香港", "澳门", "台湾",
)
