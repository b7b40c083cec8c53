"""The owners' consent: an owner's liaison or commander grants or refuses the release of its
records in a joint case to the members, record by record or all at once."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.agencies.models import Agency
from accord.audit import service as audit
from accord.core import clock
from accord.records import access
from accord.records.models import SharedRecord
from accord.security import policy
from accord.security.actor import Actor
from accord.series.joint import (
    GRANTED,
    OBJECT_TYPE,
    OPEN,
    PENDING,
    REASON_MAX,
    REFUSED,
    InvalidJointCase,
    members_of,
    named_or_own,
    purpose_of,
    tell,
)
from accord.series.models import (
    JointCase,
    JointCaseRecord,
)

# --- the owner's consent ---------------------------------------------------------------------


def owner_for(session: Session, actor: Actor, code: str | None) -> Agency:
    """The owner a decision is for: the named agency, or the actor's own."""
    return named_or_own(
        session, actor, code, field="agency", missing="name the agency whose records you decide on"
    )


def decide_release(
    session: Session,
    actor: Actor,
    *,
    joint_case: JointCase,
    agency: Agency,
    grant: bool,
    reason: str = "",
    records: Sequence[uuid.UUID] | None = None,
) -> list[JointCaseRecord]:
    """The owner's decision on releasing its records to the members: the named `records`, or
    all still waiting. Only the owner's liaison or commander decides (403 for anyone else,
    another member's included); a refusal states its reason."""
    policy.require(actor, "joint.release")
    policy.require_agency(session, actor, "joint.release", agency.id)
    if joint_case.status != OPEN:
        raise InvalidJointCase(f"joint case {joint_case.reference} is closed", field="joint_case")
    reason = " ".join(reason.split())[:REASON_MAX]
    if not grant and not reason:
        raise InvalidJointCase("a refusal states its reason", field="reason")
    rows = list(
        session.scalars(
            select(JointCaseRecord).where(
                JointCaseRecord.joint_case_id == joint_case.id,
                JointCaseRecord.owner_agency_id == agency.id,
            )
        )
    )
    if not rows:
        raise InvalidJointCase(
            f"{agency.code} has no record in joint case {joint_case.reference}", field="agency"
        )
    if records is None:
        chosen = [r for r in rows if r.release == PENDING]
        if not chosen:
            raise InvalidJointCase(
                f"no record of {agency.code} waits for a decision", field="records"
            )
    else:
        wanted = set(records)
        by_id = {r.record_id: r for r in rows}
        unknown = wanted - set(by_id)
        if unknown or not wanted:
            raise InvalidJointCase(
                f"name records of {agency.code} in joint case {joint_case.reference}",
                field="records",
            )
        chosen = [by_id[i] for i in sorted(wanted)]
    now = clock.now()
    decision = GRANTED if grant else REFUSED
    for row in chosen:
        row.release = decision
        row.decided_by = actor.username[:80]
        row.decided_at = now
        row.reason = reason or None
    session.flush()
    shared = [session.get(SharedRecord, r.record_id) for r in chosen]
    audit.record(
        session,
        actor,
        action=f"joint_case.release_{decision}",
        object_type=OBJECT_TYPE,
        object_id=joint_case.id,
        purpose=purpose_of(joint_case),
        case_ref=joint_case.reference,
        subjects=access.record_subjects(r for r in shared if r is not None),
        detail={
            "reference": joint_case.reference,
            "agency": agency.code,
            "records": [str(r.record_id) for r in chosen],
            "reason": reason,
        },
    )
    members = [m.agency_id for m in members_of(session, joint_case)]
    tell(
        session,
        joint_case,
        f"joint_case.release_{decision}",
        f"{agency.code} {decision} the release of {len(chosen)} record(s)",
        agencies=members,
    )
    return chosen
