"""Demo technical needs, written for the demo and kept in data/demo_needs.json."""
from datetime import datetime, timedelta
from decimal import Decimal
import json
import random

from models import CoopMode, IndexState, IPOwnership, ListingStatus, Need, Organization, User

from ..errors import ValidationError

NEED_KEYS = frozenset({"key", "org", "field", "title", "description", "deadline_days", "coop", "ip"})


def read_needs(path: str, organizations=()) -> list[dict]:
    """The needs of the demo data file, checked against the enumerations and ``organizations`` (names)."""
    try:
        with open(path, encoding="utf-8") as fh:
            needs = json.load(fh)["needs"]
        problems = [need_problem(need, organizations) for need in needs]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ValidationError(f"无法读取需求文件 {path}：应为含 needs 列表的 JSON 文件（{exc}）。",
                              field="needs") from exc
    if any(problems):
        raise ValidationError(f"需求文件 {path} 有误：{next(p for p in problems if p)}", field="needs")
    return needs


def need_problem(need: dict, organizations=()) -> str | None:
    """Why one demo need cannot be built (missing keys, unknown enumeration or organization), or None."""
    if not isinstance(need, dict):
        return f"每条需求应为 JSON 对象：{need!r}"
    missing = NEED_KEYS - need.keys()
    if missing:
        return f"{need.get('key', '?')} 缺少 {'、'.join(sorted(missing))}"
    bad = [m for m in need["coop"] if CoopMode.parse(m) is None]
    if bad or IPOwnership.parse(need["ip"]) is None:
        return f"{need['key']} 的合作方式或知识产权归属未知：{bad or need['ip']}"
    if organizations and need["org"] not in organizations:
        return f"{need['key']} 的机构不是演示机构：{need['org']}"
    return None


def money(value) -> Decimal | None:
    """A 万元 amount as Decimal, None staying None."""
    return None if value is None else Decimal(str(value))


def build_need(data: dict, org: Organization, owner: User, now: datetime) -> Need:
    """One Need from a data-file entry; deadlines count from ``now`` so the demo never looks stale."""
    rng = random.Random(f"matchmaker-demo:{data['key']}")
    budget = data.get("budget") or [None, None]  # absent or null: 面议
    challenge = data.get("challenge") or {}
    status = ListingStatus.parse(data.get("status", "published"))
    created = now - timedelta(days=rng.randint(2, 90), minutes=rng.randint(0, 1440))
    return Need(
        external_key=data["key"], title=data["title"], description=data["description"],
        indicators=data.get("indicators"), keywords=data.get("keywords", []), field_code=data["field"],
        budget_min=money(budget[0]), budget_max=money(budget[1]),
        deadline=(now + timedelta(days=data["deadline_days"])).date(),
        coop_modes=[CoopMode.parse(m).value for m in data["coop"]], ip_ownership=IPOwnership.parse(data["ip"]),
        is_challenge=bool(challenge), reward=money(challenge.get("reward")),
        solver_conditions=challenge.get("conditions"), region=data.get("region", org.region), status=status,
        contact_name=owner.name, contact_phone=owner.phone, contact_email=owner.email,
        owner=owner, organization=org, index_state=IndexState.PENDING,
        created_at=created, updated_at=created,
        submitted_at=created if status != ListingStatus.DRAFT else None,
        published_at=created + timedelta(days=1) if status == ListingStatus.PUBLISHED else None,
    )
