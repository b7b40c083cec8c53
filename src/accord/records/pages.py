"""Pages of shared records: the search (one box, a purpose, results by agency), one record
with its provenance, handling code, the case's related records and its person cluster, the
owner's Withdraw form, Watch buttons, and the user's watches.

Every view of records states a purpose: a link without one shows the purpose form first.
Another agency's record the rules share as hit/no-hit only shows as "match at agency X" with
the link that asks for it. Forms are plain POSTs answering a redirect (HX-Redirect for htmx);
a refusal shows the page again with the reason.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from accord.assistance.kinds import ACCURACY_LABELS, RELIABILITY_LABELS
from accord.core.errors import DomainError
from accord.core.handling import N_
from accord.core.workflow import StaleState
from accord.records import entities, service, watches
from accord.records.access import FULL, RecordView
from accord.records.search import query_keys
from accord.security import policy
from accord.security.actor import Actor
from accord.security.deps import CurrentActor
from accord.web.deps import AuditedReadSession, DbSession
from accord.web.htmx import redirect
from accord.web.templating import render

router = APIRouter(include_in_schema=False)

PAGE_REFUSALS = (401, 403, 404, 410)
KIND_LABELS = {
    entities.NAME: N_("name"),
    entities.RESIDENT_ID: N_("resident ID"),
    entities.PASSPORT: N_("passport"),
    entities.PHONE: N_("phone"),
    entities.ACCOUNT: N_("account"),
    entities.PLATE: N_("plate"),
    entities.ADDRESS: N_("address"),
    "cluster": N_("person cluster"),
}
# The properties a search result shows beside its caption, per schema.
SUMMARY = {
    "Person": ("birthDate", "idNumber", "passportNumber", "nationality", "phone"),
    "Event": ("date", "phoneMentioned"),
    "BankAccount": ("accountNumber", "bankName"),
    "Payment": ("date", "amount", "currency"),
    "Vehicle": ("registrationNumber", "model"),
    "Address": ("full",),
}
Q = Annotated[str, Query(max_length=200)]
PURPOSE = Annotated[str, Query(max_length=300)]


def labels() -> dict[str, Any]:
    return {
        "kind_labels": KIND_LABELS,
        "reliability_labels": {r.value: label for r, label in RELIABILITY_LABELS.items()},
        "accuracy_labels": {int(a.value): label for a, label in ACCURACY_LABELS.items()},
        "summary_fields": SUMMARY,
    }


def watchable(view: RecordView) -> list[tuple[str, str]]:
    """(kind, key) of the phones and accounts a full view shows, for its Watch buttons."""
    return [(k, v) for k, v in view.keys if k in entities.WATCHABLE]


def record_link(record_id: uuid.UUID, purpose: str) -> str:
    return f"/records/{record_id}?" + urlencode({"purpose": purpose})


def _purpose_refused(session: Session, exc: DomainError) -> None:
    """A refusal that writes its own audit event (no purpose) is put on file on its own."""
    from accord.security.denials import AuditedRefusal

    session.rollback()
    if isinstance(exc, AuditedRefusal):
        exc.record_refusal(session)
        session.commit()


# --- watches (declared before /records/{id}, whose id is a UUID) ------------------------------


def _watches_page(
    request: Request, session: Session, actor: Actor, error: DomainError | None = None
) -> HTMLResponse:
    return render(
        request,
        "records/watches.html",
        {
            "watches": watches.list_watches(session, actor),
            "kinds": list(watches.KINDS),
            "error": error,
            **labels(),
        },
        status_code=error.status if error else 200,
    )


@router.get("/records/watches", response_class=HTMLResponse)
def watches_page(request: Request, session: DbSession, actor: CurrentActor) -> HTMLResponse:
    """My watches, and a form to watch a cluster, phone or account."""
    return _watches_page(request, session, actor)


@router.post("/records/watches", response_class=HTMLResponse, response_model=None)
def watch_submit(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    kind: Annotated[str, Form(max_length=10)],
    key: Annotated[str, Form(max_length=200)],
    purpose: Annotated[str, Form(max_length=300)] = "",
    label: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    try:
        watches.create_watch(session, actor, kind=kind, key=key, purpose=purpose, label=label)
    except DomainError as exc:
        session.rollback()
        if exc.status in PAGE_REFUSALS:
            raise
        return _watches_page(request, session, actor, exc)
    session.commit()
    return redirect(request, "/records/watches")


@router.post("/records/watches/{watch_id}/end", response_class=HTMLResponse, response_model=None)
def watch_end(
    request: Request, session: DbSession, actor: CurrentActor, watch_id: uuid.UUID
) -> Response:
    watches.end_watch(session, actor, watch_id)
    session.commit()
    return redirect(request, "/records/watches")


# --- the search --------------------------------------------------------------------------------


@router.get("/records", response_class=HTMLResponse)
def search_page(
    request: Request,
    session: AuditedReadSession,
    actor: CurrentActor,
    q: Q = "",
    purpose: PURPOSE = "",
    withdrawn: Annotated[str, Query(max_length=200)] = "",
) -> HTMLResponse:
    """One box (a name in any script, resident ID, passport, phone, account or plate) and a
    purpose; the results by agency, other agencies' hit-only records as "match at agency X"."""
    policy.require(actor, "records.read")
    result = None
    error: DomainError | None = None
    if q.strip():
        try:
            result = service.search(session, actor, q=q, purpose=purpose, limit=100)
            session.commit()
        except DomainError as exc:
            _purpose_refused(session, exc)
            if exc.status in PAGE_REFUSALS:
                raise
            error = exc
    query_watch = [(kind, key) for kind, key in query_keys(q) if kind in entities.WATCHABLE]
    return render(
        request,
        "records/search.html",
        {
            "q": q,
            "purpose": purpose,
            "result": result,
            "error": error,
            "withdrawn": withdrawn,
            "query_watch": query_watch[:1],
            "record_link": record_link,
            "watchable": watchable,
            **labels(),
        },
        status_code=error.status if error else 200,
    )


