"""Technical needs (技术需求) posted by enterprises, including challenges (揭榜挂帅)."""
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import JSON_LIST, Base, enum_column
from .enums import IPOwnership, ListingStatus
from .listing import ListingMixin


class Need(ListingMixin, Base):
    __tablename__ = "need"
    # the halls at scale: the newest page, and facet counts read from a narrow index, not the wide rows
    __table_args__ = (sa.Index("ix_need_hall", "status", "published_at", "id"),
                      sa.Index("ix_need_facets", "status", "deadline", "field_code", "region", "budget_max",
                               "budget_min", "is_challenge", "coop_modes"))

    description: Mapped[str] = mapped_column(sa.Text)  # the problem
    indicators: Mapped[str | None] = mapped_column(sa.Text)  # core indicators 核心指标
    keywords: Mapped[list] = mapped_column(sa.JSON, default=list)
    # Budget in 万元; both NULL means 面议 (negotiable).
    budget_min: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 2))
    budget_max: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 2))
    deadline: Mapped[date | None] = mapped_column(index=True)
    coop_modes: Mapped[list] = mapped_column(JSON_LIST, default=list)  # wanted CoopMode values
    ip_ownership: Mapped[IPOwnership] = enum_column(IPOwnership, default=IPOwnership.NEGOTIABLE)
    is_challenge: Mapped[bool] = mapped_column(default=False)  # 揭榜挂帅
    reward: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 2))  # 万元
    solver_conditions: Mapped[str | None] = mapped_column(sa.Text)

    @classmethod
    def live(cls, today):
        return sa.and_(cls.status == ListingStatus.PUBLISHED, sa.or_(cls.deadline.is_(None), cls.deadline >= today))

    def is_live(self, today) -> bool:
        return self.status == ListingStatus.PUBLISHED and not (self.deadline and self.deadline < today)

    def shown_status(self, today) -> ListingStatus:
        if self.status == ListingStatus.PUBLISHED and self.deadline and self.deadline < today:
            return ListingStatus.EXPIRED
        return self.status

    @property
    def budget_negotiable(self) -> bool:
        return self.budget_min is None and self.budget_max is None

    def __repr__(self) -> str:
        return f"<Need {self.id} {self.title[:20]}>"
