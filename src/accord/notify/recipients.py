"""Who receives a message: resolved through the security package's `recipients()` contract.

The function is looked up when a message is dispatched, not at import time, so the notify
package does not depend on the security package's internals (and tests can stand in for it).
"""

from __future__ import annotations

import importlib
import uuid
from collections.abc import Callable, Iterable
from typing import Any, Protocol, cast

from sqlalchemy.orm import Session

from accord.security.actor import Role

SECURITY_SERVICE = "accord.security.service"


class Recipient(Protocol):
    """What notify needs of a user (`accord.security.service.Recipient` provides it)."""

    @property
    def user_id(self) -> uuid.UUID: ...

    @property
    def username(self) -> str: ...

    @property
    def email(self) -> str: ...

    @property
    def locale(self) -> str: ...

    @property
    def agency_id(self) -> uuid.UUID: ...


RecipientsFn = Callable[..., list[Any]]


class RecipientsUnavailable(RuntimeError):
    """The security package does not (yet) provide `recipients()`: nothing can be dispatched."""


def _recipients_fn() -> RecipientsFn:
    try:
        module = importlib.import_module(SECURITY_SERVICE)
    except ImportError as exc:
        raise RecipientsUnavailable(f"{SECURITY_SERVICE} cannot be imported") from exc
    fn = getattr(module, "recipients", None)
    if not callable(fn):
        raise RecipientsUnavailable(f"{SECURITY_SERVICE}.recipients is missing")
    return cast(RecipientsFn, fn)


def resolve(
    session: Session,
    *,
    user_ids: Iterable[uuid.UUID],
    agency_ids: Iterable[uuid.UUID],
    roles: Iterable[Role],
) -> list[Recipient]:
    """Active users: the listed ones, plus those of the agencies holding one of `roles` there
    (every user of the agency when `roles` is empty). Each user once."""
    found = _recipients_fn()(
        session, user_ids=list(user_ids), agency_ids=list(agency_ids), roles=list(roles)
    )
    unique: dict[uuid.UUID, Recipient] = {}
    for r in found:
        unique.setdefault(r.user_id, cast(Recipient, r))
    return list(unique.values())
