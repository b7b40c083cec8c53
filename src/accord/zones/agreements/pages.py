"""Agreement pages: the public list and text (no login, printable), and the members' pages with
versions, signatures, sharing rules, differences and the drafting and signing forms."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from accord.core.errors import InvalidInput
from accord.security import policy
from accord.security.actor import Actor
from accord.security.deps import CurrentActor, OptionalActor
from accord.web.deps import DbSession
from accord.web.htmx import redirect
from accord.web.templating import render
from accord.zones import service as zones_service
from accord.zones.agreements import service
from accord.zones.agreements.diff import diff
from accord.zones.agreements.models import Agreement, AgreementVersion
from accord.zones.agreements.transitions import MANUAL_ACTIONS, TABLE
from accord.zones.models import CooperationField
from accord.zones.sharing import DATA_KINDS, ShareMode

router = APIRouter(include_in_schema=False)


def _text_lang(request: Request, text: str | None) -> str:
    if text in {"zh", "en"}:
        return text
    return "en" if getattr(request.state, "locale", "zh") == "en" else "zh"


# --- public, without login -----------------------------------------------------------------


@router.get("/public/agreements", response_class=HTMLResponse)
def public_list(request: Request, session: DbSession, actor: OptionalActor) -> HTMLResponse:
    return render(
        request, "agreements/public_list.html", {"versions": service.public_versions(session)}
    )


@router.get("/public/agreements/{reference}", response_class=HTMLResponse)
def public_show(
    request: Request,
    session: DbSession,
    actor: OptionalActor,
    reference: str,
    text: Annotated[str | None, Query(pattern="^(zh|en)$")] = None,
) -> HTMLResponse:
    version = service.public_version(session, reference)
    return render(
        request,
        "agreements/public_show.html",
        {
            "version": version,
            "agreement": version.agreement,
            "text_lang": _text_lang(request, text),
        },
    )


@router.get("/public/agreements/{reference}/print", response_class=HTMLResponse)
def public_print(
    request: Request,
    session: DbSession,
    actor: OptionalActor,
    reference: str,
    text: Annotated[str | None, Query(pattern="^(zh|en)$")] = None,
) -> HTMLResponse:
    version = service.public_version(session, reference)
    return render(
        request,
        "agreements/public_print.html",
        {
            "version": version,
            "agreement": version.agreement,
            "text_lang": _text_lang(request, text),
        },
    )


# --- members' pages ------------------------------------------------------------------------


@router.get("/zones/{code}/agreements", response_class=HTMLResponse)
def zone_agreements(
    request: Request, session: DbSession, actor: CurrentActor, code: str
) -> HTMLResponse:
    zone = zones_service.get_zone(session, code)
    policy.require_zone(session, actor, "zones.read", zone.id)
    return render(
        request,
        "agreements/zone_list.html",
        {
            "zone": zone,
            "agreements": service.list_for_zone(session, zone),
            "can_draft": policy.allows_in_zone(session, actor, "agreements.draft", zone.id),
        },
    )


@router.post("/zones/{code}/agreements", response_model=None)
def create_agreement(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    code: str,
    title_zh: Annotated[str, Form(max_length=300)],
    title_en: Annotated[str, Form(max_length=300)],
) -> Response:
    zone = zones_service.get_zone(session, code)
    agreement = service.create(session, actor, zone, title_zh=title_zh, title_en=title_en)
    session.commit()
    return redirect(request, f"/agreements/{agreement.reference}")


@router.get("/agreements/id/{agreement_id}", response_model=None)
def by_id(
    request: Request, session: DbSession, actor: CurrentActor, agreement_id: uuid.UUID
) -> Response:
    """Where the search box's reference index sends an agreement (it knows ids, not numbers)."""
    reference = session.scalar(select(Agreement.reference).where(Agreement.id == agreement_id))
    if reference is None:
        raise service.AgreementNotFound("no such agreement", field="agreement")
    return redirect(request, f"/agreements/{reference}")


