"""Person linkage over the shared records: runs (full or incremental), judgements, and the
clusters as stored.

A full run trains a new model on every active Person record and re-clusters them all; cluster
keys carry over to the new cluster sharing most records with the old. An incremental run takes
the saved model and scores only the records not yet in a cluster (new, or changed since)
against the rest, so the existing clusters grow or join but are not recomputed. Judgements
apply at once to the clusters they touch, from the stored links, and every later run keeps
them.
"""

from __future__ import annotations

import json
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from importlib import resources
from typing import Any

from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from accord.agencies.models import Agency
from accord.audit import service as audit
from accord.core import clock
from accord.core.errors import InvalidInput, NotFound
from accord.core.ids import uuid7
from accord.linkage import model, pipeline
from accord.linkage.clustering import Edge, cluster, pair_key
from accord.linkage.features import person_features
from accord.linkage.models import (
    ClusterMember,
    Judgement,
    LinkageModel,
    LinkageRun,
    PersonCluster,
    PersonLink,
)
from accord.records.models import SharedRecord
from accord.security import policy
from accord.security.actor import Actor

VERDICTS = ("same", "not_same", "unsure")
# Below this many Person records a model trained on them is unreliable for the rarer levels (a
# transcribed foreign name, two typos in an ID): the run starts from the shipped model instead,
# trained without labels on 100,000 records of the development data (bench/gen_linkage.py).
MIN_TRAINING_RECORDS = 20_000
SHIPPED_MODEL = "data/model.json"
SHIPPED_MODEL_RECORDS = 100_000  # bench/train_shipped_model.py
# Called with (session, cluster key, record ids that joined it) after a run or a judgement
# adds records to a cluster; the watch service registers itself here (wiring).
ON_CLUSTER_GROWTH: list[Callable[[Session, str, list[uuid.UUID]], None]] = []


class ClusterNotFound(NotFound):
    code = "cluster_not_found"


class NotAPerson(InvalidInput):
    code = "not_a_person"


def _active_persons(session: Session, ids: Iterable[uuid.UUID] | None = None) -> Any:
    query = (
        select(SharedRecord.id, SharedRecord.properties, Agency.code)
        .join(Agency, Agency.id == SharedRecord.agency_id)
        .where(
            SharedRecord.schema == "Person",
            SharedRecord.status == "active",
            SharedRecord.expires_on >= clock.now().date(),
        )
    )
    if ids is not None:
        query = query.where(SharedRecord.id.in_(list(ids)))
    return session.execute(query)


def person_rows(session: Session, ids: Iterable[uuid.UUID] | None = None) -> list[dict[str, Any]]:
    """The comparison columns of the active, unexpired Person records (all, or `ids`)."""
    return [
        person_features(str(rid), code, props or {})
        for rid, props, code in _active_persons(session, ids)
    ]


def judgements_in_force(
    session: Session,
) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """The pairs judged the same and not the same: the latest verdict on each pair counts."""
    latest: dict[tuple[str, str], str] = {}
    rows = session.execute(
        select(Judgement.left_id, Judgement.right_id, Judgement.verdict).order_by(
            Judgement.created_at, Judgement.id
        )
    )
    for left, right, verdict in rows:
        latest[pair_key(str(left), str(right))] = verdict
    same = {p for p, v in latest.items() if v == "same"}
    not_same = {p for p, v in latest.items() if v == "not_same"}
    return same, not_same


def active_model(session: Session) -> LinkageModel | None:
    return session.scalars(
        select(LinkageModel)
        .where(LinkageModel.active.is_(True))
        .order_by(LinkageModel.created_at.desc())
        .limit(1)
    ).first()


def _memberships(session: Session) -> dict[str, uuid.UUID]:
    rows = session.execute(select(ClusterMember.record_id, ClusterMember.cluster_id))
    return {str(record): cluster_id for record, cluster_id in rows}


def _next_keys(session: Session) -> Iterator[str]:
    top = session.scalar(select(func.max(PersonCluster.key))) or "PC-000000"
    number = int(top.split("-")[1])
    while True:
        number += 1
        yield f"PC-{number:06d}"


def shipped_model() -> dict[str, Any]:
    """The model shipped with Accord (Splink's saved settings with their parameters)."""
    text = resources.files("accord.linkage").joinpath(SHIPPED_MODEL).read_text("utf-8")
    saved: dict[str, Any] = json.loads(text)
    return saved


