"""ETag / If-Match for updates: a client that changes an object proves which version it saw.

An object's ETag is strong and derived from its id and version column (`"<id>.v<version>"`),
so it changes exactly when the object does. A route that updates calls `check_if_match()`
before changing anything: an If-Match naming another version is a 412 `stale_object` (nothing
is changed); a missing If-Match is accepted unless the route opts in with `required=True`
(428). Comparison is the strong one of RFC 9110 §13.1.1: weak tags never match.
"""

from __future__ import annotations

from fastapi import Request, Response

from accord.core.errors import DomainError


class PreconditionFailed(DomainError):
    status = 412
    code = "stale_object"
    title = "Changed since you loaded it"


class PreconditionRequired(DomainError):
    status = 428
    code = "precondition_required"
    title = "If-Match required"


def etag_for(version: int, object_id: object) -> str:
    """The strong, quoted ETag of version `version` of the object `object_id`."""
    return f'"{object_id}.v{version}"'


def parse_if_match(value: str) -> list[str] | None:
    """The entity tags of an If-Match header value; None for `*` (any current version)."""
    value = value.strip()
    if value == "*":
        return None
    return [tag.strip() for tag in value.split(",") if tag.strip()]


def matches(if_match: str, current_etag: str) -> bool:
    """Whether an If-Match header value admits `current_etag` (strong comparison)."""
    tags = parse_if_match(if_match)
    if tags is None:
        return True
    if current_etag.startswith("W/"):
        return False
    return current_etag in tags


def check_if_match(request: Request, current_etag: str, *, required: bool = False) -> None:
    """Refuse the update if the request's If-Match does not name the object's current version."""
    header = request.headers.get("if-match")
    if header is None:
        if required:
            raise PreconditionRequired(
                "send If-Match with the ETag of the version you are changing",
                field="If-Match",
                current_etag=current_etag,
            )
        return
    if not matches(header, current_etag):
        raise PreconditionFailed(
            "this object was changed since you loaded it (If-Match does not name the current "
            "version); reload it and try again",
            field="If-Match",
            current_etag=current_etag,
        )


def set_etag(response: Response, etag: str) -> Response:
    """Put `etag` on `response` (and return it, for chaining)."""
    response.headers["ETag"] = etag
    return response