@router.get("/agreements/{reference}", response_class=HTMLResponse)
def show(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    reference: str,
    v: Annotated[int | None, Query(ge=1)] = None,
    from_version: Annotated[int | None, Query(alias="from", ge=1)] = None,
    to_version: Annotated[int | None, Query(alias="to", ge=1)] = None,
    text: Annotated[str | None, Query(pattern="^(zh|en)$")] = None,
) -> HTMLResponse:
    agreement = service.get_by_reference(session, reference)
    service.require_read(session, actor, agreement)
    shown = (
        service.get_version(agreement, v)
        if v
        else service.in_force_version(agreement) or service.latest_version(agreement)
    )
    compared = None
    if from_version and to_version:
        compared = diff(
            service.get_version(agreement, from_version), service.get_version(agreement, to_version)
        )
    return render(
        request,
        "agreements/show.html",
        {
            "agreement": agreement,
            "shown": shown,
            "text_lang": _text_lang(request, text),
            "compared": compared,
            "table": TABLE,
            "manual_actions": MANUAL_ACTIONS,
            "data_kinds": DATA_KINDS,
            "modes": [m.value for m in ShareMode],
            "cooperation_fields": [f.value for f in CooperationField],
            "rules_by_kind": {r.data_kind: r for r in shown.rules},
            "can_draft": policy.allows_in_zone(
                session, actor, "agreements.draft", agreement.zone_id
            ),
            "my_signature_due": _signature_due(session, actor, shown),
        },
    )


def _signature_due(session: Any, actor: Actor, version: AgreementVersion) -> bool:
    """Whether to offer the actor the sign button: a director of a member yet to sign."""
    if version.status.value != "draft" or actor.agency_id is None:
        return False
    if not policy.allows_in_zone(
        session, actor, "agreements.sign", version.agreement.zone_id, agency_id=actor.agency_id
    ):
        return False
    members = {m.agency_id for m in zones_service.members_on(version.agreement.zone, _today())}
    signed = {s.agency_id for s in version.signatures}
    return actor.agency_id in members - signed


def _today() -> date:
    return zones_service.today()


def _date(form: Any, name: str) -> date | None:
    value = str(form.get(name) or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput("a date is YYYY-MM-DD", field=name) from None


@router.post("/agreements/{reference}/versions/{number}/edit", response_model=None)
async def edit(
    request: Request, session: DbSession, actor: CurrentActor, reference: str, number: int
) -> Response:
    form = await request.form()
    version = service.get_version(service.get_by_reference(session, reference), number)
    rules = []
    for kind in DATA_KINDS:
        mode = str(form.get(f"mode:{kind}") or "")
        if mode and mode != ShareMode.NONE.value:
            rules.append(
                {
                    "data_kind": kind,
                    "mode": mode,
                    "handling_code": str(form.get(f"code:{kind}") or "H0"),
                    "include_subordinates": form.get(f"sub:{kind}") == "on",
                }
            )
    changes: dict[str, Any] = {
        "text_zh": str(form.get("text_zh") or ""),
        "text_en": str(form.get("text_en") or ""),
        "fields": [str(f) for f in form.getlist("fields")],
        "effective_on": _date(form, "effective_on"),
        "review_on": _date(form, "review_on"),
        "public": form.get("public") == "on",
        "rules": rules,
    }
    expected = str(form.get("expected_version") or "")
    service.update_draft(
        session,
        actor,
        version,
        changes=changes,
        expected_version=int(expected) if expected.isdigit() else None,
    )
    session.commit()
    return redirect(request, f"/agreements/{reference}?v={number}")


@router.post("/agreements/{reference}/versions/{number}/sign", response_model=None)
def sign(
    request: Request, session: DbSession, actor: CurrentActor, reference: str, number: int
) -> Response:
    version = service.get_version(service.get_by_reference(session, reference), number)
    service.sign(session, actor, version)
    session.commit()
    return redirect(request, f"/agreements/{reference}?v={number}")


@router.post("/agreements/{reference}/versions/{number}/act", response_model=None)
def act(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    reference: str,
    number: int,
    action: Annotated[str, Form(max_length=40)],
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    version = service.get_version(service.get_by_reference(session, reference), number)
    service.act(session, actor, version, action=action, reason=reason)
    session.commit()
    return redirect(request, f"/agreements/{reference}?v={number}")


@router.post("/agreements/{reference}/amend", response_model=None)
def amend(request: Request, session: DbSession, actor: CurrentActor, reference: str) -> Response:
    agreement = service.get_by_reference(session, reference)
    version = service.amend(session, actor, agreement)
    session.commit()
    return redirect(request, f"/agreements/{reference}?v={version.number}")
