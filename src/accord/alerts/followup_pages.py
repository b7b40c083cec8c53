"""Hit follow-up pages: the dashboard of my agency's open follow-ups with their clocks (its
lists refreshed every few seconds and on each live notification), one follow-up with the
actions open to the viewer, its printable hit report, and the forms behind the buttons.

The check page's "Report hit" button posts to `POST /followups`. Forms are plain POSTs that
answer a redirect (HX-Redirect for htmx); a refusal shows the page again with the reason, or
the error page when the refusal is not the form's fault (401, 403, 404).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from accord.alerts import followups as service
from accord.alerts.followup_models import HitFollowUp
from accord.alerts.followup_transitions import OUTCOME_LABELS, STATUS_LABELS
from accord.alerts.kinds import FIELD_LABELS, PRIORITY_LABELS, TYPE_LABELS, AlertType
from accord.core import clock, handling
from accord.core.errors import DomainError, InvalidInput
from accord.security.actor import Actor
from accord.security.deps import CurrentActor
from accord.web.deps import AuditedReadSession, DbSession
from accord.web.htmx import act_on_form, redirect
from accord.web.templating import render, render_error

router = APIRouter(include_in_schema=False)

TEXT = 2000


def _labels() -> dict[str, Any]:
    return {
        "type_labels": {t.value: label for t, label in TYPE_LABELS.items()},
        "priority_labels": {p.value: label for p, label in PRIORITY_LABELS.items()},
        "status_labels": {s.value: label for s, label in STATUS_LABELS.items()},
        "outcome_labels": {o.value: label for o, label in OUTCOME_LABELS.items()},
        "field_labels": FIELD_LABELS,
    }


# --- the dashboard ---------------------------------------------------------------------------


def _dashboard_context(session: Session, actor: Actor) -> dict[str, Any]:
    board = service.dashboard(session, actor)
    return {"board": board, "now": clock.now(), **_labels()}


@router.get("/followups", response_class=HTMLResponse)
def dashboard(request: Request, session: DbSession, actor: CurrentActor) -> HTMLResponse:
    return render(request, "alerts/followup_dashboard.html", _dashboard_context(session, actor))


@router.get("/followups/lists", response_class=HTMLResponse)
def dashboard_lists(request: Request, session: DbSession, actor: CurrentActor) -> HTMLResponse:
    """The dashboard's two lists alone, for its periodic and live refresh."""
    return render(request, "alerts/followup_lists.html", _dashboard_context(session, actor))


# --- reporting a hit (the check page's button) ----------------------------------------------------


def _uuid(value: str, field: str) -> uuid.UUID:
    try:
        return uuid.UUID(value.strip())
    except ValueError:
        raise InvalidInput(f"{field} is not an id this server issued", field=field) from None


@router.post("/followups", response_class=HTMLResponse, response_model=None)
def report_hit(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    check_id: Annotated[str, Form(max_length=64)] = "",
    alert_id: Annotated[str, Form(max_length=64)] = "",
    note: Annotated[str, Form(max_length=TEXT)] = "",
) -> Response:
    def act() -> str:
        followup = service.report_hit(
            session,
            actor,
            check_id=_uuid(check_id, "check_id"),
            alert_id=_uuid(alert_id, "alert_id"),
            note=note,
        )
        return f"/followups/{followup.reference}"

    def refused(exc: DomainError) -> Response:
        if isinstance(exc, service.AlreadyReported):
            # A second click on the same button: show the follow-up it opened.
            return redirect(request, f"/followups/{exc.data['reference']}")
        if request.headers.get("HX-Request") == "true":
            # htmx swaps only successful answers: the reason goes into the form's slot.
            return render(request, "alerts/followup_error.html", {"error": exc})
        return render_error(request, exc.status, exc.title, exc.detail)

    return act_on_form(request, session, act, refused)


# --- one follow-up -------------------------------------------------------------------------------


def _followup_context(session: Session, actor: Actor, followup: HitFollowUp) -> dict[str, Any]:
    alert = followup.alert
    return {
        "f": followup,
        "alert": alert,
        "check": followup.check,
        "withheld": service.details_withheld(session, actor, followup),
        "clock": service.clock_view(service.clock_of(session, followup), clock.now()),
        "actions": service.allowed_actions(session, actor, followup),
        "issuer_side": service.on_issuer_side(session, actor, followup),
        "discreet": alert.alert_type == AlertType.DISCREET_CHECK,
        "handling_code": {"code": alert.handling_code, "text": alert.handling_text or ""},
        "now": clock.now(),
        **_labels(),
    }


