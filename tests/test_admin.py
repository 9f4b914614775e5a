"""Admin pages: organization verification, user activation, broker creation, lists."""
import sqlalchemy as sa

from models import AuditLog, BrokerCoverage, Notification, Organization, OrgKind, Role, TechField, User


def audit_actions(db) -> list[str]:
    return list(db.session.scalars(sa.select(AuditLog.action).order_by(AuditLog.id)))


def test_verify_and_unverify_organization_is_audited(login_as, db):
    org = Organization(name="待审企业", kind=OrgKind.ENTERPRISE, region="天津")
    db.session.add(org)
    db.session.commit()
    admin = login_as(Role.ADMIN)
    response = admin.post(f"/admin/organizations/{org.id}/verify", data={"verified": "1"}, follow_redirects=True)
    assert "已通过机构认证：待审企业" in response.get_data(as_text=True)
    assert org.verified is True and org.verified_at is not None
    admin.post(f"/admin/organizations/{org.id}/verify", data={"verified": "0"})
    assert org.verified is False and org.verified_at is None
    entries = db.session.scalars(sa.select(AuditLog).where(AuditLog.object_type == "organization")).all()
    assert [e.action for e in entries] == ["organization.verify", "organization.unverify"]
    assert all(e.actor_id == admin.user.id and e.object_id == org.id for e in entries)


def test_unverified_member_sees_banner_until_verification(login_as, db):
    c = login_as(Role.ENTERPRISE)
    c.user.organization.verified = False
    db.session.commit()
    assert "unverified-banner" in c.get("/dashboard").get_data(as_text=True)
    c.user.organization.verified = True
    db.session.commit()
    assert "unverified-banner" not in c.get("/dashboard").get_data(as_text=True)


def test_deactivate_and_reactivate_user(login_as, make_user, auth, db):
    target = make_user(Role.RESEARCHER)
    admin = login_as(Role.ADMIN)
    admin.post(f"/admin/users/{target.id}/active", data={"active": "0", "next": "/admin/users?role=researcher"})
    assert target.active is False
    assert "该账号已停用" in auth.login(target.email).get_data(as_text=True)
    response = admin.post(f"/admin/users/{target.id}/active", data={"active": "1"})
    assert response.location.endswith("/admin/users") and target.active is True
    assert auth.login(target.email).status_code == 302
    assert audit_actions(db) == ["user.deactivate", "user.activate"]


def test_admin_cannot_deactivate_themself(login_as):
    admin = login_as(Role.ADMIN)
    response = admin.post(f"/admin/users/{admin.user.id}/active", data={"active": "0"})
    assert response.status_code == 403 and "不能停用自己的账号" in response.get_data(as_text=True)
    assert admin.user.active is True


def test_action_redirect_ignores_foreign_next(login_as, make_user):
    target = make_user()
    response = login_as(Role.ADMIN).post(f"/admin/users/{target.id}/active",
                                         data={"active": "1", "next": "https://evil.example.com/"})
    assert response.location.endswith("/admin/users")


def seed_fields(db):
    db.session.add_all([TechField(code="01", name="电子信息", position=0),
                        TechField(code="02", name="生物与新医药", position=1),
                        TechField(code="0101", name="软件", parent_code="01", position=0)])
    db.session.commit()


def test_create_broker_with_coverage(login_as, db, auth):
    seed_fields(db)
    center = Organization(name="四川技术转移中心", kind=OrgKind.SERVICE, region="四川", verified=True)
    db.session.add(center)
    db.session.commit()
    admin = login_as(Role.ADMIN)
    page = admin.get("/admin/brokers/new").get_data(as_text=True)
    assert "电子信息" in page and "生物与新医药" in page and "软件" not in page  # top levels only
    response = admin.post("/admin/brokers/new", data={
        "name": "王经理", "email": "wang@tt.cn", "password": "Broker!Desk2026", "organization_id": center.id,
        "field_codes": ["01", "02"], "regions": ["四川", "重庆"]})
    assert response.status_code == 302 and "role=broker" in response.location
    broker = db.session.scalar(sa.select(User).where(User.email == "wang@tt.cn"))
    assert broker.role == Role.BROKER and broker.organization_id == center.id
    assert sorted((c.field_code, c.region) for c in broker.coverage) == [
        ("01", "四川"), ("01", "重庆"), ("02", "四川"), ("02", "重庆")]
    assert "user.create_broker" in audit_actions(db)
    assert auth.login("wang@tt.cn", "Broker!Desk2026").status_code == 302


