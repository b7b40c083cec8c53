"""Jinja2 environment shared by every domain's pages, and the render helpers.

Templates live beside their domain (`accord/<domain>/templates/<domain>/...`); the layout and
shared partials live in `accord/web/templates/`. Autoescaping is always on.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import ChoiceLoader, Environment, PackageLoader, StrictUndefined, select_autoescape

from accord.core import handling
from accord.core.config import get_settings
from accord.web import i18n

TEMPLATE_PACKAGES = (
    "accord.web",
    "accord.agencies",
    "accord.search",
    "accord.security",
    "accord.audit",
    "accord.notify",
    "accord.deadlines",
    "accord.zones",
    "accord.zones.agreements",
    "accord.meetings",
    "accord.alerts",
    "accord.assistance",
    "accord.records",
    "accord.linkage",
    "accord.series",
)


@cache
def environment() -> Environment:
    env = Environment(
        loader=ChoiceLoader([PackageLoader(pkg, "templates") for pkg in TEMPLATE_PACKAGES]),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]  # added by the i18n extension
        i18n.gettext, i18n.ngettext, newstyle=True
    )
    env.globals.update(
        handling_rules={code.value: rule for code, rule in handling.RULES.items()},
        locales=i18n.LOCALES,
        locale_names=i18n.LOCALE_NAMES,
        local_time=local_time,
    )
    return env


def local_time(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored UTC instant shown in the installation's display time zone."""
    if value is None:
        return ""
    return value.astimezone(ZoneInfo(get_settings().display_timezone)).strftime(fmt)


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """Render a page or partial in the request's language."""
    from accord.security import auth, policy

    locale = getattr(request.state, "locale", i18n.DEFAULT_LOCALE)
    i18n.set_locale(locale)
    actor = getattr(request.state, "actor", None)
    csrf_token = auth.csrf_token_for(request)
    new_login_csrf = None
    if csrf_token is None:
        # Forms shown before sign-in (login, language) carry a token tied to a cookie.
        csrf_token = new_login_csrf = secrets.token_urlsafe(32)
    values = {
        "request": request,
        "lang": locale,
        "is_htmx": request.headers.get("HX-Request") == "true",
        "current_user": actor,
        "can": (lambda permission: actor is not None and policy.allows(actor, permission)),
        "csrf_token": csrf_token,
        "handling_code": None,
    }
    values.update(context or {})
    html = environment().get_template(name).render(values)
    response = HTMLResponse(html, status_code=status_code, headers=headers)
    if new_login_csrf is not None:
        response.set_cookie(
            auth.LOGIN_CSRF_COOKIE, new_login_csrf, httponly=True, samesite="lax", max_age=12 * 3600
        )
    return response


def render_error(request: Request, status: int, title: str, detail: str) -> HTMLResponse:
    return render(
        request,
        "error.html",
        {"status": status, "title": title, "detail": detail},
        status_code=status,
    )
