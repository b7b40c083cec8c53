"""ASGI middleware: pick the request's language and remember it on the request state."""

from __future__ import annotations

from http.cookies import CookieError, SimpleCookie

from starlette.types import ASGIApp, Receive, Scope, Send

from accord.web import i18n

LOCALE_COOKIE = "accord_lang"


class LocaleMiddleware:
    def __init__(self, app: ASGIApp, *, default: str) -> None:
        self.app = app
        self.default = default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
            cookie: SimpleCookie = SimpleCookie()
            try:
                cookie.load(headers.get("cookie", ""))
            except CookieError:
                cookie = SimpleCookie()  # a mangled cookie header must not break the page
            chosen = cookie[LOCALE_COOKIE].value if LOCALE_COOKIE in cookie else None
            locale = i18n.negotiate(chosen, headers.get("accept-language"), self.default)
            scope.setdefault("state", {})["locale"] = locale
            i18n.set_locale(locale)
        await self.app(scope, receive, send)
