"""Crime-series discovery over the shared records: runs (full or incremental), an analyst's
hub mark and the recomputation it causes, and the export. What a reader may list is
`reading`'s, the marks in force `hubs'`, the withdrawal hook `withdrawals'`.

A run reads every live case (Event) with what it reaches (its persons, as resolved by linkage,
its links, payments, accounts, vehicles and places), hands them to the pure discovery
(`cases.case_nodes`, `graph.discover`) and stores the series with their evidence. A series'
key (`SR-000001`) survives re-runs: a new series takes the key of the old one it shares most
cases with. An incremental run (the default once a run exists) recomputes only the components
that hold cases new, changed or withdrawn since the last run (or reaching records that are, or
whose suspects linkage has moved), and the rest of the series those cases were in; hubs are
judged on all cases every time, so a series linked through an identifier that new data made a
hub is recomputed too. The agencies of a new or grown series are told, once per membership of
the series, and an open joint case on a grown series takes in its new cases
(`joint_lifecycle.grow`).
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from accord.agencies.models import Agency
from accord.audit import service as audit
from accord.core import clock
from accord.core.errors import InvalidInput
from accord.core.ids import uuid7
from accord.linkage.models import ClusterMember, PersonCluster
from accord.notify import service as notify
from accord.records import access, entities
from accord.records.models import SharedRecord
from accord.security import policy
from accord.security.actor import Actor, Role
from accord.series import cases, graph, hubs, joint_lifecycle
from accord.series.models import IdentifierMark, Series, SeriesCase, SeriesEvidence, SeriesRun

CHUNK = 5000
# The schemas a case reaches (docs/records-exchange.md); nothing else bears on a series.
SCHEMAS = ("Event", "Person", "UnknownLink", "Payment", "BankAccount", "Vehicle", "Address")
OBJECT_TYPE = "series"
# Who hears of a new or grown series at the agencies of its cases (those who read series).
TOLD = (Role.INVESTIGATOR, Role.ANALYST, Role.LIAISON, Role.COMMANDER)
REASON_MAX = 1000


# --- reading the records ---------------------------------------------------------------------


Key = tuple[str, str]  # (agency code, entity id)


@dataclass
class Loaded:
    """The live records discovery reads, as FtM dicts per agency, and how to find them."""

    entities: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    ids: dict[Key, uuid.UUID] = field(default_factory=dict)  # every loaded record
    cases: dict[Key, uuid.UUID] = field(default_factory=dict)  # the Events
    agency_ids: dict[str, uuid.UUID] = field(default_factory=dict)  # code -> agency id
    persons: dict[Key, str] = field(default_factory=dict)  # Person -> cluster key

    def nodes(self) -> list[graph.CaseNode]:
        names = {key: str(rid) for key, rid in self.cases.items()}
        return cases.case_nodes(
            self.entities, self.persons, case_id=lambda code, eid: names[(code, eid)]
        )

    def reach(self) -> dict[str, set[Key]]:
        """Case id -> the records it reaches (itself, its persons, links, payments, accounts,
        vehicles, places), by (agency, entity id), whether still shared or not: a withdrawn
        account still named by a live link is reached."""
        found: dict[str, set[Key]] = {}
        for code, stream in self.entities.items():
            refs: dict[str, list[str]] = {}
            links: dict[str, list[str]] = defaultdict(list)  # Event id -> its UnknownLinks
            for entity in stream:
                eid, schema = entity["id"], entity["schema"]
                refs[eid] = [t for _, t in entities.references(schema, entity["properties"])]
                if schema == "UnknownLink":
                    for subject in entity["properties"].get("subject", []):
                        links[subject].append(eid)
            for entity in stream:
                if entity["schema"] != "Event":
                    continue
                eid = entity["id"]
                reached = {eid, *refs.get(eid, [])}
                for link in links.get(eid, []):
                    reached.add(link)
                    for target in refs.get(link, []):
                        reached.add(target)
                        reached.update(refs.get(target, []))  # a payment's accounts and persons
                found[str(self.cases[(code, eid)])] = {(code, r) for r in reached}
        return found


def _live(stmt: Any) -> Any:
    return stmt.where(SharedRecord.status == "active", SharedRecord.expires_on >= access.today())


def _codes(session: Session) -> dict[uuid.UUID, str]:
    return dict(session.execute(select(Agency.id, Agency.code)).all())


def load(session: Session) -> Loaded:
    """Every live record of the schemas a case reaches, and the person clusters of the
    Persons."""
    codes = _codes(session)
    found = Loaded()
    found.agency_ids = {code: aid for aid, code in codes.items()}
    stmt = _live(
        select(
            SharedRecord.id,
            SharedRecord.agency_id,
            SharedRecord.entity_id,
            SharedRecord.schema,
            SharedRecord.properties,
        ).where(SharedRecord.schema.in_(SCHEMAS))
    ).order_by(SharedRecord.agency_id, SharedRecord.entity_id)
    for rid, agency_id, eid, schema, properties in session.execute(
        stmt.execution_options(yield_per=CHUNK)
    ):
        code = codes[agency_id]
        found.entities[code].append({"id": eid, "schema": schema, "properties": properties})
        found.ids[(code, eid)] = rid
        if schema == "Event":
            found.cases[(code, eid)] = rid
    persons = _live(
        select(SharedRecord.agency_id, SharedRecord.entity_id, PersonCluster.key)
        .join(ClusterMember, ClusterMember.record_id == SharedRecord.id)
        .join(PersonCluster, PersonCluster.id == ClusterMember.cluster_id)
        .where(SharedRecord.schema == "Person")
    )
    for agency_id, eid, key in session.execute(persons.execution_options(yield_per=CHUNK)):
        found.persons[(codes[agency_id], eid)] = key
    return found


# --- what changed since the last run ---------------------------------------------------------


def last_run(session: Session) -> SeriesRun | None:
    return session.scalars(
        select(SeriesRun).order_by(SeriesRun.started_at.desc(), SeriesRun.id.desc()).limit(1)
    ).first()


def last_runs(session: Session, limit: int = 10) -> list[SeriesRun]:
    return list(
        session.scalars(
            select(SeriesRun)
            .order_by(SeriesRun.started_at.desc(), SeriesRun.id.desc())
            .limit(limit)
        )
    )


def _members(session: Session) -> dict[str, uuid.UUID]:
    """Case record id (text) -> its series, for every case in a series."""
    rows = session.execute(select(SeriesCase.record_id, SeriesCase.series_id))
    return {str(record): series_id for record, series_id in rows}


def _changed_since(session: Session, since: datetime) -> set[Key]:
    """Records (any status) changed, withdrawn or expired since `since`, Persons that linkage
    moved to another cluster since, and the cases named by changed links (a withdrawn link no
    longer shows which case it tied)."""
    codes = _codes(session)
    changed: set[Key] = set()
    stmt = select(
        SharedRecord.agency_id, SharedRecord.entity_id, SharedRecord.schema, SharedRecord.properties
    ).where(
        SharedRecord.schema.in_(SCHEMAS),
        or_(
            SharedRecord.updated_at >= since,
            # expired since: counted in days, one day back to be safe across time zones
            (SharedRecord.expires_on < access.today())
            & (SharedRecord.expires_on >= since.date() - timedelta(days=1)),
        ),
    )
    for agency_id, eid, schema, properties in session.execute(stmt):
        code = codes[agency_id]
        changed.add((code, eid))
        if schema == "UnknownLink":
            changed.update((code, s) for s in properties.get("subject", []))
    moved = (
        select(SharedRecord.agency_id, SharedRecord.entity_id)
        .join(ClusterMember, ClusterMember.record_id == SharedRecord.id)
        .where(ClusterMember.joined_at >= since)
    )
    changed.update((codes[a], eid) for a, eid in session.execute(moved))
    return changed


def _gone_cases(session: Session) -> bool:
    """Whether a case in a series is no longer shared (withdrawn or expired)."""
    stmt = (
        select(SeriesCase.record_id)
        .join(SharedRecord, SharedRecord.id == SeriesCase.record_id)
        .where(or_(SharedRecord.status != "active", SharedRecord.expires_on < access.today()))
        .limit(1)
    )
    return session.scalar(stmt) is not None


def _live_cases(session: Session) -> int:
    stmt = _live(
        select(func.count()).select_from(SharedRecord).where(SharedRecord.schema == "Event")
    )
    return int(session.scalar(stmt) or 0)


# --- discovery -------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What storing a discovery did: series created, grown (by their keys), dissolved."""

    created: list[str] = field(default_factory=list)
    grown: list[str] = field(default_factory=list)
    grown_ids: list[uuid.UUID] = field(default_factory=list)
    dissolved: list[str] = field(default_factory=list)
    hubs: int | None = None  # None: not judged (nothing was recomputed)


