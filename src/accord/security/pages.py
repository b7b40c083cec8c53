"""Pages for signing in and out, one's own account and tokens, and user administration."""

from __future__ import annotations

import uuid
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from accord.agencies import service as agencies_service
from accord.core.errors import DomainError
from accord.security import policy, service, sessions, tokens, totp
from accord.security.actor import Actor, Role
from accord.security.auth import PENDING_COOKIE, SESSION_COOKIE, client_addr
from accord.security.deps import CurrentActor, OptionalActor, require
from accord.web.deps import DbSession
from accord.web.htmx import redirect
from accord.web.middleware import LOCALE_COOKIE
from accord.web.pages import local_path
from accord.web.templating import render

router = APIRouter(include_in_schema=False)

Admin = Annotated[Actor, Depends(require("users.manage"))]
Reader = Annotated[Actor, Depends(require("users.read"))]


def _set_session_cookie(request: Request, response: Response, token: str) -> None:
    secure = request.url.scheme == "https"
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax", secure=secure)


# --- signing in and out ----------------------------------------------------------------------


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, actor: OptionalActor, next: str = "/my-work") -> Response:
    if actor is not None:
        return redirect(request, local_path(next))
    return render(request, "security/login.html", {"next": local_path(next), "error": None})


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    session: DbSession,
    username: Annotated[str, Form(max_length=80)],
    password: Annotated[str, Form(max_length=200)],
    next: Annotated[str, Form()] = "/my-work",
) -> Response:
    target = local_path(next)
    try:
        opened = sessions.sign_in(
            session,
            username=username,
            password=password,
            client_addr=client_addr(request),
            user_agent=request.headers.get("user-agent"),
        )
    except DomainError as exc:
        session.commit()  # the failure count and its audit event must stay
        return render(
            request,
            "security/login.html",
            {"next": target, "error": exc, "username": username},
            status_code=exc.status,
        )
    session.commit()
    user = opened.web_session.user
    if opened.needs_totp:
        response = redirect(request, f"/login/totp?next={quote(target)}")
        response.set_cookie(
            PENDING_COOKIE, opened.token, httponly=True, samesite="strict", max_age=300
        )
        return response
    response = redirect(request, target)
    _set_session_cookie(request, response, opened.token)
    response.set_cookie(
        LOCALE_COOKIE, user.locale, httponly=True, samesite="lax", max_age=365 * 86400
    )
    return response


@router.get("/login/totp", response_class=HTMLResponse)
def totp_form(request: Request, session: DbSession, next: str = "/my-work") -> Response:
    if sessions.pending(session, request.cookies.get(PENDING_COOKIE, "")) is None:
        session.commit()
        return redirect(request, "/login")
    return render(request, "security/totp.html", {"next": local_path(next), "error": None})


@router.post("/login/totp", response_class=HTMLResponse)
def totp_check(
    request: Request,
    session: DbSession,
    code: Annotated[str, Form(max_length=12)],
    next: Annotated[str, Form()] = "/my-work",
) -> Response:
    target = local_path(next)
    try:
        opened = sessions.second_factor(
            session,
            pending_token=request.cookies.get(PENDING_COOKIE, ""),
            code=code,
            client_addr=client_addr(request),
            user_agent=request.headers.get("user-agent"),
        )
    except DomainError as exc:
        session.commit()
        return render(
            request,
            "security/totp.html",
            {"next": target, "error": exc},
            status_code=exc.status,
        )
    session.commit()
    response = redirect(request, target)
    response.delete_cookie(PENDING_COOKIE)
    _set_session_cookie(request, response, opened.token)
    locale = opened.web_session.user.locale
    response.set_cookie(LOCALE_COOKIE, locale, httponly=True, samesite="lax", max_age=365 * 86400)
    return response


