"""Pages of person linkage: the persons the reader's agency shares with others (clusters across
agencies) with the last runs, one person cluster with its records by agency, the fields that
matched and their weights (a waterfall chart), and the analysts' judgements.

A cluster page names people, so it asks for a purpose first, like every view of shared records.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from accord.core.errors import DomainError, InvalidInput
from accord.core.handling import N_
from accord.linkage import service, views
from accord.security import policy
from accord.security.deps import CurrentActor
from accord.web import i18n
from accord.web.deps import AuditedReadSession, DbSession
from accord.web.htmx import redirect
from accord.web.templating import render

router = APIRouter(include_in_schema=False)
ASSETS = Path(__file__).parent / "static"
PAGE_SIZE = 50

VERDICT_LABELS = {"same": N_("same person"), "not_same": N_("not the same"), "unsure": N_("unsure")}
FIELD_LABELS = {
    "Prior": N_("Prior"),
    "Name": N_("Name"),
    "Birth date": N_("Birth date"),
    "Resident ID": N_("Resident ID"),
    "Passport": N_("Passport"),
    "Phone": N_("Phone"),
    "Gender": N_("Gender"),
}
LEVEL_LABELS = {
    label: label
    for label in (
        N_("same characters"),
        N_("same sound, other characters"),
        N_("same name across scripts"),
        N_("same spelling in another system or order"),
        N_("sounds alike"),
        N_("transcription of a foreign name"),
        N_("one typing error"),
        N_("similar"),
        N_("different"),
        N_("same"),
        N_("one typo"),
        N_("day and month swapped"),
        N_("same year"),
        N_("one typo or swapped digits"),
        N_("two typos (one in each record)"),
        N_("a number in common"),
    )
}
# The properties a cluster page shows of each record, in this order.
SHOWN = ("name", "birthDate", "gender", "nationality", "idNumber", "passportNumber", "phone")
PURPOSE = Annotated[str, Query(max_length=300)]


@router.get("/linkage", response_class=HTMLResponse)
def index_page(
    request: Request, session: DbSession, actor: CurrentActor, page: int = Query(1, ge=1)
) -> HTMLResponse:
    """The persons the reader's agency shares with other agencies, and the last runs."""
    clusters, total = views.clusters_across_agencies(
        session, actor, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
    )
    return render(
        request,
        "linkage/index.html",
        {
            "clusters": clusters,
            "total": total,
            "page": page,
            "pages": max(1, (total + PAGE_SIZE - 1) // PAGE_SIZE),
            "runs": service.last_runs(session, 5),
            "may_run": policy.allows(actor, "linkage.run"),
        },
    )


@router.post("/linkage/runs", response_class=HTMLResponse, response_model=None)
def run_submit(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    full: Annotated[bool, Form()] = False,
) -> Response:
    """Run linkage now (incremental unless `full`)."""
    service.run(session, actor, full=full)
    session.commit()
    return redirect(request, "/linkage")


def _cluster_link(key: str, purpose: str) -> str:
    return f"/linkage/clusters/{key}?" + urlencode({"purpose": purpose})


@router.get("/linkage/clusters/{key}", response_class=HTMLResponse)
def cluster_page(
    request: Request,
    session: AuditedReadSession,
    actor: CurrentActor,
    key: str,
    purpose: PURPOSE = "",
) -> HTMLResponse:
    """One person cluster; without a purpose, the form that asks for one."""
    policy.require(actor, "linkage.read")
    if not purpose.strip():
        service.get_cluster(session, key)
        return render(request, "linkage/purpose.html", {"key": key.upper()})
    try:
        view = views.cluster_view(session, actor, key, purpose=purpose)
    except DomainError as exc:
        _refused(session, exc)
        raise
    session.commit()
    return _render_cluster(request, view, purpose)


def _refused(session: Any, exc: DomainError) -> None:
    record = getattr(exc, "record_refusal", None)
    if record is not None:
        session.rollback()
        record(session)
        session.commit()


def _render_cluster(
    request: Request, view: views.ClusterView, purpose: str, error: DomainError | None = None
) -> HTMLResponse:
    tr = i18n.translations(getattr(request.state, "locale", i18n.DEFAULT_LOCALE)).ugettext
    charts = {
        f"{link.left.id}-{link.right.id}": {
            "steps": [
                {
                    "label": tr(FIELD_LABELS.get(s["label"], s["label"])),
                    "level": tr(s["level"]) if s.get("level") in LEVEL_LABELS else "",
                    "weight": s["weight"],
                }
                for s in link.waterfall()["steps"]
            ],
            "total": link.match_weight,
        }
        for link in view.links
        if link.visible
    }
    return render(
        request,
        "linkage/cluster.html",
        {
            "view": view,
            "purpose": purpose,
            "shown": SHOWN,
            "verdict_labels": VERDICT_LABELS,
            "field_labels": FIELD_LABELS,
            "level_labels": LEVEL_LABELS,
            "field_names": views.FIELD_LABELS,
            "charts_json": json.dumps(charts, ensure_ascii=False),
            "error": error,
        },
        status_code=error.status if error else 200,
    )


@router.post("/linkage/clusters/{key}/judgements", response_class=HTMLResponse, response_model=None)
def judge_submit(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    key: str,
    left_id: Annotated[uuid.UUID, Form()],
    verdict: Annotated[str, Form(max_length=10)],
    right_id: Annotated[str, Form(max_length=40)] = "",
    reason: Annotated[str, Form(max_length=1000)] = "",
    purpose: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    """Record a judgement on two records of the cluster, or on one against the rest of it
    (`right_id` empty); it applies at once."""
    try:
        if right_id:
            service.judge(
                session,
                actor,
                left_id=left_id,
                right_id=_uuid(right_id),
                verdict=verdict,
                reason=reason,
                cluster_key=key.upper(),
            )
        else:
            service.judge_member(
                session,
                actor,
                record_id=left_id,
                cluster_key=key,
                verdict=verdict,
                reason=reason,
            )
    except DomainError as exc:
        session.rollback()
        if exc.status in (401, 403, 404):
            raise
        view = views.cluster_view(session, actor, key, purpose=purpose or reason or "judgement")
        session.commit()
        return _render_cluster(request, view, purpose, exc)
    session.commit()
    # The left record's cluster now (a "not same" may have moved it out of this one).
    moved = service.cluster_of(session, left_id)
    target = moved.key if moved else key.upper()
    return redirect(request, _cluster_link(target, purpose or reason))


def _uuid(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError as exc:
        raise InvalidInput("choose a record", field="right_id") from exc


@router.get("/linkage-assets/waterfall.js")
def waterfall_script() -> FileResponse:
    """The waterfall charts of a cluster page (kept with this package; no inline scripts)."""
    return FileResponse(
        ASSETS / "waterfall.js",
        media_type="text/javascript",
        headers={"Cache-Control": "public, max-age=3600"},
    )
