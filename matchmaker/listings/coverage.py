"""A broker's coverage: the one rule review, matching, assignment and notifications all use.

A coverage row is a (field, region) pair; a NULL side means "any". A row covers a listing when both
sides hold: its field is the listing's field or that field's top-level parent (or NULL), and its region
is the listing's region (or NULL). A row with only a region therefore covers every field *in that
region*, never every listing everywhere. A broker covers a match when a row covers either side of it.
"""
from ..extensions import db
from .tech_fields import field_rows, top_code


def field_covered(row_field: str | None, field_code: str | None) -> bool:
    """Whether a coverage row's field covers a listing's field."""
    return row_field is None or (field_code is not None and row_field in (field_code, top_code(field_code)))


def region_covered(row_region: str | None, region: str | None) -> bool:
    """Whether a coverage row's region covers a listing's region."""
    return row_region is None or row_region == region


def row_covers(row, field_code: str | None, region: str | None) -> bool:
    """Whether one coverage row covers a (field, region)."""
    return field_covered(row.field_code, field_code) and region_covered(row.region, region)


def covers(user, field_code: str | None, region: str | None) -> bool:
    """Whether any of ``user``'s coverage rows covers a (field, region)."""
    return any(row_covers(row, field_code, region) for row in user.coverage)


def covers_listing(user, listing) -> bool:
    """Whether ``user``'s coverage includes ``listing``."""
    return covers(user, listing.field_code, listing.region)


def _field_clause(field_column, row_field):
    if row_field is None:
        return db.true()
    children = [r["code"] for r in field_rows() if r["parent_code"] == row_field]
    return field_column.in_([row_field, *children])


def _region_clause(region_column, row_region):
    return db.true() if row_region is None else region_column == row_region


def coverage_clause(rows, field_column, region_column):
    """SQL condition: the (field, region) columns are covered by one of ``rows`` (none: nothing is)."""
    clauses = [db.and_(_field_clause(field_column, r.field_code), _region_clause(region_column, r.region))
               for r in rows]
    return db.or_(*clauses) if clauses else db.false()


def sides_of(match):
    """The listings of a match (need, achievement) that exist."""
    return [s for s in (match.need, match.achievement) if s is not None]




def rows_covering(cov, field_code: str | None, region: str | None):
    """SQL condition on coverage rows ``cov`` (the BrokerCoverage entity): the row covers (field, region)."""
    fields = [c for c in (field_code, top_code(field_code)) if c]
    return db.and_(db.or_(cov.field_code.is_(None), cov.field_code.in_(fields)),
                   db.or_(cov.region.is_(None), cov.region == region) if region else cov.region.is_(None))
