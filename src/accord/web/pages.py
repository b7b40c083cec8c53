"""Site-wide pages: the home page and the language switch."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from accord.agencies import service as agencies_service
from accord.agencies.models import Level
from accord.security import service as security_service
from accord.security.deps import OptionalActor
from accord.web.deps import DbSession
from accord.web.htmx import redirect
from accord.web.i18n import LOCALES
from accord.web.middleware import LOCALE_COOKIE
from accord.web.templating import render

router = APIRouter(include_in_schema=False)

ONE_YEAR = 365 * 24 * 3600


@router.get("/", response_class=HTMLResponse)
def home(request: Request, session: DbSession, actor: OptionalActor) -> HTMLResponse:
    counts = agencies_service.count_by_level(session)
    return render(request, "home.html", {"counts": counts, "levels": list(Level)})


@router.post("/lang")
def switch_language(
    request: Request,
    session: DbSession,
    actor: OptionalActor,
    lang: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",
) -> Response:
    """Switch the UI language and remember it: in a cookie, and for a signed-in user in their
    profile, so it follows them to another browser."""
    target = local_path(next)
    response = redirect(request, target)
    if lang in LOCALES:
        response.set_cookie(LOCALE_COOKIE, lang, max_age=ONE_YEAR, httponly=True, samesite="lax")
        if actor is not None:
            security_service.set_locale(session, actor, lang)
            session.commit()
    return response


def local_path(url: str) -> str:
    # Only same-site paths: a crafted `next` must not send the user to another host.
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not url.startswith("/") or url.startswith("//"):
        return "/"
    return url
