"""Listing lifecycle: each transition, who may do it, the audit trail and the index kept in step."""
from datetime import date, timedelta

import pytest

from matchmaker.extensions import db as _db
from matchmaker.errors import Forbidden, InvalidTransition, ValidationError
from matchmaker.listings import queries, services
from matchmaker.listings.kinds import ACHIEVEMENTS, NEEDS
from matchmaker.listings.validation import InvalidListing, normalize_patent_number
from matchmaker.listings.index import forget_indexes, get_index, resync
from models import AuditLog, BrokerCoverage, IndexState, ListingStatus, Role, TechField, read_taxonomy_file

from listing_data import achievement_data, indexed_ids, need_data, published


@pytest.fixture
def taxonomy(db, app):
    """The default taxonomy in the DB (broker coverage points at it)."""
    for row in read_taxonomy_file(app.config["TAXONOMY_FILE"]):
        db.session.add(TechField(**row))
    db.session.commit()


def audit(**by) -> list[AuditLog]:
    return _db.session.scalars(_db.select(AuditLog).filter_by(**by).order_by(AuditLog.id)).all()


def actions(listing) -> list[str]:
    return [r.action for r in audit(object_type=listing.__tablename__, object_id=listing.id)]


@pytest.mark.parametrize("text,expected", [
    ("201910123456.X", "201910123456.X"),
    ("CN201910123456X", "201910123456.X"),
    ("ZL 2019 1 0123456.X", "201910123456.X"),
    ("zl201910123456.x", "201910123456.X"),
    ("98123456.9", "98123456.9"),
])
def test_patent_numbers_are_normalised(text, expected):
    assert normalize_patent_number(text) == expected


@pytest.mark.parametrize("text,message", [
    ("201910123456.1", "校验位错误（应为 X）"),
    ("2019101234", "格式"),
    ("ZL20191012345A.X", "格式"),
])
def test_bad_patent_numbers_are_refused(text, message):
    with pytest.raises(ValidationError, match=message.replace("（", r"\（").replace("）", r"\）")):
        normalize_patent_number(text)


def test_patent_type_digit_must_fit_the_ip_type():
    from models import IPType

    with pytest.raises(ValidationError, match="实用新型"):
        normalize_patent_number("201910123456.X", IPType.UTILITY)
    assert normalize_patent_number("201920123456.5", IPType.UTILITY) == "201920123456.5"


def test_researcher_publishes_through_review_and_every_step_is_audited(app, make_user):
    owner, admin = make_user(Role.RESEARCHER), make_user(Role.ADMIN)
    ach = services.create_listing(ACHIEVEMENTS, owner, achievement_data())
    assert ach.status == ListingStatus.DRAFT and ach.organization == owner.organization
    assert [i.number for i in ach.ip_items] == ["201910123456.X"]
    services.submit_listing(ach, owner)
    assert ach.status == ListingStatus.PENDING and str(ach.id) not in indexed_ids("achievements")
    services.approve_listing(ach, admin)
    assert ach.status == ListingStatus.PUBLISHED and ach.index_state == IndexState.SYNCED
    assert str(ach.id) in indexed_ids("achievements")
    assert actions(ach) == ["achievement.create", "achievement.submit", "achievement.approve"]
    [entry] = audit(action="achievement.approve")
    assert entry.actor_id == admin.id and entry.detail["from"] == "pending" and entry.detail["to"] == "published"


def test_request_changes_sends_back_with_reason_and_owner_resubmits(app, make_user, login_as):
    client = login_as(Role.RESEARCHER)
    admin = make_user(Role.ADMIN)
    ach = services.create_listing(ACHIEVEMENTS, client.user, achievement_data())
    services.submit_listing(ach, client.user)
    with pytest.raises(ValidationError):
        services.request_changes(ach, admin, "  ")
    services.request_changes(ach, admin, "请补充关键技术指标的测试条件")
    assert ach.status == ListingStatus.DRAFT
    page = client.get(f"/achievements/{ach.id}").get_data(as_text=True)
    assert "请补充关键技术指标的测试条件" in page
    mine = client.get("/achievements/mine").get_data(as_text=True)
    assert "请补充关键技术指标的测试条件" in mine and "草稿" in mine
    assert client.post(f"/achievements/{ach.id}/submit").status_code == 302
    assert ach.status == ListingStatus.PENDING
    assert actions(ach)[-2:] == ["achievement.request_changes", "achievement.submit"]


