"""The two kinds of listing, described once so every shared function can take either."""
from dataclasses import dataclass

from models import Achievement, Need, Role


@dataclass(frozen=True)
class ListingKind:
    """How one kind of listing is named, owned and matched."""

    name: str  # URL segment, index name and blueprint name: "achievements" / "needs"
    model: type
    object_type: str  # audit-log object type: "achievement" / "need"
    label: str  # 科技成果 / 技术需求
    owner_role: Role
    other_name: str  # the kind this one is matched against
    body_attr: str  # the long text column: summary / description

    @property
    def other(self) -> "ListingKind":
        return KINDS[self.other_name]


ACHIEVEMENTS = ListingKind("achievements", Achievement, "achievement", "科技成果", Role.RESEARCHER,
                           "needs", "summary")
NEEDS = ListingKind("needs", Need, "need", "技术需求", Role.ENTERPRISE, "achievements", "description")
KINDS = {k.name: k for k in (ACHIEVEMENTS, NEEDS)}


def kind_of(listing) -> ListingKind:
    """The kind of a listing object."""
    return ACHIEVEMENTS if isinstance(listing, Achievement) else NEEDS


def get_kind(name: str) -> ListingKind:
    """The kind named ``name``; KeyError for anything else."""
    return KINDS[name]
