"""A visitor without an account reads a published agreement, and cannot reach an unpublished one.

The server is this module's own (same demo data as `live_server`), because the test must also
know the reference of an agreement that no public page names.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import uvicorn
from playwright.sync_api import Browser, expect

from accord import demo
from accord.core.db import make_engine, make_sessionmaker
from accord.security.actor import Actor
from accord.web.app import create_app
from accord.zones import service as zones_service
from accord.zones.agreements import service
from accord.zones.agreements.demo import load_demo
from tests.conftest import DatabaseFactory


@dataclass(frozen=True)
class Server:
    url: str
    hidden_reference: str


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(databases: DatabaseFactory) -> Iterator[Server]:
    engine = make_engine(databases.create("agreements"))
    with make_sessionmaker(engine)() as session:
        demo.load(session, assistance=False, records=False)
        load_demo(session, Actor.system("demo-loader"))  # a no-op once the demo loads it
        session.commit()
        (hidden,) = service.list_for_zone(session, zones_service.get_zone(session, "NW"))
        reference = hidden.reference
    uv = uvicorn.Server(
        uvicorn.Config(create_app(engine=engine), host="127.0.0.1", port=_free_port())
    )
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not uv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the server did not start")
        time.sleep(0.05)
    yield Server(f"http://127.0.0.1:{uv.config.port}", reference)
    uv.should_exit = True
    thread.join(timeout=10)
    engine.dispose()


def test_a_visitor_reads_the_yrd_agreement_and_not_an_unpublished_one(
    browser: Browser, server: Server
) -> None:
    context = browser.new_context(base_url=server.url, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto("/public/agreements")
        table = page.locator("#public-agreements")
        expect(table).to_contain_text("长三角区域警务一体化合作协议")
        expect(table).not_to_contain_text("西北地区公安机关反恐维稳与禁毒协作协议")
        table.get_by_role("link", name="长三角区域警务一体化合作协议").click()
        article = page.locator("#public-agreement")
        expect(article.get_by_role("heading", level=1)).to_have_text("长三角区域警务一体化合作协议")
        expect(article).to_contain_text("第二条 各方建立情报信息共享机制")
        expect(article.locator(".signatories li")).to_have_count(4)
        expect(article.locator(".signatories")).to_contain_text("上海市公安局")
        expect(article).not_to_contain_text("hit_no_hit")
        expect(page.get_by_role("link", name="登录")).to_be_visible()

        article.locator('a[href="?text=en"]').click()
        expect(article).to_contain_text("Article 3 The parties cooperate on fugitives")

        hidden = page.goto(f"/public/agreements/{server.hidden_reference}")
        assert hidden is not None
        assert hidden.status == 404
    finally:
        context.close()
