"""The listing lifecycle, once for achievements and needs: create, edit, submit, review, withdraw, expire.

draft -> pending (submit) -> published (approve) | draft + note (request changes) | rejected (reject);
published -> withdrawn (owner) | expired (need past deadline) | closed. An edit of a published
listing that changes its reviewed content (title, texts, keywords, field, IP items) sends it back
to review: pending, out of search and public pages until approved, so an approved listing cannot
be rewritten into unreviewed content. Edits of the private contact fields or of the structured
terms (region, maturity, cooperation modes, price, budget, deadline, reward) keep it published;
changed terms are re-indexed and re-matched at once. Every edit is audited with the changed fields.
"""
from datetime import date

from models import IndexState, ListingStatus, Need, utcnow

from ..clock import platform_today
from ..errors import Forbidden, InvalidTransition, ValidationError
from ..extensions import db
from ..signals import listing_reviewed
from .access import can_edit, can_review
from ..audit import record_audit
from .kinds import ListingKind, kind_of
from .validation import clean_listing

S = ListingStatus
# action -> (states it may start from, state it leads to)
TRANSITIONS = {
    "submit": ({S.DRAFT, S.REJECTED, S.WITHDRAWN, S.EXPIRED}, S.PENDING),
    "withdraw": ({S.PENDING, S.PUBLISHED}, S.WITHDRAWN),
    "close": ({S.PUBLISHED, S.WITHDRAWN, S.EXPIRED}, S.CLOSED),
    "approve": ({S.PENDING}, S.PUBLISHED),
    "request_changes": ({S.PENDING}, S.DRAFT),
    "reject": ({S.PENDING}, S.REJECTED),
    "expire": ({S.PUBLISHED}, S.EXPIRED),
}
EDITABLE = {S.DRAFT, S.REJECTED, S.WITHDRAWN, S.EXPIRED, S.PUBLISHED}
OWNER_ACTIONS = {"submit", "withdraw", "close"}
REVIEW_ACTIONS = {"approve", "request_changes", "reject"}


SHARED_FIELDS = ("title", "keywords", "field_code", "region", "coop_modes", "contact_name", "contact_phone",
                 "contact_email")


def listing_values(listing) -> dict:
    """A listing's editable values as plain data (what the form and clean_listing take)."""
    kind = kind_of(listing)
    values = {n: getattr(listing, n) for n in SHARED_FIELDS + (kind.body.name,)}
    for f in kind.fields:
        values[f.name] = f.read(listing) if f.read else getattr(listing, f.name)
    return values


def apply_values(listing, values: dict) -> list[str]:
    """Set cleaned values on the listing; return the names of the fields that changed."""
    writers = {f.name: f.write for f in kind_of(listing).fields if f.write}  # relationships (IP items)
    changed = []
    for name, value in values.items():
        if name in writers:
            if writers[name](listing, value):
                changed.append(name)
        elif getattr(listing, name) != value:
            setattr(listing, name, value)
            changed.append(name)
    return changed


def create_listing(kind: ListingKind, owner, data: dict):
    """Create a draft listing of ``kind`` owned by ``owner`` and their organization."""
    if not owner.has_role(kind.owner_role):
        raise Forbidden(f"只有{kind.owner_role.label}可以发布{kind.label}")
    listing = kind.model(owner=owner, organization=owner.organization, status=S.DRAFT,
                         index_state=IndexState.SYNCED)
    apply_values(listing, clean_listing(kind, data))
    db.session.add(listing)
    db.session.flush()
    record_audit(owner, f"{kind.object_type}.create", listing)
    db.session.commit()
    return listing


def update_listing(listing, actor, data: dict):
    """Save an edit; content changes to a published listing send it back to review (pending, unlisted)."""
    kind = kind_of(listing)
    if not can_edit(listing, actor):
        raise Forbidden("无权修改此内容")
    if listing.status not in EDITABLE:
        raise InvalidTransition(f"{listing.status.label}状态下不能修改" +
                                ("，请先撤回" if listing.status == S.PENDING else ""))
    changed = apply_values(listing, clean_listing(kind, data))
    published = listing.status == S.PUBLISHED
    resubmitted = published and bool(content_changes(listing, changed))
    new_terms = published and not resubmitted and not kind.term_fields.isdisjoint(changed)
    if resubmitted and (why := submit_refusal(listing, actor)):  # going back to review is a submission
        db.session.rollback()  # nothing of the refused edit may reach a later commit
        raise InvalidTransition(f"{why}，修改已发布的内容需要重新审核，暂不能保存（联系方式和交易条件可以修改）")
    if resubmitted:  # the same state a first submission leaves: in the review queue, out of the index
        listing.status, listing.submitted_at, listing.review_note = S.PENDING, utcnow(), None
        listing.index_state = IndexState.PENDING
        record_audit(actor, f"{kind.object_type}.update", listing, fields=changed,
                     **{"from": S.PUBLISHED.value, "to": S.PENDING.value})
    elif changed:
        record_audit(actor, f"{kind.object_type}.update", listing, fields=changed)
        if new_terms:  # the engine filters on them: re-index, then re-match like a publish
            listing.index_state = IndexState.PENDING
    db.session.commit()  # the post-commit hook (sync.py) re-indexes and announces what became PENDING
    return listing


