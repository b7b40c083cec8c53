"""Analysts' hub marks: an identifier marked a hub links no cases, one marked "not a hub" links
them even where the data makes it look like one. Marks are append-only; the latest on an
identifier is the one in force. Values are held as discovery holds them (`normalise`).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.core.errors import InvalidInput
from accord.matching.numbers import normalise_account, normalise_phone
from accord.records import entities
from accord.series import graph
from accord.series.models import IdentifierMark


class InvalidIdentifier(InvalidInput):
    code = "invalid_identifier"
    title = "Invalid identifier"


def marks_in_force(session: Session) -> dict[tuple[str, str], bool]:
    """The analysts' hub marks in force: the latest mark on each identifier."""
    rows = session.execute(
        select(IdentifierMark.kind, IdentifierMark.value, IdentifierMark.hub).order_by(
            IdentifierMark.created_at, IdentifierMark.id
        )
    )
    return {(kind, value): hub for kind, value, hub in rows}


def latest_marks(session: Session) -> list[IdentifierMark]:
    """The latest mark on each identifier (hub or not), newest first: the analysts' list."""
    latest: dict[tuple[str, str], IdentifierMark] = {}
    for row in session.scalars(
        select(IdentifierMark).order_by(IdentifierMark.created_at, IdentifierMark.id)
    ):
        latest[(row.kind, row.value)] = row
    return sorted(latest.values(), key=lambda m: (m.created_at, m.id), reverse=True)


def normalise(kind: str, value: str) -> list[str]:
    """The identifier as discovery holds it (a plate has one value per reading)."""
    text = (value or "").strip()
    found: list[str] = []
    if kind == "phone":
        found = [p] if (p := normalise_phone(text)) else []
    elif kind == "account":
        found = [a] if (a := normalise_account(text)) else []
    elif kind == "plate":
        found = sorted(entities.plate_keys(text))
    elif kind == "address":
        found = [a] if (a := entities.address_key(text)) else []
    elif kind == "person":
        # a cluster key (PC-000123), or CODE:id of a Person in no cluster
        found = [text.upper() if text.upper().startswith("PC-") else text] if text else []
    else:
        raise InvalidIdentifier(f"kind is one of {', '.join(graph.KINDS)}", field="kind")
    if not found:
        raise InvalidIdentifier(f"not a {kind} discovery can use", field="value")
    return [v[: entities.KEY_MAX] for v in found]
