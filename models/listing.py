"""Columns shared by both kinds of listing (achievements and needs)."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from .base import TimestampMixin, enum_column
from .enums import IndexState, ListingStatus


class ListingMixin(TimestampMixin):
    """Ownership, lifecycle, review, private contact and index-sync columns."""

    # Fields nobody but brokers and admins may see, on any page, export or response.
    PRIVATE_FIELDS = ("contact_name", "contact_phone", "contact_email")

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    field_code: Mapped[str | None] = mapped_column(sa.String(16), index=True)
    region: Mapped[str | None] = mapped_column(sa.String(16), index=True)
    status: Mapped[ListingStatus] = enum_column(ListingStatus, default=ListingStatus.DRAFT, index=True)
    review_note: Mapped[str | None] = mapped_column(sa.Text)  # reason of the last review decision
    contact_name: Mapped[str | None] = mapped_column(sa.String(60))
    contact_phone: Mapped[str | None] = mapped_column(sa.String(32))
    contact_email: Mapped[str | None] = mapped_column(sa.String(254))
    # DB is the truth; PENDING means the search index still has to catch up.
    index_state: Mapped[IndexState] = enum_column(IndexState, default=IndexState.PENDING, index=True)
    # Natural key of an imported row, so re-importing a file creates no duplicates.
    external_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    # The import job that last created or updated the listing (STAGED rows are published by it).
    import_job_id: Mapped[int | None] = mapped_column(index=True)
    submitted_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]

    @declared_attr
    def owner_id(cls) -> Mapped[int | None]:
        return mapped_column(sa.ForeignKey("user.id"), index=True)

    @declared_attr
    def organization_id(cls) -> Mapped[int | None]:
        return mapped_column(sa.ForeignKey("organization.id"), index=True)

    @declared_attr
    def owner(cls):
        return relationship("User", foreign_keys=[cls.owner_id])

    @declared_attr
    def organization(cls):
        return relationship("Organization")

    @property
    def is_published(self) -> bool:
        return self.status == ListingStatus.PUBLISHED

    @classmethod
    def live(cls, today):
        """The SQL condition of a listing the public sees on ``today`` (a need also needs its deadline ahead)."""
        return cls.status == ListingStatus.PUBLISHED

    def is_live(self, today) -> bool:
        """Whether the public sees this listing on ``today``: published (and, for a need, not past its deadline).
        Expiry is read, not written, here: the daily expire_needs job records it."""
        return self.status == ListingStatus.PUBLISHED

    def shown_status(self, today) -> ListingStatus:
        """The status pages show on ``today``: a published need past its deadline reads as expired."""
        return self.status
