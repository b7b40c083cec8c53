"""Joint case pages: the series page's one-click form (`series/_joint_case_form.html`, posting
to `/series/{key}/joint-case`), my agency's joint cases and the consent requests waiting for it,
and one joint case: its members and their drafted requests (the lead drafts one to a member
that joined later), its records as the reader may see them (a match only until the owner
releases them), the thread, the owner's release form, and the lead's closing form.

Forms are plain POSTs answering a redirect (HX-Redirect for htmx); a refusal shows the page
again with the reason, or the error page when it is not the form's fault (401, 403, 404). A
second click on the one-click button goes to the case the first one opened.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from accord.core.errors import DomainError
from accord.records import pages as records_pages
from accord.records.access import FULL, stricter
from accord.security.actor import Actor
from accord.security.deps import CurrentActor
from accord.series import joint, joint_consent, joint_lifecycle, joint_reading, joint_thread
from accord.web.deps import AuditedReadSession, DbSession
from accord.web.htmx import act_on_form, redirect
from accord.web.templating import render, render_error

router = APIRouter(include_in_schema=False)


def labels() -> dict[str, Any]:
    return {
        "release_labels": joint.RELEASE_LABELS,
        "role_labels": joint.ROLE_LABELS,
        "summary_fields": records_pages.SUMMARY,
    }


def banner(read: joint_reading.JointCaseRead) -> dict[str, str] | None:
    """The page's handling-code banner: the strictest code of what it shows in full (with the
    H3 restrictions' own words)."""
    shown = [r.view for r in read.records if r.view is not None and r.view.mode == FULL]
    if not shown:
        return None
    code = "H0"
    for view in shown:
        code = stricter(view.handling_code or "H0", code)
    texts = sorted({v.handling_text for v in shown if v.handling_code == "H3" and v.handling_text})
    return {"code": code, "text": " · ".join(texts)}


# --- the series page's one click ---------------------------------------------------------------


@router.post("/series/{key}/joint-case", response_class=HTMLResponse, response_model=None)
def open_joint_case(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    key: str,
    title: Annotated[str, Form(max_length=joint.TITLE_MAX)] = "",
) -> Response:
    def act() -> str:
        case = joint_lifecycle.open_joint_case(session, actor, series_key=key, title=title)
        return joint.link_of(case)

    def refused(exc: DomainError) -> Response:
        if isinstance(exc, joint.JointCaseExists):
            # A second click on the same button: show the case the first one opened.
            return redirect(request, f"/joint-cases/{exc.data['reference']}")
        return render_error(request, exc.status, exc.title, exc.detail)

    return act_on_form(request, session, act, refused)


# --- my agency's joint cases -----------------------------------------------------------------


@router.get("/joint-cases", response_class=HTMLResponse)
def joint_list(request: Request, session: DbSession, actor: CurrentActor) -> HTMLResponse:
    """Where my agency leads or is a member, and the consent requests waiting for it."""
    found = joint_reading.list_joint_cases(session, actor)
    return render(request, "series/joint_list.html", {"found": found, **labels()})


# --- one joint case --------------------------------------------------------------------------


def _case_page(
    request: Request,
    session: Session,
    actor: Actor,
    key: str,
    *,
    error: DomainError | None = None,
    form: dict[str, str] | None = None,
) -> HTMLResponse:
    read = joint_reading.read_joint_case(session, actor, key)
    session.commit()  # the read's audit event (and the holders it noted)
    return render(
        request,
        "series/joint_case.html",
        {
            "read": read,
            "case": read.case,
            "agencies": {m.agency.id: m.agency for m in read.members},
            "error": error,
            "form": form or {},
            "handling_code": banner(read),
            **labels(),
        },
        status_code=error.status if error else 200,
    )


@router.get("/joint-cases/{key}", response_class=HTMLResponse)
def joint_case_page(
    request: Request, session: AuditedReadSession, actor: CurrentActor, key: str
) -> HTMLResponse:
    return _case_page(request, session, actor, key)


@router.post("/joint-cases/{key}/messages", response_class=HTMLResponse, response_model=None)
def post_message(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    key: str,
    body: Annotated[str, Form(max_length=joint.MESSAGE_MAX)] = "",
) -> Response:
    def act() -> str:
        case = joint.get_joint_case(session, key)
        joint_thread.post_message(session, actor, joint_case=case, body=body)
        return joint.link_of(case) + "#thread"

    def refused(exc: DomainError) -> Response:
        return _case_page(request, session, actor, key, error=exc, form={"body": body})

    return act_on_form(request, session, act, refused)


@router.post("/joint-cases/{key}/releases", response_class=HTMLResponse, response_model=None)
def decide_release(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    key: str,
    agency: Annotated[str, Form(max_length=40)] = "",
    decision: Annotated[str, Form(max_length=10)] = "",
    reason: Annotated[str, Form(max_length=joint.REASON_MAX)] = "",
    records: Annotated[list[str] | None, Form()] = None,
) -> Response:
    def act() -> str:
        case = joint.get_joint_case(session, key)
        joint.require_reader(session, actor, case)
        if decision not in ("grant", "refuse"):
            raise joint.InvalidJointCase("grant or refuse the release", field="decision")
        chosen = [_record_id(r) for r in records or [] if r.strip()]
        joint_consent.decide_release(
            session,
            actor,
            joint_case=case,
            agency=joint_consent.owner_for(session, actor, agency or None),
            grant=decision == "grant",
            reason=reason,
            records=chosen or None,
        )
        return joint.link_of(case) + "#records"

    def refused(exc: DomainError) -> Response:
        return _case_page(request, session, actor, key, error=exc, form={"reason": reason})

    return act_on_form(request, session, act, refused)


def _record_id(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value.strip())
    except ValueError:
        raise joint.InvalidJointCase(
            "records are named by the ids this server issued", field="records"
        ) from None


@router.post("/joint-cases/{key}/close", response_class=HTMLResponse, response_model=None)
def close_joint_case(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    key: str,
    outcome: Annotated[str, Form(max_length=joint.OUTCOME_MAX)] = "",
) -> Response:
    def act() -> str:
        case = joint.get_joint_case(session, key)
        joint_lifecycle.close_joint_case(session, actor, joint_case=case, outcome=outcome)
        return joint.link_of(case)

    def refused(exc: DomainError) -> Response:
        return _case_page(request, session, actor, key, error=exc, form={"outcome": outcome})

    return act_on_form(request, session, act, refused)


@router.post("/joint-cases/{key}/requests", response_class=HTMLResponse, response_model=None)
def draft_member_request(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    key: str,
    agency: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    def act() -> str:
        case = joint.get_joint_case(session, key)
        joint_lifecycle.draft_member_request(session, actor, joint_case=case, agency=agency)
        return joint.link_of(case) + "#members"

    def refused(exc: DomainError) -> Response:
        return _case_page(request, session, actor, key, error=exc)

    return act_on_form(request, session, act, refused)
