"""A demo server of a test module's own, with the embedded worker, so that notifications reach
the browsers live (the shared live server runs no worker); and a signed-in page on it."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from playwright.sync_api import Browser, Page

from accord import demo
from accord.core.db import make_engine, make_sessionmaker
from accord.web.app import create_app
from tests.browser.signin import sign_in
from tests.conftest import DatabaseFactory


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def demo_with_worker(
    databases: DatabaseFactory, name: str, *, records: bool = False
) -> Iterator[str]:
    """The demo loaded into a new database `name` (its shared records only with `records`),
    served on a free port; yields its URL."""
    engine = make_engine(databases.create(name))
    with make_sessionmaker(engine)() as session:
        demo.load(session, assistance=False, records=records)
        session.commit()
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(engine=engine, embedded_worker=True),
            host="127.0.0.1",
            port=port,
            log_level="warning",
            timeout_graceful_shutdown=2,
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the live server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        engine.dispose()


def signed_in(browser: Browser, base_url: str, username: str, path: str) -> Page:
    """A new browser context signed in as `username`, on `path`."""
    context = browser.new_context(base_url=base_url, locale="zh-CN")
    page = context.new_page()
    sign_in(page, username, next_path=path)
    return page