def test_reject_with_reason_then_owner_may_fix_and_resubmit(app, make_user):
    owner, admin = make_user(Role.ENTERPRISE), make_user(Role.ADMIN)
    need = services.create_listing(NEEDS, owner, need_data())
    services.submit_listing(need, owner)
    services.reject_listing(need, admin, "需求描述与平台定位不符")
    assert need.status == ListingStatus.REJECTED and need.review_note == "需求描述与平台定位不符"
    with pytest.raises(InvalidTransition):
        services.approve_listing(need, admin)
    services.update_listing(need, owner, need_data(title="储能电池包热失控早期预警与消防联动技术"))
    services.submit_listing(need, owner)
    assert need.status == ListingStatus.PENDING


def test_withdraw_and_close_take_a_listing_out_of_search(app, make_user):
    owner, admin = make_user(Role.RESEARCHER), make_user(Role.ADMIN)
    ach = published("achievements", owner, admin)
    services.withdraw_listing(ach, owner)
    assert ach.status == ListingStatus.WITHDRAWN and str(ach.id) not in indexed_ids("achievements")
    with pytest.raises(InvalidTransition):
        services.withdraw_listing(ach, owner)
    services.submit_listing(ach, owner)
    services.approve_listing(ach, admin)
    assert str(ach.id) in indexed_ids("achievements")
    services.close_listing(ach, owner)
    assert ach.status == ListingStatus.CLOSED and str(ach.id) not in indexed_ids("achievements")
    with pytest.raises(InvalidTransition):
        services.submit_listing(ach, owner)


def test_a_public_edit_of_a_published_listing_goes_back_to_review_until_approved(app, make_user):
    owner, admin = make_user(Role.RESEARCHER), make_user(Role.ADMIN)
    ach = published("achievements", owner, admin)
    index = get_index("achievements")

    def shared(query):
        return [t for h in index.search(query, limit=5) if h.id == str(ach.id) for t in h.shared_terms]

    assert "钠离子" not in shared("钠离子")
    services.update_listing(ach, owner, achievement_data(title="钠离子电池正极材料低成本制备技术",
                                                         keywords="钠离子电池，正极材料"))
    assert ach.status == ListingStatus.PENDING and ach.index_state == IndexState.SYNCED
    assert str(ach.id) not in indexed_ids("achievements")
    assert app.test_client().get(f"/achievements/{ach.id}").status_code == 404
    assert ach in queries.review_queue(ACHIEVEMENTS, admin).items
    [entry] = audit(action="achievement.update")
    assert entry.detail["fields"] == ["title", "keywords"]
    assert (entry.detail["from"], entry.detail["to"]) == ("published", "pending")
    services.approve_listing(ach, admin)
    assert ach.status == ListingStatus.PUBLISHED and "钠离子" in shared("钠离子")


@pytest.mark.parametrize("kind_name,changes", [
    ("achievements", {"summary": achievement_data()["summary"] + "另可用于低温储能场景。"}),
    ("achievements", {"ip_items": []}),
    ("achievements", {"field_code": "0602"}),
    ("needs", {"indicators": "预警提前量不少于 10 分钟"}),
])
def test_every_public_field_edit_needs_review(app, make_user, kind_name, changes):
    owner = make_user(Role.RESEARCHER if kind_name == "achievements" else Role.ENTERPRISE)
    listing = published(kind_name, owner, make_user(Role.ADMIN))
    data = achievement_data(**changes) if kind_name == "achievements" else need_data(**changes)
    services.update_listing(listing, owner, data)
    assert listing.status == ListingStatus.PENDING


