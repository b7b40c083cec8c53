"""One crime series as a reader may see it (the list is `reading`'s): its cases by agency and
date, the evidence paths that link them, the graph, the timeline and the agencies involved for
the map.

Every case goes through the records domain's one redaction (`records.access.record_view`): a
case shared hit/no-hit only shows as "match at agency X", and one the reader may not see at all
is left out and only counted ("cases at agencies you do not share with"). An identifier that
links two cases (a phone, an account, a person cluster ...) shows its value only when a record
carrying it, among the records of the cases shown, is one the reader sees in full; otherwise it
too is a "match at agency X". Opening a series states a purpose and is audited (`series.read`)
with the subjects of every record shown; the reader's agency holds what it saw in full.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.linkage.models import ClusterMember, PersonCluster
from accord.records import access as records_access
from accord.records import entities
from accord.records.access import FULL, HIT, AgencyRef, RecordView
from accord.records.models import RecordKey, SharedRecord
from accord.security import policy
from accord.security.actor import Actor
from accord.series import reading
from accord.series.models import Series, SeriesEvidence
from accord.series.reading import ACTION, CASE_SCHEMA, SeriesNotFound, case_day

KINDS = ("person", "phone", "account", "plate", "address")
# Where a case's identifiers come from: the Event, what it refers to (its persons), the links
# that refer to it, and two more steps out (a link's payment, the payment's accounts).
REF_STEPS = 2


# --- the map: where agencies stand ---------------------------------------------------------------

# Agencies carry no coordinates in the demo directory (`Agency.jurisdiction` is empty), so the
# map is schematic: each agency at the approximate centre of its province (the first two digits
# of its administrative-division code), foreign police at their capital. (longitude, latitude)
PROVINCE_CENTRES: dict[str, tuple[float, float]] = {
    "11": (116.4, 40.2),  # Beijing
    "12": (117.3, 39.3),  # Tianjin
    "13": (115.5, 38.4),  # Hebei
    "14": (112.3, 37.6),  # Shanxi
    "15": (113.9, 44.1),  # Inner Mongolia
    "21": (122.6, 41.3),  # Liaoning
    "22": (126.2, 43.7),  # Jilin
    "23": (127.8, 47.9),  # Heilongjiang
    "31": (121.4, 31.2),  # Shanghai
    "32": (119.5, 32.9),  # Jiangsu
    "33": (120.1, 29.2),  # Zhejiang
    "34": (117.2, 31.8),  # Anhui
    "35": (118.0, 26.1),  # Fujian
    "36": (115.7, 27.6),  # Jiangxi
    "37": (118.2, 36.4),  # Shandong
    "41": (113.6, 33.9),  # Henan
    "42": (112.3, 30.9),  # Hubei
    "43": (111.7, 27.6),  # Hunan
    "44": (113.4, 23.3),  # Guangdong
    "45": (108.8, 23.8),  # Guangxi
    "46": (109.8, 19.2),  # Hainan
    "50": (107.9, 30.1),  # Chongqing
    "51": (102.7, 30.6),  # Sichuan
    "52": (106.9, 26.8),  # Guizhou
    "53": (101.5, 24.9),  # Yunnan
    "54": (88.4, 31.5),  # Tibet
    "61": (108.9, 35.2),  # Shaanxi
    "62": (101.5, 37.5),  # Gansu
    "63": (96.0, 35.7),  # Qinghai
    "64": (106.2, 37.3),  # Ningxia
    "65": (85.3, 41.1),  # Xinjiang
    "71": (121.0, 23.7),  # Taiwan
    "81": (114.2, 22.3),  # Hong Kong
    "82": (113.5, 22.2),  # Macao
}
CAPITALS: dict[str, tuple[float, float]] = {
    "BN": (114.9, 4.9),
    "KH": (104.9, 11.6),
    "ID": (106.8, -6.2),
    "LA": (102.6, 18.0),
    "MY": (101.7, 3.1),
    "MM": (96.1, 19.8),
    "PH": (121.0, 14.6),
    "SG": (103.8, 1.35),
    "TH": (100.5, 13.8),
    "VN": (105.8, 21.0),
    "JP": (139.7, 35.7),
    "KR": (127.0, 37.6),
}
SPECIAL_PLACES = {"MPS": PROVINCE_CENTRES["11"], "XPCC": (86.0, 44.3)}


def place_of(code: str) -> tuple[float, float] | None:
    """Where the schematic map puts an agency (None when its code says nothing of a place)."""
    if code in SPECIAL_PLACES:
        return SPECIAL_PLACES[code]
    if code[:2].isdigit():
        return PROVINCE_CENTRES.get(code[:2])
    country = code.split("-", 1)[0]
    return CAPITALS.get(country)


# --- one series ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseView:
    """A case of the series as the reader sees it: in full (name, day) or as a match only."""

    node: str  # the graph's id of the case ("c1"): no record value in it
    view: RecordView
    day: date | None = None

    @property
    def redacted(self) -> bool:
        return self.view.redacted

    @property
    def agency(self) -> AgencyRef:
        return self.view.agency

    @property
    def label(self) -> str:
        return "" if self.redacted else (self.view.caption or self.view.entity_id or "")


@dataclass(frozen=True)
class IdentifierView:
    """An identifier that links cases. `value` is None when no record carrying it is one the
    reader sees in full: it then shows as a match at `agencies` (empty: at agencies the reader
    does not share with)."""

    node: str  # "i1"
    kind: str
    value: str | None
    agencies: tuple[AgencyRef, ...] = ()

    @property
    def redacted(self) -> bool:
        return self.value is None


@dataclass(frozen=True)
class EvidencePath:
    """Case -> identifier -> case: one link the discovery used."""

    left: CaseView
    identifier: IdentifierView
    right: CaseView
    weight: float

    @property
    def nodes(self) -> tuple[str, str, str]:
        return (self.left.node, self.identifier.node, self.right.node)


@dataclass
class SeriesView:
    series: Series
    cases: list[CaseView]
    identifiers: list[IdentifierView]
    evidence: list[EvidencePath]
    hidden: int  # cases at agencies the reader does not share with
    hidden_links: int  # evidence paths touching such a case
    agencies: list[AgencyRef] = field(default_factory=list)

    @property
    def by_agency(self) -> list[tuple[AgencyRef, list[CaseView], list[CaseView]]]:
        """(agency, cases in full by date, cases shown as a match) per agency, by code."""
        grouped: dict[AgencyRef, list[CaseView]] = defaultdict(list)
        for case in self.cases:
            grouped[case.agency].append(case)
        return [
            (
                agency,
                sorted(
                    (c for c in grouped[agency] if not c.redacted),
                    key=lambda c: (c.day or date.max, c.label),
                ),
                [c for c in grouped[agency] if c.redacted],
            )
            for agency in self.agencies
        ]

    @property
    def full_cases(self) -> list[CaseView]:
        return [c for c in self.cases if not c.redacted]

    @property
    def first(self) -> date | None:
        return min((c.day for c in self.full_cases if c.day), default=None)

    @property
    def last(self) -> date | None:
        return max((c.day for c in self.full_cases if c.day), default=None)

    def graph(self) -> dict[str, Any]:
        """The graph's data: nodes (cases, then identifiers by kind) and edges case ->
        identifier from the evidence. Hidden values appear nowhere: a redacted node carries
        the agencies it matches at, and the page writes its label."""
        used = {p.identifier.node for p in self.evidence}
        linked = {n for p in self.evidence for n in (p.left.node, p.right.node)}
        nodes: list[dict[str, Any]] = []
        for case in self.cases:
            nodes.append(
                {
                    "id": case.node,
                    "kind": "case",
                    "label": case.label,
                    "agency": case.agency.code,
                    "view": case.view.mode,
                    "record": str(case.view.id) if not case.redacted else None,
                    "day": case.day.isoformat() if case.day else None,
                    "linked": case.node in linked,
                }
            )
        for ident in self.identifiers:
            if ident.node not in used:
                continue
            nodes.append(
                {
                    "id": ident.node,
                    "kind": ident.kind,
                    "label": ident.value or "",
                    "view": HIT if ident.redacted else FULL,
                    "agencies": [a.code for a in ident.agencies],
                }
            )
        edges: dict[tuple[str, str], dict[str, Any]] = {}
        for index, path in enumerate(self.evidence):
            for case in (path.left, path.right):
                edge = edges.setdefault(
                    (case.node, path.identifier.node),
                    {"source": case.node, "target": path.identifier.node, "paths": []},
                )
                edge["paths"].append(index)
        return {"kinds": ["case", *KINDS], "nodes": nodes, "edges": list(edges.values())}

    def timeline(self) -> list[dict[str, Any]]:
        """The cases seen in full with a day, by day (what the reader may date)."""
        dated = sorted((c for c in self.full_cases if c.day), key=lambda c: (c.day, c.label))
        return [
            {"node": c.node, "day": c.day.isoformat(), "agency": c.agency.code, "label": c.label}
            for c in dated
            if c.day
        ]

    def agency_links(self) -> list[dict[str, Any]]:
        """Pairs of agencies whose cases the evidence links, with how many paths."""
        counts: dict[tuple[str, str], int] = defaultdict(int)
        for path in self.evidence:
            a, b = sorted((path.left.agency.code, path.right.agency.code))
            if a != b:
                counts[(a, b)] += 1
        return [{"source": a, "target": b, "paths": n} for (a, b), n in sorted(counts.items())]

    def places(self) -> list[dict[str, Any]]:
        """The agencies involved, where the schematic map puts them, with their cases."""
        out = []
        for agency, full, matches in self.by_agency:
            where = place_of(agency.code)
            out.append(
                {
                    "code": agency.code,
                    "name_zh": agency.name_zh,
                    "name_en": agency.name_en,
                    "lon": where[0] if where else None,
                    "lat": where[1] if where else None,
                    "cases": len(full),
                    "matches": len(matches),
                }
            )
        return out


def ask_for(agency: AgencyRef, cases: Sequence[CaseView]) -> str:
    """The assistance request form asking `agency` for its cases shown as a match."""
    return records_access.ask_link(agency.code, CASE_SCHEMA, [c.view.id for c in cases])


def visible_cases(
    session: Session, actor: Actor, series: Series
) -> tuple[list[SharedRecord], dict[uuid.UUID, str | None], int]:
    """(the live cases the actor may see, every live case's view mode, how many are hidden);
    refused (404) when the actor may see none of them."""
    records = reading.live_cases(session, series)
    modes = records_access.view_modes(session, actor, records)
    shown = [r for r in records if modes.get(r.id)]
    if not shown:
        raise SeriesNotFound(f"no series {series.key}", field="series")
    return shown, modes, len(records) - len(shown)


def check_readable(session: Session, actor: Actor, key: str) -> Series:
    """The series, when the actor may open it (404 otherwise): the purpose form's check."""
    policy.require(actor, ACTION)
    series = reading.get_series(session, key)
    visible_cases(session, actor, series)
    return series


def series_view(session: Session, actor: Actor, key: str, *, purpose: str | None) -> SeriesView:
    """The series `key` as the actor may see it; refused (404) when the actor may see none of
    its cases, and without a purpose (the refusal audited). The view is audited with its
    purpose and the subjects of every record shown."""
    policy.require(actor, ACTION)
    series = reading.get_series(session, key)
    shown, modes, hidden = visible_cases(session, actor, series)
    reason = records_access.require_purpose(
        actor, purpose, action=ACTION, subjects=records_access.record_subjects(shown)
    )

    def order(r: SharedRecord) -> tuple[bool, date, str]:
        # Cases seen in full by date; matches after them in an order that tells nothing of
        # their dates or ids (the graph's node ids follow it).
        if modes[r.id] == FULL:
            return (False, case_day(r.properties) or date.max, r.entity_id)
        return (True, date.max, str(r.id))

    cases: dict[uuid.UUID, CaseView] = {}
    for index, record in enumerate(sorted(shown, key=order), start=1):
        view = records_access.record_view(session, actor, record, modes[record.id])
        day = case_day(record.properties) if view.mode == FULL else None
        cases[record.id] = CaseView(f"c{index}", view, day)
    rows = list(
        session.scalars(
            select(SeriesEvidence)
            .where(SeriesEvidence.series_id == series.id)
            .order_by(SeriesEvidence.weight.desc(), SeriesEvidence.kind, SeriesEvidence.id)
        )
    )
    among = [r for r in rows if r.left_id in cases and r.right_id in cases]
    carriers = _carriers(session, list(cases), {(r.kind, r.value) for r in among})
    carrier_records = _records(session, {c for found in carriers.values() for c in found})
    carrier_modes = records_access.view_modes(session, actor, carrier_records.values())
    identifiers: dict[tuple[str, str], IdentifierView] = {}
    for row in among:
        ident = (row.kind, row.value)
        if ident not in identifiers:
            identifiers[ident] = _identifier(
                session,
                f"i{len(identifiers) + 1}",
                ident,
                [carrier_records[c] for c in carriers.get(ident, ()) if c in carrier_records],
                carrier_modes,
            )
    evidence = [
        EvidencePath(cases[r.left_id], identifiers[(r.kind, r.value)], cases[r.right_id], r.weight)
        for r in among
    ]
    seen_carriers = [r for r in carrier_records.values() if carrier_modes.get(r.id)]
    shown_records = list({r.id: r for r in [*shown, *seen_carriers]}.values())
    all_modes = {**modes, **carrier_modes}
    records_access.audit_view(
        session,
        actor,
        action=ACTION,
        purpose=reason,
        records=shown_records,
        modes=all_modes,
        object_id=series.id,
        detail={"series": series.key, "hidden": hidden},
    )
    records_access.note_holders(
        session, actor, [r for r in shown_records if all_modes.get(r.id) == FULL]
    )
    agencies = sorted(
        {c.agency for c in cases.values()},
        key=lambda a: (a.id != actor.agency_id, a.code),
    )
    return SeriesView(
        series=series,
        cases=list(cases.values()),
        identifiers=list(identifiers.values()),
        evidence=evidence,
        hidden=hidden,
        hidden_links=len(rows) - len(among),
        agencies=agencies,
    )


def _identifier(
    session: Session,
    node: str,
    ident: tuple[str, str],
    carriers: Sequence[SharedRecord],
    modes: dict[uuid.UUID, str | None],
) -> IdentifierView:
    kind, value = ident
    if any(modes.get(r.id) == FULL for r in carriers):
        return IdentifierView(node, kind, value)
    where = records_access.agency_refs(
        session, {r.agency_id for r in carriers if modes.get(r.id) == HIT}
    )
    return IdentifierView(node, kind, None, tuple(sorted(where.values(), key=lambda a: a.code)))


def neighbourhoods(
    session: Session, case_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, set[uuid.UUID]]:
    """The records around each case: the case, the records that refer to it (its links), and
    what these refer to, `REF_STEPS` steps out (persons, payments, accounts, vehicles ...).
    Withdrawn records have no keys, so they are not found."""
    hood: dict[uuid.UUID, set[uuid.UUID]] = {c: {c} for c in case_ids}
    by_key = {str(c): c for c in case_ids}
    for key, record_id in session.execute(
        select(RecordKey.key, RecordKey.record_id).where(
            RecordKey.kind == entities.REF, RecordKey.key.in_(list(by_key))
        )
    ):
        hood[by_key[key]].add(record_id)
    # Out from the case and its links: one step to persons, payments and objects, the next to
    # the payments' accounts and payers.
    for _ in range(REF_STEPS):
        frontier = {r for found in hood.values() for r in found}
        refs: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
        for record_id, key in session.execute(
            select(RecordKey.record_id, RecordKey.key).where(
                RecordKey.kind == entities.REF, RecordKey.record_id.in_(list(frontier))
            )
        ):
            try:
                refs[record_id].add(uuid.UUID(key))
            except ValueError:
                continue
        for found in hood.values():
            found |= {t for r in list(found) for t in refs.get(r, ())}
    return hood


def _carriers(
    session: Session, case_ids: Sequence[uuid.UUID], idents: set[tuple[str, str]]
) -> dict[tuple[str, str], set[uuid.UUID]]:
    """The records around the cases that carry each identifier (a person cluster's member
    records for `person`, the records keyed by the value for the others)."""
    if not idents or not case_ids:
        return {}
    around = {r for found in neighbourhoods(session, case_ids).values() for r in found}
    found: dict[tuple[str, str], set[uuid.UUID]] = defaultdict(set)
    people = {v for k, v in idents if k == "person"}
    if people:
        for record_id, key in session.execute(
            select(ClusterMember.record_id, PersonCluster.key)
            .join(PersonCluster, PersonCluster.id == ClusterMember.cluster_id)
            .where(PersonCluster.key.in_(people), ClusterMember.record_id.in_(list(around)))
        ):
            found[("person", key)].add(record_id)
    others = {(k, v) for k, v in idents if k != "person"}
    if others:
        for record_id, kind, key in session.execute(
            select(RecordKey.record_id, RecordKey.kind, RecordKey.key).where(
                RecordKey.kind.in_({k for k, _ in others}),
                RecordKey.key.in_({v for _, v in others}),
                RecordKey.record_id.in_(list(around)),
            )
        ):
            if (kind, key) in others:
                found[(kind, key)].add(record_id)
    return found


def _records(session: Session, ids: set[uuid.UUID]) -> dict[uuid.UUID, SharedRecord]:
    if not ids:
        return {}
    rows = session.scalars(select(SharedRecord).where(SharedRecord.id.in_(list(ids))))
    return {r.id: r for r in rows if records_access.is_live(r)}
