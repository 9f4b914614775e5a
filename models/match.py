"""Matches between a need and an achievement, worked by brokers."""
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, TimestampMixin, enum_column, utcnow
from .enums import ContractType, DeclineReason, MatchOrigin, MatchState


class Match(TimestampMixin, Base):
    __tablename__ = "match"
    __table_args__ = (sa.UniqueConstraint("need_id", "achievement_id", name="uq_match_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(sa.ForeignKey("need.id", ondelete="CASCADE"), index=True)
    achievement_id: Mapped[int] = mapped_column(sa.ForeignKey("achievement.id", ondelete="CASCADE"), index=True)
    score: Mapped[float] = mapped_column(default=0.0)  # calibrated 0-100
    score_parts: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # per-signal scores
    explanation: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # shared terms etc.
    origin: Mapped[MatchOrigin] = enum_column(MatchOrigin, default=MatchOrigin.ENGINE)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    broker_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), index=True)
    state: Mapped[MatchState] = enum_column(MatchState, default=MatchState.NEW, index=True)
    decline_reason: Mapped[DeclineReason | None] = enum_column(DeclineReason, nullable=True)
    decline_note: Mapped[str | None] = mapped_column(sa.Text)

    need = relationship("Need")
    achievement = relationship("Achievement")
    broker = relationship("User", foreign_keys=[broker_id])
    created_by = relationship("User", foreign_keys=[created_by_id])
    notes = relationship("MatchNote", back_populates="match", cascade="all, delete-orphan",
                         order_by="MatchNote.created_at")
    events = relationship("MatchEvent", back_populates="match", cascade="all, delete-orphan",
                          order_by="MatchEvent.created_at")
    deal = relationship("Deal", back_populates="match", uselist=False, cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<Match {self.id} need={self.need_id} ach={self.achievement_id} {self.state.value}>"


class MatchNote(Base):
    __tablename__ = "match_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(sa.ForeignKey("match.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    match = relationship("Match", back_populates="notes")
    author = relationship("User")


class MatchEvent(Base):
    """One entry of a match's history: a state change, assignment, note or introduction."""

    __tablename__ = "match_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(sa.ForeignKey("match.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    kind: Mapped[str] = mapped_column(sa.String(32))  # created / state / assigned / note / deal
    from_state: Mapped[MatchState | None] = enum_column(MatchState, nullable=True)
    to_state: Mapped[MatchState | None] = enum_column(MatchState, nullable=True)
    detail: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    match = relationship("Match", back_populates="events")
    actor = relationship("User")


class Deal(Base):
    """The signed outcome of a match."""

    __tablename__ = "deal"

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(sa.ForeignKey("match.id", ondelete="CASCADE"), unique=True)
    contract_type: Mapped[ContractType] = enum_column(ContractType)
    amount: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 2))  # 万元
    signed_on: Mapped[date]
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    match = relationship("Match", back_populates="deal")