def _outgrown(saved: LinkageModel, records: int, train: bool | None) -> bool:
    """Whether the records have outgrown the model: enough of them to train on, and the model
    is the shipped one or was trained on less than half as many. The run is then a full one
    with a model trained on them."""
    if train is False or records < MIN_TRAINING_RECORDS:
        return False
    return saved.created_by == "shipped" or records >= 2 * saved.records


def run(
    session: Session,
    actor: Actor,
    *,
    engine: str = "duckdb",
    full: bool = False,
    train: bool | None = None,
    spark: Any = None,
) -> LinkageRun:
    """Link the shared Person records (incrementally when a model and clusters exist, unless
    `full`, or when the records have outgrown the model) and store the clusters and scored
    links. A full run trains a new model when there are enough records (or `train` says so),
    else takes the shipped one."""
    if not actor.is_system:
        policy.require(actor, "linkage.run")
    started = time.perf_counter()
    now = clock.now()
    rows = person_rows(session)
    saved_model = active_model(session)
    members = _memberships(session)
    live = {row["unique_id"] for row in rows}
    incremental = (
        not full
        and saved_model is not None
        and bool(members)
        and not _outgrown(saved_model, len(rows), train)
    )
    same, not_same = judgements_in_force(session)
    existing: dict[uuid.UUID, list[str]] = defaultdict(list)
    for record, cluster_id in members.items():
        if record in live:
            existing[cluster_id].append(record)
    new_ids = sorted(live - members.keys()) if incremental else None
    trained_on: int | None = None
    if incremental and saved_model is not None:
        start: dict[str, Any] | None = saved_model.settings
        trained_on = saved_model.records
    elif train or (train is None and len(rows) >= MIN_TRAINING_RECORDS):
        start = None
    else:
        start, trained_on = shipped_model(), SHIPPED_MODEL_RECORDS
    result = pipeline.link(
        rows,
        engine=engine,
        saved=start,
        same=same,
        not_same=not_same,
        new_ids=new_ids,
        existing=list(existing.values()) if incremental else (),
        trained_on=trained_on,
        spark=spark,
    )
    if not incremental:
        session.execute(update(LinkageModel).values(active=False))
        saved_model = LinkageModel(
            created_at=now,
            created_by=actor.username if result.trained else "shipped",
            engine=engine,
            records=len(rows) if result.trained else SHIPPED_MODEL_RECORDS,
            # The model as trained (a shipped one unscaled: its prior fits its own records).
            settings=result.saved if result.trained or start is None else start,
            active=True,
        )
        session.add(saved_model)
        session.flush()
    assert saved_model is not None  # an incremental run has one; a full run made one
    run_row = LinkageRun(
        started_at=now,
        mode="incremental" if incremental else "full",
        engine=engine,
        model_id=saved_model.id,
        run_by=actor.username,
        records=len(rows),
        pairs=len(result.pairs),
        links=sum(1 for p in result.pairs if p.probability >= model.THRESHOLD),
        threshold=model.THRESHOLD,
    )
    session.add(run_row)
    session.flush()
    if not incremental:
        session.execute(delete(PersonLink))
    grown = _store_clusters(session, run_row, result.clusters, members, keep_keys=True)
    _store_links(session, run_row, result.pairs, saved=result.saved, replacing=incremental)
    run_row.clusters = len(result.clusters)
    run_row.finished_at = clock.now()
    run_row.seconds = round(time.perf_counter() - started, 3)
    audit.record(
        session,
        actor,
        action="linkage.run",
        object_type="linkage_run",
        object_id=run_row.id,
        detail={
            "mode": run_row.mode,
            "engine": engine,
            "records": run_row.records,
            "pairs": run_row.pairs,
            "clusters": run_row.clusters,
        },
    )
    session.flush()
    for key, joined in grown.items():
        for hook in ON_CLUSTER_GROWTH:
            hook(session, key, joined)
    return run_row