def discover(session: Session, actor: Actor, *, full: bool = False) -> SeriesRun:
    """Discover the series among the live cases and store them. Incremental unless `full` or
    no run exists yet: only the components of cases that changed since the last run."""
    if not actor.is_system:
        policy.require(actor, "series.discover")
    started = time.perf_counter()
    now = clock.now()
    previous = last_run(session)
    incremental = not full and previous is not None
    run = SeriesRun(
        id=uuid7(),
        started_at=now,
        mode="incremental" if incremental else "full",
        run_by=actor.username,
    )
    session.add(run)
    session.flush()
    if incremental:
        assert previous is not None
        changed = _changed_since(session, previous.started_at)
        # series changed since the last run by a withdrawal or a hub mark (no run wrote them)
        touched_series = set(
            session.scalars(
                select(Series.id).where(
                    Series.run_id.is_(None), Series.updated_at >= previous.started_at
                )
            )
        )
        if not changed and not touched_series and not _gone_cases(session):
            # nothing to recompute: not even the records are read
            nodes, outcome = None, Outcome()
        else:
            loaded = load(session)
            nodes = loaded.nodes()
            reach = loaded.reach()
            touching = {case for case, reached in reach.items() if reached & changed}
            outcome = recompute(
                session, loaded, nodes, touching, run=run, series_ids=touched_series
            )
    else:
        loaded = load(session)
        nodes = loaded.nodes()
        outcome = recompute(session, loaded, nodes, None, run=run)
    joint_lifecycle.grow(session, actor, series_ids=outcome.grown_ids)
    run.cases = len(nodes) if nodes is not None else _live_cases(session)
    run.series = (
        session.scalar(select(func.count()).select_from(Series).where(Series.status == "active"))
        or 0
    )
    # A run that recomputed nothing judged no hubs: those of the last run still stand.
    run.hubs = outcome.hubs if outcome.hubs is not None else previous.hubs if previous else 0
    run.finished_at = clock.now()
    run.seconds = round(time.perf_counter() - started, 3)
    audit.record(
        session,
        actor,
        action="series.discover",
        object_type="series_run",
        object_id=run.id,
        detail={
            "mode": run.mode,
            "cases": run.cases,
            "series": run.series,
            "hubs": run.hubs,
            "created": outcome.created,
            "grown": outcome.grown,
            "dissolved": outcome.dissolved,
        },
    )
    session.flush()
    return run


