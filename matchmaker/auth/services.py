"""Accounts: registration, authentication and the first admin."""
import re
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn
from email_validator import EmailNotValidError, validate_email

from ..audit import record_audit
from ..errors import Conflict, DomainError, ValidationError
from ..extensions import db
from ..notifications.services import link_to, notify
from models import REGIONS, Membership, Notification, Organization, OrgKind, Role, User, is_valid_credit_code, utcnow

# Which organization kinds a self-registered role may belong to.
ROLE_ORG_KINDS = {
    Role.RESEARCHER: (OrgKind.UNIVERSITY, OrgKind.INSTITUTE),
    Role.ENTERPRISE: (OrgKind.ENTERPRISE,),
}


def normalize_email(email: str) -> str:
    """Validate an e-mail address and return it lower-cased; ValidationError otherwise."""
    try:
        info = validate_email((email or "").strip(), check_deliverability=False)
    except EmailNotValidError:
        raise ValidationError("请输入有效的电子邮箱地址。", field="email")
    return info.normalized.lower()


def check_password_strength(password: str, *personal: str) -> None:
    """PASSWORD_MIN_LENGTH characters and a zxcvbn score of PASSWORD_MIN_SCORE: common passwords, keyboard
    walks, sequences, repeats, dates and l33t variants of dictionary words (password1, 12345678a, Passw0rd)
    score low, as does a password built from the user's own e-mail or name (``personal``)."""
    password = password or ""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        raise ValidationError(f"密码强度不足：至少 {minimum} 位。", field="password")
    if len(password) > 128:
        raise ValidationError("密码不能超过 128 个字符。", field="password")
    inputs = [p for p in personal if p] + [part for p in personal if p for part in re.split(r"[@._-]", p) if part]
    result = zxcvbn(password, user_inputs=inputs)
    if result["score"] < current_app.config["PASSWORD_MIN_SCORE"]:
        raise ValidationError("密码太容易被猜到（常见密码、键盘顺序、重复字符或含个人信息）。"
                              "请使用更长、无规律的组合，例如几个不相关的词加数字和符号。", field="password")


def check_credit_code(code: str) -> None:
    """A unified social credit code: 18 characters with a correct check digit (GB 32100-2015)."""
    if not is_valid_credit_code(code):
        raise ValidationError("统一社会信用代码无效：应为 18 位且校验位正确。", field="org_credit_code")


def check_account_fields(email: str, name: str, password: str) -> str:
    """Validate the fields every account has; return the normalized e-mail."""
    email = normalize_email(email)
    if not (name or "").strip():
        raise ValidationError("请填写姓名。", field="name")
    if len(name.strip()) > 60:
        raise ValidationError("姓名不能超过 60 个字符。", field="name")
    check_password_strength(password, email, name)
    if db.session.scalar(sa.select(User.id).where(sa.func.lower(User.email) == email)):
        raise Conflict("该邮箱已注册，请直接登录或更换邮箱。", field="email")
    return email


def new_account(role: Role, email: str, name: str, password: str, **fields) -> User:
    """Build (not commit) a user after checking its fields."""
    email = check_account_fields(email, name, password)
    user = User(email=email, name=name.strip(), role=role, **fields)
    user.set_password(password)
    db.session.add(user)
    return user


def build_organization(name: str, kind: str, region: str, credit_code: str | None) -> Organization:
    """Check and add (not commit) a new, unverified organization."""
    name = (name or "").strip()
    if not name:
        raise ValidationError("请填写新机构名称。", field="org_name")
    if len(name) > 120:
        raise ValidationError("机构名称不能超过 120 个字符。", field="org_name")
    org_kind = OrgKind.parse(kind)
    if org_kind is None:
        raise ValidationError("请选择机构类型。", field="org_kind")
    if region not in REGIONS:
        raise ValidationError("请选择所在地区。", field="org_region")
    code = (credit_code or "").strip().upper() or None
    if code is None and org_kind == OrgKind.ENTERPRISE:
        raise ValidationError("企业须填写统一社会信用代码。", field="org_credit_code")
    if code is not None:
        check_credit_code(code)
    if db.session.scalar(sa.select(Organization.id).where(Organization.name == name)):
        raise Conflict("该机构已在平台登记，请选择“加入已有机构”。", field="org_name")
    if code and db.session.scalar(sa.select(Organization.id).where(Organization.credit_code == code)):
        raise Conflict("该统一社会信用代码已被其他机构使用。", field="org_credit_code")
    org = Organization(name=name, kind=org_kind, region=region, credit_code=code, verified=False)
    db.session.add(org)
    return org


def find_organization(name: str) -> Organization:
    """The registered organization called ``name``; ValidationError when there is none."""
    org = db.session.scalar(sa.select(Organization).where(Organization.name == (name or "").strip()))
    if org is None:
        raise ValidationError("未找到该机构，请从列表中选择，或登记新机构。", field="organization")
    return org


