"""Domain errors: one class per kind of refusal, each with its HTTP status and a stable code.

The API renders them as RFC 9457 problem+json and the CLI as one line on stderr. Status and code
are class attributes read when the error is raised, so a subclass only has to override them.
"""

from __future__ import annotations

from typing import Any, ClassVar


class DomainError(Exception):
    """Base of every error a service raises on purpose."""

    status: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"
    title: ClassVar[str] = "Bad request"

    def __init__(self, detail: str, *, field: str | None = None, **data: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.field = field
        self.data = data

    def problem(self) -> dict[str, Any]:
        """The RFC 9457 members of this error (without `instance`, which the web layer adds)."""
        body: dict[str, Any] = {
            "type": f"/problems/{self.code}",
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "code": self.code,
        }
        if self.field is not None:
            body["errors"] = [{"field": self.field, "message": self.detail}]
        body.update(self.data)
        return body


class NotFound(DomainError):
    status = 404
    code = "not_found"
    title = "Not found"


class Conflict(DomainError):
    status = 409
    code = "conflict"
    title = "Conflict"


class InvalidInput(DomainError):
    status = 422
    code = "invalid_input"
    title = "Invalid input"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"
    title = "Forbidden"