def recompute(
    session: Session,
    loaded: Loaded,
    nodes: Sequence[graph.CaseNode],
    touching: Collection[str] | None,
    *,
    run: SeriesRun | None = None,
    series_ids: Collection[uuid.UUID] = (),
) -> Outcome:
    """Discover and store: every series (`touching` None), or the components holding the
    `touching` cases and the cases of `series_ids`, grown until every old series they meet is
    recomputed whole (a series is never half rewritten)."""
    members = _members(session)
    live = {n.id for n in nodes}
    by_series: dict[uuid.UUID, set[str]] = defaultdict(set)
    for case, series_id in members.items():
        by_series[series_id].add(case)
    found_marks = hubs.marks_in_force(session)
    if touching is None:
        found = graph.discover(nodes, marks=found_marks)
        affected = set(by_series)
    else:
        wanted = set(touching)
        affected = set(series_ids) & set(by_series)
        # cases no longer live (withdrawn, expired, no longer an Event) leave their series
        affected |= {s for c, s in members.items() if c not in live}
        affected |= {members[c] for c in wanted if c in members}
        if not wanted and not affected:
            return Outcome()
        reached: set[str] = set()
        through_hubs: set[uuid.UUID] | None = None
        while True:
            # Every case of an affected series is recomputed, in its component: those not yet
            # in a computed series are added to the cases asked for, until none is left out.
            wanted |= {c for s in affected for c in by_series[s] if c in live} - reached
            found = graph.discover(nodes, marks=found_marks, touching=wanted)
            reached = {c for s in found.series for c in s.cases}
            affected |= {members[c] for c in reached if c in members}
            if through_hubs is None:
                # Hubs are judged on every case: an identifier the new data made a hub splits
                # the series it linked, wherever they are.
                through_hubs = _linked_through(session, found.hubs) & set(by_series)
                affected |= through_hubs
            left_out = {c for s in affected for c in by_series[s] if c in live}
            if not left_out - wanted - reached:
                break
    outcome = _store(session, loaded, found.series, members, affected, run=run)
    outcome.hubs = len(found.hubs)
    return outcome


def _linked_through(session: Session, idents: Collection[graph.Identifier]) -> set[uuid.UUID]:
    """The stored series whose evidence runs through one of `idents`."""
    by_kind: dict[str, list[str]] = defaultdict(list)
    for kind, value in idents:
        by_kind[kind].append(value[: entities.KEY_MAX])
    found: set[uuid.UUID] = set()
    for kind, values in by_kind.items():
        for start in range(0, len(values), CHUNK):
            found.update(
                session.scalars(
                    select(SeriesEvidence.series_id)
                    .where(
                        SeriesEvidence.kind == kind,
                        SeriesEvidence.value.in_(values[start : start + CHUNK]),
                    )
                    .distinct()
                )
            )
    return found


