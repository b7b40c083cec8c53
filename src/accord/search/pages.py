"""The search page behind the header's search box."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from accord.search import service
from accord.security.deps import OptionalActor
from accord.web.deps import DbSession
from accord.web.htmx import redirect
from accord.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/search", response_class=HTMLResponse, response_model=None)
def search_page(
    request: Request,
    session: DbSession,
    actor: OptionalActor,
    q: Annotated[str, Query(max_length=100)] = "",
) -> Response:
    hits = service.search(session, q)
    # A reference number or an exact agency code names one object: go straight to it.
    if hits and hits[0].exact:
        return redirect(request, hits[0].url)
    return render(request, "search/results.html", {"q": q, "hits": hits})