def _followup_page(
    request: Request,
    session: Session,
    actor: Actor,
    key: str,
    *,
    error: DomainError | None = None,
    form: dict[str, str] | None = None,
) -> HTMLResponse:
    followup = service.read_followup(session, actor, key)
    session.commit()  # the read's audit event
    context = _followup_context(session, actor, followup)
    context.update({"error": error, "form": form or {}})
    return render(
        request,
        "alerts/followup_show.html",
        context,
        status_code=error.status if error else 200,
    )


@router.get("/followups/{key}", response_class=HTMLResponse)
def followup_page(
    request: Request, session: AuditedReadSession, actor: CurrentActor, key: str
) -> HTMLResponse:
    return _followup_page(request, session, actor, key)


@router.get("/followups/{key}/print", response_class=HTMLResponse)
def followup_print(
    request: Request, session: AuditedReadSession, actor: CurrentActor, key: str
) -> HTMLResponse:
    """The printable hit report, under the alert's handling-code banner."""
    followup = service.read_followup(session, actor, key)
    session.commit()
    context = _followup_context(session, actor, followup)
    locale = getattr(request.state, "locale", "zh")
    # The same one-line banner as e-mails and exports carry (H0-H3, with H3's own text).
    context["banner"] = handling.banner_text(
        followup.alert.handling_code, followup.alert.handling_text, locale
    )
    context["printed_at"] = clock.now()
    return render(request, "alerts/followup_print.html", context)


def _load(session: Session, actor: Actor, key: str) -> HitFollowUp:
    followup = service.get_followup(session, key)
    service.require_visible(session, actor, followup)
    return followup


def _move_route(
    request: Request,
    session: Session,
    actor: Actor,
    key: str,
    move: Callable[[HitFollowUp], object],
    form: dict[str, str],
) -> Response:
    def act() -> str:
        followup = _load(session, actor, key)
        move(followup)
        return f"/followups/{followup.reference}"

    def refused(exc: DomainError) -> Response:
        return _followup_page(request, session, actor, key, error=exc, form=form)

    return act_on_form(request, session, act, refused)


@router.post("/followups/{key}/claim", response_class=HTMLResponse, response_model=None)
def claim(request: Request, session: DbSession, actor: CurrentActor, key: str) -> Response:
    return _move_route(request, session, actor, key, lambda f: service.claim(session, actor, f), {})


@router.post("/followups/{key}/confirm", response_class=HTMLResponse, response_model=None)
def confirm(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    key: str,
    action: Annotated[str, Form(max_length=TEXT)] = "",
) -> Response:
    return _move_route(
        request,
        session,
        actor,
        key,
        lambda f: service.confirm(session, actor, f, action=action),
        {"action": action},
    )


@router.post("/followups/{key}/refuse", response_class=HTMLResponse, response_model=None)
def refuse(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    key: str,
    facts: Annotated[str, Form(max_length=TEXT)] = "",
) -> Response:
    return _move_route(
        request,
        session,
        actor,
        key,
        lambda f: service.refuse(session, actor, f, facts=facts),
        {"facts": facts},
    )


@router.post("/followups/{key}/outcome", response_class=HTMLResponse, response_model=None)
def outcome(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    key: str,
    outcome: Annotated[str, Form(max_length=20)] = "",
    reason: Annotated[str, Form(max_length=TEXT)] = "",
    place: Annotated[str, Form(max_length=TEXT)] = "",
    time: Annotated[str, Form(max_length=TEXT)] = "",
    route: Annotated[str, Form(max_length=TEXT)] = "",
    destination: Annotated[str, Form(max_length=TEXT)] = "",
    vehicle: Annotated[str, Form(max_length=TEXT)] = "",
    companions: Annotated[str, Form(max_length=TEXT)] = "",
    items: Annotated[str, Form(max_length=TEXT)] = "",
) -> Response:
    report = {
        "place": place,
        "time": time,
        "route": route,
        "destination": destination,
        "vehicle": vehicle,
        "companions": companions,
        "items": items,
    }
    return _move_route(
        request,
        session,
        actor,
        key,
        lambda f: service.report_outcome(
            session, actor, f, outcome=outcome, reason=reason, report=report
        ),
        {"outcome": outcome, "reason": reason, **report},
    )


@router.post("/followups/{key}/fulfil", response_class=HTMLResponse, response_model=None)
def fulfil(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    key: str,
    reason: Annotated[str, Form(max_length=TEXT)] = "",
) -> Response:
    return _move_route(
        request,
        session,
        actor,
        key,
        lambda f: service.fulfil_alert(session, actor, f, reason=reason),
        {"fulfil_reason": reason},
    )