def _next_keys(session: Session) -> Iterator[str]:
    top = session.scalar(select(func.max(Series.key))) or "SR-000000"
    number = int(top.split("-")[1])
    while True:
        number += 1
        yield f"SR-{number:06d}"


def _store(
    session: Session,
    loaded: Loaded,
    found: Sequence[graph.FoundSeries],
    members: Mapping[str, uuid.UUID],
    affected: set[uuid.UUID],
    *,
    run: SeriesRun | None,
) -> Outcome:
    """Write `found` in place of the `affected` series. Each found series takes over the old
    series it shares most cases with (its key); the rest get new keys; old series nothing takes
    over are dissolved. Only what changed is written, in bulk."""
    now = clock.now()
    run_id = run.id if run is not None else None
    outcome = Outcome()
    old: dict[uuid.UUID, Series] = {}
    ids = sorted(affected)
    for start in range(0, len(ids), CHUNK):
        old.update(
            {
                s.id: s
                for s in session.scalars(
                    select(Series).where(Series.id.in_(ids[start : start + CHUNK]))
                )
            }
        )
    agency_of = {str(rid): loaded.agency_ids[code] for (code, _), rid in loaded.cases.items()}
    keys = _next_keys(session)
    claimed: set[uuid.UUID] = set()
    created: list[dict[str, Any]] = []
    placed: dict[str, uuid.UUID] = {}  # case -> its new series
    told: list[tuple[str, str, list[str], uuid.UUID]] = []  # (event, key, cases, series id)
    evidence: list[dict[str, Any]] = []
    for item in sorted(found, key=lambda s: (-len(s.cases), s.cases[0])):
        votes = Counter(members[c] for c in item.cases if members.get(c) in affected)
        chosen = next((sid for sid, _ in votes.most_common() if sid not in claimed), None)
        values = {
            "score": item.score,
            "size": len(item.cases),
            "agencies": len(item.agencies),
            "cross_regional": item.cross_regional,
            "first_date": item.first,
            "last_date": item.last,
        }
        if chosen is None:
            chosen = uuid7()
            key = next(keys)
            created.append(
                {
                    "id": chosen,
                    "key": key,
                    "status": "active",
                    "created_at": now,
                    "updated_at": now,
                    "run_id": run_id,
                    **values,
                }
            )
            outcome.created.append(key)
            told.append(("series.created", key, item.cases, chosen))
        else:
            row = old[chosen]
            joined = [c for c in item.cases if members.get(c) != chosen]
            if joined or any(getattr(row, k) != v for k, v in values.items()):
                session.execute(
                    update(Series)
                    .where(Series.id == chosen)
                    .values(**values, status="active", updated_at=now, run_id=run_id)
                    .execution_options(synchronize_session=False)
                )
            if joined:
                outcome.grown.append(row.key)
                outcome.grown_ids.append(chosen)
                told.append(("series.grown", row.key, item.cases, chosen))
        claimed.add(chosen)
        placed.update((c, chosen) for c in item.cases)
        evidence.extend(
            {
                "series_id": chosen,
                "left_id": uuid.UUID(e.left),
                "right_id": uuid.UUID(e.right),
                "kind": e.kind,
                "value": e.value[: entities.KEY_MAX],
                "weight": e.weight,
            }
            for e in item.evidence
        )
    if created:
        session.execute(insert(Series), created)
    dissolved = sorted(set(old) - claimed)
    if dissolved:
        session.execute(
            update(Series)
            .where(Series.id.in_(dissolved))
            .values(status="dissolved", size=0, agencies=0, updated_at=now, run_id=run_id)
            .execution_options(synchronize_session=False)
        )
        outcome.dissolved = sorted(old[s].key for s in dissolved)
    # Cases that left the affected series or moved between series; then the new placements.
    leaving = [c for c, s in members.items() if s in affected and placed.get(c) != s]
    moving = [(c, s) for c, s in placed.items() if members.get(c) != s]
    gone = sorted({*leaving, *(c for c, _ in moving if c in members)})
    for start in range(0, len(gone), CHUNK):
        session.execute(
            delete(SeriesCase)
            .where(SeriesCase.record_id.in_([uuid.UUID(c) for c in gone[start : start + CHUNK]]))
            .execution_options(synchronize_session=False)
        )
    rows = [
        {"record_id": uuid.UUID(c), "series_id": s, "agency_id": agency_of[c], "joined_at": now}
        for c, s in moving
    ]
    for start in range(0, len(rows), CHUNK):
        session.execute(insert(SeriesCase), rows[start : start + CHUNK])
    rewritten = sorted(affected | claimed)
    for start in range(0, len(rewritten), CHUNK):
        session.execute(
            delete(SeriesEvidence)
            .where(SeriesEvidence.series_id.in_(rewritten[start : start + CHUNK]))
            .execution_options(synchronize_session=False)
        )
    for start in range(0, len(evidence), CHUNK):
        session.execute(insert(SeriesEvidence), evidence[start : start + CHUNK])
    session.flush()
    session.expire_all()
    for event, key, members_now, series_id in told:
        _tell(session, event, key, series_id, {agency_of[c] for c in members_now}, members_now)
    return outcome


