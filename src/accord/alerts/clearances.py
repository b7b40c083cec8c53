"""Fewer wrong stops: people found not to be an alert's subject are remembered.

When the issuer refuses a hit ("not the person"), the identifiers that told them apart are kept
against the alert. A later check of the same person (same resident ID, same passport, or, when
neither was given, the same name and full birth date) shows "cleared on DATE by AGENCY" instead
of a new hit. A clearance never hides a different person: it needs one of those facts to agree.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.alerts.models import Alert, Clearance
from accord.audit import service as audit
from accord.audit.subjects import Subject
from accord.core import clock
from accord.core.ids import uuid7
from accord.matching import identifiers, names
from accord.matching.facts import Facts
from accord.security.actor import Actor


def clearance_keys(facts: Facts) -> list[str]:
    """The identifying facts of a cleared person, as keys: IDs and passports if any were
    given, else name (in every reading) with the full birth date."""
    keys: set[str] = set()
    for text in facts.resident_ids:
        parsed = identifiers.parse_resident_id(text)
        if parsed is not None:
            keys.add(f"i:{parsed.value}")
    for text in facts.passports:
        value = identifiers.normalise_passport(text)
        if value:
            keys.add(f"p:{value}")
    if keys:
        return sorted(keys)
    birth = facts.birth_from_ids()
    if birth is None or not birth.complete:
        return []
    for text in facts.names:
        reading = names.read_name(text, nationality=facts.nationality)
        for form in reading.forms:
            keys.add(f"n:{' '.join(sorted(form.tokens))}|{birth.iso()}")
        if reading.hanzi:
            keys.add(f"h:{reading.hanzi}|{birth.iso()}")
    return sorted(keys)


def record_clearance(
    session: Session,
    actor: Actor,
    *,
    alert: Alert,
    probe: dict[str, Any],
    reason: str,
    source_id: uuid.UUID | None = None,
    subjects: Iterable[Subject] = (),
) -> Clearance | None:
    """Remember that the person described by `probe` (interchange fields) is not the subject
    of `alert`. Returns None (and stores nothing) when the probe has nothing to recognise the
    person by again."""
    facts = Facts.from_mapping(probe)
    keys = clearance_keys(facts)
    if not keys:
        return None
    if actor.agency_id is None:
        raise ValueError("a clearance is recorded by an agency")
    cleared = Clearance(
        id=uuid7(),
        alert_id=alert.id,
        keys=keys,
        facts={k: v for k, v in probe.items() if v not in (None, "", [])},
        cleared_at=clock.now(),
        agency_id=actor.agency_id,
        cleared_by=actor.username,
        reason=reason,
        source_id=source_id,
    )
    session.add(cleared)
    session.flush()
    audit.record(
        session,
        actor,
        action="alert.clearance_recorded",
        object_type="alert",
        object_id=alert.id,
        subjects=subjects,
        detail={"ref": alert.ref, "keys": len(keys), "source_id": str(source_id or "")},
    )
    return cleared


def clearances_for(
    session: Session, alert_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, list[Clearance]]:
    ids = set(alert_ids)
    found: dict[uuid.UUID, list[Clearance]] = {}
    if not ids:
        return found
    rows = session.scalars(
        select(Clearance).where(Clearance.alert_id.in_(ids)).order_by(Clearance.cleared_at)
    )
    for c in rows:
        found.setdefault(c.alert_id, []).append(c)
    return found


def matching_clearance(clearances: list[Clearance], probe_keys: set[str]) -> Clearance | None:
    """The most recent clearance that recognises the probe's person."""
    for c in reversed(clearances):
        if probe_keys.intersection(c.keys):
            return c
    return None
