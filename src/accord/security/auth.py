"""Resolving the actor of a request from its bearer token or session cookie, and CSRF checks.

A bearer token (`Authorization: Bearer acc_...`) is for machines and needs no CSRF token. A
browser session cookie is HttpOnly and SameSite=Lax; every state-changing request made with it
must also carry the session's CSRF token, as a form field `csrf_token` or an `X-CSRF-Token`
header (HTMX sends the header from the page's meta tag).
"""

from __future__ import annotations

import hmac

from fastapi import Request
from sqlalchemy.orm import Session

from accord.core.errors import Forbidden
from accord.security import sessions, tokens
from accord.security.actor import Actor
from accord.security.service import actor_for

SESSION_COOKIE = "accord_session"
PENDING_COOKIE = "accord_pending"
LOGIN_CSRF_COOKIE = "accord_login_csrf"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class CsrfFailed(Forbidden):
    code = "csrf_failed"
    title = "Missing or wrong CSRF token"


def client_addr(request: Request) -> str | None:
    return request.client.host if request.client else None


def actor_from_request(session: Session, request: Request) -> Actor | None:
    """The actor behind the request's credentials, or None when it carries none that are valid."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        row = tokens.resolve(session, header[7:].strip())
        if row is None:
            return None
        session.commit()  # keeps last_used_at; nothing else is pending this early
        return actor_for(
            row.user, via="token", scopes=frozenset(row.scopes), client_addr=client_addr(request)
        )
    web_session = sessions.resolve(session, request.cookies.get(SESSION_COOKIE, ""))
    session.commit()  # keeps last_seen_at, or the end of a session that timed out
    if web_session is None:
        return None
    # A plain string: error pages render it after the request's session has rolled back.
    request.state.csrf_token = web_session.csrf_token
    return actor_for(web_session.user, via="session", client_addr=client_addr(request))


def csrf_token_for(request: Request) -> str | None:
    """The CSRF token pages must embed: the session's, or the pre-login cookie's."""
    token: str | None = getattr(request.state, "csrf_token", None)
    return token or request.cookies.get(LOGIN_CSRF_COOKIE)


async def check_csrf(request: Request, actor: Actor | None) -> None:
    """Refuse a state-changing browser request that lacks its CSRF token.

    Requests with a bearer token, and actors that did not come through a browser session,
    need none: a cross-site page can make a browser send cookies, never a token.
    """
    if request.method in SAFE_METHODS:
        return
    if request.headers.get("authorization", "").lower().startswith("bearer "):
        return
    if actor is not None and actor.via != "session":
        return
    expected = csrf_token_for(request)
    presented = request.headers.get("x-csrf-token")
    content_type = request.headers.get("content-type", "")
    # Only small url-encoded forms are parsed for the field: an upload (multipart) made with a
    # session cookie must send the header, so that no request body is read before the route's
    # own size limit applies.
    if presented is None and content_type.startswith("application/x-www-form-urlencoded"):
        form = await request.form()
        value = form.get("csrf_token")
        presented = value if isinstance(value, str) else None
    if not expected or not presented or not hmac.compare_digest(expected, presented):
        raise CsrfFailed(
            "the form has expired or did not come from this site: reload and try again"
        )
