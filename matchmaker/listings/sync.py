"""The one post-commit hook of listings: services only change state; what follows a commit happens here.

A listing that entered or left the published state in a transaction, or whose ``index_state`` became PENDING
(an approval, a withdrawal, an edit of its terms, an expiry), is, once that transaction commits, re-indexed
and announced: listing_published when it is
published, listing_unpublished otherwise. Receivers change the session; the hook commits after them. Bulk
work that indexes its own rows in chunks (an import) runs inside ``indexed_by_caller()``; a process killed
between the commit and the hook leaves the rows PENDING, and the worker's reindex_pending repairs them.
"""
from contextlib import contextmanager

from sqlalchemy import event, inspect

from models import IndexState, ListingStatus
from models.listing import ListingMixin

from ..extensions import Session, db
from ..signals import listing_published, listing_unpublished, session_committed
from .index import sync_listings

_QUEUE = "listings_to_sync"
_DEFERRED = "listings_indexed_by_caller"


def _needs_sync(listing) -> bool:
    """Whether a flushed change moves a listing into or out of the published state, or marks it for indexing."""
    attrs = inspect(listing).attrs
    status = attrs.status.history
    published = ListingStatus.PUBLISHED in status.added or ListingStatus.PUBLISHED in status.deleted
    return published or IndexState.PENDING in attrs.index_state.history.added


def _collect(session, flush_context) -> None:
    """after_flush: remember the listings that left or entered the published state or were marked PENDING."""
    if session.info.get(_DEFERRED):
        return
    for obj in session.dirty:
        if isinstance(obj, ListingMixin) and _needs_sync(obj):
            session.info.setdefault(_QUEUE, {})[(type(obj), obj.id)] = obj


def _forget(session, previous_transaction=None) -> None:
    """A rollback: nothing of the rolled-back work is announced."""
    session.info.pop(_QUEUE, None)


def after_commit(session) -> None:
    """session_committed: index the collected listings, send their signals, commit what the receivers did."""
    while queued := session.info.pop(_QUEUE, None):
        listings = list(queued.values())
        with indexed_by_caller(session):  # rows a failing engine leaves PENDING wait for reindex_pending
            sync_listings(listings)
            for listing in listings:
                (listing_published if listing.status == ListingStatus.PUBLISHED else listing_unpublished).send(listing)
            session.commit()


@contextmanager
def indexed_by_caller(session=None):
    """Inside it, listings set PENDING are left to the caller (an import indexes its rows in chunks)."""
    session = session or db.session()
    before = session.info.get(_DEFERRED)
    session.info[_DEFERRED] = True
    try:
        yield
    finally:
        session.info[_DEFERRED] = before


def register() -> None:
    """Connect the hook (create_app calls it once per process; listening twice is a no-op)."""
    if not event.contains(Session, "after_flush", _collect):
        event.listen(Session, "after_flush", _collect)
        event.listen(Session, "after_soft_rollback", _forget)
    session_committed.connect(after_commit)
