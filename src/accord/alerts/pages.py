"""Alert pages: the officer's check (one form, the answer in place), the alerts of my agency,
one alert with its actions, and the form to issue one.

A check's candidates are grouped by person (several alerts on one person shown together, the
most pressing first); each hit or possible carries the "Report hit" form of the follow-up pages.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from accord.alerts import screening, service
from accord.alerts.kinds import (
    FIELD_LABELS,
    PRIORITY_LABELS,
    SUBJECT_OF,
    TYPE_LABELS,
    TYPE_RANK,
    AlertType,
    Priority,
)
from accord.alerts.schemas import SUBJECT_FIELDS, AlertRecord, Probe
from accord.alerts.transitions import ALERT_TABLE, AlertStatus
from accord.core.errors import DomainError, InvalidInput
from accord.security import policy
from accord.security.deps import CurrentActor
from accord.web.deps import AuditedReadSession, DbSession
from accord.web.htmx import redirect
from accord.web.templating import render

router = APIRouter(include_in_schema=False)

PROBE_FIELDS = (
    "name",
    "birth_date",
    "gender",
    "nationality",
    "id_number",
    "passport_number",
    "plate",
    "vin",
    "document_number",
    "drone_serial",
)
PAGE_REFUSALS = (401, 403, 404)


def _labels() -> dict[str, Any]:
    return {
        "type_labels": {t.value: label for t, label in TYPE_LABELS.items()},
        "priority_labels": {p.value: label for p, label in PRIORITY_LABELS.items()},
        "field_labels": FIELD_LABELS,
    }


def _invalid(exc: ValidationError) -> InvalidInput:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    message = str(first["msg"]).removeprefix("Value error, ")
    return InvalidInput(message, field=where or None)


def group_by_person(candidates: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Candidates of one person together, groups in the order of their best candidate, and
    inside a group the most pressing alert first (urgent, then arrest before locate...)."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for c in candidates:
        groups.setdefault(c["person_key"], []).append(c)
    for members in groups.values():
        members.sort(
            key=lambda c: (
                c["band"] == "cleared",
                c["priority"] != Priority.URGENT.value,
                TYPE_RANK[AlertType(c["alert_type"])],
                -c["score"],
            )
        )
    return list(groups.values())


# --- the check ------------------------------------------------------------------------------


@router.get("/screen", response_class=HTMLResponse)
def screen_form(request: Request, actor: CurrentActor) -> HTMLResponse:
    policy.require(actor, "screen.check")
    return render(
        request, "alerts/screen.html", {"form": {}, "result": None, "error": None, **_labels()}
    )


@router.post("/screen", response_class=HTMLResponse)
async def screen_submit(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    policy.require(actor, "screen.check")
    form = {k: str(v) for k, v in (await request.form()).items()}
    locale = getattr(request.state, "locale", "zh")
    error: DomainError | None = None
    result: dict[str, Any] | None = None
    try:
        try:
            probe = Probe.model_validate({k: form[k] for k in PROBE_FIELDS if form.get(k)})
        except ValidationError as exc:
            raise _invalid(exc) from exc
        checked = screening.check(
            session,
            actor,
            probe=probe,
            purpose=form.get("purpose"),
            case_ref=form.get("case_ref"),
            locale=locale,
        )
        session.commit()
        result = {
            "check_id": str(checked.check.id),
            "result": checked.outcome.result,
            "groups": group_by_person(checked.candidates),
        }
    except DomainError as exc:
        session.rollback()
        if exc.status in PAGE_REFUSALS:
            raise
        from accord.security.denials import AuditedRefusal

        if isinstance(exc, AuditedRefusal):
            exc.record_refusal(session)
            session.commit()
        error = exc
    context = {"form": form, "result": result, "error": error, **_labels()}
    if request.headers.get("HX-Request") == "true":
        return render(request, "alerts/_check_result.html", context)
    return render(request, "alerts/screen.html", context, status_code=422 if error else 200)


# --- alerts ---------------------------------------------------------------------------------


@router.get("/alerts", response_class=HTMLResponse)
def alerts_page(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    status: str | None = None,
    type: str | None = None,
) -> HTMLResponse:
    policy.require(actor, "alerts.read")
    try:
        wanted_status = AlertStatus(status) if status else None
        wanted_type = AlertType(type) if type else None
    except ValueError as exc:
        raise InvalidInput(str(exc), field="status" if status else "type") from exc
    alerts = service.list_alerts(
        session, actor, status=wanted_status, alert_type=wanted_type, limit=200
    )
    return render(
        request,
        "alerts/list.html",
        {
            "alerts": alerts,
            "status": status or "",
            "type": type or "",
            "statuses": [s.value for s in AlertStatus],
            "types": [t.value for t in AlertType],
            **_labels(),
        },
    )


def _form_page(
    request: Request, form: dict[str, str], error: DomainError | None = None
) -> HTMLResponse:
    return render(
        request,
        "alerts/new.html",
        {
            "form": form,
            "error": error,
            "types": [t.value for t in AlertType],
            "subject_of": {t.value: SUBJECT_OF[t].value for t in AlertType},
            "subject_fields": {k.value: v for k, v in SUBJECT_FIELDS.items()},
            **_labels(),
        },
        status_code=422 if error else 200,
    )


@router.get("/alerts/new", response_class=HTMLResponse)
def new_alert_form(request: Request, actor: CurrentActor) -> HTMLResponse:
    policy.require(actor, "alerts.issue")
    agency = actor.agency_code or ""
    return _form_page(request, {"issuing_agency": agency, "type": "wanted_arrest"})


def _record_from(form: dict[str, str]) -> AlertRecord:
    kind = SUBJECT_OF.get(AlertType(form["type"])) if form.get("type") in set(AlertType) else None
    fields = set(SUBJECT_FIELDS[kind]) if kind else set()
    data: dict[str, Any] = {k: v for k, v in form.items() if v and k in fields}
    if form.get("aliases"):
        data["aliases"] = [a.strip() for a in form["aliases"].split(";") if a.strip()]
    for key in ("type", "issuing_agency", "legal_basis", "action_on_hit", "priority"):
        if form.get(key):
            data[key] = form[key]
    data["handling_code"] = form.get("handling_code") or "H0"
    if form.get("handling_text"):
        data["handling_text"] = form["handling_text"]
    if form.get("review_on"):
        data["review_on"] = form["review_on"]
    if form.get("expires_on"):
        data["expires_at"] = form["expires_on"] + "T23:59:59+08:00"
    data["status"] = "draft" if form.get("draft") else "active"
    try:
        return AlertRecord.model_validate(data)
    except ValidationError as exc:
        raise _invalid(exc) from exc


@router.post("/alerts/new", response_class=HTMLResponse)
async def new_alert_submit(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    policy.require(actor, "alerts.issue")
    form = {k: str(v) for k, v in (await request.form()).items()}
    try:
        alert = service.create_alert(session, actor, _record_from(form))
    except DomainError as exc:
        session.rollback()
        if exc.status in PAGE_REFUSALS:
            raise
        return _form_page(request, form, exc)
    session.commit()
    return redirect(request, f"/alerts/{alert.ref}")


def _alert_page(
    request: Request,
    session: Session,
    actor: CurrentActor,
    ref: str,
    *,
    error: DomainError | None = None,
) -> HTMLResponse:
    alert = service.read_alert(session, actor, ref, purpose="alert page")
    session.commit()
    may_issue = policy.in_scope(
        policy.agencies_in_scope(session, actor, "alerts.issue"), alert.issuing_agency_id
    )
    actions = [a for a in ALERT_TABLE.allowed_actions(alert.status) if a != "expire"]
    return render(
        request,
        "alerts/alert.html",
        {
            "alert": alert,
            "actions": actions if may_issue else [],
            "may_issue": may_issue,
            "error": error,
            "handling_code": {"code": alert.handling_code, "text": alert.handling_text or ""},
            **_labels(),
        },
        status_code=422 if error else 200,
    )


@router.get("/alerts/{ref}", response_class=HTMLResponse)
def alert_page(
    request: Request, session: AuditedReadSession, actor: CurrentActor, ref: str
) -> HTMLResponse:
    return _alert_page(request, session, actor, ref)


def _date(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise InvalidInput("a date is YYYY-MM-DD", field=field) from exc


@router.post("/alerts/{ref}/actions/{action}", response_class=HTMLResponse)
async def alert_action(
    request: Request, session: DbSession, actor: CurrentActor, ref: str, action: str
) -> Response:
    form = {k: str(v) for k, v in (await request.form()).items()}
    alert = service.get_alert(session, ref)
    acts: dict[str, Callable[[], object]] = {
        "activate": lambda: service.activate(session, actor, alert),
        "cancel": lambda: service.cancel(session, actor, alert, reason=form.get("reason", "")),
        "fulfil": lambda: service.fulfil(session, actor, alert, reason=form.get("reason", "")),
        "review": lambda: service.review(
            session,
            actor,
            alert,
            review_on=_date(form.get("review_on", ""), "review_on"),
            expires_at=(
                datetime.fromisoformat(form["expires_on"] + "T23:59:59+08:00")
                if form.get("expires_on")
                else None
            ),
        ),
        "misused-identity": lambda: service.flag_misused_identity(
            session, actor, alert, facts=form.get("facts", "")
        ),
    }
    if action not in acts:
        raise InvalidInput(f"unknown action {action}", field="action")
    try:
        acts[action]()
    except DomainError as exc:
        session.rollback()
        if exc.status in PAGE_REFUSALS:
            raise
        return _alert_page(request, session, actor, ref, error=exc)
    session.commit()
    return redirect(request, f"/alerts/{alert.ref}")
