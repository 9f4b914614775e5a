"""Bulk import (成果汇交): validate every row, write the good ones in one transaction, index them.

Imported rows are published at once (an admin import counts as reviewed) and belong to one
organization chosen by the admin (the platform's own by default), with no owning user.
A row's natural key is (organization, 外部编号) when it has one, else (kind, normalised title,
organization): importing the same file again updates those listings instead of creating duplicates,
and an import never touches another organization's listings. A CSV export carries each listing's
stored key as its 外部编号, so a 外部编号 equal to a stored key of the same organization updates that
listing. A content change through import goes back to review, as an edit in the form does.
"""
import csv
from dataclasses import dataclass, field
from datetime import timedelta
import hashlib
import io
import logging
import os
import re
import time
import unicodedata

from flask import current_app

from models import (AuditLog, ImportFile, ImportJob, ImportRowError, ImportState, IndexState, ListingStatus, Organization,
                    OrgKind, User, utcnow)

from ..audit import record_audit
from ..extensions import db
from ..jobs import run_in_background
from ..listings.columns import parse_cell
from ..listings.kinds import ListingKind, get_kind
from ..listings.services import apply_values, content_changes
from ..listings.validation import InvalidListing, clean_listing
from ..notifications.services import link_to, notify
from ..listings.index import get_index, sync_listings
from ..listings.sync import indexed_by_caller
from ..signals import listing_unpublished
from .reader import UnreadableFile, check_xlsx_size, decode_csv, map_headers, read_table

log = logging.getLogger(__name__)

PLATFORM_ORG = "技术供需对接平台（成果汇交）"


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"第 {self.row} 行 [{self.column}] {self.message}"


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    to_review: int = 0  # updated listings whose public content changed: back in the review queue
    errors: list = field(default_factory=list)
    listings: list = field(default_factory=list)

    @property
    def imported(self) -> int:
        return self.created + self.updated + self.unchanged

    @property
    def rejected(self) -> int:
        return len({e.row for e in self.errors})

    def summary(self) -> str:
        """The last line of the command: exactly 'imported N, rejected M'."""
        return f"imported {self.imported}, rejected {self.rejected}"


def platform_organization() -> Organization:
    """The platform's own organization that owns imports by default (created on first use)."""
    org = db.session.scalar(db.select(Organization).filter_by(name=PLATFORM_ORG))
    if org is None:
        org = Organization(name=PLATFORM_ORG, kind=OrgKind.SERVICE, region="全国", verified=True,
                           verified_at=utcnow())
        db.session.add(org)
        db.session.flush()
    return org


def _normal(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").lower()
    return re.sub(r"[\W_]+", "", text)


def _digest(basis: str) -> str:
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:64]


def row_key(kind: ListingKind, cells: dict, org: Organization) -> str:
    """The dedupe key of a row: its 外部编号 within the organization, else its normalised title within it."""
    external = str(cells.get("external_id") or "").strip()
    if external:
        return _digest(f"{kind.name}|ext|{org.id}|{external}")
    return _digest(f"{kind.name}|{_normal(cells.get('title'))}|{org.name}")


def legacy_key(kind: ListingKind, external: str) -> str | None:
    """The key imports stored for a 外部编号 before it was scoped to the organization (still found, but only
    among the importing organization's own listings)."""
    return _digest(f"{kind.name}|ext|{external}") if external else None


def _headers(kind: ListingKind) -> dict[str, str]:
    return {c.name: c.header for c in kind.columns()}


def validate_rows(kind: ListingKind, rows, org: Organization, report: ImportReport,
                  seen: dict | None = None) -> list[tuple]:
    """[(row number, key, clean values, 外部编号)] of the good rows; an error per bad field in ``report``.
    ``seen`` (row key -> row number) spans the chunks of one file, so a duplicate is found across them."""
    headers, good = _headers(kind), []
    seen = {} if seen is None else seen
    for number, cells in rows:
        data = {name: parse_cell(name, value) for name, value in cells.items()}
        key = row_key(kind, cells, org)
        if key in seen:
            report.errors.append(RowError(number, headers["external_id"] if cells.get("external_id") else "标题",
                                          f"与第 {seen[key]} 行重复"))
            continue
        try:
            values = clean_listing(kind, data)
        except InvalidListing as exc:
            report.errors += [RowError(number, headers.get(f, f), m) for f, m in exc.errors.items()]
            continue
        seen[key] = number
        good.append((number, key, values, str(cells.get("external_id") or "").strip()))
    return good


