"""The fixed vocabularies of an assistance request: types, urgency, evaluation codes, outcomes.

Values are stored in English words; pages show the labels in the reader's language, whatever
the writer's. The list of request types is open: a deployment adds its own with `add_type()`.
"""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

from accord.core.handling import N_


class Urgency(StrEnum):
    URGENT = "urgent"
    HIGH = "high"
    ROUTINE = "routine"


class Reliability(StrEnum):
    """Source reliability (the 4x4 evaluation): A no doubt ... X cannot be assessed."""

    A = "A"
    B = "B"
    C = "C"
    X = "X"


class Accuracy(StrEnum):
    """Information accuracy: 1 not in doubt, 2 known personally to the source, 3 corroborated,
    4 uncorroborated."""

    ONE = "1"
    TWO = "2"
    THREE = "3"
    FOUR = "4"


class OutcomeCode(StrEnum):
    """How a completed request ended, for the statistics (the text says the rest)."""

    ACHIEVED = "achieved"
    PARTLY = "partly"
    NOT_ACHIEVED = "not_achieved"


class ZoneMode(StrEnum):
    """How a request to a whole zone reaches its members."""

    FAN_OUT = "fan_out"  # one child request per member; each answers
    CLAIM = "claim"  # one child per member, the first to accept takes it, the others close


class SubjectKind(StrEnum):
    PERSON = "person"
    VEHICLE = "vehicle"
    PHONE = "phone"
    ACCOUNT = "account"


# type -> label. The first eight are the list; `add_type` extends it.
REQUEST_TYPES: dict[str, str] = {
    "arrest_transfer": N_("Arrest and transfer a fugitive"),
    "locate": N_("Locate a person"),
    "verify_identity": N_("Verify an identity"),
    "records_check": N_("Check records"),
    "collect_evidence": N_("Collect evidence"),
    "interview_witness": N_("Interview a witness"),
    "freeze_account": N_("Freeze an account"),
    "query_account": N_("Query an account"),
    "joint_patrol": N_("Patrol jointly"),
}

# Types that a zone may send in claim mode: one member acts, the first to claim.
CLAIMABLE_TYPES = frozenset({"arrest_transfer", "locate"})


def add_type(code: str, label: str) -> None:
    """Register a request type of this deployment (lower-case word, label in English)."""
    if not code.replace("_", "").isalnum() or code != code.lower() or len(code) > 40:
        raise ValueError(f"request type {code!r}: lower-case letters, digits and _ (max 40)")
    REQUEST_TYPES.setdefault(code, label)


# Default deadlines: urgent and high on the wall clock, routine in business days.
WALL_DEADLINES: dict[Urgency, timedelta] = {
    Urgency.URGENT: timedelta(hours=8),
    Urgency.HIGH: timedelta(days=3),
}
ROUTINE_BUSINESS_DAYS = 7
# How long before the deadline the owing agency is reminded.
REMIND_BEFORE: dict[Urgency, timedelta] = {
    Urgency.URGENT: timedelta(hours=2),
    Urgency.HIGH: timedelta(hours=12),
    Urgency.ROUTINE: timedelta(days=1),
}

URGENCY_LABELS: dict[Urgency, str] = {
    Urgency.URGENT: N_("Urgent"),
    Urgency.HIGH: N_("High"),
    Urgency.ROUTINE: N_("Routine"),
}

RELIABILITY_LABELS: dict[Reliability, str] = {
    Reliability.A: N_("A: no doubt about the source"),
    Reliability.B: N_("B: source mostly reliable"),
    Reliability.C: N_("C: source mostly unreliable"),
    Reliability.X: N_("X: reliability cannot be assessed"),
}

ACCURACY_LABELS: dict[Accuracy, str] = {
    Accuracy.ONE: N_("1: not in doubt"),
    Accuracy.TWO: N_("2: known personally to the source"),
    Accuracy.THREE: N_("3: corroborated"),
    Accuracy.FOUR: N_("4: not corroborated"),
}

OUTCOME_LABELS: dict[OutcomeCode, str] = {
    OutcomeCode.ACHIEVED: N_("Achieved"),
    OutcomeCode.PARTLY: N_("Partly achieved"),
    OutcomeCode.NOT_ACHIEVED: N_("Not achieved"),
}

SUBJECT_LABELS: dict[SubjectKind, str] = {
    SubjectKind.PERSON: N_("Person"),
    SubjectKind.VEHICLE: N_("Vehicle"),
    SubjectKind.PHONE: N_("Phone"),
    SubjectKind.ACCOUNT: N_("Account"),
}

ZONE_MODE_LABELS: dict[ZoneMode, str] = {
    ZoneMode.FAN_OUT: N_("Every member answers"),
    ZoneMode.CLAIM: N_("The first member to claim it takes it"),
}
