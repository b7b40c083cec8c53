"""The acting user of a request, command or job, as every service receives it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    OFFICER = "officer"
    INVESTIGATOR = "investigator"
    ANALYST = "analyst"
    LIAISON = "liaison"
    COMMANDER = "commander"
    DIRECTOR = "director"
    DEPUTY_DIRECTOR = "deputy_director"
    CLERK = "clerk"
    SECRETARIAT = "secretariat"
    AGENCY_ADMIN = "agency_admin"
    AUDITOR = "auditor"
    PLATFORM_ADMIN = "platform_admin"


# Roles that see personal data: their holders must sign in with a TOTP second factor.
PERSONAL_DATA_ROLES = frozenset(
    {
        Role.OFFICER,
        Role.INVESTIGATOR,
        Role.ANALYST,
        Role.LIAISON,
        Role.COMMANDER,
        Role.DIRECTOR,
        Role.DEPUTY_DIRECTOR,
        Role.CLERK,
        Role.SECRETARIAT,
        Role.AUDITOR,
        Role.PLATFORM_ADMIN,
    }
)

# Roles granted per zone rather than per agency.
ZONE_ROLES = frozenset({Role.SECRETARIAT, Role.DIRECTOR, Role.DEPUTY_DIRECTOR})


@dataclass(frozen=True)
class Grant:
    """One role held in one scope: an agency (and optionally its subordinates), or a zone."""

    role: Role
    agency_id: uuid.UUID | None = None
    include_subordinates: bool = False
    zone_id: uuid.UUID | None = None


@dataclass(frozen=True)
class Actor:
    """Who is acting; `via` says how: a web session, an API token, the CLI, or the system."""

    user_id: uuid.UUID | None
    username: str
    display_name: str
    agency_id: uuid.UUID | None
    agency_code: str | None
    grants: tuple[Grant, ...] = ()
    via: str = "session"
    scopes: frozenset[str] | None = None  # an API token's scopes; None when not token-limited
    client_addr: str | None = None
    locale: str = "zh"
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    def has_role(self, *roles: Role) -> bool:
        return any(g.role in roles for g in self.grants)

    @property
    def is_system(self) -> bool:
        return self.via == "system"

    @classmethod
    def system(cls, name: str = "system") -> Actor:
        """The actor of scheduled jobs and sweeps: the platform itself, with every right."""
        return cls(
            user_id=None,
            username=name,
            display_name=name,
            agency_id=None,
            agency_code=None,
            grants=(Grant(role=Role.PLATFORM_ADMIN),),
            via="system",
        )
