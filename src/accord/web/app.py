"""The application factory: one FastAPI app serving the API, the pages and the static assets."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine, text

from accord import __version__
from accord.agencies import api as agencies_api
from accord.agencies import pages as agencies_pages
from accord.alerts import api as alerts_api
from accord.alerts import followup_api, followup_pages
from accord.alerts import pages as alerts_pages
from accord.assistance import api as assistance_api
from accord.assistance import pages as assistance_pages
from accord.assistance import stats_api, stats_pages
from accord.attachments import api as attachments_api
from accord.audit import api as audit_api
from accord.audit import pages as audit_pages
from accord.core.config import Settings, get_settings
from accord.core.db import default_engine, make_sessionmaker
from accord.deadlines import api as deadlines_api
from accord.deadlines import pages as deadlines_pages
from accord.linkage import api as linkage_api
from accord.linkage import pages as linkage_pages
from accord.meetings import api as meetings_api
from accord.meetings import pages as meetings_pages
from accord.notify import api as notify_api
from accord.notify import pages as notify_pages
from accord.records import api as records_api
from accord.records import pages as records_pages
from accord.search import api as search_api
from accord.search import pages as search_pages
from accord.security import api as security_api
from accord.security import pages as security_pages
from accord.security.deps import csrf_protect
from accord.series import api as series_api
from accord.series import joint_api, joint_pages
from accord.series import pages as series_pages
from accord.web import pages as web_pages
from accord.web import problems
from accord.web.middleware import LocaleMiddleware
from accord.zones import api as zones_api
from accord.zones import pages as zones_pages
from accord.zones.agreements import api as agreements_api
from accord.zones.agreements import pages as agreements_pages

STATIC_DIR = Path(__file__).resolve().parent / "static"
SWAGGER = "/static/vendor/swagger-ui-5.35.0"


def create_app(
    *, engine: Engine | None = None, settings: Settings | None = None, embedded_worker: bool = False
) -> FastAPI:
    """The application; with `embedded_worker`, the background jobs run in this process too."""
    from accord import wiring
    from accord.worker import EmbeddedWorker

    wiring.wire()
    settings = settings or get_settings()
    engine = engine or default_engine()
    worker = EmbeddedWorker(engine) if embedded_worker else None

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if worker is not None:
            worker.start()
        try:
            yield
        finally:
            if worker is not None:
                worker.stop()

    app = FastAPI(
        lifespan=lifespan,
        title="Accord API",
        version=__version__,
        description="Cooperation between police agencies across jurisdictions.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
        dependencies=[Depends(csrf_protect)],
    )
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    app.state.write_sessionmaker = make_sessionmaker(engine, writes=True)
    app.state.settings = settings
    app.add_middleware(LocaleMiddleware, default=settings.default_locale)
    problems.install(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    api_routers = (
        agencies_api.router,
        search_api.router,
        security_api.router,
        audit_api.router,
        notify_api.router,
        attachments_api.router,
        deadlines_api.router,
        zones_api.router,
        agreements_api.router,
        meetings_api.router,
        alerts_api.router,
        followup_api.router,
        assistance_api.router,
        stats_api.router,
        records_api.router,
        linkage_api.router,
        series_api.router,
        joint_api.router,
    )
    for router in api_routers:
        app.include_router(router, prefix="/api/v1")
    page_routers = (
        web_pages.router,
        agencies_pages.router,
        search_pages.router,
        security_pages.router,
        audit_pages.router,
        notify_pages.router,
        deadlines_pages.router,
        zones_pages.router,
        agreements_pages.router,
        meetings_pages.router,
        alerts_pages.router,
        followup_pages.router,
        stats_pages.router,
        assistance_pages.router,
        records_pages.router,
        linkage_pages.router,
        series_pages.router,
        joint_pages.router,
    )
    for router in page_routers:
        app.include_router(router)

    @app.get("/api/v1/docs", include_in_schema=False)
    def api_docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/api/v1/openapi.json",
            title="Accord API",
            swagger_js_url=f"{SWAGGER}/swagger-ui-bundle.js",
            swagger_css_url=f"{SWAGGER}/swagger-ui.css",
            swagger_favicon_url=f"{SWAGGER}/favicon-32x32.png",
        )

    @app.get("/healthz", tags=["health"])
    def healthz() -> dict[str, str]:
        """The process is up."""
        return {"status": "ok"}

    @app.get("/readyz", tags=["health"], response_model=None)
    def readyz(request: Request) -> Any:
        """The process can reach its database."""
        try:
            with request.app.state.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception as exc:  # any failure to reach the database means not ready
            body = {
                "type": "/problems/not_ready",
                "title": "Not ready",
                "status": 503,
                "detail": f"database unreachable: {type(exc).__name__}",
            }
            return problems.problem_response(body, request)
        return JSONResponse({"status": "ready", "database": request.app.state.engine.dialect.name})

    return app
