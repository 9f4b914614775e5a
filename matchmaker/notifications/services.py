"""In-app notifications, the e-mail outbox and per-kind opt-outs."""
from flask import current_app

from models import Notification, NotificationPreference, OutboxEmail, User, utcnow

from ..audit import record_audit
from ..errors import NotFound, ValidationError
from ..extensions import db

# Every kind a user can be told about, with the label shown on the preferences page.
KINDS = {
    "match_assigned": "新匹配分派给我",
    "match_digest": "待处理匹配摘要",
    "introduction": "对接引荐",
    "match_update": "匹配进展",
    "intro_request": "企业申请对接",
    "intro_answer": "科研方答复引荐",
    "saved_search": "订阅检索提醒",
    "weekly_shortlist": "每周路演推荐清单",
    "listing_review": "发布内容审核结果",
    "membership_request": "机构成员待确认",
    "account_security": "账号安全提醒",
    "import_done": "批量导入结果",
}
TITLE_MAX = 200  # Notification.title and OutboxEmail.subject are String(200)


def preference_for(user: User, kind: str) -> NotificationPreference | None:
    """The stored choice of ``user`` for ``kind`` (None: both channels on)."""
    return db.session.scalar(db.select(NotificationPreference).filter_by(user_id=user.id, kind=kind))


def wants(pref: NotificationPreference | None, channel: str) -> bool:
    """True unless the stored ``pref`` opts out of ``channel`` ("in_app" or "email")."""
    return pref is None or bool(getattr(pref, channel))


def one_line(text: str, limit: int = TITLE_MAX) -> str:
    """``text`` on one line (runs of whitespace, CR/LF included, become one space), cut to ``limit`` chars."""
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def enqueue_email(to_addr: str, subject: str, body: str, attachments: list[dict] | None = None) -> OutboxEmail:
    """Add a PENDING outbox row in the caller's transaction; the mail worker sends it."""
    mail = OutboxEmail(to_addr=to_addr, subject=one_line(subject), body=body, next_attempt_at=utcnow(),
                       attachments=attachments or None)
    db.session.add(mail)
    return mail


def notify(user: User, kind: str, title: str, body: str = "", link: str | None = None,
           email: bool = True, attachments: list[dict] | None = None) -> Notification | None:
    """Tell ``user`` in-app and (unless ``email`` is False) by mail, honouring opt-outs; caller commits."""
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    note, pref = None, preference_for(user, kind)
    if wants(pref, "in_app"):
        note = Notification(user_id=user.id, kind=kind, title=one_line(title), body=body, link=link)
        db.session.add(note)
    if email and user.email and user.active and wants(pref, "email"):
        text = body + (f"\n\n查看详情：{absolute_url(link)}" if link else "")
        enqueue_email(user.email, f"【技术供需对接平台】{title}", text, attachments)
    return note


def link_to(endpoint: str, **values) -> str:
    """The path of an endpoint, inside or outside a request (worker jobs have none)."""
    root = current_app.config.get("APPLICATION_ROOT") or "/"
    return current_app.url_map.bind("localhost", script_name=root).build(endpoint, values)


def absolute_url(link: str) -> str:
    """``link`` prefixed with the public base URL (PUBLIC_BASE_URL, default localhost), for e-mails."""
    base = current_app.config["PUBLIC_BASE_URL"]
    return base.rstrip("/") + link if link.startswith("/") else link


def unread_count(user: User) -> int:
    """How many in-app notifications ``user`` has not read."""
    return db.session.scalar(db.select(db.func.count(Notification.id))
                             .filter_by(user_id=user.id, read_at=None)) or 0


def notifications_query(user: User):
    """The select of ``user``'s notifications, newest first."""
    return db.select(Notification).filter_by(user_id=user.id).order_by(Notification.created_at.desc(),
                                                                         Notification.id.desc())


def mark_read(user: User, notification_id: int) -> Notification:
    """Mark one of ``user``'s notifications read and commit."""
    note = db.session.get(Notification, notification_id)
    if note is None or note.user_id != user.id:
        raise NotFound("通知不存在")
    if note.read_at is None:
        note.read_at = utcnow()
        db.session.commit()
    return note


def mark_all_read(user: User) -> int:
    """Mark every unread notification of ``user`` read, commit, return how many."""
    result = db.session.execute(db.update(Notification).filter_by(user_id=user.id, read_at=None)
                                .values(read_at=utcnow()))
    db.session.commit()
    return result.rowcount


def set_preferences(user: User, choices: dict[str, dict[str, bool]]) -> list[NotificationPreference]:
    """Store ``{kind: {"in_app": bool, "email": bool}}`` for ``user``, audit and commit."""
    prefs = []
    for kind, channels in choices.items():
        if kind not in KINDS:
            raise ValidationError(f"未知的通知类型：{kind}")
        pref = preference_for(user, kind) or NotificationPreference(user_id=user.id, kind=kind)
        pref.in_app = bool(channels.get("in_app"))
        pref.email = bool(channels.get("email"))
        db.session.add(pref)
        prefs.append(pref)
    record_audit(user, "notification.preferences", user,
                 opted_out={p.kind: [c for c in ("in_app", "email") if not getattr(p, c)] for p in prefs})
    db.session.commit()
    return prefs
