"""Shared records and watches under /api/v1.

`POST /records/import?agency=CODE` takes JSON lines (or a JSON array) of FtM entities, all or
nothing, with an `Idempotency-Key`; searches and reads state their `purpose` (422
`purpose_required` without, and the refusal is on file) and are audited; a record the rules
share as hit/no-hit only comes out as `match at agency X`, one they do not share is a 404, a
withdrawn or expired one a 410.
"""

from __future__ import annotations

import json
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from accord.core import idempotency
from accord.core.etag import check_if_match, etag_for, set_etag
from accord.records import entities, service, watches
from accord.records.access import RecordView
from accord.records.imports import Defaults
from accord.records.models import Watch
from accord.records.schemas import (
    ImportOut,
    RecordOut,
    RecordReadOut,
    SearchOut,
    WatchIn,
    WatchOut,
    WithdrawIn,
    WithdrawOut,
)
from accord.security.deps import CurrentActor
from accord.web.deps import AuditedReadSession, DbSession
from accord.web.problems import CHANGE_RESPONSES, PROBLEM_RESPONSES

router = APIRouter(tags=["shared records"], responses=PROBLEM_RESPONSES)

GONE: dict[int | str, dict[str, Any]] = {
    410: {"description": "Withdrawn by its owner, or expired (problem+json)"}
}
Purpose = Annotated[str | None, Query(max_length=300, description="Why you look (required)")]


def record_out(view: RecordView, **extra: Any) -> dict[str, Any]:
    out = RecordOut.model_validate({**view.as_dict(), **extra})
    return out.model_dump(mode="json", by_alias=True, exclude_none=True)


def _lines(body: bytes) -> list[Any]:
    """A JSON array of entities, or JSON lines (kept as text: the import names bad lines)."""
    text = body.decode("utf-8", errors="strict")
    if text.lstrip().startswith("["):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise entities.InvalidRecord(f"the body is not JSON ({exc.msg})", field="body") from exc
        return [item if isinstance(item, dict) else json.dumps(item) for item in data]
    return text.splitlines()


@router.post("/records/import", response_model=ImportOut, responses=CHANGE_RESPONSES)
async def import_records(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    agency: Annotated[str, Query(min_length=1, max_length=32, description="The owner's code")],
    handling_code: Annotated[str, Query(pattern="^H[0-3]$")] = "H0",
    handling_text: Annotated[str | None, Query(max_length=200)] = None,
    source_reliability: Annotated[str, Query(pattern="^[ABCX]$")] = "X",
    information_accuracy: Annotated[int, Query(ge=1, le=4)] = 4,
) -> Response:
    """Share (or update, or withdraw with `{"id": X, "withdrawn": true}`) an agency's records:
    one FtM entity a line, or a JSON array. All or nothing: the first bad line is refused with
    its number and field. The query's provenance applies to lines that state none."""
    body = await request.body()

    def work() -> Response:
        with idempotency.idempotent(request, session, actor, body) as guard:
            if guard.replay is not None:
                return guard.replay
            try:
                lines = _lines(body)
            except UnicodeDecodeError as exc:
                raise entities.InvalidRecord("the body is not UTF-8", field="body") from exc
            result = service.import_lines(
                session,
                actor,
                agency=service.agency_for(session, agency),
                lines=lines,
                defaults=Defaults(
                    handling_code, handling_text, source_reliability, information_accuracy
                ),
            )
            out = ImportOut(
                created=result.created,
                updated=result.updated,
                unchanged=result.unchanged,
                withdrawn=result.withdrawn,
                sha256=result.digest,
                record_ids=result.record_ids,
            )
            response = JSONResponse(out.model_dump(mode="json"))
            guard.complete(response)
            session.commit()
            return response

    return await run_in_threadpool(work)


