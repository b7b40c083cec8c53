"""The zones' sharing rules, read by every domain through one function.

A zone's in-force agreement says, per kind of data (each alert type, each record schema,
assistance requests), whether members share it in `full`, as `hit_no_hit` only (a member learns
that a match exists and must ask for the details), or not at all (`none`), with the default
handling code and whether the members' subordinate agencies are included.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

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