def submit_refusal(listing, actor) -> str | None:
    """Why ``actor`` may not send ``listing`` to review now, or None: both submit and content edits ask."""
    if actor.membership_pending:
        return "您加入机构的申请尚未获管理员确认"
    if listing.organization is not None and not listing.organization.verified:
        return "您所在的机构尚未通过平台审核"
    return None


def content_changes(listing, changed: list[str]) -> list[str]:
    """The changed fields that carry reviewed public content (not private contacts, not structured terms)."""
    terms = kind_of(listing).term_fields
    return [name for name in changed if name not in listing.PRIVATE_FIELDS and name not in terms]


def transition_listing(listing, actor, action: str, reason: str | None = None):
    """Apply one lifecycle action after checking who may do it and from which state."""
    kind = kind_of(listing)
    sources, target = TRANSITIONS[action]
    if action in OWNER_ACTIONS and not can_edit(listing, actor):
        raise Forbidden("只有发布者可以执行此操作")
    if action in REVIEW_ACTIONS and not can_review(listing, actor):
        raise Forbidden("您不负责该技术领域的审核")
    shown = listing.shown_status(platform_today())  # a published need past its deadline acts as expired
    if shown not in sources:
        raise InvalidTransition(f"“{shown.label}”状态下不能执行此操作")
    reason = (reason or "").strip() or None
    if action in ("request_changes", "reject") and not reason:
        raise ValidationError("请填写原因，发布者会看到它", "reason")
    if action == "submit":
        if why := submit_refusal(listing, actor):
            raise InvalidTransition(f"{why}，暂不能提交发布")
        clean_listing(kind, listing_values(listing))  # imported or old rows must still be complete
        listing.submitted_at = utcnow()
    source = shown
    was_published = listing.status == S.PUBLISHED
    listing.status = target
    if action in REVIEW_ACTIONS:
        listing.review_note = reason
    if action == "approve":
        listing.published_at = utcnow()
    indexed = target == S.PUBLISHED or was_published
    if indexed:
        listing.index_state = IndexState.PENDING
    record_audit(actor, f"{kind.object_type}.{action}", listing, reason=reason,
                **{"from": source.value, "to": target.value})
    if action in REVIEW_ACTIONS:
        listing_reviewed.send(listing, action=action, reason=reason)
    db.session.commit()  # then the post-commit hook (sync.py) re-indexes it and sends published/unpublished
    return listing


def submit_listing(listing, actor):
    """Send a draft (or a rejected, withdrawn or expired listing) to review."""
    return transition_listing(listing, actor, "submit")


def withdraw_listing(listing, actor):
    """Take a pending or published listing back; it leaves search at once."""
    return transition_listing(listing, actor, "withdraw")


def close_listing(listing, actor):
    """Close a listing for good (e.g. the need was solved)."""
    return transition_listing(listing, actor, "close")


def approve_listing(listing, reviewer, note: str | None = None):
    """Publish a pending listing and index it."""
    return transition_listing(listing, reviewer, "approve", note)


def request_changes(listing, reviewer, reason: str):
    """Send a pending listing back to its owner as a draft, with the reason."""
    return transition_listing(listing, reviewer, "request_changes", reason)


def reject_listing(listing, reviewer, reason: str):
    """Refuse a pending listing, with the reason."""
    return transition_listing(listing, reviewer, "reject", reason)


def expire_needs(today: date | None = None) -> list[Need]:
    """Expire every published need whose deadline has passed; they leave search at once."""
    today = today or platform_today()
    needs = db.session.scalars(db.select(Need).where(Need.status == S.PUBLISHED, Need.deadline < today)).all()
    if not needs:  # the usual case on every needs page: no write, no commit
        return needs
    for need in needs:
        need.status = S.EXPIRED
        need.index_state = IndexState.PENDING
        record_audit(None, "need.expire", need, deadline=need.deadline.isoformat())
    db.session.commit()  # the post-commit hook takes them out of the index and tells whoever is affected
    return needs

