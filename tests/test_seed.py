"""`flask seed-demo`: a complete, valid, idempotent demo whose printed logins work."""
from datetime import date
import re
import time

import pytest
import sqlalchemy as sa

from matchmaker.listings.kinds import kind_of
from matchmaker.listings.services import listing_values
from matchmaker.listings.validation import clean_listing, normalize_patent_number
from models import (Achievement, BrokerCoverage, IndexState, IPItem, IPType, ListingStatus, Need,
                    Organization, OrgKind, Role, TechField, User, is_valid_credit_code)

LOGIN_LINE = re.compile(r"^\s+(\S+@\S+)\s+(\S+)\s+(\S+)", re.M)


def count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.fixture
def seeded(runner):
    """Run the command once and return its result (and how long it took)."""
    started = time.perf_counter()
    result = runner.invoke(args=["seed-demo"])
    result.seconds = time.perf_counter() - started
    assert result.exit_code == 0, result.output
    return result


def test_seed_counts_roles_and_speed(db, seeded):
    assert seeded.seconds < 10
    assert count(db, Achievement) >= 500
    assert 55 <= count(db, Need) <= 65
    roles = set(db.session.scalars(sa.select(User.role)))
    assert roles == set(Role)
    assert len(db.session.scalars(sa.select(User).where(User.role == Role.BROKER)).all()) >= 2
    kinds = {k: count for k, count in db.session.execute(
        sa.select(Organization.kind, sa.func.count()).group_by(Organization.kind))}
    assert kinds[OrgKind.UNIVERSITY] >= 5 and kinds[OrgKind.INSTITUTE] >= 1
    assert kinds[OrgKind.ENTERPRISE] >= 5 and kinds[OrgKind.SERVICE] == 1
    assert "Seeded demo" in seeded.output


def test_seeded_data_is_valid(db, seeded):
    orgs = db.session.scalars(sa.select(Organization)).all()
    assert all(is_valid_credit_code(o.credit_code) for o in orgs)
    codes = set(db.session.scalars(sa.select(TechField.code)))
    achievements = db.session.scalars(sa.select(Achievement)).all()
    assert {a.field_code for a in achievements} <= codes
    assert len({a.field_code[:2] for a in achievements}) == 8  # every top-level field is represented
    assert all(a.index_state == IndexState.PENDING for a in achievements)
    published = sum(a.status == ListingStatus.PUBLISHED for a in achievements)
    assert published > 0.8 * len(achievements)
    assert all(1 <= a.trl <= 9 and a.coop_modes and a.contact_email for a in achievements)
    patents = db.session.scalars(sa.select(IPItem).where(IPItem.ip_type.in_([IPType.INVENTION, IPType.UTILITY])))
    numbers = [p.number for p in patents]
    assert len(numbers) > 100
    assert all(normalize_patent_number(n) == n for n in numbers)  # raises on a wrong check digit
    needs = db.session.scalars(sa.select(Need)).all()
    assert {n.field_code for n in needs} <= codes
    assert all(n.deadline > date.today() and n.index_state == IndexState.PENDING for n in needs)
    assert all(n.owner.role == Role.ENTERPRISE and n.organization.kind == OrgKind.ENTERPRISE for n in needs)
    challenges = [n for n in needs if n.is_challenge]
    assert len(challenges) >= 5 and all(n.reward and n.solver_conditions for n in challenges)
    assert any(n.budget_negotiable for n in needs) and any(n.budget_max for n in needs)
    assert count(db, BrokerCoverage) >= 3


def test_every_seeded_listing_passes_the_forms_validation(db, seeded):
    """An owner can open any demo listing's edit form and save it unchanged."""
    for model in (Achievement, Need):
        for listing in db.session.scalars(sa.select(model)):
            clean_listing(kind_of(listing), listing_values(listing))  # raises InvalidListing


def test_second_run_changes_nothing_and_says_so(db, runner, seeded):
    before = {m: count(db, m) for m in (Organization, User, Achievement, Need, IPItem, BrokerCoverage)}
    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code == 0, again.output
    assert "nothing changed" in again.output
    assert {m: count(db, m) for m in before} == before


def test_printed_logins_sign_in_through_the_login_form(app, db, seeded):
    logins = LOGIN_LINE.findall(seeded.output)
    assert len(logins) == count(db, User)
    one_per_role = {}
    for email, password, _label in logins:
        user = db.session.scalar(sa.select(User).where(User.email == email))
        one_per_role.setdefault(user.role, (user, password))
    assert set(one_per_role) == set(Role)
    for user, password in one_per_role.values():
        client = app.test_client()
        response = client.post("/auth/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, user.email
        with client.session_transaction() as session:
            assert session.get("_user_id") == user.get_id()
    refused = app.test_client().post("/auth/login", data={"email": logins[0][0], "password": "wrong-password"})
    assert refused.status_code != 302


def test_csl_keywords_cut_at_commas_upstream_are_joined_back(app):
    from datetime import datetime

    from matchmaker.demo import CORPUS_FILE
    from matchmaker.demo.csl import build_achievement, read_corpus

    record = next(r for r in read_corpus(CORPUS_FILE) if r["id"] == "csl-e8928dde14dc")
    assert " 4-三唑" in record["keywords"]  # the corpus itself carries the cut-up chemical name
    org = Organization(name="某大学", kind=OrgKind.UNIVERSITY, region="四川")
    owner = User(name="李老师", email="li@example.edu.cn", role=Role.RESEARCHER, organization=org)
    achievement = build_achievement(record, org, owner, datetime(2026, 11, 1))
    assert achievement.keywords == ["1-氢-3,5-二(3-吡啶基)-1,2,4-三唑", "2,2′-二硫二苯甲酸", "镍(Ⅱ)配合物", "合成",
                                    "晶体结构"]