# --- one record --------------------------------------------------------------------------------


def _record_page(
    request: Request,
    session: Session,
    actor: Actor,
    record_id: uuid.UUID,
    purpose: str,
    *,
    error: DomainError | None = None,
) -> HTMLResponse:
    read = service.read_record(session, actor, record_id, purpose=purpose)
    session.commit()
    view = read.view
    record = read.record
    may_withdraw = (
        view.mode == FULL
        and policy.allows(actor, "records.share")
        and policy.in_scope(
            policy.agencies_in_scope(session, actor, "records.share"), record.agency_id
        )
    )
    return render(
        request,
        "records/record.html",
        {
            "view": view,
            "related": read.related,
            "cluster": read.cluster_key,
            "purpose": purpose.strip(),
            "may_withdraw": may_withdraw,
            "may_watch": policy.allows(actor, "records.watch"),
            "watch_keys": watchable(view) if view.mode == FULL else [],
            "record_link": record_link,
            "error": error,
            "handling_code": (
                {"code": view.handling_code, "text": view.handling_text or ""}
                if view.mode == FULL
                else None
            ),
            **labels(),
        },
        status_code=error.status if error else 200,
    )


@router.get("/records/{record_id}", response_class=HTMLResponse)
def record_page(
    request: Request,
    session: AuditedReadSession,
    actor: CurrentActor,
    record_id: uuid.UUID,
    purpose: PURPOSE = "",
) -> HTMLResponse:
    """One record as the reader may see it; without a purpose, the form that asks for one."""
    policy.require(actor, "records.read")
    if not purpose.strip():
        record = service.get_record(session, record_id)
        if service.view_mode(session, actor, record) is None:
            raise service.RecordNotFound(f"no shared record {record_id}", field="record")
        return render(request, "records/purpose.html", {"record_id": record_id})
    return _record_page(request, session, actor, record_id, purpose)


@router.post("/records/{record_id}/withdraw", response_class=HTMLResponse, response_model=None)
def withdraw_submit(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    record_id: uuid.UUID,
    reason: Annotated[str, Form(max_length=300)] = "",
    version: Annotated[int, Form()] = 0,
    purpose: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    """The owner withdraws the record (the page's version must still be the record's)."""
    record = service.get_record(session, record_id)
    if service.view_mode(session, actor, record) is None:
        raise service.RecordNotFound(f"no shared record {record_id}", field="record")
    try:
        if version != record.version:
            raise StaleState(
                "this record was changed since the page was shown; reload it and try again",
                action="withdraw",
                loaded_version=version,
            )
        service.withdraw(session, actor, record, reason)
    except DomainError as exc:
        session.rollback()
        if exc.status in PAGE_REFUSALS:
            raise
        return _record_page(request, session, actor, record_id, purpose or "withdraw", error=exc)
    session.commit()
    return redirect(request, "/records?" + urlencode({"withdrawn": record.entity_id}))