def _store_clusters(
    session: Session,
    run_row: LinkageRun | None,
    groups: Sequence[Sequence[str]],
    before: dict[str, uuid.UUID],
    *,
    keep_keys: bool,
) -> dict[str, list[uuid.UUID]]:
    """Write `groups` as the clusters of their records. Each group takes over the old cluster
    it shares most records with (its key, so watches follow the person); the rest get new
    keys. Only what changed is written, in bulk. Returns the records that joined each kept
    cluster, by key."""
    now = clock.now()
    run_id = run_row.id if run_row is not None else None
    old: dict[uuid.UUID, tuple[str, int, int]] = {}
    wanted = list(set(before.values()))
    for start in range(0, len(wanted), 1000):
        rows = session.execute(
            select(
                PersonCluster.id, PersonCluster.key, PersonCluster.size, PersonCluster.agencies
            ).where(PersonCluster.id.in_(wanted[start : start + 1000]))
        )
        old.update({cid: (key, size, count) for cid, key, size, count in rows})
    keys = _next_keys(session)
    agencies = dict(
        session.execute(
            select(SharedRecord.id, SharedRecord.agency_id).where(SharedRecord.schema == "Person")
        ).all()
    )
    claimed: set[uuid.UUID] = set()
    grown: dict[str, list[uuid.UUID]] = {}
    created: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    moved: list[tuple[uuid.UUID, str]] = []
    # The biggest groups choose first, so a split leaves the key with the larger part.
    for group in sorted(groups, key=lambda g: (-len(g), g[0])):
        votes = Counter(before[r] for r in group if r in before)
        chosen = next((cid for cid, _ in votes.most_common() if cid not in claimed), None)
        count = len({agencies.get(uuid.UUID(r)) for r in group})
        if chosen is None:
            chosen = uuid7()
            created.append(
                {
                    "id": chosen,
                    "key": next(keys),
                    "size": len(group),
                    "agencies": count,
                    "created_at": now,
                    "updated_at": now,
                    "run_id": run_id,
                }
            )
        else:
            key, size, was = old[chosen]
            joined = [uuid.UUID(r) for r in group if before.get(r) != chosen]
            if joined:
                grown[key] = joined
            if joined or size != len(group) or was != count:
                changed.append(
                    {
                        "id": chosen,
                        "size": len(group),
                        "agencies": count,
                        "updated_at": now,
                        "run_id": run_id,
                    }
                )
        claimed.add(chosen)
        moved.extend((chosen, r) for r in group if before.get(r) != chosen)
    if created:
        session.execute(insert(PersonCluster), created)
    if changed:
        session.execute(update(PersonCluster), changed)
    for start in range(0, len(moved), 1000):
        chunk = moved[start : start + 1000]
        session.execute(
            delete(ClusterMember).where(
                ClusterMember.record_id.in_([uuid.UUID(r) for _, r in chunk])
            )
        )
        session.execute(
            insert(ClusterMember),
            [{"record_id": uuid.UUID(r), "cluster_id": cid, "joined_at": now} for cid, r in chunk],
        )
    if keep_keys:
        stale = list(set(old) - claimed)
        for start in range(0, len(stale), 1000):
            gone = stale[start : start + 1000]
            session.execute(delete(ClusterMember).where(ClusterMember.cluster_id.in_(gone)))
            session.execute(delete(PersonCluster).where(PersonCluster.id.in_(gone)))
    session.flush()
    session.expire_all()
    return grown


def _store_links(
    session: Session,
    run_row: LinkageRun,
    pairs: Sequence[Any],
    *,
    saved: dict[str, Any],
    replacing: bool = True,
) -> None:
    """Keep the scored pairs with their explanation; `replacing` pairs stored before."""
    if not pairs:
        return
    from accord.linkage.engines import prior_weight

    prior = round(prior_weight(saved), 3)
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for pair in pairs:
        left, right = pair_key(pair.left, pair.right)
        fields = [{"field": f, "level": label, "weight": w} for f, label, w in pair.fields]
        rows[(left, right)] = {
            "left_id": uuid.UUID(left),
            "right_id": uuid.UUID(right),
            "match_weight": round(pair.match_weight, 3),
            "probability": round(pair.probability, 6),
            "fields": fields,
            "prior_weight": prior,
            "run_id": run_row.id,
        }
    values = list(rows.values())
    for start in range(0, len(values), 500):
        chunk = values[start : start + 500]
        if not replacing:
            session.execute(insert(PersonLink), chunk)
            continue
        session.execute(
            delete(PersonLink).where(
                or_(
                    *(
                        (PersonLink.left_id == v["left_id"])
                        & (PersonLink.right_id == v["right_id"])
                        for v in chunk
                    )
                )
            )
        )
        session.execute(insert(PersonLink), chunk)