def _tell(
    session: Session,
    event: str,
    key: str,
    series_id: uuid.UUID,
    agencies: set[uuid.UUID],
    members: Sequence[str],
) -> None:
    """The agencies of a new or grown series hear of it (the title names the key only), once
    per membership: a run that finds the same series again tells nobody twice."""
    version = hashlib.sha256(",".join(sorted(members)).encode()).hexdigest()[:16]
    what = "new series" if event == "series.created" else "series grown"
    notify.enqueue(
        session,
        event=event,
        title=f"串案 · Crime series {key}: {what}",
        reference=key,
        link=f"/series/{key}",
        to_agencies=sorted(agencies),
        to_roles=TOLD,
        dedupe_key=f"{OBJECT_TYPE}:{series_id}:{version}",
        data={"series": key, "cases": len(members), "agencies": len(agencies)},
    )


# --- hub marks -------------------------------------------------------------------------------


def mark_identifier(
    session: Session, actor: Actor, *, kind: str, value: str, hub: bool, reason: str
) -> list[IdentifierMark]:
    """An analyst marks an identifier as a hub (it links nothing) or not one (it links even if
    the data makes it look like a hub); append-only, audited. The series it touches are
    recomputed at once."""
    policy.require(actor, "series.mark")
    cleaned = (reason or "").strip()
    if not cleaned:
        raise InvalidInput("say why the identifier is (not) a hub", field="reason")
    values = hubs.normalise(kind, value)
    now = clock.now()
    rows = [
        IdentifierMark(
            id=uuid7(),
            kind=kind,
            value=v,
            hub=hub,
            reason=cleaned[:REASON_MAX],
            user_id=actor.user_id,
            username=actor.username,
            agency_id=actor.agency_id,
            created_at=now,
        )
        for v in values
    ]
    session.add_all(rows)
    session.flush()
    for row in rows:
        audit.record(
            session,
            actor,
            action="series.hub_marked" if hub else "series.hub_unmarked",
            object_type="series_identifier_mark",
            object_id=row.id,
            detail={"kind": kind, "value": row.value, "hub": hub, "reason": row.reason},
        )
    idents = {(kind, v) for v in values}
    loaded = load(session)
    nodes = loaded.nodes()
    touching = {n.id for n in nodes if n.identifiers & idents}
    linked_by = set(
        session.scalars(
            select(SeriesEvidence.series_id).where(
                SeriesEvidence.kind == kind, SeriesEvidence.value.in_(values)
            )
        )
    )
    outcome = recompute(session, loaded, nodes, touching, series_ids=linked_by)
    joint_lifecycle.grow(session, actor, series_ids=outcome.grown_ids)
    session.flush()
    return rows


# --- export ----------------------------------------------------------------------------------


def export(session: Session) -> Iterator[dict[str, Any]]:
    """Every series of two or more cases: `{"series": key, "cases": [entity ids], "agencies":
    [codes]}`, an entity id qualified as `CODE:id` where more than one agency uses it."""
    from accord.records.service import qualified_ids

    rows = session.execute(
        select(Series.key, SeriesCase.record_id, SeriesCase.agency_id)
        .join(SeriesCase, SeriesCase.series_id == Series.id)
        .where(Series.status == "active")
        .order_by(Series.key)
    ).all()
    names = qualified_ids(session, [r for _, r, _ in rows])
    codes = _codes(session)
    grouped: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for key, record_id, agency_id in rows:
        grouped[key].append((names[record_id], codes[agency_id]))
    for key, found in grouped.items():
        if len(found) < 2:
            continue
        yield {
            "series": key,
            "cases": sorted(n for n, _ in found),
            "agencies": sorted({c for _, c in found}),
        }
