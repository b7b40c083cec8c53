"""The status machines of an assistance request (after FHIR Task), as tables.

A request to one agency: draft → requested → received → accepted | rejected (with a reason);
accepted → in progress ⇄ on hold (the clock paused, with a reason) → completed (with the
outcome); the requester may cancel any request that is not yet closed.

A request to a whole zone is a parent whose children (one per member, FHIR `partOf`) do the
work; it has its own small table, moved only by the service as its children move: in progress
once a member accepts, completed when every child is closed and one completed, rejected or
cancelled when none did.
"""

from __future__ import annotations

from enum import StrEnum

from accord.core.handling import N_
from accord.core.workflow import StatusTable


class RequestStatus(StrEnum):
    DRAFT = "draft"
    REQUESTED = "requested"
    RECEIVED = "received"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    IN_PROGRESS = "in_progress"
    ON_HOLD = "on_hold"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


S = RequestStatus

REQUEST_TRANSITIONS: dict[tuple[RequestStatus, str], RequestStatus] = {
    (S.DRAFT, "submit"): S.REQUESTED,
    (S.REQUESTED, "receive"): S.RECEIVED,
    (S.RECEIVED, "accept"): S.ACCEPTED,
    (S.RECEIVED, "reject"): S.REJECTED,
    (S.ACCEPTED, "start"): S.IN_PROGRESS,
    (S.IN_PROGRESS, "hold"): S.ON_HOLD,
    (S.ON_HOLD, "resume"): S.IN_PROGRESS,
    (S.IN_PROGRESS, "complete"): S.COMPLETED,
    (S.DRAFT, "cancel"): S.CANCELLED,
    (S.REQUESTED, "cancel"): S.CANCELLED,
    (S.RECEIVED, "cancel"): S.CANCELLED,
    (S.ACCEPTED, "cancel"): S.CANCELLED,
    (S.IN_PROGRESS, "cancel"): S.CANCELLED,
    (S.ON_HOLD, "cancel"): S.CANCELLED,
}

REQUEST_TABLE = StatusTable(RequestStatus, REQUEST_TRANSITIONS)

ZONE_TRANSITIONS: dict[tuple[RequestStatus, str], RequestStatus] = {
    (S.DRAFT, "submit"): S.REQUESTED,
    (S.REQUESTED, "start"): S.IN_PROGRESS,
    (S.REQUESTED, "reject"): S.REJECTED,
    (S.IN_PROGRESS, "complete"): S.COMPLETED,
    (S.DRAFT, "cancel"): S.CANCELLED,
    (S.REQUESTED, "cancel"): S.CANCELLED,
    (S.IN_PROGRESS, "cancel"): S.CANCELLED,
}

ZONE_TABLE = StatusTable(RequestStatus, ZONE_TRANSITIONS)

CLOSED = frozenset({S.REJECTED, S.COMPLETED, S.CANCELLED})
OPEN = frozenset(set(RequestStatus) - CLOSED - {S.DRAFT})
# The receiving side owes work while the request is in one of these.
AWAITING_RECEIVER = frozenset({S.REQUESTED, S.RECEIVED, S.ACCEPTED, S.IN_PROGRESS, S.ON_HOLD})

# Who makes each move on a request to one agency.
REQUESTER_ACTIONS = frozenset({"submit", "cancel"})
ROUTER_ACTIONS = frozenset({"receive", "accept", "reject"})  # the receiving liaison
WORKER_ACTIONS = frozenset({"start", "hold", "resume", "complete"})

STATUS_LABELS: dict[RequestStatus, str] = {
    S.DRAFT: N_("Draft"),
    S.REQUESTED: N_("Requested"),
    S.RECEIVED: N_("Received"),
    S.ACCEPTED: N_("Accepted"),
    S.REJECTED: N_("Rejected"),
    S.IN_PROGRESS: N_("In progress"),
    S.ON_HOLD: N_("On hold"),
    S.COMPLETED: N_("Completed"),
    S.CANCELLED: N_("Cancelled"),
}

ACTION_LABELS: dict[str, str] = {
    "submit": N_("Send"),
    "receive": N_("Mark received"),
    "accept": N_("Accept"),
    "reject": N_("Reject"),
    "start": N_("Start work"),
    "hold": N_("Put on hold"),
    "resume": N_("Resume"),
    "complete": N_("Complete"),
    "cancel": N_("Cancel"),
}
