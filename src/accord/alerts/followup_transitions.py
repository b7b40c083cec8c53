"""The status machine of a hit follow-up (the SIRENE hit procedure, STYLE.md #7), as a table.

The finding agency reports a hit; one liaison of the issuing agency claims it and answers:
confirmed ("it is the person", with the action to take) or refused ("not the person", with
the facts that tell them apart). After a confirmation the finding agency reports the outcome,
action carried out or not carried out with the reason (SIRENE forms G/H), which closes it.
"""

from __future__ import annotations

from enum import StrEnum

from accord.core.handling import N_
from accord.core.workflow import StatusTable


class FollowUpStatus(StrEnum):
    REPORTED = "reported"
    CLAIMED = "claimed"
    CONFIRMED = "confirmed"
    REFUSED = "refused"
    CLOSED = "closed"


class Outcome(StrEnum):
    """What the finding agency did after a confirmation (form G: carried out; H: not)."""

    CARRIED_OUT = "carried_out"
    NOT_CARRIED_OUT = "not_carried_out"


# Waiting on someone: the issuer (reported, claimed) or the finding agency (confirmed).
OPEN = frozenset({FollowUpStatus.REPORTED, FollowUpStatus.CLAIMED, FollowUpStatus.CONFIRMED})
# The issuer owes an answer; the SLA clock runs while the follow-up is in one of these.
AWAITING_ISSUER = frozenset({FollowUpStatus.REPORTED, FollowUpStatus.CLAIMED})

FOLLOWUP_TRANSITIONS: dict[tuple[FollowUpStatus, str], FollowUpStatus] = {
    (FollowUpStatus.REPORTED, "claim"): FollowUpStatus.CLAIMED,
    (FollowUpStatus.CLAIMED, "confirm"): FollowUpStatus.CONFIRMED,
    (FollowUpStatus.CLAIMED, "refuse"): FollowUpStatus.REFUSED,
    (FollowUpStatus.CONFIRMED, "report_outcome"): FollowUpStatus.CLOSED,
}

FOLLOWUP_TABLE = StatusTable(FollowUpStatus, FOLLOWUP_TRANSITIONS)

# Who makes each move: the issuing agency's liaison, or the finding agency.
ISSUER_ACTIONS = frozenset({"claim", "confirm", "refuse"})
FINDER_ACTIONS = frozenset({"report_outcome"})

STATUS_LABELS: dict[FollowUpStatus, str] = {
    FollowUpStatus.REPORTED: N_("Reported, awaiting a claim"),
    FollowUpStatus.CLAIMED: N_("Claimed, awaiting an answer"),
    FollowUpStatus.CONFIRMED: N_("Confirmed, awaiting the outcome"),
    FollowUpStatus.REFUSED: N_("Refused: not the person"),
    FollowUpStatus.CLOSED: N_("Closed"),
}

OUTCOME_LABELS: dict[Outcome, str] = {
    Outcome.CARRIED_OUT: N_("Action carried out"),
    Outcome.NOT_CARRIED_OUT: N_("Action not carried out"),
}