def test_editing_only_private_fields_keeps_a_listing_published(app, make_user):
    owner, admin = make_user(Role.RESEARCHER), make_user(Role.ADMIN)
    ach = published("achievements", owner, admin)
    services.update_listing(ach, owner, achievement_data(contact_phone="028-85409999", team="王教授团队"))
    assert ach.status == ListingStatus.PUBLISHED and str(ach.id) in indexed_ids("achievements")
    [entry] = audit(action="achievement.update")
    assert entry.detail["fields"] == ["contact_phone", "team"] and "to" not in entry.detail


def test_editing_only_terms_keeps_a_listing_published_and_re_indexes_its_filters(app, make_user):
    owner, admin = make_user(Role.ENTERPRISE), make_user(Role.ADMIN)
    need = published("needs", owner, admin)
    index = get_index("needs")

    def found_in(region):
        return str(need.id) in {h.id for h in index.search("电池热失控预警", limit=5, filters={"region": region})}

    assert found_in("重庆") and not found_in("四川")
    services.update_listing(need, owner, need_data(region="四川", budget_max="300",
                                                   deadline=date.today() + timedelta(days=120)))
    assert need.status == ListingStatus.PUBLISHED and need.index_state == IndexState.SYNCED
    assert found_in("四川") and not found_in("重庆")
    [entry] = audit(action="need.update")
    assert entry.detail["fields"] == ["region", "budget_max", "deadline"] and "to" not in entry.detail
    services.update_listing(need, owner, need_data(region="四川", budget_max="300", title="储能电池包热失控预警",
                                                   deadline=date.today() + timedelta(days=120)))
    assert need.status == ListingStatus.PENDING  # a content change with them still goes to review


def test_pending_listing_cannot_be_edited(app, make_user):
    owner = make_user(Role.RESEARCHER)
    ach = services.create_listing(ACHIEVEMENTS, owner, achievement_data())
    services.submit_listing(ach, owner)
    with pytest.raises(InvalidTransition, match="请先撤回"):
        services.update_listing(ach, owner, achievement_data(title="改个标题试试看"))


def test_who_may_do_what(app, make_user, taxonomy, db):
    owner, other, admin = make_user(Role.RESEARCHER), make_user(Role.RESEARCHER), make_user(Role.ADMIN)
    enterprise = make_user(Role.ENTERPRISE)
    energy_broker, bio_broker, any_broker = (make_user(Role.BROKER) for _ in range(3))
    db.session.add_all([BrokerCoverage(broker=energy_broker, field_code="06"),
                        BrokerCoverage(broker=bio_broker, field_code="02"),
                        BrokerCoverage(broker=any_broker, field_code=None)])
    db.session.commit()
    with pytest.raises(Forbidden):
        services.create_listing(ACHIEVEMENTS, enterprise, achievement_data())
    with pytest.raises(Forbidden):
        services.create_listing(NEEDS, owner, need_data())
    ach = services.create_listing(ACHIEVEMENTS, owner, achievement_data())
    with pytest.raises(Forbidden):
        services.submit_listing(ach, other)
    with pytest.raises(Forbidden):
        services.update_listing(ach, other, achievement_data())
    services.submit_listing(ach, owner)
    for outsider in (owner, other, enterprise, bio_broker):
        with pytest.raises(Forbidden):
            services.approve_listing(ach, outsider)
    services.request_changes(ach, energy_broker, "补充价格说明")  # covers the top field 06
    services.submit_listing(ach, owner)
    services.approve_listing(ach, any_broker)
    assert ach.status == ListingStatus.PUBLISHED
    with pytest.raises(Forbidden):
        services.withdraw_listing(ach, energy_broker)
    services.withdraw_listing(ach, admin)  # admins moderate
    assert ach.status == ListingStatus.WITHDRAWN