def existing_listings(kind: ListingKind, good, org: Organization) -> dict:
    """Row key -> the listing of ``org`` a row updates: stored under that key, under the key older imports
    stored, or under its 外部编号 itself (an export). Other organizations' listings are never candidates."""
    legacy = {external: legacy_key(kind, external) for *_, external in good if external}
    wanted = ({key for _, key, _, _ in good} | {e for *_, e in good if e} | set(legacy.values()))
    found = {x.external_key: x for x in db.session.scalars(
        db.select(kind.model).where(kind.model.external_key.in_(wanted), kind.model.organization_id == org.id))}
    matches = {key: found.get(key) or found.get(legacy.get(external)) or found.get(external)
               for _, key, _, external in good}
    return {key: listing for key, listing in matches.items() if listing is not None}


def taken_keys(kind: ListingKind, keys) -> set[str]:
    """Keys of ``keys`` another organization's listing already holds (the column is unique)."""
    return set(db.session.scalars(db.select(kind.model.external_key).where(kind.model.external_key.in_(keys))))


def organization_choices() -> list[tuple[int, str]]:
    """(id, name) of the organizations an upload may go to, the platform's default first as id 0."""
    orgs = db.session.execute(db.select(Organization.id, Organization.name).order_by(Organization.name))
    return [(0, "平台汇交（默认）")] + [(org_id, name) for org_id, name in orgs]


def import_upload(kind_name: str, raw: bytes, filename: str, org_id: int | None, actor) -> ImportReport:
    """Read an uploaded CSV/XLSX and import its rows into organization ``org_id`` (the platform's when 0/None),
    in the foreground; the pages use create_job + start_job instead."""
    job = create_job(kind_name, raw, filename, org_id, actor)
    return run_job(job)


def quick_check(kind_name: str, raw: bytes, filename: str) -> None:
    """What can be refused before a job is queued (UnreadableFile): the type, the encoding and header of a CSV,
    the uncompressed size of an .xlsx. The rest is read by the job."""
    ext = os.path.splitext(filename or "")[1].lower()
    if ext == ".xlsx":
        check_xlsx_size(raw)
    elif ext in (".csv", ".txt"):
        header = next(csv.reader(io.StringIO(decode_csv(raw))), None)
        if not header:
            raise UnreadableFile("文件是空的")
        map_headers(kind_name, header)
    else:
        raise UnreadableFile("只支持 .csv 和 .xlsx 文件")


def create_job(kind_name: str, raw: bytes | None, filename: str, org_id: int | None, actor) -> ImportJob:
    """A QUEUED import job holding the file (its rows belong to ``org_id``, the platform's when 0/None)."""
    org = db.session.get(Organization, org_id) if org_id else platform_organization()
    job = ImportJob(kind=get_kind(kind_name).name, filename=os.path.basename(filename or "")[:255] or "upload",
                    organization=org, actor_id=getattr(actor, "id", None))
    db.session.add(job)
    db.session.flush()
    if raw is not None:
        db.session.add(ImportFile(job_id=job.id, data=raw))
    db.session.commit()
    return job


def import_rows(kind: ListingKind, rows, org: Organization | None = None, actor=None,
                source: str = "") -> ImportReport:
    """Import rows already read (a list of (row number, cells)) into ``org`` as one job, in the foreground."""
    org = org or platform_organization()
    job = ImportJob(kind=kind.name, filename=os.path.basename(source)[:255] or "rows", organization=org,
                    actor_id=getattr(actor, "id", None))
    db.session.add(job)
    db.session.commit()
    return run_job(job, rows=rows)


def run_job(job: ImportJob, rows=None) -> ImportReport:
    """Run (or resume) an import job to its end: stage, publish, index and match; the report of this run.

    A job interrupted before it published starts again from its stored file (its staged rows are
    dropped first); one interrupted while indexing goes on where it stopped. Publishing is one short
    transaction, so either every good row of the file is published or none is.
    """
    kind = get_kind(job.kind)
    report = ImportReport()
    if job.state in (ImportState.QUEUED, ImportState.READING, ImportState.PUBLISHING):
        if job.attempts:
            drop_staged(job)
        job.attempts += 1
        job.state, job.heartbeat_at = ImportState.READING, utcnow()
        db.session.commit()
        try:
            if rows is None:
                rows = read_table(job.kind, stored_file(job), job.filename)
            job.rows_total = len(rows)
            updates = stage_rows(job, kind, rows, report)
            with indexed_by_caller():  # index_job indexes and matches the published rows in chunks
                publish(job, kind, updates, report)
        except UnreadableFile as error:
            db.session.rollback()
            drop_staged(job)
            finish(job, ImportState.FAILED, error.message)
            raise
    if job.state == ImportState.INDEXING:
        index_job(job, kind, report)
        finish(job, ImportState.DONE)
    return report


def stored_file(job: ImportJob) -> bytes:
    """The bytes of a job's file (empty when it has none: rows handed over by import_rows)."""
    data = db.session.scalar(db.select(ImportFile.data).where(ImportFile.job_id == job.id))
    return data or b""