# --- judgements ------------------------------------------------------------------------------


def _person(session: Session, record_id: uuid.UUID, field: str) -> SharedRecord:
    record = session.get(SharedRecord, record_id)
    if record is None or record.status != "active":
        raise NotFound("no such record", field=field)
    if record.schema != "Person":
        raise NotAPerson("judgements are made on Person records", field=field)
    return record


def judge(
    session: Session,
    actor: Actor,
    *,
    left_id: uuid.UUID,
    right_id: uuid.UUID,
    verdict: str,
    reason: str,
    cluster_key: str | None = None,
) -> Judgement:
    """Record an analyst's verdict on two Person records (append-only) and apply it at once to
    the clusters that hold them."""
    from accord.records import access as records_access

    policy.require(actor, "linkage.judge")
    if verdict not in VERDICTS:
        raise InvalidInput(f"verdict must be one of {', '.join(VERDICTS)}", field="verdict")
    if not reason.strip():
        raise InvalidInput("say why", field="reason")
    if left_id == right_id:
        raise InvalidInput("a record is always the same as itself", field="right_id")
    left = _person(session, left_id, "left_id")
    right = _person(session, right_id, "right_id")
    for rec, field in ((left, "left_id"), (right, "right_id")):
        if records_access.view_mode(session, actor, rec) != "full":
            raise NotFound("no such record", field=field)
    a, b = pair_key(str(left.id), str(right.id))
    link = session.get(PersonLink, (uuid.UUID(a), uuid.UUID(b)))
    row = Judgement(
        left_id=uuid.UUID(a),
        right_id=uuid.UUID(b),
        verdict=verdict,
        reason=reason.strip(),
        user_id=actor.user_id,
        username=actor.username,
        agency_id=actor.agency_id,
        cluster_key=cluster_key,
        match_weight=link.match_weight if link else None,
        created_at=clock.now(),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        action="linkage.judge",
        object_type="linkage_judgement",
        object_id=row.id,
        purpose=reason.strip(),
        detail={"verdict": verdict, "left": a, "right": b, "cluster": cluster_key},
    )
    recluster(session, [left.id, right.id])
    return row


def judge_member(
    session: Session,
    actor: Actor,
    *,
    record_id: uuid.UUID,
    cluster_key: str,
    verdict: str,
    reason: str,
) -> list[Judgement]:
    """A verdict on one member of a cluster against the rest of it: one pair judgement with
    each other member the actor sees in full ("not same" takes the record out)."""
    from accord.records import access as records_access

    cluster_row = get_cluster(session, cluster_key)
    members = member_records(session, cluster_row)
    if record_id not in {m.id for m in members}:
        raise InvalidInput(f"the record is not in {cluster_row.key}", field="left_id")
    others = [
        m
        for m in members
        if m.id != record_id and records_access.view_mode(session, actor, m) == "full"
    ]
    if not others:
        raise InvalidInput("no other record of the cluster to judge against", field="right_id")
    return [
        judge(
            session,
            actor,
            left_id=record_id,
            right_id=other.id,
            verdict=verdict,
            reason=reason,
            cluster_key=cluster_row.key,
        )
        for other in others
    ]


def recluster(session: Session, record_ids: Iterable[uuid.UUID]) -> None:
    """Re-cluster the clusters holding `record_ids` from their stored links and the judgements
    in force, without the model: what a judgement changes shows at once."""
    members = _memberships(session)
    clusters = {members[str(r)] for r in record_ids if str(r) in members}
    ids = [r for r, c in members.items() if c in clusters]
    ids += [str(r) for r in record_ids if str(r) not in members]
    if not ids:
        return
    uuids = [uuid.UUID(r) for r in ids]
    rows = person_rows(session, uuids)
    features = {row["unique_id"]: row for row in rows}
    links = session.execute(
        select(PersonLink.left_id, PersonLink.right_id, PersonLink.match_weight).where(
            PersonLink.left_id.in_(uuids),
            PersonLink.right_id.in_(uuids),
            PersonLink.probability >= model.THRESHOLD,
        )
    )
    edges = [Edge(str(a), str(b), w) for a, b, w in links]
    same, not_same = judgements_in_force(session)
    groups = cluster(list(features), features, edges, same=same, not_same=not_same)
    before = {r: c for r, c in members.items() if r in features}
    grown = _store_clusters(session, None, groups, before, keep_keys=True)
    for key, joined in grown.items():
        for hook in ON_CLUSTER_GROWTH:
            hook(session, key, joined)


