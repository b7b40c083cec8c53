"""Agreement routes under /api/v1: a zone's agreements, drafts (If-Match), signatures, status
moves, amendments, differences between versions, and the sharing-rules question."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse

from accord.agencies import service as agencies_service
from accord.core import idempotency
from accord.core.etag import check_if_match, etag_for, set_etag
from accord.security import policy
from accord.security.actor import Actor
from accord.security.deps import CurrentActor, require
from accord.web.deps import DbSession
from accord.web.problems import PROBLEM_RESPONSES
from accord.zones import service as zones_service
from accord.zones import sharing
from accord.zones.agreements import service
from accord.zones.agreements.diff import diff
from accord.zones.agreements.schemas import (
    ActionIn,
    AgreementCreate,
    AgreementOut,
    AgreementSummary,
    DiffOut,
    DraftIn,
    SharingRuleOut,
    SignIn,
    VersionOut,
    agreement_out,
    diff_out,
    summary,
    version_out,
)

router = APIRouter(tags=["agreements"], responses=PROBLEM_RESPONSES)

Drafter = Annotated[Actor, Depends(require("agreements.draft"))]
Signer = Annotated[Actor, Depends(require("agreements.sign"))]


@router.get("/zones/{code}/agreements", response_model=list[AgreementSummary])
def list_agreements(session: DbSession, actor: CurrentActor, code: str) -> list[AgreementSummary]:
    """The zone's agreements, for its members."""
    zone = zones_service.get_zone(session, code)
    policy.require_zone(session, actor, "zones.read", zone.id)
    return [summary(a) for a in service.list_for_zone(session, zone)]


@router.post("/zones/{code}/agreements", status_code=201, response_model=AgreementOut)
def create_agreement(
    request: Request, session: DbSession, actor: Drafter, code: str, data: AgreementCreate
) -> Response:
    """A new agreement with its first draft (the zone's secretariat). Send an Idempotency-Key
    so that a retried request does not create a second agreement."""
    with idempotency.idempotent(request, session, actor, data) as guard:
        if guard.replay is not None:
            return guard.replay
        zone = zones_service.get_zone(session, code)
        changes = data.changes()
        for name in ("title_zh", "title_en"):
            changes.pop(name, None)
        agreement = service.create(
            session, actor, zone, title_zh=data.title_zh, title_en=data.title_en, changes=changes
        )
        body = agreement_out(agreement).model_dump(mode="json")
        response = JSONResponse(
            body, status_code=201, headers={"Location": f"/api/v1/agreements/{agreement.reference}"}
        )
        guard.complete(response)
        session.commit()
        return response


@router.get("/agreements/{reference}", response_model=AgreementOut)
def get_agreement(session: DbSession, actor: CurrentActor, reference: str) -> AgreementOut:
    """An agreement with every version, its signatures and sharing rules."""
    agreement = service.get_by_reference(session, reference)
    service.require_read(session, actor, agreement)
    return agreement_out(agreement)


@router.get("/agreements/{reference}/versions/{number}", response_model=VersionOut)
def get_version(
    session: DbSession, actor: CurrentActor, reference: str, number: int, response: Response
) -> VersionOut:
    """One version; its `ETag` goes back as `If-Match` when editing a draft."""
    agreement = service.get_by_reference(session, reference)
    service.require_read(session, actor, agreement)
    version = service.get_version(agreement, number)
    set_etag(response, etag_for(version.version, version.id))
    return version_out(version)


@router.patch("/agreements/{reference}/versions/{number}", response_model=VersionOut)
def edit_draft(
    request: Request,
    session: DbSession,
    actor: Drafter,
    reference: str,
    number: int,
    data: DraftIn,
    response: Response,
) -> VersionOut:
    """Change a draft nobody has signed; a signed version answers 409 `agreement_immutable`.
    With `If-Match`, a change made meanwhile by someone else is refused (412)."""
    version = service.get_version(service.get_by_reference(session, reference), number)
    check_if_match(request, etag_for(version.version, version.id))
    service.update_draft(session, actor, version, changes=data.changes())
    session.commit()
    set_etag(response, etag_for(version.version, version.id))
    return version_out(version)


@router.post("/agreements/{reference}/versions/{number}/signatures", response_model=VersionOut)
def sign(
    session: DbSession, actor: Signer, reference: str, number: int, data: SignIn
) -> VersionOut:
    """A member's director signs; the version is signed when every member has."""
    version = service.get_version(service.get_by_reference(session, reference), number)
    service.sign(session, actor, version, agency_code=data.agency)
    session.commit()
    return version_out(version)


@router.post("/agreements/{reference}/versions/{number}/{action}", response_model=VersionOut)
def act(
    session: DbSession,
    actor: Drafter,
    reference: str,
    number: int,
    action: str,
    data: ActionIn | None = None,
) -> VersionOut:
    """A status move: review, confirm, terminate, or bring_into_force (once effective)."""
    version = service.get_version(service.get_by_reference(session, reference), number)
    service.act(session, actor, version, action=action, reason=data.reason if data else None)
    session.commit()
    return version_out(version)


@router.post("/agreements/{reference}/amendments", status_code=201, response_model=VersionOut)
def amend(session: DbSession, actor: Drafter, reference: str) -> VersionOut:
    """A new draft version copied from the version in force."""
    agreement = service.get_by_reference(session, reference)
    version = service.amend(session, actor, agreement)
    session.commit()
    return version_out(version)


@router.get("/agreements/{reference}/diff", response_model=DiffOut)
def get_diff(
    session: DbSession,
    actor: CurrentActor,
    reference: str,
    from_version: Annotated[int, Query(alias="from", ge=1)],
    to_version: Annotated[int, Query(alias="to", ge=1)],
) -> DiffOut:
    """What changed from one version to another: texts line by line, rules, dates."""
    agreement = service.get_by_reference(session, reference)
    service.require_read(session, actor, agreement)
    before = service.get_version(agreement, from_version)
    after = service.get_version(agreement, to_version)
    return diff_out(agreement.reference, diff(before, after))


@router.get("/zones/{code}/sharing-rules", response_model=SharingRuleOut)
def sharing_rule(
    session: DbSession,
    actor: CurrentActor,
    code: str,
    data_kind: Annotated[str, Query(max_length=60)],
    agency: Annotated[str, Query(max_length=32, description="The agency's code")],
    on: date | None = None,
) -> SharingRuleOut:
    """How the zone shares a kind of data with an agency (a member, or one below a member)."""
    zone = zones_service.get_zone(session, code)
    policy.require_zone(session, actor, "zones.read", zone.id)
    target = agencies_service.get_by_code(session, agency)
    day = on or zones_service.today()
    rule = sharing.rule_for(session, zone.id, data_kind, target.id, on=day)
    return SharingRuleOut(
        zone=zone.code,
        agency=target.code,
        on=day,
        data_kind=rule.data_kind,
        mode=rule.mode.value,
        handling_code=rule.handling_code.value,
        include_subordinates=rule.include_subordinates,
    )
