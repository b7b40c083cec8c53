"""A person cluster as one reader may see it: its records by agency, the links between them with
the weight each field added (the waterfall), and the judgements.

Every record goes through the records domain's one redaction (`records.access.record_view`): a
record shared hit/no-hit only shows as "match at agency X", and a link or judgement touching
such a record shows no fields. Opening a cluster states a purpose and is audited with the
subjects of every record in it; the agencies that see a record in full become its holders.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.linkage import model, service
from accord.linkage.models import ClusterMember, Judgement, PersonCluster, PersonLink
from accord.records import access as records_access
from accord.records.access import FULL, AgencyRef, RecordView
from accord.records.models import SharedRecord
from accord.security import policy
from accord.security.actor import Actor

OBJECT_TYPE = "person_cluster"

# The fields' names as the page shows them (translated there).
FIELD_LABELS = {
    "name": "Name",
    "birth_date": "Birth date",
    "resident_id": "Resident ID",
    "passport": "Passport",
    "phone": "Phone",
    "gender": "Gender",
}


@dataclass(frozen=True)
class LinkView:
    left: RecordView
    right: RecordView
    match_weight: float
    probability: float
    prior_weight: float
    # [{"field", "level", "weight"}]; empty when either side is shown as a match only
    fields: list[dict[str, Any]]
    linked: bool  # at or above the linking threshold

    @property
    def visible(self) -> bool:
        return not (self.left.redacted or self.right.redacted)

    def waterfall(self) -> dict[str, Any]:
        """The chart's data: the prior, then each field's weight, ending at the match weight."""
        steps = [{"label": "Prior", "weight": self.prior_weight}]
        steps += [
            {"label": FIELD_LABELS.get(f["field"], f["field"]), "level": f["level"],
             "weight": f["weight"]}
            for f in self.fields
        ]  # fmt: skip
        return {"steps": steps, "total": self.match_weight}


@dataclass(frozen=True)
class JudgementView:
    left: RecordView
    right: RecordView
    verdict: str
    reason: str
    username: str
    created_at: Any
    in_force: bool


@dataclass
class ClusterView:
    cluster: PersonCluster
    by_agency: list[tuple[AgencyRef, list[RecordView]]]
    links: list[LinkView]
    judgements: list[JudgementView]
    label: str
    redacted_agencies: list[AgencyRef] = field(default_factory=list)

    @property
    def records(self) -> list[RecordView]:
        return [r for _, views in self.by_agency for r in views]

    @property
    def full_records(self) -> list[RecordView]:
        return [r for r in self.records if not r.redacted]


def _label(views: list[RecordView]) -> str:
    """The name to head the page with: the commonest name among the records shown in full,
    in characters where there are some."""
    names: dict[str, int] = defaultdict(int)
    for view in views:
        for name in view.values("name"):
            names[name] += 1
    if not names:
        return ""
    return max(names, key=lambda n: (any("\u4e00" <= c <= "\u9fff" for c in n), names[n], n))


def cluster_view(session: Session, actor: Actor, key: str, *, purpose: str | None) -> ClusterView:
    """The cluster `key` as the actor may see it; refused (404) when the actor may see none of
    its records. The view is audited with its purpose."""
    policy.require(actor, "linkage.read")
    cluster_row = service.get_cluster(session, key)
    records = service.member_records(session, cluster_row)
    modes = records_access.view_modes(session, actor, records)
    shown = [r for r in records if modes.get(r.id)]
    if not shown:
        raise service.ClusterNotFound("no such person cluster", field="cluster")
    reason = records_access.require_purpose(
        actor, purpose, action="person_cluster.read", subjects=records_access.record_subjects(shown)
    )
    views = {r.id: records_access.record_view(session, actor, r, modes[r.id]) for r in shown}
    grouped: dict[uuid.UUID, list[RecordView]] = defaultdict(list)
    for record in shown:
        grouped[record.agency_id].append(views[record.id])
    agencies = records_access.agency_refs(session, grouped)
    own = actor.agency_id
    by_agency = sorted(
        ((agencies[a], v) for a, v in grouped.items()),
        key=lambda item: (item[0].id != own, item[0].code),
    )
    links = [_link(views, link) for link in service.links_among(session, list(views))]
    judgements = _judgements(session, actor, views)
    records_access.audit_view(
        session,
        actor,
        action="person_cluster.read",
        purpose=reason,
        records=shown,
        modes=modes,
        object_id=cluster_row.id,
        detail={"cluster": cluster_row.key},
    )
    records_access.note_holders(session, actor, [r for r in shown if modes[r.id] == FULL])
    return ClusterView(
        cluster_row,
        by_agency,
        links,
        judgements,
        _label([v for v in views.values() if not v.redacted]),
        [agencies[a] for a, v in grouped.items() if all(x.redacted for x in v)],
    )


def _link(views: dict[uuid.UUID, RecordView], link: PersonLink) -> LinkView:
    left, right = views[link.left_id], views[link.right_id]
    visible = not (left.redacted or right.redacted)
    return LinkView(
        left,
        right,
        link.match_weight if visible else 0.0,
        link.probability if visible else 0.0,
        link.prior_weight if visible else 0.0,
        list(link.fields) if visible else [],
        link.probability >= model.THRESHOLD,
    )


def _judgements(
    session: Session, actor: Actor, members: dict[uuid.UUID, RecordView]
) -> list[JudgementView]:
    """The judgements on the cluster's records, with the other record wherever it is now (a
    "not same" has usually moved it to another cluster)."""
    rows = service.judgements_of(session, list(members))
    others = {r.left_id for r in rows} | {r.right_id for r in rows}
    views = dict(members)
    for record in session.scalars(
        select(SharedRecord).where(SharedRecord.id.in_(others - set(members)))
    ):
        mode = records_access.view_mode(session, actor, record)
        if mode == FULL and record.status == "active":
            views[record.id] = records_access.record_view(session, actor, record, mode)
    latest: set[tuple[uuid.UUID, uuid.UUID]] = set()
    out = []
    for row in rows:  # newest first
        pair = (row.left_id, row.right_id)
        left, right = views.get(row.left_id), views.get(row.right_id)
        if left is None or right is None or left.redacted or right.redacted:
            continue
        out.append(
            JudgementView(
                left, right, row.verdict, row.reason, row.username, row.created_at,
                pair not in latest,
            )
        )  # fmt: skip
        latest.add(pair)
    return out


@dataclass(frozen=True)
class ClusterSummary:
    key: str
    size: int
    agencies: list[AgencyRef]
    updated_at: Any


def clusters_across_agencies(
    session: Session, actor: Actor, *, limit: int = 50, offset: int = 0
) -> tuple[list[ClusterSummary], int]:
    """The clusters spanning two or more agencies with a record of the actor's own agency (the
    persons the actor's agency shares with others), biggest first. Keys and agencies only: the
    list names nobody."""
    policy.require(actor, "linkage.read")
    mine = (
        select(ClusterMember.cluster_id)
        .join(SharedRecord, SharedRecord.id == ClusterMember.record_id)
        .where(SharedRecord.agency_id == actor.agency_id)
    )
    query = select(PersonCluster).where(PersonCluster.agencies >= 2)
    if actor.agency_id is not None:
        query = query.where(PersonCluster.id.in_(mine))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = list(
        session.scalars(
            query.order_by(PersonCluster.size.desc(), PersonCluster.key).limit(limit).offset(offset)
        )
    )
    owners: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
    for cluster_id, agency_id in session.execute(
        select(ClusterMember.cluster_id, SharedRecord.agency_id)
        .join(SharedRecord, SharedRecord.id == ClusterMember.record_id)
        .where(ClusterMember.cluster_id.in_([r.id for r in rows]))
    ):
        owners[cluster_id].add(agency_id)
    refs = records_access.agency_refs(session, {a for s in owners.values() for a in s})
    return [
        ClusterSummary(
            r.key, r.size, sorted((refs[a] for a in owners[r.id]), key=lambda a: a.code),
            r.updated_at,
        )
        for r in rows
    ], int(total)  # fmt: skip


def judgement_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Judgement)) or 0)
