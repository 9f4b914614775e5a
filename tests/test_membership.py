"""Joining an existing organization at registration waits for an admin's confirmation;
until then the user drafts but cannot submit listings for review."""
import pytest
import sqlalchemy as sa

from matchmaker.errors import InvalidTransition
from matchmaker.listings import services as listings
from matchmaker.listings.kinds import ACHIEVEMENTS
from models import AuditLog, Membership, Notification, OutboxEmail, Role, User
from models.organization import credit_code_check_char

from listing_data import achievement_data

BANNER = "您加入「西南交通大学」的申请正在等待管理员确认"


def register(client, **overrides):
    data = {"role": "researcher", "name": "张三", "email": "zhang@example.cn", "password": "Tianfu#Lab2026",
            "confirm": "Tianfu#Lab2026", "org_choice": "existing", "organization": "西南交通大学"}
    data.update(overrides)
    return client.post("/auth/register", data=data)


def joiner(client, db) -> User:
    """Register through the form as a member of the verified 西南交通大学; return the new user."""
    assert register(client).status_code == 302
    return db.session.scalar(sa.select(User).where(User.email == "zhang@example.cn"))


def test_joining_a_verified_organization_is_pending_with_a_banner(client, db, university):
    user = joiner(client, db)
    assert user.organization_id == university.id and user.membership == Membership.PENDING
    assert user.can_submit is False
    page = client.get("/dashboard").get_data(as_text=True)
    assert BANNER in page and "unverified-banner" not in page


def test_creating_an_organization_makes_its_first_member(client, db):
    code = "91510100MA6123456"
    assert register(client, role="enterprise", email="li@corp.cn", org_choice="new", org_name="成都某某科技有限公司",
                    org_kind="enterprise", org_region="四川",
                    org_credit_code=code + credit_code_check_char(code)).status_code == 302
    user = db.session.scalar(sa.select(User).where(User.email == "li@corp.cn"))
    assert user.membership == Membership.CONFIRMED and not user.membership_pending
    assert user.can_submit is False  # the organization itself is not verified yet
    user.organization.verified = True
    db.session.commit()
    assert user.can_submit is True


def test_admin_confirms_a_pending_member(client, db, university, login_as):
    user = joiner(client, db)
    admin = login_as(Role.ADMIN)
    assert "有 1 位用户申请加入已有机构" in admin.get("/admin/").get_data(as_text=True)
    page = admin.get("/admin/users").get_data(as_text=True)
    assert 'id="pending-members"' in page and "zhang@example.cn" in page and "确认" in page and "拒绝" in page
    response = admin.post(f"/admin/users/{user.id}/membership", data={"confirm": "1"})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.membership == Membership.CONFIRMED and user.can_submit is True
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "user.membership_confirm"))
    assert entry.actor_id == admin.user.id and entry.object_id == user.id
    assert entry.detail["organization"] == "西南交通大学"
    assert BANNER not in client.get("/dashboard").get_data(as_text=True)
    assert 'id="pending-members"' not in admin.get("/admin/users").get_data(as_text=True)


def test_admin_refuses_a_pending_member(client, db, university, login_as):
    user = joiner(client, db)
    admin = login_as(Role.ADMIN)
    assert admin.post(f"/admin/users/{user.id}/membership", data={"confirm": "0"}).status_code == 302
    db.session.refresh(user)
    assert user.membership == Membership.REJECTED and user.can_submit is False
    assert db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "user.membership_reject"))
    assert "申请未获管理员确认" in client.get("/dashboard").get_data(as_text=True)


def test_membership_decisions_are_admin_only_and_csrf_protected(app, client, db, university, login_as):
    user = joiner(client, db)
    broker = login_as(Role.BROKER)
    assert broker.post(f"/admin/users/{user.id}/membership", data={"confirm": "1"}).status_code == 403
    admin = login_as(Role.ADMIN)
    app.config["WTF_CSRF_ENABLED"] = True
    assert admin.post(f"/admin/users/{user.id}/membership", data={"confirm": "1"}).status_code == 400
    db.session.refresh(user)
    assert user.membership == Membership.PENDING


def test_pending_member_drafts_but_cannot_submit(client, db, university):
    user = joiner(client, db)
    ach = listings.create_listing(ACHIEVEMENTS, user, achievement_data())
    with pytest.raises(InvalidTransition, match="尚未获管理员确认"):
        listings.submit_listing(ach, user)


def test_admins_are_asked_to_confirm_a_join_request(client, db, university, make_user):
    admin, inactive = make_user(Role.ADMIN), make_user(Role.ADMIN)
    inactive.active = False
    db.session.commit()
    joiner(client, db)
    notes = db.session.scalars(sa.select(Notification).where(Notification.kind == "membership_request")).all()
    assert [n.user_id for n in notes] == [admin.id]
    assert "张三" in notes[0].title and "西南交通大学" in notes[0].title and notes[0].link == "/admin/users"
    mail = db.session.scalar(sa.select(OutboxEmail).where(OutboxEmail.to_addr == admin.email))
    assert mail is not None and "西南交通大学" in mail.subject
    # a new organization's creator is not a join request: nobody is asked
    code = "91510100MA6123456"
    register(client, role="enterprise", email="li@corp.cn", org_choice="new", org_name="成都某某科技有限公司",
             org_kind="enterprise", org_region="四川", org_credit_code=code + credit_code_check_char(code))
    assert db.session.scalar(sa.select(sa.func.count(Notification.id))
                             .where(Notification.kind == "membership_request")) == 1


def test_a_decision_is_taken_once_and_a_refusal_can_be_reversed(client, db, university, login_as):
    user = joiner(client, db)
    admin = login_as(Role.ADMIN)
    assert admin.post(f"/admin/users/{user.id}/membership", data={"confirm": "0"}).status_code == 302
    assert admin.post(f"/admin/users/{user.id}/membership", data={"confirm": "0"}).status_code == 409  # stale page
    page = admin.get("/admin/users").get_data(as_text=True)
    assert "重新确认" in page and 'id="pending-members"' not in page
    assert admin.post(f"/admin/users/{user.id}/membership", data={"confirm": "1"}).status_code == 302
    db.session.refresh(user)
    assert user.membership == Membership.CONFIRMED
    # a confirmed member is never refused by a second click or an old page
    response = admin.post(f"/admin/users/{user.id}/membership", data={"confirm": "0"})
    assert response.status_code == 409 and "已处理" in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.membership == Membership.CONFIRMED
    assert [e.action for e in db.session.scalars(sa.select(AuditLog).where(AuditLog.object_id == user.id,
                                                                           AuditLog.action.like("user.membership%")))] \
        == ["user.membership_reject", "user.membership_confirm"]
