"""The ASGI application object for uvicorn (`accord.web.asgi:app`), built from the settings."""

from accord.web.app import create_app

app = create_app()
