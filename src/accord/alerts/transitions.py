"""The status machine of an alert (STYLE.md #7), as a table.

An alert is written as a draft, activated by its issuer, and leaves the active set for good when
it is fulfilled (the issuer closes it after a confirmed hit), cancelled, or expired (by the
expiry sweep, or at once at query time: a check never answers with an alert past its expiry,
whether or not the sweep has run).
"""

from __future__ import annotations

from enum import StrEnum

from accord.core.workflow import StatusTable


class AlertStatus(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    FULFILLED = "fulfilled"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


ALERT_TRANSITIONS: dict[tuple[AlertStatus, str], AlertStatus] = {
    (AlertStatus.DRAFT, "activate"): AlertStatus.ACTIVE,
    (AlertStatus.DRAFT, "cancel"): AlertStatus.CANCELLED,
    (AlertStatus.ACTIVE, "fulfil"): AlertStatus.FULFILLED,
    (AlertStatus.ACTIVE, "cancel"): AlertStatus.CANCELLED,
    (AlertStatus.ACTIVE, "expire"): AlertStatus.EXPIRED,
}

ALERT_TABLE = StatusTable(AlertStatus, ALERT_TRANSITIONS)

# Actions a user takes; `expire` is the sweep's.
ISSUER_ACTIONS = frozenset({"activate", "cancel", "fulfil"})
