"""The status machine of an agreement version: draft → signed → in force ⇄ under review, ending
superseded (a newer version came into force) or terminated.

`sign` is taken automatically when the last member's director signs; `bring_into_force` by the
daily job (or on demand) on the effective date; `supersede` by the coming into force of a newer
version of the same agreement.
"""

from __future__ import annotations

from enum import StrEnum

from accord.core.workflow import StatusTable


class AgreementStatus(StrEnum):
    DRAFT = "draft"
    SIGNED = "signed"
    IN_FORCE = "in_force"
    UNDER_REVIEW = "under_review"
    SUPERSEDED = "superseded"
    TERMINATED = "terminated"


# A version under review still binds the members until it is confirmed, replaced or ended.
IN_FORCE = frozenset({AgreementStatus.IN_FORCE, AgreementStatus.UNDER_REVIEW})
# Versions that a newer one coming into force replaces.
REPLACEABLE = frozenset({AgreementStatus.SIGNED, *IN_FORCE})
ENDED = frozenset({AgreementStatus.SUPERSEDED, AgreementStatus.TERMINATED})

TRANSITIONS: dict[tuple[AgreementStatus, str], AgreementStatus] = {
    (AgreementStatus.DRAFT, "sign"): AgreementStatus.SIGNED,
    (AgreementStatus.SIGNED, "bring_into_force"): AgreementStatus.IN_FORCE,
    (AgreementStatus.SIGNED, "supersede"): AgreementStatus.SUPERSEDED,
    (AgreementStatus.IN_FORCE, "review"): AgreementStatus.UNDER_REVIEW,
    (AgreementStatus.IN_FORCE, "supersede"): AgreementStatus.SUPERSEDED,
    (AgreementStatus.IN_FORCE, "terminate"): AgreementStatus.TERMINATED,
    (AgreementStatus.UNDER_REVIEW, "confirm"): AgreementStatus.IN_FORCE,
    (AgreementStatus.UNDER_REVIEW, "supersede"): AgreementStatus.SUPERSEDED,
    (AgreementStatus.UNDER_REVIEW, "terminate"): AgreementStatus.TERMINATED,
}

TABLE = StatusTable(AgreementStatus, TRANSITIONS)

# Moves the secretariat takes by hand; the others happen as a consequence of something else.
MANUAL_ACTIONS = ("review", "confirm", "terminate")