@router.get("/records", response_model=SearchOut, response_model_exclude_none=True)
def search_records(
    session: AuditedReadSession,
    actor: CurrentActor,
    q: Annotated[str, Query(min_length=1, max_length=200)],
    purpose: Purpose = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Response:
    """Records by a name in any script, resident ID, passport, phone, account or plate, by
    agency; other agencies' hit/no-hit-only records as one `match at agency X` each."""
    found = service.search(session, actor, q=q, purpose=purpose, limit=limit)
    data = found.as_dict()
    results = []
    for item in data["results"]:
        out = RecordOut.model_validate(item) if "id" in item else None
        if out is not None:
            results.append(out.model_dump(mode="json", by_alias=True, exclude_none=True))
        else:
            results.append(item)
    session.commit()
    return JSONResponse({**data, "results": results})


@router.get(
    "/records/{record_id}",
    response_model=RecordReadOut,
    response_model_exclude_none=True,
    responses=GONE,
)
def read_record(
    session: AuditedReadSession, actor: CurrentActor, record_id: uuid.UUID, purpose: Purpose = None
) -> Response:
    """One record as you may see it, with the case's related records (each as you may see it)
    and its person cluster. The read is audited; a full read makes your agency a holder, told
    of the owner's updates and withdrawal."""
    read = service.read_record(session, actor, record_id, purpose=purpose)
    body = {
        "record": record_out(read.view),
        "related": [
            {
                "relation": r.relation,
                "role": r.role,
                "record": record_out(r.view),
                **({"via": record_out(r.via)} if r.via else {}),
            }
            for r in read.related
        ],
        **({"cluster": read.cluster_key} if read.cluster_key else {}),
    }
    session.commit()
    response = JSONResponse(body)
    if read.view.mode == "full":
        set_etag(response, etag_for(read.record.version, read.record.id))
    return response


@router.post(
    "/records/{record_id}/withdraw",
    response_model=WithdrawOut,
    responses={**CHANGE_RESPONSES, **GONE},
)
def withdraw_record(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    record_id: uuid.UUID,
    body: WithdrawIn,
) -> Response:
    """The owner stops sharing a record: it leaves every search and view; its holders and
    watchers are told. Honours If-Match."""
    record = service.get_record(session, record_id)
    if service.view_mode(session, actor, record) is None:
        raise service.RecordNotFound(f"no shared record {record_id}", field="record")
    check_if_match(request, etag_for(record.version, record.id))
    service.withdraw(session, actor, record, body.reason)
    out = WithdrawOut(
        id=record.id,
        entity_id=record.entity_id,
        status=record.status,
        version=record.version,
        withdrawn_at=record.withdrawn_at,
    )
    session.commit()
    return set_etag(JSONResponse(out.model_dump(mode="json")), etag_for(record.version, record.id))


def watch_out(w: Watch) -> WatchOut:
    return WatchOut(
        id=w.id, kind=w.kind, key=w.key, label=w.label, purpose=w.purpose, created_at=w.created_at
    )


@router.post("/watches", response_model=WatchOut, status_code=201, responses=CHANGE_RESPONSES)
def create_watch(
    request: Request, session: DbSession, actor: CurrentActor, body: WatchIn
) -> Response:
    """Watch a person cluster (PC-000123), a phone or an account: you are told when an agency
    shares new data on it, within the sharing rules."""
    with idempotency.idempotent(request, session, actor, body) as guard:
        if guard.replay is not None:
            return guard.replay
        watch = watches.create_watch(
            session, actor, kind=body.kind, key=body.key, purpose=body.purpose, label=body.label
        )
        response = JSONResponse(watch_out(watch).model_dump(mode="json"), status_code=201)
        response.headers["Location"] = f"/api/v1/watches/{watch.id}"
        guard.complete(response)
        session.commit()
        return response


@router.get("/watches", response_model=list[WatchOut])
def list_watches(session: DbSession, actor: CurrentActor) -> list[WatchOut]:
    """Your active watches, newest first."""
    return [watch_out(w) for w in watches.list_watches(session, actor)]


@router.delete("/watches/{watch_id}", status_code=204)
def end_watch(session: DbSession, actor: CurrentActor, watch_id: uuid.UUID) -> Response:
    """Stop watching."""
    watches.end_watch(session, actor, watch_id)
    session.commit()
    return Response(status_code=204)