def _beat(job: ImportJob) -> None:
    job.heartbeat_at = utcnow()
    db.session.commit()


def drop_staged(job: ImportJob) -> None:
    """Remove what an interrupted attempt staged: its rows, their audit entries and its row errors."""
    kind = get_kind(job.kind)
    model = kind.model
    staged = db.select(model.id).where(model.import_job_id == job.id, model.status == ListingStatus.STAGED)
    db.session.execute(db.delete(AuditLog).where(AuditLog.object_type == kind.object_type,
                                                 AuditLog.object_id.in_(staged)))
    for listing in db.session.scalars(db.select(model).where(model.id.in_(staged))):
        db.session.delete(listing)  # through the ORM, so its IP items go with it
    db.session.execute(db.delete(ImportRowError).where(ImportRowError.job_id == job.id))
    job.rows_read = job.rejected = job.created = job.updated = job.unchanged = job.to_review = 0
    db.session.commit()


def stage_rows(job: ImportJob, kind: ListingKind, rows, report: ImportReport) -> list[tuple]:
    """Validate the rows chunk by chunk, each in its own short transaction: new rows are stored STAGED
    (seen nowhere), errors stored per row; return the rows that update an existing listing, for publish."""
    org, chunk_size = job.organization, current_app.config["IMPORT_CHUNK_ROWS"]
    seen, updates, actor = {}, [], job.actor_id
    source = job.filename
    for start in range(0, len(rows), chunk_size):
        chunk = rows[start:start + chunk_size]
        errors_before = len(report.errors)
        good = validate_rows(kind, chunk, org, report, seen)
        existing = existing_listings(kind, good, org)
        taken = taken_keys(kind, [key for _, key, _, _ in good if key not in existing])
        for number, key, values, _ in good:
            listing = existing.get(key)
            if listing is not None:
                updates.append((listing.id, number, values))
                continue
            # a key only another organization's listing holds (a 外部编号 equal to its exported key):
            # a new listing of this organization, stored without that key
            listing = kind.model(external_key=None if key in taken else key, organization=org,
                                 status=ListingStatus.STAGED, index_state=IndexState.SYNCED, import_job_id=job.id)
            apply_values(listing, values)
            db.session.add(listing)
            db.session.flush()
            db.session.add(AuditLog(actor_id=actor, action=f"{kind.object_type}.import", object_type=kind.object_type,
                                    object_id=listing.id, detail={"row": number, "source": source}))
            job.created += 1
        new_errors = report.errors[errors_before:]
        db.session.add_all(ImportRowError(job_id=job.id, row=e.row, column=e.column[:60], message=e.message)
                           for e in new_errors)
        job.rows_read += len(chunk)
        job.rejected += len({e.row for e in new_errors})
        _beat(job)
    report.created = job.created
    return updates


def publish(job: ImportJob, kind: ListingKind, updates: list[tuple], report: ImportReport) -> None:
    """One short transaction: every staged row of the job published, every update applied (a content change
    back to review), the job moved on to indexing."""
    job.state = ImportState.PUBLISHING
    _beat(job)
    model, now = kind.model, utcnow()
    db.session.execute(db.update(model).where(model.import_job_id == job.id, model.status == ListingStatus.STAGED)
                       .values(status=ListingStatus.PUBLISHED, index_state=IndexState.PENDING,
                               submitted_at=now, published_at=now))
    resubmitted = []
    actor = db.session.get(User, job.actor_id) if job.actor_id else None
    loaded = {}
    for position, (listing_id, number, values) in enumerate(updates):
        if position % 500 == 0:  # a chunk at a time, not a query per row
            ids = [u[0] for u in updates[position:position + 500]]
            loaded.update((x.id, x) for x in db.session.scalars(db.select(model).where(model.id.in_(ids))))
        listing = loaded[listing_id]
        if changed := apply_values(listing, values):
            listing.index_state, listing.import_job_id = IndexState.PENDING, job.id
            if listing.status == ListingStatus.PUBLISHED and content_changes(listing, changed):
                # changed public content is reviewed again, as an edit in the form is (contacts and terms are not)
                listing.status, listing.submitted_at, listing.review_note = ListingStatus.PENDING, now, None
                job.to_review += 1
                resubmitted.append(listing.id)
            record_audit(actor, f"{kind.object_type}.import_update", listing, row=number, source=job.filename,
                         fields=changed)
            job.updated += 1
        else:
            job.unchanged += 1
            if listing.index_state == IndexState.PENDING:
                listing.import_job_id = job.id  # an earlier run interrupted before indexing and matching: finish it
    job.to_index = db.session.scalar(db.select(db.func.count()).select_from(model).where(
        model.import_job_id == job.id, model.index_state == IndexState.PENDING))
    job.state = ImportState.INDEXING
    db.session.execute(db.delete(ImportFile).where(ImportFile.job_id == job.id))  # published: never read again
    _beat(job)
    for listing_id in resubmitted:
        listing_unpublished.send(db.session.get(model, listing_id))
    report.updated, report.unchanged, report.to_review = job.updated, job.unchanged, job.to_review