@router.post("/logout")
def logout(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    sessions.sign_out(session, actor, request.cookies.get(SESSION_COOKIE, ""))
    session.commit()
    response = redirect(request, "/login")
    response.delete_cookie(SESSION_COOKIE)
    return response


# --- one's own account ---------------------------------------------------------------------


def _account(request: Request, session: DbSession, actor: Actor, **extra: object) -> HTMLResponse:
    user = service.get_user(session, actor.username)
    rows = tokens.list_tokens(session, actor, username=actor.username)
    context = {"user": user, "tokens": rows, "issued": None, "error": None, "message": None}
    context.update(extra)
    return render(request, "security/account.html", context)


@router.get("/account", response_class=HTMLResponse)
def account(request: Request, session: DbSession, actor: CurrentActor) -> HTMLResponse:
    return _account(request, session, actor)


@router.post("/account/password", response_class=HTMLResponse)
def change_password(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    current_password: Annotated[str, Form(max_length=200)],
    new_password: Annotated[str, Form(max_length=200)],
) -> HTMLResponse:
    try:
        service.change_own_password(session, actor, current=current_password, new=new_password)
    except DomainError as exc:
        session.rollback()
        return _account(request, session, actor, error=exc.detail)
    session.commit()
    return _account(request, session, actor, message="password_changed")


@router.post("/account/tokens", response_class=HTMLResponse)
def create_own_token(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    name: Annotated[str, Form(max_length=100)],
    scopes: Annotated[str, Form(max_length=500)],
    days: Annotated[int, Form(ge=1, le=366)] = 90,
) -> HTMLResponse:
    try:
        issued = tokens.create(
            session, actor, username=actor.username, name=name, scopes=scopes.split(), days=days
        )
    except DomainError as exc:
        session.rollback()
        return _account(request, session, actor, error=exc.detail)
    session.commit()
    return _account(request, session, actor, issued=issued.token)


@router.post("/account/tokens/{token_id}/revoke")
def revoke_own_token(
    request: Request, session: DbSession, actor: CurrentActor, token_id: uuid.UUID
) -> Response:
    tokens.revoke(session, actor, token_id)
    session.commit()
    return redirect(request, "/account")


# --- administration --------------------------------------------------------------------------


@router.get("/admin/users", response_class=HTMLResponse)
def admin_users(
    request: Request, session: DbSession, actor: Reader, agency: str = ""
) -> HTMLResponse:
    users = service.list_users(session, actor, agency_code=agency or None)
    scope = policy.agencies_in_scope(session, actor, "users.manage")
    agencies = [a for a in agencies_service.all_agencies(session) if policy.in_scope(scope, a.id)]
    return render(
        request,
        "security/users.html",
        {
            "users": users,
            "agency": agency,
            "agencies": agencies,
            "roles": list(Role),
            "created": None,
        },
    )


@router.post("/admin/users", response_class=HTMLResponse)
def admin_create_user(
    request: Request,
    session: DbSession,
    actor: Admin,
    username: Annotated[str, Form(max_length=80)],
    display_name: Annotated[str, Form(max_length=200)],
    agency: Annotated[str, Form(max_length=32)],
    email: Annotated[str, Form(max_length=200)] = "",
    roles: Annotated[list[Role] | None, Form()] = None,
    include_subordinates: Annotated[bool, Form()] = False,
) -> HTMLResponse:
    created = service.create_user(
        session,
        actor,
        username=username,
        display_name=display_name,
        agency_code=agency,
        email=email,
        roles=roles or [],
        include_subordinates=include_subordinates,
    )
    session.commit()
    secret = created.totp_secret
    return render(
        request,
        "security/user.html",
        {
            "user": created.user,
            "roles": list(Role),
            "secret": {
                "password": created.password,
                "totp": secret,
                "uri": totp.provisioning_uri(secret, created.user.username) if secret else None,
            },
        },
        status_code=201,
    )


@router.get("/admin/users/{username}", response_class=HTMLResponse)
def admin_user(request: Request, session: DbSession, actor: Reader, username: str) -> HTMLResponse:
    user = service.show_user(session, actor, username)
    return render(
        request, "security/user.html", {"user": user, "roles": list(Role), "secret": None}
    )


@router.post("/admin/users/{username}/grants")
def admin_grant(
    request: Request,
    session: DbSession,
    actor: Admin,
    username: str,
    role: Annotated[Role, Form()],
    agency: Annotated[str, Form(max_length=32)] = "",
    include_subordinates: Annotated[bool, Form()] = False,
) -> Response:
    service.grant_role(
        session,
        actor,
        username=username,
        role=role,
        agency_code=agency or None,
        include_subordinates=include_subordinates,
    )
    session.commit()
    return redirect(request, f"/admin/users/{username}")


@router.post("/admin/users/{username}/grants/{grant_id}/revoke")
def admin_revoke(
    request: Request, session: DbSession, actor: Admin, username: str, grant_id: uuid.UUID
) -> Response:
    service.revoke_role(session, actor, username=username, grant_id=grant_id)
    session.commit()
    return redirect(request, f"/admin/users/{username}")


@router.post("/admin/users/{username}/{action}", response_class=HTMLResponse)
def admin_action(
    request: Request, session: DbSession, actor: Admin, username: str, action: str
) -> Response:
    secret: dict[str, str | None] | None = None
    if action == "deactivate":
        service.set_active(session, actor, username=username, active=False)
    elif action == "activate":
        service.set_active(session, actor, username=username, active=True)
    elif action == "reset-password":
        secret = {
            "password": service.reset_password(session, actor, username=username),
            "totp": None,
        }
    elif action == "reset-totp":
        value = service.reset_totp(session, actor, username=username)
        secret = {"password": None, "totp": value, "uri": totp.provisioning_uri(value, username)}
    else:
        from accord.core.errors import NotFound

        raise NotFound(f"no action {action!r}", field="action")
    session.commit()
    if secret is None:
        return redirect(request, f"/admin/users/{username}")
    user = service.get_user(session, username)
    return render(
        request, "security/user.html", {"user": user, "roles": list(Role), "secret": secret}
    )
