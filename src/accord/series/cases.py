"""The cases of the records exchange as graph nodes: every Event with the normalised identifiers
that may link it to another agency's case (docs/records-exchange.md).

A case is linked to its suspects as resolved persons (`organizer`, or every `involved` person
when the agency did not say who the suspects are; never the victims alone: a victim who reports
twice is not a series), to the numbers it mentions, to the receiving accounts it reaches through
UnknownLink (directly or as a Payment's `beneficiaryAccount`; the payer's own account is the
victim's), to vehicles and to places. The suspects' own phone numbers are not case identifiers:
linkage already resolves persons by them, and a household's shared number would join relatives'
unrelated cases. Values are normalised the way the records domain keys them, so one card typed
with blanks is the same card in every agency.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any

from accord.matching.numbers import normalise_phone
from accord.records import entities
from accord.series.graph import CaseNode, Identifier

_LINKED_SCHEMAS = {
    "BankAccount": entities.ACCOUNT,
    "Vehicle": entities.PLATE,
    "Address": entities.ADDRESS,
}


def _values(properties: Mapping[str, Any], name: str) -> list[str]:
    found = properties.get(name) or []
    return [v for v in found if isinstance(v, str) and v]


def _day(properties: Mapping[str, Any]) -> date | None:
    for text in [*_values(properties, "date"), *_values(properties, "startDate")]:
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            continue
    return None


def _phones(texts: Iterable[str]) -> set[Identifier]:
    return {(entities.PHONE, p) for t in texts if (p := normalise_phone(t))}


def default_case_id(agency: str, entity_id: str) -> str:
    return f"{agency}:{entity_id}"


def case_nodes(
    entities_by_agency: Mapping[str, Iterable[Mapping[str, Any]]],
    person_cluster: Mapping[tuple[str, str], str],
    *,
    case_id: Callable[[str, str], str] = default_case_id,
) -> list[CaseNode]:
    """Every Event of every agency as a `CaseNode`.

    `entities_by_agency` maps an agency code to its FtM entity dicts (`id`, `schema`,
    `properties`; read once, in any order); `person_cluster` maps (agency code, Person entity
    id) to the person cluster key from linkage (a Person in no cluster stands for itself);
    `case_id(agency, entity id)` names the node (default `"<agency>:<entity id>"`).
    """
    nodes: list[CaseNode] = []
    for agency, stream in entities_by_agency.items():
        persons: set[str] = set()
        keys: dict[str, set[Identifier]] = {}  # BankAccount, Vehicle, Address id -> its keys
        paid_to: dict[str, list[str]] = {}  # Payment id -> its beneficiary accounts
        links: dict[str, list[str]] = defaultdict(list)  # Event id -> linked entity ids
        events: list[tuple[str, Mapping[str, Any]]] = []
        for entity in stream:
            schema, eid = entity.get("schema"), entity.get("id")
            properties = entity.get("properties") or {}
            if not isinstance(schema, str) or not isinstance(eid, str):
                continue  # a withdrawal line
            if schema == "Event":
                events.append((eid, properties))
            elif schema == "Person":
                persons.add(eid)
            elif schema in _LINKED_SCHEMAS:
                kind = _LINKED_SCHEMAS[schema]
                found = entities.keys_of(schema, properties)
                keys[eid] = {(k, v) for k, v in found if k == kind}
            elif schema == "Payment":
                paid_to[eid] = _values(properties, "beneficiaryAccount")
            elif schema == "UnknownLink":
                for subject in _values(properties, "subject"):
                    links[subject].extend(_values(properties, "object"))
        for eid, properties in events:
            idents: set[Identifier] = _phones(_values(properties, "phoneMentioned"))
            suspects = _values(properties, "organizer") or _values(properties, "involved")
            for person in suspects:
                cluster = person_cluster.get((agency, person))
                if cluster is None and person not in persons:
                    continue  # no Person of this agency's (or not one the caller passed)
                idents.add(("person", cluster or f"{agency}:{person}"))
            for target in links.get(eid, []):
                for reached in [target, *paid_to.get(target, [])]:
                    idents |= keys.get(reached, set())
            nodes.append(
                CaseNode(case_id(agency, eid), agency, _day(properties), frozenset(idents))
            )
    return nodes
