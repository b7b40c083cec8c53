"""The ASGI application object for uvicorn (`accord.web.asgi:app`), built from the settings.

`accord serve` sets ACCORD_EMBEDDED_WORKER=1 (unless --no-worker), so the background jobs run in
the server process: the embedded default needs no second process.
"""

from accord.core.config import get_settings
from accord.web.app import create_app

app = create_app(embedded_worker=get_settings().embedded_worker)
