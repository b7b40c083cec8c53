"""RFC 9457 problem+json for the API, and friendly error pages for the HTML side."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from accord.core.errors import Conflict, DomainError

PROBLEM_JSON = "application/problem+json"


def problem_response(body: dict[str, Any], request: Request) -> JSONResponse:
    body = {**body, "instance": request.url.path}
    return JSONResponse(body, status_code=int(body["status"]), media_type=PROBLEM_JSON)


def _field_name(loc: tuple[Any, ...] | list[Any]) -> str:
    # FastAPI reports ("query", "limit") or ("body", "items", 0, "code"); users know the field.
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"query", "path", "header", "cookie", "body"} and len(parts) > 1:
        parts = parts[1:]
    return ".".join(parts)


def validation_problem(exc: RequestValidationError) -> dict[str, Any]:
    errors = [{"field": _field_name(e["loc"]), "message": e["msg"]} for e in exc.errors()]
    first = errors[0] if errors else {"field": "request", "message": "invalid"}
    return {
        "type": "/problems/invalid_input",
        "title": "Invalid input",
        "status": 422,
        "detail": f"{first['field']}: {first['message']}",
        "code": "invalid_input",
        "errors": errors,
    }


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def install(app: FastAPI) -> None:
    """Register the error handlers: problem+json under /api, error pages elsewhere."""
    from accord.web.templating import render_error

    async def on_domain_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, DomainError)
        if is_api(request):
            return problem_response(exc.problem(), request)
        if exc.status == 401:
            # A page that needs a signed-in user sends the visitor to sign in, then back.
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
        return render_error(request, exc.status, exc.title, exc.detail)

    async def on_validation_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        body = validation_problem(exc)
        if is_api(request):
            return problem_response(body, request)
        return render_error(request, 422, body["title"], body["detail"])

    async def on_http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if is_api(request):
            body = {
                "type": "about:blank",
                "title": _status_title(exc.status_code),
                "status": exc.status_code,
                "detail": str(exc.detail),
            }
            return problem_response(body, request)
        return render_error(
            request, exc.status_code, _status_title(exc.status_code), str(exc.detail)
        )

    async def on_stale_data(request: Request, exc: Exception) -> Response:
        # SQLAlchemy's optimistic lock lost a race: someone changed the row meanwhile.
        conflict = Conflict("changed by someone else at the same time; reload and try again")
        return await on_domain_error(request, conflict)

    app.add_exception_handler(DomainError, on_domain_error)
    app.add_exception_handler(StaleDataError, on_stale_data)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)


def _status_title(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


# The answers of a route that changes an object moved through a status table (409), under
# If-Match (412), from a body that may not validate (422).
CHANGE_RESPONSES: dict[int | str, dict[str, Any]] = {
    409: {
        "description": "Not allowed in this status, or changed concurrently (problem+json)",
        "content": {PROBLEM_JSON: {}},
    },
    412: {
        "description": "If-Match names a version that is no longer current (problem+json)",
        "content": {PROBLEM_JSON: {}},
    },
    422: {
        "description": "Invalid input; names the field (problem+json)",
        "content": {PROBLEM_JSON: {}},
    },
}

PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    404: {"description": "Not found (problem+json)", "content": {PROBLEM_JSON: {}}},
    422: {
        "description": "Invalid input, naming the field (problem+json)",
        "content": {PROBLEM_JSON: {}},
    },
}