def test_broker_without_choices_covers_everything(login_as, db):
    admin = login_as(Role.ADMIN)
    admin.post("/admin/brokers/new", data={"name": "赵经理", "email": "zhao@tt.cn", "password": "Broker!Desk2026",
                                           "organization_id": "0"})
    coverage = db.session.scalars(sa.select(BrokerCoverage)).all()
    assert [(c.field_code, c.region) for c in coverage] == [(None, None)]


def test_create_broker_errors_keep_input(login_as, make_user, db):
    seed_fields(db)
    taken = make_user(Role.RESEARCHER)
    admin = login_as(Role.ADMIN)
    data = {"name": "钱经理", "email": taken.email, "password": "Broker!Desk2026", "phone": "13911112222",
            "organization_id": "0", "regions": ["四川"]}
    page = admin.post("/admin/brokers/new", data=data).get_data(as_text=True)
    assert "该邮箱已注册" in page and 'value="钱经理"' in page and 'value="13911112222"' in page
    page = admin.post("/admin/brokers/new", data={**data, "email": "qian@tt.cn", "password": "short"}).get_data(as_text=True)
    assert "密码强度不足" in page
    page = admin.post("/admin/brokers/new", data={**data, "email": "qian@tt.cn", "field_codes": ["0101"]}).get_data(as_text=True)
    assert "is-invalid" in page
    assert db.session.scalar(sa.select(sa.func.count(User.id)).where(User.role == Role.BROKER)) == 0


def test_users_list_filters_by_role_and_paginates(app, login_as, make_user):
    app.config["PER_PAGE"] = 2
    for _ in range(3):
        make_user(Role.ENTERPRISE)
    make_user(Role.BROKER)
    admin = login_as(Role.ADMIN)
    page = admin.get("/admin/users?role=enterprise").get_data(as_text=True)
    assert page.count("企业用户</td>") == 2 and "技术经理人</td>" not in page
    assert "第 1/2 页" in page and "role=enterprise" in page
    page2 = admin.get("/admin/users?role=enterprise&page=2").get_data(as_text=True)
    assert page2.count("企业用户</td>") == 1
    past_end = admin.get("/admin/users?role=enterprise&page=99").get_data(as_text=True)
    assert "第 2/2 页" in past_end and past_end.count("企业用户</td>") == 1  # the last page, not a false empty list


def test_organizations_list_filters_and_searches(login_as, db):
    db.session.add_all([Organization(name="重庆大学", kind=OrgKind.UNIVERSITY, region="重庆", verified=True),
                        Organization(name="云南某企业", kind=OrgKind.ENTERPRISE, region="云南")])
    db.session.commit()
    admin = login_as(Role.ADMIN)
    page = admin.get("/admin/organizations?state=unverified").get_data(as_text=True)
    assert "云南某企业" in page and "重庆大学" not in page
    page = admin.get("/admin/organizations?q=重庆").get_data(as_text=True)
    assert "重庆大学" in page and "云南某企业" not in page
    assert "重庆大学" not in admin.get("/admin/organizations?q=%25").get_data(as_text=True)  # % is literal
    huge = admin.get("/admin/organizations?q=" + "重" * 100_000)  # SQLite refused the pattern: a 500
    assert huge.status_code == 200 and "重庆大学" not in huge.get_data(as_text=True)


def test_admin_dashboard_counts_and_audit(login_as, db):
    db.session.add(Organization(name="待审机构", kind=OrgKind.INSTITUTE, region="河南"))
    db.session.commit()
    admin = login_as(Role.ADMIN)
    page = admin.get("/admin/").get_data(as_text=True)
    assert "待认证机构" in page and "管理后台" in page
    assert admin.get("/dashboard").location.endswith("/admin/")


