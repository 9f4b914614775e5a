"""The data model, re-exported so Alembic and the app see every table."""
from .base import Base, utcnow
from .enums import (
    CoopMode, ContractType, DeclineReason, ImportState, IndexState, IPOwnership, IPStatus, IPType,
    ListingStatus, MatchOrigin, MatchState, OrgKind, OutboxStatus, PriceMode, REGIONS,
    Role, RoadshowStatus, TRL_LEVELS, trl_label, trl_stage,
)
from .taxonomy import TechField, read_taxonomy_file
from .organization import Organization, is_valid_credit_code
from .user import BrokerCoverage, Membership, User
from .achievement import Achievement, IPItem
from .need import Need
from .match import Deal, Match, MatchEvent, MatchNote
from .roadshow import Roadshow, RoadshowItem
from .notification import Notification, OutboxEmail
from .audit import AuditLog
from .import_job import ImportFile, ImportJob, ImportRowError
from .alert import DigestLog, NotificationPreference, SavedSearch, SavedSearchHit