def test_unverified_organization_cannot_submit(app, make_user, db):
    owner = make_user(Role.RESEARCHER)
    owner.organization.verified = False
    db.session.commit()
    ach = services.create_listing(ACHIEVEMENTS, owner, achievement_data())
    with pytest.raises(InvalidTransition, match="尚未通过平台审核"):
        services.submit_listing(ach, owner)
    owner.organization.verified = True
    db.session.commit()
    services.submit_listing(ach, owner)
    assert ach.status == ListingStatus.PENDING


def test_challenge_needs_reward_conditions_and_deadline(app, make_user):
    owner = make_user(Role.ENTERPRISE)
    with pytest.raises(InvalidListing) as err:
        services.create_listing(NEEDS, owner, need_data(is_challenge=True, deadline=None))
    assert set(err.value.errors) == {"reward", "solver_conditions", "deadline"}
    need = services.create_listing(NEEDS, owner, need_data(is_challenge=True, reward="300",
                                                           solver_conditions="具备电池安全检测资质的团队"))
    assert need.is_challenge and str(need.reward) == "300.00"


def test_needs_past_deadline_expire_and_leave_search(app, make_user, db, runner):
    owner, admin = make_user(Role.ENTERPRISE), make_user(Role.ADMIN)
    due = published("needs", owner, admin)
    later = published("needs", owner, admin, title="电池回收拆解自动化产线", deadline=date.today() + timedelta(days=3))
    due.deadline = date.today() - timedelta(days=1)
    db.session.commit()
    result = runner.invoke(args=["expire-needs"])
    assert result.exit_code == 0, result.output
    assert "1" in result.output
    assert due.status == ListingStatus.EXPIRED and later.status == ListingStatus.PUBLISHED
    assert indexed_ids("needs") == {str(later.id)}
    assert len(audit(action="need.expire", object_id=due.id)) == 1


def test_failed_indexing_marks_pending_and_a_later_resync_repairs_it(app, make_user, tmp_path):
    owner, admin = make_user(Role.RESEARCHER), make_user(Role.ADMIN)
    ach = services.create_listing(ACHIEVEMENTS, owner, achievement_data())
    services.submit_listing(ach, owner)
    good_dir = app.config["INDEX_DIR"]
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("the index cannot live under a file")
    app.config["INDEX_DIR"] = str(blocker)
    forget_indexes()
    services.approve_listing(ach, admin)  # the engine fails: the approval still stands
    assert ach.status == ListingStatus.PUBLISHED and ach.index_state == IndexState.PENDING
    app.config["INDEX_DIR"] = good_dir
    forget_indexes()
    assert str(ach.id) not in indexed_ids("achievements")
    assert resync() == (1, 0)
    assert ach.index_state == IndexState.SYNCED and str(ach.id) in indexed_ids("achievements")


def stamp_as_older_engine(app, kind_name: str) -> str:
    """Snapshot the kind's index and mark it as written by an older analysis; return its folder."""
    import json
    import os

    get_index(kind_name).save(compact=True)
    folder = os.path.join(app.config["INDEX_DIR"], kind_name)
    with open(os.path.join(folder, "CURRENT")) as f:
        meta_path = os.path.join(folder, f"gen-{f.read().strip()}", "meta.json")
    with open(meta_path, encoding="utf-8") as f:
        meta = json.load(f)
    meta["analysis"] = 1
    with open(meta_path, "w", encoding="utf-8") as f:
        json.dump(meta, f)
    forget_indexes()
    return folder


def test_an_index_left_by_an_older_engine_is_emptied_and_refilled_from_the_db(app, make_user, db):
    owner, admin = make_user(Role.RESEARCHER), make_user(Role.ADMIN)
    achs = [published("achievements", owner, admin, title=f"高镍正极材料包覆改性第{i}代") for i in range(3)]
    stamp_as_older_engine(app, "achievements")
    assert indexed_ids("achievements") == set()  # opening it found it stale: never serve its old vectors
    db.session.expire_all()
    assert {a.index_state for a in achs} == {IndexState.PENDING}
    assert resync() == (3, 0)
    assert indexed_ids("achievements") == {str(a.id) for a in achs}
    forget_indexes()
    assert indexed_ids("achievements") == {str(a.id) for a in achs}  # the refilled index is current on disk


