"""Admin operations: organization verification, membership confirmation, user activation, broker accounts."""
import sqlalchemy as sa

from ..audit import record_audit
from ..auth.services import new_account
from ..errors import Conflict, DomainError, Forbidden, NotFound, ValidationError
from ..extensions import db
from ..params import paginate
from models import (REGIONS, AuditLog, BrokerCoverage, Membership, Organization, OrgKind, Role, TechField, User,
                    utcnow)

SEARCH_MAX_CHARS = 100  # an organization name or credit code is far shorter; longer input is cut


def get_or_404(model, ident: int):
    """The row of ``model`` with id ``ident``; NotFound otherwise."""
    obj = db.session.get(model, ident)
    if obj is None:
        raise NotFound("记录不存在。")
    return obj


def set_organization_verified(actor: User, org_id: int, verified: bool) -> Organization:
    """Verify (or withdraw the verification of) an organization."""
    org = get_or_404(Organization, org_id)
    org.verified = verified
    org.verified_at = utcnow() if verified else None
    record_audit(actor, "organization.verify" if verified else "organization.unverify", org, name=org.name)
    db.session.commit()
    return org


def set_user_active(actor: User, user_id: int, active: bool) -> User:
    """Activate or deactivate an account (an admin cannot deactivate themself)."""
    user = get_or_404(User, user_id)
    if user.id == actor.id and not active:
        raise Forbidden("不能停用自己的账号。")
    user.active = active
    if not active:
        user.end_sessions()  # a later re-activation must not revive the old cookies
    record_audit(actor, "user.activate" if active else "user.deactivate", user, email=user.email)
    db.session.commit()
    return user


def pending_members() -> list[User]:
    """Users waiting for an admin to confirm that they belong to the organization they named, oldest first."""
    return list(db.session.scalars(
        sa.select(User).where(User.membership == Membership.PENDING, User.organization_id.is_not(None))
        .order_by(User.created_at, User.id)))


def decide_membership(actor: User, user_id: int, confirm: bool) -> User:
    """Confirm (or refuse) a user's membership of their organization; only a confirmed member may submit."""
    user = get_or_404(User, user_id)
    if user.organization is None:
        raise ValidationError("该用户未申请加入任何机构。")
    # a pending request is decided once; a refusal can be reversed, a confirmation is not undone from here
    allowed = (Membership.PENDING, Membership.REJECTED) if confirm else (Membership.PENDING,)
    if user.membership not in allowed:
        raise Conflict(f"该申请已处理（当前：成员{user.membership.label}），请刷新页面。")
    user.membership = Membership.CONFIRMED if confirm else Membership.REJECTED
    record_audit(actor, "user.membership_confirm" if confirm else "user.membership_reject", user,
                 email=user.email, organization_id=user.organization_id, organization=user.organization.name)
    db.session.commit()
    return user


def top_fields() -> list[TechField]:
    """The top-level technical fields, in taxonomy order."""
    return list(db.session.scalars(sa.select(TechField).where(TechField.parent_code.is_(None))
                                   .order_by(TechField.position)))


def service_organizations() -> list[Organization]:
    """Organizations a broker may belong to (service centers, universities, institutes)."""
    kinds = (OrgKind.SERVICE, OrgKind.UNIVERSITY, OrgKind.INSTITUTE)
    return list(db.session.scalars(sa.select(Organization).where(Organization.kind.in_(kinds))
                                   .order_by(Organization.kind, Organization.name)))


def create_broker(actor: User, name: str, email: str, password: str, phone: str | None = None,
                  organization_id: int | None = None, field_codes=(), regions=()) -> User:
    """Create a broker covering every (field, region) pair chosen; an empty side means 'any'."""
    known = {f.code for f in top_fields()}
    if set(field_codes) - known:
        raise ValidationError("技术领域无效。", field="field_codes")
    if set(regions) - set(REGIONS):
        raise ValidationError("地区无效。", field="regions")
    try:
        org = get_or_404(Organization, organization_id) if organization_id else None
        broker = new_account(Role.BROKER, email, name, password, phone=(phone or "").strip() or None,
                             organization=org)
        broker.coverage = [BrokerCoverage(field_code=f, region=r)
                           for f in (list(field_codes) or [None]) for r in (list(regions) or [None])]
        record_audit(actor, "user.create_broker", broker, email=broker.email,
                     fields=list(field_codes), regions=list(regions))
        db.session.commit()
    except DomainError:
        db.session.rollback()
        raise
    return broker


def users_page(role: str | None, page: int, per_page: int):
    """A page of users, newest first, optionally of one role."""
    query = sa.select(User).order_by(User.created_at.desc(), User.id.desc())
    if Role.parse(role):
        query = query.where(User.role == Role.parse(role))
    return paginate(query, per_page, page)


def organizations_page(state: str | None, q: str | None, page: int, per_page: int):
    """A page of organizations; ``state`` is "verified", "unverified" or empty for all."""
    query = sa.select(Organization).order_by(Organization.verified, Organization.created_at.desc())
    if state in ("verified", "unverified"):
        query = query.where(Organization.verified.is_(state == "verified"))
    q = (q or "").strip()[:SEARCH_MAX_CHARS]
    if q:  # % and _ are the user's characters, not wildcards
        query = query.where(sa.or_(Organization.name.contains(q, autoescape=True),
                                   Organization.credit_code.contains(q.upper(), autoescape=True)))
    return paginate(query, per_page, page)


def recent_audit(limit: int = 10):
    """The latest audit entries, for the admin dashboard."""
    return list(db.session.scalars(sa.select(AuditLog).order_by(AuditLog.id.desc()).limit(limit)))
