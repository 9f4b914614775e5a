"""The app side of the search engine: one index per listing kind, kept in step with the DB.

The database is the truth. A listing whose index update failed keeps ``index_state``
PENDING until ``resync`` (the worker's reindex_pending job, every minute, and ``flask reindex --pending``)
repairs it; a page view never does: reads never write.
"""
import logging
import threading

from flask import current_app

from config import engine_settings
from indexer import StaleIndex, open_index
from models import IndexState, ListingStatus, utcnow

from ..extensions import db
from .documents import listing_document
from .kinds import KINDS, kind_of

log = logging.getLogger(__name__)


def _state() -> dict:
    return current_app.extensions.setdefault("search_index", {"indexes": {}, "lock": threading.RLock()})


def get_index(name: str, repair: bool = True):
    """The cached engine index of one kind ("achievements" or "needs") for this app.

    An index built by another engine version is stale: with ``repair`` (writers: indexing, the worker, the CLI)
    its published listings are queued for re-indexing and it is emptied; a read (``repair=False``: a hall, a
    related panel) raises StaleIndex instead and writes nothing, so a page view never starts the repair.
    """
    state = _state()
    with state["lock"]:
        if name not in state["indexes"]:
            settings = engine_settings(current_app.config)
            try:
                index = open_index(name, settings)
            except StaleIndex as stale:
                if not repair:
                    raise
                # queue first, then empty it: a failure in between leaves a stale index to find again,
                # never an empty one whose listings all look indexed
                _queue_all(name, str(stale))
                index = open_index(name, {**settings, "on_stale": "reset"})
            state["indexes"][name] = index
        return state["indexes"][name]


def _queue_all(name: str, reason: str) -> None:
    """Mark every published listing of a kind PENDING and commit: its index is stale.

    Through the session, not a connection of its own: a second writer would wait forever on rows the
    session may hold (every caller reaches here with its own work committed or flushed for indexing).
    """
    model = KINDS[name].model
    published = model.status == ListingStatus.PUBLISHED
    queued = db.session.execute(db.update(model).where(published)
                                .values(index_state=IndexState.PENDING, updated_at=model.updated_at)).rowcount
    db.session.commit()
    log.warning("the %s index was stale (%s); it starts empty and %d published listings are queued for "
                "re-indexing (the worker's reindex_pending repairs them; `flask reindex` does all now)",
                name, reason, queued)


def forget_indexes() -> None:
    """Drop the cached indexes, so the next use opens them again from the settings."""
    _state()["indexes"].clear()


def sync_listings(listings, snapshot: bool = False, announce: bool = False) -> bool:
    """Upsert published listings and delete the others; mark them SYNCED, or PENDING on failure.

    ``snapshot`` also writes a full snapshot (worth it after a bulk write, not per listing). ``announce``
    sends listing_published for the published ones (matching) *before* they are marked SYNCED, so a process
    killed in between leaves them PENDING, and the next resync indexes and matches them again (both are
    idempotent): every published listing ends up indexed and matched, whatever was interrupted.
    """
    by_kind = {}
    for listing in listings:
        by_kind.setdefault(kind_of(listing).name, []).append(listing)
    ok = True
    for name, rows in by_kind.items():
        live = [r for r in rows if r.status == ListingStatus.PUBLISHED]
        try:
            index = get_index(name)
            gone = [str(r.id) for r in rows if r.status != ListingStatus.PUBLISHED]
            if live:  # the engine journals each write durably; snapshots come from save()/rebuild
                index.upsert([listing_document(r) for r in live])
            if gone:
                index.delete(gone)
            if snapshot:
                index.save()
            if announce:
                announce_published(live)
            state = IndexState.SYNCED
        except Exception as error:  # any engine failure: the DB keeps the data, a later resync repairs the index
            log.warning("indexing %d %s failed (%s: %s); marked for re-sync",
                        len(rows), name, type(error).__name__, error)
            log.debug("indexing %s failed", name, exc_info=True)  # the traceback, for whoever turns DEBUG on
            state, ok = IndexState.PENDING, False
        for r in rows:
            r.index_state = state
    db.session.commit()
    return ok


def announce_published(listings) -> None:
    """listing_published for each listing (the matching on publish), inline or on the job queue."""
    from ..signals import listing_published

    for listing in listings:
        listing_published.send(listing)


def resync(kind_name: str | None = None, limit: int | None = None) -> tuple[int, int]:
    """Repair listings still marked PENDING (at most ``limit`` per kind): index and match them; also match those
    an earlier version's in-request heal left UNMATCHED (indexed, not matched). Return (repaired, failed)."""
    names = [kind_name] if kind_name else list(KINDS)
    repaired = failed = 0
    for name in names:
        try:
            get_index(name)  # opening it is what notices a stale index and queues its listings
        except Exception as error:  # an engine that cannot open: the rows stay as they are for a later try
            log.warning("opening the %s index failed (%s: %s)", name, type(error).__name__, error)
        model = KINDS[name].model
        pending = db.select(model).where(model.index_state == IndexState.PENDING).order_by(model.id).limit(limit)
        rows = db.session.scalars(pending).all()
        if rows:
            if sync_listings(rows, snapshot=len(rows) > 50, announce=True):
                repaired += len(rows)
            else:
                failed += len(rows)
        unmatched = db.session.scalars(db.select(model).where(model.index_state == IndexState.UNMATCHED)
                                       .order_by(model.id).limit(limit)).all()
        if unmatched:
            announce_published(unmatched)
            for row in unmatched:
                row.index_state = IndexState.SYNCED
            db.session.commit()
            repaired += len(unmatched)
    return repaired, failed


def import_running() -> bool:
    """Whether an import job is under way (it indexes and matches its own rows: nobody else should). A job whose
    process died (no heartbeat for IMPORT_STALE_S) does not count: its rows are healed like any others."""
    from datetime import timedelta

    from flask import current_app

    from models import ImportJob, utcnow

    fresh = utcnow() - timedelta(seconds=current_app.config["IMPORT_STALE_S"])
    return db.session.scalar(db.select(ImportJob.id).where(ImportJob.state.in_(ImportJob.ACTIVE),
                                                           ImportJob.heartbeat_at >= fresh).limit(1)) is not None


def reindex_all(progress: bool = False) -> dict[str, int]:
    """Rebuild both indexes from the published rows of the DB; return documents per index."""
    counts = {}
    for name, kind in KINDS.items():
        model = kind.model
        published = db.select(model).where(model.status == ListingStatus.PUBLISHED).order_by(model.id)
        total = db.session.scalar(db.select(db.func.count()).select_from(published.subquery()))
        docs = (listing_document(r) for r in db.session.scalars(published.execution_options(yield_per=500)))
        started = utcnow()
        get_index(name).rebuild(docs, total=total, progress=progress)
        # rows edited while the rebuild ran may be missing from it: leave those for the next re-sync
        # (rows left UNMATCHED by an earlier version keep that state: their matching is still to run)
        for fresh, state in ((db.and_(model.updated_at < started, model.index_state != IndexState.UNMATCHED),
                              IndexState.SYNCED),
                             (model.updated_at >= started, IndexState.PENDING)):
            db.session.execute(db.update(model).where(fresh).values(index_state=state, updated_at=model.updated_at))
        db.session.commit()
        counts[name] = total
    return counts
