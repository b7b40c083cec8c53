"""HTMX conventions: a successful form answers HX-Redirect to htmx and a plain 303 otherwise;
a page form's action runs in one transaction (`act_on_form`)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from accord.core.errors import DomainError

# Refusals that are not the form's fault (signed out, not allowed, not found): the error page.
PAGE_REFUSALS = (401, 403, 404)


def redirect(request: Request, url: str) -> Response:
    if request.headers.get("HX-Request") == "true":
        return Response(status_code=204, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


def act_on_form(
    request: Request,
    session: Session,
    act: Callable[[], str],
    refused: Callable[[DomainError], Response],
    *,
    on_page: Callable[[DomainError], bool] = lambda exc: False,
) -> Response:
    """A form's action in one transaction: commit and go where `act` says, or roll back and
    show the form again with the reason (`refused`). A refusal in PAGE_REFUSALS goes to the
    error page instead, unless `on_page` says the form's own page explains it."""
    try:
        target = act()
    except DomainError as exc:
        session.rollback()
        if exc.status in PAGE_REFUSALS and not on_page(exc):
            raise
        return refused(exc)
    session.commit()
    return redirect(request, target)