def test_navigation_and_unread_bell_per_role(login_as, client, db):
    assert "注册" in client.get("/").get_data(as_text=True)
    admin = login_as(Role.ADMIN)
    page = admin.get("/admin/").get_data(as_text=True)
    assert 'href="/admin/"' in page and "退出登录" in page and "data-unread" not in page
    db.session.add_all([Notification(user_id=admin.user.id, kind="match", title="新的匹配"),
                        Notification(user_id=admin.user.id, kind="match", title="新的匹配 2")])
    db.session.commit()
    assert 'data-unread="2"' in admin.get("/admin/").get_data(as_text=True)
    researcher = login_as(Role.RESEARCHER).get("/dashboard").get_data(as_text=True)
    assert 'href="/admin/"' not in researcher and "科研人员" in researcher


def test_toggle_form_macro_posts_the_opposite_and_confirms_only_turning_off(app):
    macros = app.jinja_env.get_template("_macros.html")
    with app.test_request_context("/admin/users?page=2"):
        on = str(macros.module.toggle_form("/x/1/active", "active", True, ("停用", "btn-outline-danger", '停用 "<b>"？'),
                                           ("启用", "btn-outline-success", None)))
        off = str(macros.module.toggle_form("/x/1/active", "active", False, ("停用", "btn-outline-danger", "停用？"),
                                            ("启用", "btn-outline-success", None)))
    assert 'action="/x/1/active"' in on and 'name="active" value="0"' in on and ">停用</button>" in on
    assert 'data-confirm="停用 &#34;&lt;b&gt;&#34;？"' in on and 'name="next" value="/admin/users?page=2"' in on
    assert 'name="active" value="1"' in off and ">启用</button>" in off and "data-confirm" not in off


def test_list_pages_show_each_rows_toggle_and_it_returns_to_the_list(login_as, make_user, db):
    target = make_user(Role.RESEARCHER)
    target.organization.verified = False
    db.session.commit()
    admin = login_as(Role.ADMIN)
    users = admin.get("/admin/users?role=researcher").get_data(as_text=True)
    assert f'action="/admin/users/{target.id}/active"' in users and f"确定停用 {target.email}？" in users
    orgs = admin.get("/admin/organizations?state=unverified").get_data(as_text=True)
    assert f'action="/admin/organizations/{target.organization.id}/verify"' in orgs
    assert 'name="verified" value="1"' in orgs and ">通过认证</button>" in orgs
    response = admin.post(f"/admin/organizations/{target.organization.id}/verify",
                          data={"verified": "1", "next": "/admin/organizations?state=unverified"})
    assert response.location.endswith("/admin/organizations?state=unverified") and target.organization.verified


def test_admin_dashboard_names_audit_actions_in_chinese_and_links_their_objects(login_as, make_user, db):
    from datetime import datetime, timedelta

    from matchmaker.audit import record_audit
    from matchmaker.roadshows.services import create_roadshow

    admin = login_as(Role.ADMIN)
    roadshow = create_roadshow(make_user(Role.BROKER), "周五路演", datetime.now() + timedelta(days=2), place="成都")
    org = Organization(name="某大学", kind=OrgKind.UNIVERSITY, region="四川")
    db.session.add(org)
    record_audit(admin.user, "organization.verify", org)
    record_audit(admin.user, "organization.merge", org)  # a code without a label yet
    db.session.commit()
    page = admin.get("/admin/").get_data(as_text=True)
    assert f'<a href="/roadshows/{roadshow.id}">路演 #{roadshow.id}</a>' in page and "创建路演" in page
    assert "认证机构" in page and f"机构 #{org.id}" in page and f"/organizations/{org.id}\"" not in page
    assert "roadshow.create" not in page and "organization.verify" not in page
    assert "organization.merge" in page  # unknown codes are still shown, not hidden
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditLog)) == 3


def test_every_audit_action_the_code_writes_has_a_chinese_label():
    import pathlib
    import re

    from matchmaker.audit import ACTION_LABELS

    root = pathlib.Path(__file__).resolve().parents[1] / "matchmaker"
    codes = {code for path in root.rglob("*.py")
             for code in re.findall(r'record_audit\([^,]+, "([a-z_]+\.[a-z_]+)"', path.read_text(encoding="utf-8"))}
    codes |= {code for path in root.rglob("*.py")
              for pair in re.findall(r'"([a-z_]+\.[a-z_]+)" if \w+ else "([a-z_]+\.[a-z_]+)"',
                                     path.read_text(encoding="utf-8")) for code in pair}
    assert len(codes) > 20 and sorted(codes - set(ACTION_LABELS)) == []