def test_a_need_past_deadline_reads_as_expired_without_a_write(app, make_user, login_as, db, runner):
    """Expiry is a read predicate: the public no longer sees the need, its owner sees 已过期 and may resubmit;
    the daily job records the expiry."""
    client = login_as(Role.ENTERPRISE)
    need = published("needs", client.user, make_user(Role.ADMIN))
    need.deadline = date.today() - timedelta(days=2)
    db.session.commit()
    assert app.test_client().get(f"/needs/{need.id}").status_code == 404
    page = client.get(f"/needs/{need.id}").get_data(as_text=True)
    assert "已过期" in page and 'id="action-submit"' in page and 'id="action-withdraw"' not in page
    db.session.expire_all()
    assert need.status == ListingStatus.PUBLISHED  # nothing written by the reads
    assert runner.invoke(args=["expire-needs"]).exit_code == 0
    assert need.status == ListingStatus.EXPIRED and str(need.id) not in indexed_ids("needs")


def test_a_content_edit_is_a_resubmission_and_needs_what_a_submission_needs(app, make_user, db):
    owner, admin = make_user(Role.RESEARCHER), make_user(Role.ADMIN)
    ach = published("achievements", owner, admin)
    ach.organization.verified = False  # the admin withdrew the organization's verification
    db.session.commit()
    with pytest.raises(InvalidTransition, match="尚未通过平台审核.*暂不能保存"):
        services.update_listing(ach, owner, achievement_data(title="改成从未审核过的标题内容"))
    db.session.expire_all()
    assert ach.status == ListingStatus.PUBLISHED and ach.title != "改成从未审核过的标题内容"
    assert ach not in queries.review_queue(ACHIEVEMENTS, admin).items
    services.update_listing(ach, owner, achievement_data(contact_phone="028-85409999"))  # contacts still fine
    assert ach.status == ListingStatus.PUBLISHED and ach.contact_phone == "028-85409999"


def test_a_failure_between_queueing_and_emptying_a_stale_index_leaves_it_stale(app, make_user, db):
    import os

    owner, admin = make_user(Role.RESEARCHER), make_user(Role.ADMIN)
    ach = published("achievements", owner, admin)
    folder = stamp_as_older_engine(app, "achievements")
    os.remove(os.path.join(folder, "LOCK"))
    os.mkdir(os.path.join(folder, "LOCK"))  # emptying the index needs its lock file: this fails after queueing
    forget_indexes()
    with pytest.raises(IsADirectoryError):
        get_index("achievements")
    db.session.expire_all()
    assert ach.index_state == IndexState.PENDING  # queued before anything was emptied
    os.rmdir(os.path.join(folder, "LOCK"))
    forget_indexes()
    assert resync() == (1, 0) and indexed_ids("achievements") == {str(ach.id)}


def test_a_search_over_a_stale_index_writes_nothing_and_the_worker_repairs_it(app, make_user, db, client):
    owner, admin = make_user(Role.RESEARCHER), make_user(Role.ADMIN)
    ach = published("achievements", owner, admin, title="高镍正极材料包覆改性技术")
    stamp_as_older_engine(app, "achievements")
    page = client.get("/achievements/?q=正极材料").get_data(as_text=True)
    assert "检索服务正在更新索引" in page
    assert f'href="/achievements/{ach.id}"' in client.get("/achievements/").get_data(as_text=True)  # browsing works
    db.session.expire_all()
    assert ach.index_state == IndexState.SYNCED  # the read queued nothing
    from matchmaker.jobs import reindex_pending
    assert reindex_pending() == 1
    page = client.get("/achievements/?q=正极材料").get_data(as_text=True)
    assert f'href="/achievements/{ach.id}"' in page
