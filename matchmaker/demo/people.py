"""The demo's organizations and accounts: who they are, and how to create them once."""
from dataclasses import dataclass
import random

import sqlalchemy as sa

from models import BrokerCoverage, Organization, OrgKind, Role, User, utcnow

from ..extensions import db
from .codes import make_credit_code

DEMO_DOMAIN = "demo.example.com"
DEMO_PASSWORDS = {Role.RESEARCHER: "Research#2026", Role.ENTERPRISE: "Company#2026",
                  Role.BROKER: "Broker#2026", Role.ADMIN: "Admin#2026"}

# (name, kind, region, e-mail handle, contact person, strengths: top-level field codes)
ORGANIZATIONS = [
    ("四川大学", OrgKind.UNIVERSITY, "四川", "scu", "刘晓燕", ("02", "04", "07")),
    ("电子科技大学", OrgKind.UNIVERSITY, "四川", "uestc", "陈志强", ("01",)),
    ("西南交通大学", OrgKind.UNIVERSITY, "四川", "swjtu", "赵立军", ("01", "08")),
    ("西南石油大学", OrgKind.UNIVERSITY, "四川", "swpu", "杨德明", ("06", "07")),
    ("四川农业大学", OrgKind.UNIVERSITY, "四川", "sicau", "罗春梅", ("02",)),
    ("重庆大学", OrgKind.UNIVERSITY, "重庆", "cqu", "何建国", ("06", "08", "04")),
    ("西北工业大学", OrgKind.UNIVERSITY, "陕西", "nwpu", "孙航", ("03", "04")),
    ("天津大学", OrgKind.UNIVERSITY, "天津", "tju", "吴海涛", ("04", "07", "05")),
    ("昆明理工大学", OrgKind.UNIVERSITY, "云南", "kust", "李云鹏", ("07", "04")),
    ("中国科学院成都有机化学研究所", OrgKind.INSTITUTE, "四川", "cioc", "周敏", ("04", "02")),
    ("中国科学院成都生物研究所", OrgKind.INSTITUTE, "四川", "cib", "黄丽", ("02", "07")),
    ("成都蜀芯微电子有限公司", OrgKind.ENTERPRISE, "四川", "shuxin", "郑凯", ()),
    ("四川天府新材料科技有限公司", OrgKind.ENTERPRISE, "四川", "tfnm", "马骏", ()),
    ("宜宾川南动力电池材料有限公司", OrgKind.ENTERPRISE, "四川", "cnbattery", "邓涛", ()),
    ("德阳重装精工机械有限公司", OrgKind.ENTERPRISE, "四川", "dyzz", "唐伟", ()),
    ("绵阳锦江环保科技有限公司", OrgKind.ENTERPRISE, "四川", "jjhb", "冯静", ()),
    ("成都锦城数字科技有限公司", OrgKind.ENTERPRISE, "四川", "jcdigital", "许杰", ()),
    ("重庆渝通智能装备有限公司", OrgKind.ENTERPRISE, "重庆", "yutong", "谢磊", ()),
    ("天津滨港生物医药有限公司", OrgKind.ENTERPRISE, "天津", "bgbio", "韩雪", ()),
    ("昆明滇池绿色农业科技有限公司", OrgKind.ENTERPRISE, "云南", "dcagri", "段丽华", ()),
    ("郑州中原智能制造有限公司", OrgKind.ENTERPRISE, "河南", "zyzz", "高峰", ()),
    ("天府技术转移服务中心", OrgKind.SERVICE, "四川", "tftt", "王敏", ()),
]

# Brokers of the transfer center: (handle, name, [(field code or None, region or None)])
BROKERS = [
    ("broker.wang", "王敏", [("01", "四川"), ("08", "四川"), ("03", None)]),
    ("broker.li", "李娜", [("02", None), ("05", "四川"), ("02", "重庆")]),
    ("broker.zhang", "张强", [("04", None), ("06", None), ("07", None), (None, "天津"), (None, "云南"),
                               (None, "河南"), (None, "重庆")]),
]
ADMIN = ("admin", "平台管理员")


@dataclass
class DemoLogin:
    """One account the demo prints at the end."""

    email: str
    password: str
    role: Role
    organization: str | None


def credit_prefix(kind: OrgKind) -> str:
    """'91' for companies, '52' for social service bodies, '12' for public institutions."""
    return {OrgKind.ENTERPRISE: "91", OrgKind.SERVICE: "52"}.get(kind, "12")


def ensure_organizations(rng: random.Random) -> tuple[dict[str, Organization], int]:
    """Create the demo organizations that do not exist yet; return all of them by name and the count created."""
    names = [o[0] for o in ORGANIZATIONS]
    found = {o.name: o for o in db.session.scalars(sa.select(Organization).where(Organization.name.in_(names)))}
    created = 0
    for name, kind, region, *_ in ORGANIZATIONS:
        code = make_credit_code(rng, region, credit_prefix(kind))  # drawn for every org: stable codes
        if name not in found:
            found[name] = Organization(name=name, kind=kind, region=region, credit_code=code,
                                       verified=True, verified_at=utcnow())
            db.session.add(found[name])
            created += 1
    return found, created


def demo_accounts(orgs: dict[str, Organization]) -> list[tuple[dict, list]]:
    """Every demo account as (User fields, coverage pairs), in a stable order."""
    accounts = []
    for name, kind, _region, handle, person, _ in ORGANIZATIONS:
        role = {OrgKind.ENTERPRISE: Role.ENTERPRISE, OrgKind.SERVICE: None}.get(kind, Role.RESEARCHER)
        if role:
            accounts.append(({"email": f"{role.value}.{handle}@{DEMO_DOMAIN}", "name": person,
                              "role": role, "organization": orgs[name]}, []))
    center = next(orgs[o[0]] for o in ORGANIZATIONS if o[1] == OrgKind.SERVICE)
    for handle, person, coverage in BROKERS:
        accounts.append(({"email": f"{handle}@{DEMO_DOMAIN}", "name": person, "role": Role.BROKER,
                          "organization": center}, coverage))
    accounts.append(({"email": f"{ADMIN[0]}@{DEMO_DOMAIN}", "name": ADMIN[1], "role": Role.ADMIN,
                      "organization": None}, []))
    return accounts


def ensure_users(orgs: dict[str, Organization]) -> tuple[dict[str, User], list[DemoLogin], int]:
    """Create missing demo users (one per research org and enterprise, brokers, an admin); return users by e-mail."""
    accounts = demo_accounts(orgs)
    emails = [fields["email"] for fields, _ in accounts]
    users = {u.email: u for u in db.session.scalars(sa.select(User).where(User.email.in_(emails)))}
    hashes, created, logins = {}, 0, []
    for fields, coverage in accounts:
        role = fields["role"]
        if fields["email"] not in users:
            user = User(phone=demo_phone(fields["email"]), **fields)
            if role in hashes:  # one hash per role keeps seeding fast; accounts are demo-only
                user.password_hash = hashes[role]
            else:
                user.set_password(DEMO_PASSWORDS[role])
                hashes[role] = user.password_hash
            user.coverage = [BrokerCoverage(field_code=f, region=r) for f, r in coverage]
            db.session.add(user)
            users[user.email] = user
            created += 1
        org = fields["organization"]
        logins.append(DemoLogin(fields["email"], DEMO_PASSWORDS[role], role, org.name if org else None))
    return users, logins, created


def demo_phone(seed: str) -> str:
    """A stable synthetic mobile number for a seed string (demo accounts only)."""
    return f"19900{random.Random(seed).randrange(0, 10**6):06d}"
