"""FastAPI dependencies for who is asking: `OptionalActor`, `CurrentActor`, `require(permission)`.

Pages that anyone may see take `OptionalActor` (so the header can show who is signed in);
everything else takes `CurrentActor` or declares `Depends(require("some.permission"))`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request

from accord.core.errors import DomainError
from accord.security import policy
from accord.security.actor import Actor
from accord.web.deps import DbSession


class NotAuthenticated(DomainError):
    status = 401
    code = "not_authenticated"
    title = "Not authenticated"


_UNRESOLVED = object()


def optional_actor(request: Request, session: DbSession) -> Actor | None:
    """The signed-in user or token holder, or None; resolved once per request."""
    actor: Actor | object | None = getattr(request.state, "actor", _UNRESOLVED)
    if actor is _UNRESOLVED:
        from accord.security import auth

        actor = auth.actor_from_request(session, request)
        request.state.actor = actor
    assert actor is None or isinstance(actor, Actor)
    return actor


OptionalActor = Annotated[Actor | None, Depends(optional_actor)]


def get_actor(actor: OptionalActor) -> Actor:
    if actor is None:
        raise NotAuthenticated("sign in, or send a valid API token")
    return actor


CurrentActor = Annotated[Actor, Depends(get_actor)]


def require(permission: str) -> Callable[..., Actor]:
    """A dependency that yields the actor if they hold `permission`, and refuses (403) if not."""
    policy.roles_for(permission)  # fail at import time on a misspelt permission

    def dependency(actor: CurrentActor) -> Actor:
        policy.require(actor, permission)
        return actor

    dependency.__name__ = f"require_{permission.replace('.', '_')}"
    return dependency


async def csrf_protect(request: Request, actor: OptionalActor) -> None:
    """Global dependency: every state-changing browser request carries its CSRF token."""
    from accord.security import auth

    await auth.check_csrf(request, actor)
