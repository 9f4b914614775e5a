"""Registration, login/logout and `flask create-admin`."""
import pytest
import sqlalchemy as sa

from models import AuditLog, Membership, Organization, OrgKind, Role, User
from models.organization import credit_code_check_char


def credit_code(body17: str = "91510100MA6123456") -> str:
    """A well-formed unified social credit code built from 17 characters."""
    return body17 + credit_code_check_char(body17)


def bad_check_digit(code: str) -> str:
    """The same code with a wrong check character."""
    return code[:17] + ("0" if code[17] != "0" else "1")


def form(**overrides) -> dict:
    data = {"role": "researcher", "name": "张三", "email": "zhang@example.cn", "phone": "13800000000",
            "password": "Tianfu#Lab2026", "confirm": "Tianfu#Lab2026", "org_choice": "existing",
            "organization": "西南交通大学"}
    data.update(overrides)
    return data


def new_enterprise(**overrides) -> dict:
    data = dict(role="enterprise", email="li@corp.cn", name="李四", org_choice="new", organization="",
                org_name="成都某某科技有限公司", org_kind="enterprise", org_region="四川",
                org_credit_code=credit_code())
    return form(**{**data, **overrides})


def test_register_joins_existing_organization_and_logs_in(client, db, university):
    response = client.post("/auth/register", data=form())
    assert response.status_code == 302 and response.location.endswith("/dashboard")
    user = db.session.scalar(sa.select(User).where(User.email == "zhang@example.cn"))
    assert user.role == Role.RESEARCHER and user.organization_id == university.id
    assert db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "user.register"))
    page = client.get("/dashboard").get_data(as_text=True)
    assert "张三的工作台" in page and "unverified-banner" not in page


def test_register_enterprise_creates_unverified_organization_with_banner(client, db):
    response = client.post("/auth/register", data=new_enterprise(), follow_redirects=True)
    assert response.status_code == 200
    org = db.session.scalar(sa.select(Organization).where(Organization.name == "成都某某科技有限公司"))
    assert org.verified is False and org.credit_code == credit_code()
    assert "尚待平台管理员审核" in response.get_data(as_text=True)


def test_email_is_case_insensitive_for_registration_and_login(client, auth, university):
    client.post("/auth/register", data=form(email="Zhang@Example.CN"))
    client.post("/auth/logout")
    again = client.post("/auth/register", data=form(email="zhang@example.cn"))
    assert "该邮箱已注册" in again.get_data(as_text=True)
    assert auth.login("ZHANG@example.cn", "Tianfu#Lab2026").status_code == 302


