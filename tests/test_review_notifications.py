"""Owners learn how the review of their listing ended: in the notification center and by e-mail."""
import pytest

from matchmaker.extensions import db
from matchmaker.errors import InvalidTransition, ValidationError
from matchmaker.importer.services import import_rows
from matchmaker.listings import services
from matchmaker.listings.kinds import get_kind
from matchmaker.notifications.services import set_preferences
from models import ListingStatus, Notification, OutboxEmail, Role

from listing_data import achievement_data, need_data
from match_data import rows


def pending(kind_name: str, owner):
    """A listing of ``owner`` submitted for review through the real services."""
    data = achievement_data() if kind_name == "achievements" else need_data()
    listing = services.create_listing(get_kind(kind_name), owner, data)
    return services.submit_listing(listing, owner)


def stored(model, **filters) -> list:
    """Rows of ``model`` that were committed (anything left uncommitted is rolled back first)."""
    db.session.rollback()
    return rows(model, **filters)


@pytest.mark.parametrize("kind_name,role", [("achievements", Role.RESEARCHER), ("needs", Role.ENTERPRISE)])
def test_approval_tells_the_owner_in_app_and_by_mail(make_user, kind_name, role):
    owner, admin = make_user(role), make_user(Role.ADMIN)
    listing = pending(kind_name, owner)
    listing_id, title = listing.id, listing.title
    services.approve_listing(listing, admin)
    [note] = stored(Notification, user_id=owner.id)
    assert note.kind == "listing_review" and title in note.title and "审核通过" in note.title
    assert note.link == f"/{kind_name}/{listing_id}"
    [mail] = stored(OutboxEmail, to_addr=owner.email)
    assert title in mail.subject and f"/{kind_name}/{listing_id}" in mail.body
    assert stored(Notification, user_id=admin.id) == [] and stored(OutboxEmail, to_addr=admin.email) == []


@pytest.mark.parametrize("decide,words", [(services.request_changes, "需要修改"),
                                          (services.reject_listing, "未通过审核")])
def test_sending_back_or_rejecting_gives_the_owner_the_reason(make_user, decide, words):
    owner, admin = make_user(Role.RESEARCHER), make_user(Role.ADMIN)
    listing = pending("achievements", owner)
    decide(listing, admin, "专利号与成果名称不一致，请核实")
    [note] = stored(Notification, user_id=owner.id)
    assert words in note.title and "专利号与成果名称不一致，请核实" in note.body
    [mail] = stored(OutboxEmail, to_addr=owner.email)
    assert words in mail.subject and "专利号与成果名称不一致，请核实" in mail.body


def test_rejection_on_the_review_page_reaches_the_owners_notification_center(make_user, login_as, app):
    owner = make_user(Role.ENTERPRISE)
    listing = pending("needs", owner)
    reviewer = login_as(Role.ADMIN)
    reviewer.post(f"/review/needs/{listing.id}/reject", data={"reason": "需求描述过于笼统"})
    viewer = app.test_client()
    with viewer.session_transaction() as sess:
        sess["_user_id"] = owner.get_id()
    page = viewer.get("/notifications/").get_data(as_text=True)
    assert f"您的技术需求《{listing.title}》未通过审核" in page and "需求描述过于笼统" in page
    assert viewer.get("/notifications/unread-count").get_json() == {"unread": 1}


def test_the_owner_may_turn_off_review_mails_and_keep_the_in_app_note(make_user, login_as):
    owner, admin = make_user(Role.RESEARCHER), make_user(Role.ADMIN)
    set_preferences(owner, {"listing_review": {"in_app": True, "email": False}})
    services.approve_listing(pending("achievements", owner), admin)
    assert [n.kind for n in stored(Notification, user_id=owner.id)] == ["listing_review"]
    assert stored(OutboxEmail, to_addr=owner.email) == []
    assert "发布内容审核结果" in login_as(Role.RESEARCHER).get("/notifications/preferences").get_data(as_text=True)


def test_a_refused_decision_tells_nobody(make_user):
    owner, admin = make_user(Role.RESEARCHER), make_user(Role.ADMIN)
    listing = pending("achievements", owner)
    with pytest.raises(ValidationError):
        services.reject_listing(listing, admin, "  ")  # a reason is required
    services.approve_listing(listing, admin)
    with pytest.raises(InvalidTransition):
        services.approve_listing(listing, admin)  # no longer pending
    assert len(stored(Notification, user_id=owner.id)) == 1 and len(stored(OutboxEmail, to_addr=owner.email)) == 1


def test_imported_listings_have_no_owner_to_tell(app, make_user):
    admin = make_user(Role.ADMIN)
    data = achievement_data()
    cells = {"title": data["title"], "summary": data["summary"], "field_code": "0603", "region": "四川"}
    report = import_rows(get_kind("achievements"), [(2, cells)], actor=admin)
    assert report.errors == []
    [listing] = report.listings
    services.withdraw_listing(listing, admin)
    services.submit_listing(listing, admin)
    services.reject_listing(listing, admin, "信息不完整")
    assert listing.status == ListingStatus.REJECTED and listing.owner is None
    # the admin hears that the import finished; about the listing nobody is told
    assert [n.kind for n in stored(Notification)] == ["import_done"]
    assert [m.to_addr for m in stored(OutboxEmail)] == [admin.email]
