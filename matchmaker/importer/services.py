"""Bulk import (成果汇交): validate every row, write the good ones in one transaction, index them.

Imported rows are published at once (an admin import counts as reviewed) and belong to one
organization chosen by the admin (the platform's own by default), with no owning user.
A row's natural key is (organization, 外部编号) when it has one, else (kind, normalised title,
organization): importing the same file again updates those listings instead of creating duplicates,
and an import never touches another organization's listings. A CSV export carries each listing's
stored key as its 外部编号, so a 外部编号 equal to a stored key of the same organization updates that
listing. A content change through import goes back to review, as an edit in the form does.
"""
from dataclasses import dataclass, field
import hashlib
import re
import unicodedata

from models import IndexState, ListingStatus, Organization, OrgKind, utcnow

from ..audit import record_audit
from ..extensions import db
from ..listings.columns import COLUMNS, parse_cell
from ..listings.kinds import ListingKind, get_kind
from ..listings.services import apply_values, content_changes
from ..listings.validation import InvalidListing, clean_listing
from ..search_index import sync_listings
from ..signals import listing_unpublished
from .reader import read_table

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
    return {c.name: c.header for c in COLUMNS[kind.name]}


def validate_rows(kind: ListingKind, rows, org: Organization, report: ImportReport) -> list[tuple]:
    """[(row number, key, clean values, 外部编号)] of the good rows; an error per bad field in ``report``."""
    headers, seen, good = _headers(kind), {}, []
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
    """Read an uploaded CSV/XLSX and import its rows into organization ``org_id`` (the platform's when 0/None)."""
    rows = read_table(kind_name, raw, filename)
    org = db.session.get(Organization, org_id) if org_id else None
    return import_rows(get_kind(kind_name), rows, org, actor=actor, source=filename)


def import_rows(kind: ListingKind, rows, org: Organization | None = None, actor=None,
                source: str = "") -> ImportReport:
    """Import validated rows of ``kind`` into ``org`` in one transaction, then index them."""
    org = org or platform_organization()
    report = ImportReport()
    good = validate_rows(kind, rows, org, report)
    existing = existing_listings(kind, good, org)
    taken = taken_keys(kind, [key for _, key, _, _ in good if key not in existing])
    now = utcnow()
    resubmitted = []
    for number, key, values, _ in good:
        listing = existing.get(key)
        if listing is None:
            # a key only another organization's listing holds (a 外部编号 equal to its exported key):
            # a new listing of this organization, stored without that key
            listing = kind.model(external_key=None if key in taken else key, organization=org,
                                 status=ListingStatus.PUBLISHED, submitted_at=now, published_at=now,
                                 index_state=IndexState.PENDING)
            apply_values(listing, values)
            db.session.add(listing)
            db.session.flush()
            record_audit(actor, f"{kind.object_type}.import", listing, row=number, source=source)
            report.created += 1
        elif changed := apply_values(listing, values):
            listing.index_state = IndexState.PENDING
            if listing.status == ListingStatus.PUBLISHED and content_changes(listing, changed):
                # changed public content is reviewed again, as an edit in the form is (contacts and terms are not)
                listing.status, listing.submitted_at, listing.review_note = ListingStatus.PENDING, now, None
                report.to_review += 1
                resubmitted.append(listing)
            record_audit(actor, f"{kind.object_type}.import_update", listing, row=number, source=source,
                         fields=changed)
            report.updated += 1
        else:
            report.unchanged += 1
            if listing.index_state != IndexState.PENDING:
                continue  # an earlier run interrupted before indexing and matching: finish it now
        report.listings.append(listing)
    db.session.commit()
    if report.listings:
        sync_listings(report.listings, snapshot=True, announce=True)  # index, match, then mark SYNCED
        for listing in resubmitted:
            listing_unpublished.send(listing)
    return report
