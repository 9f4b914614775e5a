"""Seed the whole demo (organizations, accounts, achievements, needs) once; re-running changes nothing."""
from dataclasses import dataclass, field
import random
from typing import Callable, Iterable

import sqlalchemy as sa

from models import Achievement, Need, OrgKind, Role, utcnow

from ..extensions import db
from ..taxonomy_loader import ensure_taxonomy
from .csl import build_achievement, field_for, read_corpus, select_records
from .needs import build_need, read_needs
from .people import ORGANIZATIONS, DemoLogin, ensure_organizations, ensure_users

SEED = "matchmaker-demo-2026"
Progress = Callable[[Iterable, int], Iterable]


@dataclass
class SeedResult:
    """Rows created by one run, and the demo logins to print."""

    organizations: int = 0
    users: int = 0
    achievements: int = 0
    needs: int = 0
    logins: list[DemoLogin] = field(default_factory=list)

    @property
    def created(self) -> int:
        return self.organizations + self.users + self.achievements + self.needs


def no_progress(items: Iterable, total: int) -> Iterable:
    """The default progress reporter: none."""
    return items


def seed_demo(corpus_path: str, needs_path: str, taxonomy_path: str, limit: int = 600,
              progress: Progress = no_progress) -> SeedResult:
    """Create whatever part of the demo is missing, in one transaction, and return what was created."""
    records = select_records(read_corpus(corpus_path), limit, SEED)  # both files are checked before any write
    needs_data = read_needs(needs_path, [name for name, kind, *_ in ORGANIZATIONS if kind == OrgKind.ENTERPRISE])
    ensure_taxonomy(taxonomy_path)
    orgs, n_orgs = ensure_organizations(random.Random(SEED))
    users, logins, n_users = ensure_users(orgs)
    db.session.flush()
    researchers = {u.organization.name: u for u in users.values() if u.role == Role.RESEARCHER}
    enterprise_users = {u.organization.name: u for u in users.values() if u.role == Role.ENTERPRISE}
    now = utcnow()

    have = existing_keys(Achievement, [r["id"] for r in records])
    achievements = []
    for record in progress(records, len(records)):
        if record["id"] not in have:
            org = orgs[research_org_for(record)]
            achievements.append(build_achievement(record, org, researchers[org.name], now))

    have = existing_keys(Need, [n["key"] for n in needs_data])
    needs = [build_need(n, orgs[n["org"]], enterprise_users[n["org"]], now)
             for n in needs_data if n["key"] not in have]

    db.session.add_all(achievements + needs)
    db.session.commit()
    return SeedResult(n_orgs, n_users, len(achievements), len(needs), logins)


def existing_keys(model, keys: list[str]) -> set[str]:
    """The external keys among ``keys`` that ``model`` already has."""
    return set(db.session.scalars(sa.select(model.external_key).where(model.external_key.in_(keys))))


def research_org_for(record: dict) -> str:
    """A university or institute strong in the record's field, picked stably per record."""
    top = field_for(record)[:2]
    research = [o for o in ORGANIZATIONS if o[1] in (OrgKind.UNIVERSITY, OrgKind.INSTITUTE)]
    strong = [o[0] for o in research if top in o[5]] or [o[0] for o in research]
    return random.Random(f"{SEED}:{record['id']}").choice(strong)