def ask_admins_to_confirm(user: User) -> None:
    """Tell every active admin that ``user`` waits to be confirmed as a member (caller commits)."""
    admins = db.session.scalars(sa.select(User).where(User.role == Role.ADMIN, User.active.is_(True)))
    org = user.organization.name
    for admin in admins:
        notify(admin, "membership_request", f"待确认：{user.name} 申请加入「{org}」",
               f"{user.name}（{user.role.label}，{user.email}）申请以成员身份加入「{org}」，确认前不能提交发布内容。",
               link_to("admin.users"))


def register_user(role: str, name: str, email: str, password: str, phone: str | None = None,
                  organization: str | None = None, new_org: dict | None = None) -> User:
    """Self-registration of a researcher or enterprise user, creating an organization or asking to join one.

    Whoever creates an organization is its first member (vouched for when an admin verifies
    it); joining an existing one stays pending until an admin confirms the membership.
    """
    role = Role.parse(role)
    if role not in ROLE_ORG_KINDS:
        raise ValidationError("只能注册为科研人员或企业用户。", field="role")
    try:
        user = new_account(role, email, name, password, phone=(phone or "").strip() or None)
        org = build_organization(**new_org) if new_org else find_organization(organization)
        if org.kind not in ROLE_ORG_KINDS[role]:
            kinds = "、".join(k.label for k in ROLE_ORG_KINDS[role])
            field = "org_kind" if new_org else "organization"
            raise ValidationError(f"{role.label}须隶属于{kinds}。", field=field)
        user.organization = org
        user.membership = Membership.CONFIRMED if new_org else Membership.PENDING
        db.session.flush()
        if new_org:
            record_audit(user, "organization.create", org, name=org.name)
        record_audit(user, "user.register", user, role=role.value, organization_id=org.id,
                     membership=user.membership.value)
        if user.membership_pending:
            ask_admins_to_confirm(user)
        db.session.commit()
    except DomainError:
        db.session.rollback()
        raise
    except sa.exc.IntegrityError as exc:  # a request running at the same moment took the e-mail or the name
        db.session.rollback()
        if "email" in str(exc.orig).lower():
            raise Conflict("该邮箱已注册，请直接登录或更换邮箱。", field="email") from None
        raise Conflict("该机构刚刚已被他人登记，请选择“加入已有机构”后重新提交。", field="org_name") from None
    return user


# checked when no account has the e-mail, so a failed login takes as long whether the e-mail exists or not
_DUMMY_HASH = []


def _dummy_check(password: str) -> None:
    if not _DUMMY_HASH:
        _DUMMY_HASH.append(generate_password_hash(secrets.token_hex(16)))
    check_password_hash(_DUMMY_HASH[0], password)


def authenticate(email: str, password: str) -> User:
    """The active user with these credentials (login time recorded); DomainError otherwise."""
    user = db.session.scalar(sa.select(User).where(sa.func.lower(User.email) == (email or "").strip().lower()))
    if user is None:
        _dummy_check(password or "")
    if user is None or not user.check_password(password or ""):
        raise ValidationError("邮箱或密码错误。", field="password")
    if not user.active:
        raise ValidationError("该账号已停用，请联系平台管理员。", field="email")
    user.last_login_at = utcnow()
    db.session.commit()
    return user


def warn_owner_of_guessing(email: str) -> None:
    """Tell the owner of ``email`` that sign-ins to the account are paused after many wrong passwords (in-app and
    by mail, at most once an hour); nothing for an unknown e-mail."""
    user = db.session.scalar(sa.select(User).where(sa.func.lower(User.email) == email))
    if user is None:
        return
    recent = db.session.scalar(sa.select(Notification.id).where(
        Notification.user_id == user.id, Notification.kind == "account_security",
        Notification.created_at >= utcnow() - timedelta(hours=1)))
    if recent is None:
        notify(user, "account_security", "您的账号近期有大量错误密码登录尝试",
               "为保护账号，平台已暂时放慢该账号的登录（稍后可再试）。如果不是您本人操作，建议修改为更强的密码；"
               "如有疑问请联系平台管理员。", link_to("auth.password"))
        db.session.commit()


def change_password(user: User, current: str, new: str) -> User:
    """Replace ``user``'s password after checking the current one; every other login of the user ends."""
    if not user.check_password(current or ""):
        raise ValidationError("当前密码不正确。", field="current")
    check_password_strength(new, user.email, user.name)
    user.set_password(new)
    user.end_sessions()
    record_audit(user, "user.change_password", user)
    db.session.commit()
    return user


def create_admin(email: str, name: str, password: str) -> User:
    """Create a platform admin; Conflict when the e-mail is already registered."""
    try:
        user = new_account(Role.ADMIN, email, name, password)
        record_audit(None, "user.create_admin", user, email=user.email)
        db.session.commit()
    except DomainError:
        db.session.rollback()
        raise
    return user


def organization_directory() -> list[Organization]:
    """Organizations a self-registering user may join (verified first), for the searchable list."""
    kinds = [k for ks in ROLE_ORG_KINDS.values() for k in ks]
    return list(db.session.scalars(
        sa.select(Organization).where(Organization.kind.in_(kinds))
        .order_by(Organization.verified.desc(), Organization.name)))
