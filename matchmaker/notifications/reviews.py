"""Tell a listing's owner how its review ended (imported listings have no owner: nobody to tell)."""
from ..listings.kinds import kind_of
from .services import link_to, notify

# review action -> (title template, body template); {label} is the kind, {title} the listing's title
MESSAGES = {
    "approve": ("您的{label}《{title}》已审核通过并发布",
                "您的{label}《{title}》已通过审核，现已公开发布。"),
    "request_changes": ("您的{label}《{title}》需要修改",
                        "审核意见：{reason}\n\n请按意见修改后重新提交审核。"),
    "reject": ("您的{label}《{title}》未通过审核", "驳回原因：{reason}"),
}


def on_listing_reviewed(listing, action: str, reason: str | None = None, **_) -> None:
    """Notify the owner in the review's own transaction (the review service commits)."""
    if listing.owner is None or action not in MESSAGES:
        return
    title, body = MESSAGES[action]
    values = {"label": kind_of(listing).label, "title": listing.title, "reason": reason or ""}
    text = body.format(**values) + (f"\n\n审核意见：{reason}" if action == "approve" and reason else "")
    notify(listing.owner, "listing_review", title.format(**values), text,
           link_to(f"{kind_of(listing).name}.detail", listing_id=listing.id))
