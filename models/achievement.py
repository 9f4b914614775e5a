"""Achievements (科技成果) published by researchers, with their IP items."""
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import JSON_LIST, Base, enum_column
from .enums import IPStatus, IPType, PriceMode
from .listing import ListingMixin


class Achievement(ListingMixin, Base):
    __tablename__ = "achievement"
    # the halls at scale: the newest page, and facet counts read from a narrow index, not the wide rows
    __table_args__ = (sa.Index("ix_achievement_hall", "status", "published_at", "id"),
                      sa.Index("ix_achievement_facets", "status", "field_code", "region", "trl", "coop_modes"))

    summary: Mapped[str] = mapped_column(sa.Text)
    keywords: Mapped[list] = mapped_column(sa.JSON, default=list)
    industries: Mapped[list] = mapped_column(sa.JSON, default=list)  # application industries
    trl: Mapped[int | None] = mapped_column(index=True)  # technology readiness level 1-9
    coop_modes: Mapped[list] = mapped_column(JSON_LIST, default=list)  # CoopMode values
    price_mode: Mapped[PriceMode] = enum_column(PriceMode, default=PriceMode.NEGOTIABLE)
    price_amount: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 2))  # 万元, with LISTED
    innovation_points: Mapped[str | None] = mapped_column(sa.Text)
    key_indicators: Mapped[str | None] = mapped_column(sa.Text)
    team: Mapped[str | None] = mapped_column(sa.Text)  # private, like the contact fields
    discipline: Mapped[str | None] = mapped_column(sa.String(40))  # source discipline, e.g. from CSL

    PRIVATE_FIELDS = ListingMixin.PRIVATE_FIELDS + ("team",)

    ip_items = relationship("IPItem", back_populates="achievement", cascade="all, delete-orphan",
                            order_by="IPItem.position")

    def __repr__(self) -> str:
        return f"<Achievement {self.id} {self.title[:20]}>"


class IPItem(Base):
    __tablename__ = "ip_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    achievement_id: Mapped[int] = mapped_column(sa.ForeignKey("achievement.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    ip_type: Mapped[IPType] = enum_column(IPType)
    number: Mapped[str | None] = mapped_column(sa.String(40))
    status: Mapped[IPStatus] = enum_column(IPStatus, default=IPStatus.GRANTED)

    achievement = relationship("Achievement", back_populates="ip_items")