def index_job(job: ImportJob, kind: ListingKind, report: ImportReport) -> None:
    """Index and match the job's published rows in chunks (each marked SYNCED once matched), then snapshot."""
    model, size = kind.model, current_app.config["IMPORT_INDEX_CHUNK"]
    pending = db.select(model).where(model.import_job_id == job.id, model.index_state == IndexState.PENDING)
    while chunk := db.session.scalars(pending.order_by(model.id).limit(size)).all():
        if not sync_listings(chunk, announce=True):
            break  # the engine failed: the rows stay PENDING, the worker's reindex_pending repairs them
        report.listings += chunk
        job.indexed += len(chunk)
        _beat(job)
    try:
        get_index(kind.name).save()
    except Exception:  # the journal holds every write; the next save snapshots it
        log.warning("snapshot after import %s failed", job.id, exc_info=True)


def finish(job: ImportJob, state: ImportState, message: str | None = None) -> None:
    """End a job: its state, why it failed, the file dropped; the admin who started it is told."""
    job.state, job.message, job.finished_at = state, message, utcnow()
    db.session.execute(db.delete(ImportFile).where(ImportFile.job_id == job.id))
    if job.actor_id and (actor := db.session.get(User, job.actor_id)):
        if state == ImportState.DONE:
            title = (f"导入完成：{job.filename}，导入 {job.accepted} 条（新增 {job.created}，更新 {job.updated}），"
                     f"拒绝 {job.rejected} 行")
        else:
            title = f"导入失败：{job.filename}，{message or ''}"
        notify(actor, "import_done", title, link=link_to("importer.job", job_id=job.id))
    db.session.commit()


def active_job(older_than: int) -> ImportJob | None:
    """An import job started before job ``older_than`` that is running now (a fresh heartbeat)."""
    fresh = utcnow() - timedelta(seconds=current_app.config["IMPORT_STALE_S"])
    return db.session.scalar(db.select(ImportJob).where(
        ImportJob.state.in_(ImportJob.ACTIVE), ImportJob.heartbeat_at >= fresh, ImportJob.id < older_than).limit(1))


def start_job(job: ImportJob) -> None:
    """Run a queued job in the background (IMPORT_BACKGROUND), else here and now."""
    if current_app.config["IMPORT_BACKGROUND"]:
        run_in_background("matchmaker.importer.services.run_queued", job.id)
    else:
        run_job_by_id(job.id)


def run_queued(job_id: int) -> str:
    """A new job's background run: first any import a dead process left behind, then this one."""
    resume_imports()
    report = run_job_by_id(job_id)
    return "done" if report is not None else "failed or taken"


def claim(job_id: int) -> bool:
    """Take a job for this process: only one whose heartbeat is missing or stale (never a running one)."""
    stale = utcnow() - timedelta(seconds=current_app.config["IMPORT_STALE_S"])
    taken = db.session.execute(db.update(ImportJob).where(
        ImportJob.id == job_id, ImportJob.state.in_(ImportJob.ACTIVE),
        db.or_(ImportJob.heartbeat_at.is_(None), ImportJob.heartbeat_at < stale)).values(heartbeat_at=utcnow()))
    db.session.commit()
    return taken.rowcount == 1


def run_job_by_id(job_id: int) -> ImportReport | None:
    """Claim and run a job; None when another process has it, it is over, or its file cannot be read (the job
    then FAILED with the reason). Older running imports go first (one at a time keeps SQLite and the index
    writer calm)."""
    if not claim(job_id):
        return None
    while active_job(older_than=job_id) is not None:
        time.sleep(1)
        _beat(db.session.get(ImportJob, job_id))  # waiting is alive, not stale
    try:
        return run_job(db.session.get(ImportJob, job_id))
    except UnreadableFile:
        return None


def resume_imports() -> int:
    """The worker's periodic job: resume every import whose process died (no heartbeat for IMPORT_STALE_S)."""
    stale = utcnow() - timedelta(seconds=current_app.config["IMPORT_STALE_S"])
    ids = db.session.scalars(db.select(ImportJob.id).where(
        ImportJob.state.in_(ImportJob.ACTIVE),
        db.or_(ImportJob.heartbeat_at < stale, ImportJob.heartbeat_at.is_(None) & (ImportJob.created_at < stale)))
        .order_by(ImportJob.id)).all()
    return sum(run_job_by_id(job_id) is not None for job_id in ids)
