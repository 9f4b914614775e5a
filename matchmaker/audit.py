"""One helper to write audit entries, and the Chinese words the admin pages show for them."""
from flask import url_for

from .extensions import db
from models import AuditLog

# what each listing action is called, with {} for 成果 or 需求
LISTING_ACTIONS = {
    "create": "创建{}", "update": "修改{}", "submit": "提交{}审核", "withdraw": "撤回{}", "close": "关闭{}",
    "approve": "审核通过{}", "request_changes": "退回修改{}", "reject": "驳回{}", "expire": "{}到期下架",
    "import": "导入{}", "import_update": "导入更新{}",
}
OBJECT_LABELS = {"achievement": "成果", "need": "需求", "match": "匹配", "roadshow": "路演",
                 "organization": "机构", "user": "用户", "savedsearch": "订阅"}
ACTION_LABELS = {
    "match.create": "创建匹配", "match.assign": "分派匹配", "match.state": "变更匹配状态", "match.note": "添加备注",
    "match.deal": "登记成交", "match.intro_request": "申请对接", "match.intro_accept": "接受引荐",
    "match.intro_decline": "暂不考虑引荐",
    "roadshow.create": "创建路演", "roadshow.add_item": "加入路演议程", "roadshow.remove_item": "移出路演议程",
    "roadshow.reorder": "调整路演顺序", "roadshow.presentation": "记录路演结果", "roadshow.status": "变更路演状态",
    "organization.create": "创建机构", "organization.verify": "认证机构", "organization.unverify": "取消机构认证",
    "user.register": "注册", "user.change_password": "修改密码", "user.create_admin": "创建管理员",
    "user.create_broker": "开通技术经理人", "user.activate": "启用用户", "user.deactivate": "停用用户",
    "user.membership_confirm": "确认加入机构", "user.membership_reject": "拒绝加入机构",
    "saved_search.create": "订阅搜索", "saved_search.delete": "取消订阅", "notification.preferences": "修改通知设置",
    **{f"{kind}.{action}": words.format(OBJECT_LABELS[kind])
       for kind in ("achievement", "need") for action, words in LISTING_ACTIONS.items()},
}
# objects with a page of their own: endpoint and the name of its id argument
OBJECT_PAGES = {"achievement": ("achievements.detail", "listing_id"), "need": ("needs.detail", "listing_id"),
                "match": ("matches.detail", "match_id"), "roadshow": ("roadshows.detail", "roadshow_id")}


def record_audit(actor, action: str, obj, **detail) -> AuditLog:
    """Add an AuditLog row for ``action`` (e.g. "organization.verify") on ``obj`` by ``actor``."""
    if getattr(obj, "id", 0) is None:
        db.session.flush()  # give a new object its id before it is referenced
    entry = AuditLog(
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=type(obj).__name__.lower(),
        object_id=getattr(obj, "id", None),
        detail=detail,
    )
    db.session.add(entry)
    return entry


def audit_action_label(action: str) -> str:
    """The Chinese name of an audit action code; the code itself when it has none yet."""
    return ACTION_LABELS.get(action, action)


def audit_object_text(entry: AuditLog) -> str:
    """'匹配 #63' for an entry's object."""
    return f"{OBJECT_LABELS.get(entry.object_type, entry.object_type)} #{entry.object_id}"


def audit_object_url(entry: AuditLog) -> str | None:
    """The page of an entry's object, when that kind of object has one."""
    page = OBJECT_PAGES.get(entry.object_type)
    if page is None or entry.object_id is None:
        return None
    endpoint, argument = page
    return url_for(endpoint, **{argument: entry.object_id})