@pytest.mark.parametrize("overrides, message", [
    ({"password": "abcdefgh", "confirm": "abcdefgh"}, "密码强度不足"),
    ({"password": "1234567", "confirm": "1234567"}, "密码强度不足"),
    ({"password": "password1", "confirm": "password1"}, "密码强度不足"),  # under 10 characters
    ({"password": "12345678ab", "confirm": "12345678ab"}, "密码太容易被猜到"),
    ({"password": "Passw0rd123", "confirm": "Passw0rd123"}, "密码太容易被猜到"),
    ({"password": "qwertyuiop1", "confirm": "qwertyuiop1"}, "密码太容易被猜到"),
    ({"password": "zhang@example.cn1", "confirm": "zhang@example.cn1"}, "密码太容易被猜到"),  # the e-mail
    ({"confirm": "abc99999"}, "两次输入的密码不一致"),
    ({"name": "张" * 61}, "不能超过 60 个字符"),
    ({"email": "not-an-email"}, "请输入有效的电子邮箱地址"),
    ({"organization": "不存在的大学"}, "未找到该机构"),
    ({"role": "admin"}, "只能注册为科研人员或企业用户"),
])
def test_register_rejects_bad_input_keeping_the_rest(client, db, university, overrides, message):
    data = form(**overrides)
    response = client.post("/auth/register", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page
    assert 'value="13800000000"' in page  # the rest of the input is kept
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


@pytest.mark.parametrize("overrides, message", [
    ({"org_credit_code": bad_check_digit(credit_code())}, "统一社会信用代码无效"),
    ({"org_credit_code": "12345"}, "统一社会信用代码无效"),
    ({"org_credit_code": ""}, "企业须填写统一社会信用代码"),
    ({"org_name": "某" * 121}, "不能超过 120 个字符"),
    ({"org_region": "火星"}, "请选择所在地区"),
    ({"org_kind": "university"}, "企业用户须隶属于企业"),
])
def test_register_new_organization_rejects_bad_input(client, db, overrides, message):
    response = client.post("/auth/register", data=new_enterprise(**overrides))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page
    assert 'value="li@corp.cn"' in page
    assert db.session.scalar(sa.select(sa.func.count(Organization.id))) == 0


def test_register_duplicate_email_is_refused(client, make_user, university):
    make_user(Role.RESEARCHER, email="zhang@example.cn")
    page = client.post("/auth/register", data=form()).get_data(as_text=True)
    assert "该邮箱已注册" in page and 'value="张三"' in page


def test_register_race_on_the_same_email_is_a_conflict_not_a_500(app, client, db, university):
    """Another request commits the same e-mail between our check and our insert."""
    other = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"])

    done = []

    def register_elsewhere(session, flush_context, instances):
        if done:
            return
        done.append(True)
        with other.begin() as conn:
            conn.execute(sa.insert(User.__table__).values(
                email="zhang@example.cn", name="王五", role=Role.RESEARCHER, password_hash="x",
                session_token="t", membership=Membership.CONFIRMED, active=True,
                created_at=sa.func.current_timestamp()))

    sa.event.listen(db.session(), "before_flush", register_elsewhere)
    response = client.post("/auth/register", data=form())
    sa.event.remove(db.session(), "before_flush", register_elsewhere)
    assert done  # the other registration really happened in between
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "该邮箱已注册" in page  # the form again, as for any error and 'value="张三"' in page
    assert db.session.scalar(sa.select(sa.func.count(User.id)).where(User.email == "zhang@example.cn")) == 1
    other.dispose()


def test_register_duplicate_credit_code_and_name(client, db):
    db.session.add(Organization(name="已有企业", kind=OrgKind.ENTERPRISE, region="重庆",
                                credit_code=credit_code()))
    db.session.commit()
    assert "已被其他机构使用" in client.post("/auth/register", data=new_enterprise()).get_data(as_text=True)
    page = client.post("/auth/register", data=new_enterprise(org_name="已有企业", org_credit_code="")).get_data(as_text=True)
    assert "企业须填写统一社会信用代码" in page
    page = client.post("/auth/register", data=new_enterprise(
        org_name="已有企业", org_credit_code=credit_code("91500000MA5U00001"))).get_data(as_text=True)
    assert "该机构已在平台登记" in page


def test_university_credit_code_optional_but_validated(client, db):
    data = form(org_choice="new", organization="", org_name="某某研究院", org_kind="institute",
                org_region="重庆", org_credit_code="")
    assert client.post("/auth/register", data=data).status_code == 302
    client.post("/auth/logout")
    data.update(email="wang@example.cn", org_name="另一研究院", org_credit_code="12100000400000000X")
    assert "统一社会信用代码无效" in client.post("/auth/register", data=data).get_data(as_text=True)


def test_register_page_lists_organizations(client, university):
    page = client.get("/auth/register").get_data(as_text=True)
    assert '<option value="西南交通大学">' in page and "注册账号" in page


def test_login_and_logout(client, auth, make_user):
    user = make_user(Role.ENTERPRISE)
    response = auth.login(user.email)
    assert response.status_code == 302 and response.location.endswith("/dashboard")
    assert user.last_login_at is not None
    assert client.get("/dashboard").status_code == 200
    assert auth.logout().status_code == 302
    assert client.get("/dashboard").status_code == 302


def test_logout_is_post_only(client, auth, make_user):
    auth.login(make_user().email)
    assert client.get("/auth/logout").status_code == 405
    assert client.get("/dashboard").status_code == 200


def test_login_wrong_password_shows_chinese_error(auth, make_user):
    user = make_user()
    response = auth.login(user.email, "wrong-pass1")
    assert response.status_code == 200 and "邮箱或密码错误" in response.get_data(as_text=True)
    assert "邮箱或密码错误" in auth.login("nobody@example.cn").get_data(as_text=True)


def test_inactive_user_cannot_log_in(client, auth, make_user):
    user = make_user(active=False)
    response = auth.login(user.email)
    assert response.status_code == 200 and "该账号已停用" in response.get_data(as_text=True)
    assert client.get("/dashboard").status_code == 302


def test_deactivated_user_loses_running_session(login_as, db):
    c = login_as(Role.RESEARCHER)
    assert c.get("/dashboard").status_code == 200
    c.user.active = False
    db.session.commit()
    assert c.get("/dashboard").status_code == 302


def test_protected_page_redirects_to_login_with_next_and_message(password, client, auth, make_user):
    response = client.get("/dashboard")
    assert response.status_code == 302 and "/auth/login?next=" in response.location
    page = client.get(response.location).get_data(as_text=True)
    assert "请先登录后再访问该页面" in page
    user = make_user()
    response = client.post("/auth/login?next=/dashboard", data={"email": user.email, "password": password})
    assert response.location.endswith("/dashboard")


def test_login_refuses_open_redirect(password, client, make_user):
    user = make_user()
    response = client.post("/auth/login?next=//evil.example.com/x",
                           data={"email": user.email, "password": password})
    assert response.status_code == 302 and "evil" not in response.location


def test_signed_in_user_skips_login_and_register(login_as):
    c = login_as(Role.BROKER)
    assert c.get("/auth/login").status_code == 302
    assert c.get("/auth/register").status_code == 302


def test_create_admin_command(runner, db, auth):
    result = runner.invoke(args=["create-admin", "--email", "Root@Example.cn", "--name", "管理员",
                                 "--password", "Root!Admin2026"])
    assert result.exit_code == 0 and "已创建平台管理员" in result.output
    admin = db.session.scalar(sa.select(User).where(User.email == "root@example.cn"))
    assert admin.role == Role.ADMIN and admin.check_password("Root!Admin2026")
    again = runner.invoke(args=["create-admin", "--email", "root@example.cn", "--name", "x",
                                "--password", "Other!Admin2026"])
    assert again.exit_code == 0 and "已注册，未做任何修改" in again.output
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 1
    assert auth.login("root@example.cn", "Root!Admin2026").location.endswith("/dashboard")


def test_create_admin_prompts_for_hidden_password_with_confirmation(runner, db):
    result = runner.invoke(args=["create-admin", "--email", "a@example.cn", "--name", "管理员"],
                           input="Secret!Vault2026\nSecret!Vault2026\n")
    assert result.exit_code == 0, result.output
    assert "Secret!Vault2026" not in result.output
    assert db.session.scalar(sa.select(User).where(User.email == "a@example.cn")).check_password("Secret!Vault2026")


@pytest.mark.parametrize("args, message", [
    (["--email", "bad", "--name", "管理员", "--password", "Root!Admin2026"], "有效的电子邮箱"),
    (["--email", "a@example.cn", "--name", "管理员", "--password", "short"], "密码强度不足"),
    (["--email", "a@example.cn", "--name", " ", "--password", "Root!Admin2026"], "请填写姓名"),
])
def test_create_admin_validates_input(runner, db, args, message):
    result = runner.invoke(args=["create-admin", *args])
    assert result.exit_code != 0 and message in result.output
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_register_shows_every_problem_at_once(client, db):
    data = new_enterprise(email="bad", password="abc", confirm="abc",
                          org_credit_code=bad_check_digit(credit_code()))
    page = client.post("/auth/register", data=data).get_data(as_text=True)
    for message in ("请输入有效的电子邮箱地址", "密码强度不足", "统一社会信用代码无效"):
        assert message in page
    assert 'value="成都某某科技有限公司"' in page


def test_change_password(login_as, auth, client, password):
    c = login_as(Role.BROKER)
    page = c.post("/auth/password", data={"current": "wrong-pass1", "password": "Str0ng!Pass#2026",
                                          "confirm": "Str0ng!Pass#2026"}).get_data(as_text=True)
    assert "当前密码不正确" in page
    page = c.post("/auth/password", data={"current": password, "password": "short",
                                          "confirm": "short"}).get_data(as_text=True)
    assert "密码强度不足" in page
    response = c.post("/auth/password", data={"current": password, "password": "Str0ng!Pass#2026",
                                              "confirm": "Str0ng!Pass#2026"})
    assert response.status_code == 302
    assert auth.login(c.user.email, password).status_code == 200
    assert auth.login(c.user.email, "Str0ng!Pass#2026").status_code == 302


def test_empty_registration_names_each_missing_field(client):
    response = client.post("/auth/register", data={})
    page = response.get_data(as_text=True)
    assert response.status_code == 200  # unchanged
    for message in ("请填写姓名", "请填写电子邮箱", "请设置密码", "请再次输入密码"):
        assert page.count(message) == 1
    assert "此项为必填项" not in page and page.count("内容有误，请按提示修改。") == 1
