"""Person linkage under /api/v1: start a run, read a cluster (with a purpose; audited), record
a judgement."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from accord.core.errors import InvalidInput
from accord.linkage import service, views
from accord.linkage.models import LinkageRun
from accord.linkage.schemas import (
    ClusterOut,
    FieldWeight,
    JudgementCreated,
    JudgementIn,
    JudgementOut,
    LinkOut,
    RunIn,
    RunOut,
)
from accord.security import policy
from accord.security.deps import CurrentActor
from accord.web.deps import AuditedReadSession, DbSession
from accord.web.problems import CHANGE_RESPONSES, PROBLEM_RESPONSES

router = APIRouter(tags=["person linkage"], responses=PROBLEM_RESPONSES)
Purpose = Annotated[str | None, Query(max_length=300, description="Why you look (required)")]


def run_out(r: LinkageRun) -> RunOut:
    return RunOut(
        id=r.id,
        mode=r.mode,
        engine=r.engine,
        started_at=r.started_at,
        finished_at=r.finished_at,
        records=r.records,
        pairs_scored=r.pairs,
        links=r.links,
        clusters=r.clusters,
        seconds=r.seconds,
        run_by=r.run_by,
    )


@router.post("/linkage/runs", response_model=RunOut, status_code=201, responses=CHANGE_RESPONSES)
def start_run(body: RunIn, session: DbSession, actor: CurrentActor) -> RunOut:
    """Link the shared Person records now: incrementally (only records not yet in a cluster,
    with the saved model) unless `full`."""
    row = service.run(session, actor, engine=body.engine, full=body.full)
    session.commit()
    return run_out(row)


@router.get("/linkage/runs", response_model=list[RunOut])
def list_runs(session: DbSession, actor: CurrentActor) -> list[RunOut]:
    policy.require(actor, "linkage.read")
    return [run_out(r) for r in service.last_runs(session, 20)]


@router.get("/linkage/clusters/{key}", response_model=ClusterOut)
def read_cluster(
    key: str, session: AuditedReadSession, actor: CurrentActor, purpose: Purpose = None
) -> ClusterOut:
    """A person cluster as the reader may see it: records (hit-only ones as "match at agency
    X"), the scored links with the weight of each field, and the judgements."""
    try:
        view = views.cluster_view(session, actor, key, purpose=purpose)
    except Exception as exc:
        refusal = getattr(exc, "record_refusal", None)
        if refusal is not None:
            session.rollback()
            refusal(session)
            session.commit()
        raise
    session.commit()
    return ClusterOut(
        cluster=view.cluster.key,
        size=view.cluster.size,
        label=view.label,
        records=[r.as_dict() for r in view.records],
        links=[
            LinkOut(
                left=link.left.id,
                right=link.right.id,
                visible=link.visible,
                linked=link.linked,
                match_weight=link.match_weight if link.visible else None,
                probability=link.probability if link.visible else None,
                prior_weight=link.prior_weight if link.visible else None,
                fields=[FieldWeight(**f) for f in link.fields],
            )
            for link in view.links
        ],
        judgements=[
            JudgementOut(
                left=j.left.id,
                right=j.right.id,
                verdict=j.verdict,
                reason=j.reason,
                by=j.username,
                at=j.created_at,
                in_force=j.in_force,
            )
            for j in view.judgements
        ],
    )


@router.post(
    "/linkage/judgements",
    response_model=JudgementCreated,
    status_code=201,
    responses=CHANGE_RESPONSES,
)
def create_judgement(
    body: JudgementIn, session: DbSession, actor: CurrentActor
) -> JudgementCreated:
    """Record a judgement on two Person records, or on one against the rest of its `cluster`
    (append-only); it applies to their clusters at once and every later run keeps it."""
    if body.right_id is not None:
        rows = [
            service.judge(
                session,
                actor,
                left_id=body.left_id,
                right_id=body.right_id,
                verdict=body.verdict,
                reason=body.reason,
                cluster_key=body.cluster,
            )
        ]
    elif body.cluster:
        rows = service.judge_member(
            session,
            actor,
            record_id=body.left_id,
            cluster_key=body.cluster,
            verdict=body.verdict,
            reason=body.reason,
        )
    else:
        raise InvalidInput("name the other record, or the cluster", field="right_id")
    session.commit()
    left = service.cluster_of(session, body.left_id)
    right = service.cluster_of(session, body.right_id) if body.right_id else None
    return JudgementCreated(
        ids=[r.id for r in rows],
        verdict=body.verdict,
        left_cluster=left.key if left else None,
        right_cluster=right.key if right else None,
    )
