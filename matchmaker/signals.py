"""Domain signals, so packages react to each other without importing each other's services."""
from blinker import Namespace

_signals = Namespace()

# sent with sender=the Achievement or Need after it became (or stayed) published and was re-indexed (by the
# post-commit hook, listings/sync.py; receivers change the session and never commit: the hook commits after them)
listing_published = _signals.signal("listing-published")
# sent with sender=the listing after it left the published state (withdrawn, rejected, expired, closed)
listing_unpublished = _signals.signal("listing-unpublished")
# sent with sender=the listing, action ("approve", "request_changes", "reject") and reason after a review
# decision, *before* the commit: receivers add to the session and never commit, so they share its transaction
listing_reviewed = _signals.signal("listing-reviewed")
# sent with sender=the SQLAlchemy session after each commit (extensions.Session); listings.sync connects the
# one post-commit hook: index the listings whose index state became pending, then send the two above
session_committed = _signals.signal("session-committed")
