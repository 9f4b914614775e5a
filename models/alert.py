"""Per-kind notification opt-outs, saved searches with what they already sent, digest bookkeeping."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow


class NotificationPreference(Base):
    """A user's choice for one notification kind; no row means both channels are on."""

    __tablename__ = "notification_preference"
    __table_args__ = (sa.UniqueConstraint("user_id", "kind", name="uq_notification_preference"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    in_app: Mapped[bool] = mapped_column(default=True)
    email: Mapped[bool] = mapped_column(default=True)


class SavedSearch(Base):
    """A query plus filters over one index; new published listings matching it raise an alert."""

    __tablename__ = "saved_search"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    target: Mapped[str] = mapped_column(sa.String(16))  # "achievements" or "needs"
    query: Mapped[str] = mapped_column(sa.String(500))
    filters: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # search facets, e.g. {"field": "06"}
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_checked_at: Mapped[datetime | None]

    user = relationship("User")
    hits = relationship("SavedSearchHit", back_populates="saved_search", cascade="all, delete-orphan")


class SavedSearchHit(Base):
    """A listing an alert already told its owner about, so it is never sent twice."""

    __tablename__ = "saved_search_hit"
    __table_args__ = (sa.UniqueConstraint("saved_search_id", "listing_id", name="uq_saved_search_hit"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    saved_search_id: Mapped[int] = mapped_column(sa.ForeignKey("saved_search.id", ondelete="CASCADE"), index=True)
    listing_id: Mapped[int]
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)

    saved_search = relationship("SavedSearch", back_populates="hits")


class DigestLog(Base):
    """One periodic mail sent to one user (digest, weekly shortlist), keyed by its period."""

    __tablename__ = "digest_log"
    __table_args__ = (sa.UniqueConstraint("user_id", "kind", "period_key", name="uq_digest_log"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(32))  # "match_digest" / "weekly_shortlist"
    period_key: Mapped[str] = mapped_column(sa.String(32))  # e.g. "2026-11-22T06" or "2026-W47"
    item_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
