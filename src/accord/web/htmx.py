"""HTMX conventions: a successful form answers HX-Redirect to htmx and a plain 303 otherwise."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse, Response


def redirect(request: Request, url: str) -> Response:
    if request.headers.get("HX-Request") == "true":
        return Response(status_code=204, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)
