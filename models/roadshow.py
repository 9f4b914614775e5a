"""Roadshows (路演) and their ordered items."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, TimestampMixin, enum_column
from .enums import RoadshowStatus


class Roadshow(TimestampMixin, Base):
    __tablename__ = "roadshow"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    starts_at: Mapped[datetime] = mapped_column(index=True)
    place: Mapped[str | None] = mapped_column(sa.String(200))
    link: Mapped[str | None] = mapped_column(sa.String(500))
    focus_field_code: Mapped[str | None] = mapped_column(sa.String(16))
    status: Mapped[RoadshowStatus] = enum_column(RoadshowStatus, default=RoadshowStatus.PLANNED)
    organizer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    organizer = relationship("User")
    items = relationship("RoadshowItem", back_populates="roadshow", cascade="all, delete-orphan",
                         order_by="RoadshowItem.position")


class RoadshowItem(Base):
    """A match or an achievement on a roadshow's programme, in order."""

    __tablename__ = "roadshow_item"
    # each match and each achievement at most once per programme (NULLs, the other kind, never clash)
    __table_args__ = (sa.UniqueConstraint("roadshow_id", "match_id", name="uq_roadshow_item_match"),
                      sa.UniqueConstraint("roadshow_id", "achievement_id", name="uq_roadshow_item_achievement"))

    id: Mapped[int] = mapped_column(primary_key=True)
    roadshow_id: Mapped[int] = mapped_column(sa.ForeignKey("roadshow.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    match_id: Mapped[int | None] = mapped_column(sa.ForeignKey("match.id", ondelete="SET NULL"))
    achievement_id: Mapped[int | None] = mapped_column(sa.ForeignKey("achievement.id", ondelete="SET NULL"))
    presenter: Mapped[str | None] = mapped_column(sa.String(120))
    outcome: Mapped[str | None] = mapped_column(sa.Text)

    roadshow = relationship("Roadshow", back_populates="items")
    match = relationship("Match")
    achievement = relationship("Achievement")