def judgements_of(session: Session, record_ids: Iterable[uuid.UUID]) -> list[Judgement]:
    ids = list(record_ids)
    return list(
        session.scalars(
            select(Judgement)
            .where(or_(Judgement.left_id.in_(ids), Judgement.right_id.in_(ids)))
            .order_by(Judgement.created_at.desc(), Judgement.id.desc())
        )
    )


# --- records leaving and changing ----------------------------------------------------------------


def forget(session: Session, records: Sequence[SharedRecord]) -> None:
    """A withdrawn or changed Person record leaves its cluster and links; a changed one is
    linked again by the next (incremental) run."""
    ids = [r.id for r in records if r.schema == "Person"]
    touched: set[uuid.UUID] = set()
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        found = session.scalars(
            select(ClusterMember.cluster_id).where(ClusterMember.record_id.in_(chunk))
        ).all()
        if not found:
            continue  # new records: in no cluster yet
        touched.update(found)
        session.execute(delete(ClusterMember).where(ClusterMember.record_id.in_(chunk)))
        session.execute(
            delete(PersonLink).where(
                or_(PersonLink.left_id.in_(chunk), PersonLink.right_id.in_(chunk))
            )
        )
    if not touched:
        return
    for cluster_row in session.scalars(select(PersonCluster).where(PersonCluster.id.in_(touched))):
        size = session.scalar(
            select(func.count()).where(ClusterMember.cluster_id == cluster_row.id)
        )
        if not size:
            session.delete(cluster_row)
        else:
            cluster_row.size = int(size)
            cluster_row.updated_at = clock.now()
    session.flush()


# --- reading ---------------------------------------------------------------------------------


def get_cluster(session: Session, key: str) -> PersonCluster:
    row = session.scalars(select(PersonCluster).where(PersonCluster.key == key.upper())).first()
    if row is None:
        raise ClusterNotFound("no such person cluster", field="cluster")
    return row


def cluster_of(session: Session, record_id: uuid.UUID) -> PersonCluster | None:
    return session.scalars(
        select(PersonCluster)
        .join(ClusterMember, ClusterMember.cluster_id == PersonCluster.id)
        .where(ClusterMember.record_id == record_id)
    ).first()


def member_records(session: Session, cluster_row: PersonCluster) -> list[SharedRecord]:
    return list(
        session.scalars(
            select(SharedRecord)
            .join(ClusterMember, ClusterMember.record_id == SharedRecord.id)
            .where(ClusterMember.cluster_id == cluster_row.id)
            .order_by(SharedRecord.agency_id, SharedRecord.entity_id)
        )
    )


def links_among(session: Session, record_ids: Sequence[uuid.UUID]) -> list[PersonLink]:
    ids = list(record_ids)
    return list(
        session.scalars(
            select(PersonLink)
            .where(PersonLink.left_id.in_(ids), PersonLink.right_id.in_(ids))
            .order_by(PersonLink.match_weight.desc())
        )
    )


def export(session: Session) -> Iterator[dict[str, Any]]:
    """Every cluster, singletons included: `{"cluster": key, "records": [entity ids]}`, an
    entity id qualified as `CODE:id` where more than one agency uses it."""
    from accord.records.service import qualified_ids

    rows = session.execute(
        select(PersonCluster.key, ClusterMember.record_id)
        .join(ClusterMember, ClusterMember.cluster_id == PersonCluster.id)
        .order_by(PersonCluster.key)
    ).all()
    names = qualified_ids(session, [r for _, r in rows])
    grouped: dict[str, list[str]] = defaultdict(list)
    for key, record_id in rows:
        grouped[key].append(names[record_id])
    for key, records in grouped.items():
        yield {"cluster": key, "records": sorted(records)}


def last_runs(session: Session, limit: int = 10) -> list[LinkageRun]:
    return list(
        session.scalars(select(LinkageRun).order_by(LinkageRun.started_at.desc()).limit(limit))
    )
