"""The zones' sharing rules, read by every domain through one function.

A zone's in-force agreement says, per kind of data (each alert type, each record schema,
assistance requests), whether members share it in `full`, as `hit_no_hit` only (a member learns
that a match exists and must ask for the details), or not at all (`none`), with the default
handling code and whether the members' subordinate agencies are included.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy.orm import Session

from accord.core.handling import HandlingCode

# The kinds of data the rules speak of. Later domains add theirs here.
DATA_KINDS: tuple[str, ...] = (
    "alert.wanted_arrest",
    "alert.wanted_locate",
    "alert.missing_person",
    "alert.stolen_vehicle",
    "alert.stolen_document",
    "alert.drone",
    "alert.discreet_check",
    "record.Person",
    "record.Event",
    "record.BankAccount",
    "record.Payment",
    "record.Vehicle",
    "record.Address",
    "assistance_request",
)


class ShareMode(StrEnum):
    FULL = "full"
    HIT_NO_HIT = "hit_no_hit"
    NONE = "none"


@dataclass(frozen=True)
class SharingRule:
    data_kind: str
    mode: ShareMode
    handling_code: HandlingCode
    include_subordinates: bool


NOTHING_SHARED = ShareMode.NONE


def rule_for(
    session: Session,
    zone_id: uuid.UUID,
    data_kind: str,
    agency_id: uuid.UUID,
    *,
    on: date | None = None,
) -> SharingRule:
    """How the zone shares `data_kind` with `agency_id` on `on` (today by default).

    The rule of the zone's version in force (see `agreements.service.version_in_force`). A
    member gets the rule as written; an agency below a member gets it only where the rule
    includes subordinates; anyone else, a member that left before `on`, a zone without an
    agreement in force or a kind the agreement does not list gets `none` (H0). An unknown
    data kind is refused (422 naming `data_kind`).
    """
    from accord.core.errors import InvalidInput
    from accord.zones import service as zones_service
    from accord.zones.agreements import service as agreements_service
    from accord.zones.models import Zone

    if data_kind not in DATA_KINDS:
        raise InvalidInput(
            f"unknown data kind {data_kind!r}; one of {', '.join(DATA_KINDS)}", field="data_kind"
        )
    zone = session.get(Zone, zone_id)
    if zone is None:
        raise zones_service.ZoneNotFound("no such zone", field="zone")
    day = on or zones_service.today()
    nothing = SharingRule(data_kind, ShareMode.NONE, HandlingCode.H0, False)
    version = agreements_service.version_in_force(session, zone.id, on=day)
    row = next((r for r in version.rules if r.data_kind == data_kind), None) if version else None
    if row is None:
        return nothing
    rule = SharingRule(data_kind, row.mode, row.handling_code, row.include_subordinates)
    if any(m.agency_id == agency_id for m in zones_service.members_on(zone, day)):
        return rule
    if row.include_subordinates and zones_service.member_for(session, zone, agency_id, day):
        return rule
    return nothing
