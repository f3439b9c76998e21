"""What a user is on the platform: the kinds of organisation they belong to."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# The organisation kinds, as stored. accounts.choices.OrganisationKind labels these values;
# they live here so that the lowest floor can tell roles apart without importing accounts.
STARTUP = "startup"
MANUFACTURER = "manufacturer"
COORDINATOR = "coordinator"


@dataclass(frozen=True)
class Roles:
    authenticated: bool = False
    is_staff: bool = False
    kinds: frozenset[str] = field(default_factory=frozenset)

    @property
    def startup(self) -> bool:
        return STARTUP in self.kinds

    @property
    def manufacturer(self) -> bool:
        return MANUFACTURER in self.kinds

    @property
    def coordinator(self) -> bool:
        return self.is_staff or COORDINATOR in self.kinds


def roles_of(user: Any) -> Roles:
    if not getattr(user, "is_authenticated", False):
        return Roles()
    cached = getattr(user, "_shisaku_roles", None)
    if cached is None:
        kinds = frozenset(user.memberships.values_list("organisation__kind", flat=True))
        cached = Roles(True, bool(user.is_staff), kinds)
        user._shisaku_roles = cached
    return cached
