"""Users, their role, their membership of an organization, and a broker's coverage (fields and regions)."""
from datetime import datetime
import secrets
import time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from .base import Base, TimestampMixin, enum_column
from .enums import LabeledEnum, Role


class Membership(LabeledEnum):
    """Whether the organization (an admin for it) has accepted the user as its member."""

    CONFIRMED = "confirmed", "已确认"
    PENDING = "pending", "待确认"
    REJECTED = "rejected", "未通过"


def new_session_token() -> str:
    """A fresh random token; changing it ends every session and remember-me cookie of the user."""
    return secrets.token_urlsafe(24)


class User(TimestampMixin, Base):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    name: Mapped[str] = mapped_column(sa.String(60))
    phone: Mapped[str | None] = mapped_column(sa.String(32))  # private
    role: Mapped[Role] = enum_column(Role, index=True)
    organization_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organization.id"), index=True)
    # Joining an existing organization at registration waits for an admin; every other way in is confirmed.
    membership: Mapped[Membership] = enum_column(Membership, default=Membership.CONFIRMED)
    active: Mapped[bool] = mapped_column(default=True)
    session_token: Mapped[str] = mapped_column(sa.String(64), default=new_session_token)
    last_login_at: Mapped[datetime | None]

    organization = relationship("Organization", back_populates="members")
    coverage = relationship("BrokerCoverage", back_populates="broker", cascade="all, delete-orphan")

    # Flask-Login protocol, kept here so models need no Flask import.
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        """"<id>:<session token>:<sign-in time>": what the session and the remember-me cookie hold (both signed).

        Flask-Login asks for it when a user signs in, so the time is the sign-in's; the user loader refuses
        it once older than REMEMBER_COOKIE_DURATION, whatever expiry a replayed cookie claims.
        """
        return f"{self.id}:{self.session_token}:{int(time.time())}"

    def end_sessions(self) -> None:
        """Invalidate every session and remember-me cookie issued so far (caller commits)."""
        self.session_token = new_session_token()

    @property
    def membership_pending(self) -> bool:
        """True while an admin has not yet confirmed the user's membership of their organization."""
        return self.organization_id is not None and self.membership != Membership.CONFIRMED

    @property
    def can_submit(self) -> bool:
        """May send listings to review: a confirmed member of a verified organization (or of none)."""
        return not self.membership_pending and (self.organization is None or self.organization.verified)

    def set_password(self, password: str) -> None:
        """Store a salted hash of ``password``."""
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        """True when ``password`` matches the stored hash."""
        return check_password_hash(self.password_hash, password)

    def has_role(self, *roles: Role | str) -> bool:
        """True when the user's role is one of ``roles``."""
        return self.role.value in {str(r) for r in roles}

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role.value}>"


class BrokerCoverage(Base):
    """One (field, region) a broker covers; a NULL side means 'any'."""

    __tablename__ = "broker_coverage"
    __table_args__ = (sa.UniqueConstraint("broker_id", "field_code", "region", name="uq_broker_coverage"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    broker_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    field_code: Mapped[str | None] = mapped_column(sa.ForeignKey("tech_field.code"))
    region: Mapped[str | None] = mapped_column(sa.String(16))

    broker = relationship("User", back_populates="coverage")
