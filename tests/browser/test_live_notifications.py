"""Acceptance in a real browser: a notification written by the test process and delivered by a
separate `accord worker` process pops up on the signed-in user's open inbox page (toast, count,
new row), while the same worker e-mails the SMTP relay and signs the webhook the test runs."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from accord.core.db import make_engine, make_sessionmaker
from accord.notify import service, webhooks
from accord.notify.models import InboxItem
from accord.security import totp
from accord.security.actor import Actor, Role
from accord.web.app import create_app
from tests.factories import PASSWORD, make_named, make_user
from tests.notify.helpers import (
    SmtpSink,
    WebhookReceiver,
    free_port,
    start_worker,
    stop_worker,
    wait_for,
    worker_env,
)


@dataclass
class Stage:
    url: str
    db: sessionmaker[Session]
    agency_id: object
    totp_secret: str
    smtp: SmtpSink
    receiver: WebhookReceiver


@pytest.fixture
def stage(fresh_database_url: str, tmp_path: Path) -> Iterator[Stage]:
    """A fresh database with one SH liaison and a webhook, the app on a free port, an SMTP
    relay, a webhook receiver, and `accord worker` running as a process of its own."""
    engine = make_engine(fresh_database_url)
    db = make_sessionmaker(engine)
    smtp = SmtpSink().start()
    receiver = WebhookReceiver()
    with db() as session:
        sh = make_named(session, "SH")["SH"]
        secret = make_user(session, "sh.liaison", "310000", Role.LIAISON).totp_secret
        assert secret
        _, receiver.secret = webhooks.create_webhook(
            session, Actor.system("test-setup"), agency_id=sh.id, url=receiver.start()
        )
        session.commit()
        agency_id = sh.id

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(engine=engine),
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
        assert time.monotonic() < deadline, "the app server did not start"
        time.sleep(0.05)
    worker = start_worker(
        worker_env(fresh_database_url, tmp_path / "data", smtp), tmp_path / "worker.log"
    )
    try:
        yield Stage(f"http://127.0.0.1:{port}", db, agency_id, secret, smtp, receiver)
    finally:
        code = stop_worker(worker)
        server.should_exit = True
        thread.join(timeout=10)
        receiver.stop()
        smtp.stop()
        engine.dispose()
        assert code == 0, (tmp_path / "worker.log").read_text(errors="replace")


def sign_in(page: Page, secret: str) -> None:
    page.goto("/login?next=/inbox")
    page.locator('input[name="username"]').fill("sh.liaison")
    page.locator('input[name="password"]').fill(PASSWORD)
    page.locator('form[action="/login"] button[type="submit"]').click()
    expect(page).to_have_url(re.compile(r"/login/totp"))
    page.locator('input[name="code"]').fill(totp.code_at(secret, datetime.now(UTC)))
    page.locator('form[action="/login/totp"] button[type="submit"]').click()
    expect(page).to_have_url(re.compile(r"/inbox$"))


def test_a_notification_from_another_process_reaches_the_open_page(
    browser: Browser, stage: Stage
) -> None:
    context = browser.new_context(base_url=stage.url, locale="zh-CN")
    page = context.new_page()
    try:
        sign_in(page, stage.totp_secret)
        # In English, so that the test reads the same before and after the Chinese catalog is
        # merged (notify.js speaks both; the Chinese page is covered in tests/notify).
        page.get_by_role("button", name="English").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Notifications")
        expect(page.locator("#inbox-list")).to_contain_text("No notifications.")
        # The page's EventSource is open before anything is sent.
        expect(page.locator("html")).to_have_attribute("data-notify", "live")

        with stage.db() as session:
            service.enqueue(
                session,
                event="hit.reported",
                title="命中核查 SH-2026-000021 待确认",
                reference="SH-2026-000021",
                link="/hits/SH-2026-000021",
                to_agencies=[stage.agency_id],  # type: ignore[list-item]
                to_roles=[Role.LIAISON],
                data={"name": "Zhang San"},
            )
            session.commit()

        toast = page.locator(".notify-toast")
        expect(toast).to_contain_text("命中核查 SH-2026-000021 待确认", timeout=20000)
        expect(toast).to_contain_text("New notification")
        first = page.locator("#inbox-list li").first
        expect(first).to_contain_text("SH-2026-000021")
        expect(page.locator("#inbox-unread")).to_have_text("1")

        # Reading it from the live row: the count goes back to zero after the reload.
        first.get_by_role("button", name="Mark read").click()
        expect(page).to_have_url(re.compile(r"/inbox$"))
        expect(page.locator("#inbox-unread")).to_be_hidden()
        expect(page.locator("#inbox-list li").first).to_contain_text("Read")
        expect(page.locator(".inbox-item.unread")).to_have_count(0)
    finally:
        context.close()

    def stored() -> list[InboxItem]:
        with stage.db() as session:
            return list(session.scalars(select(InboxItem)))

    items = wait_for(stored)
    assert [(i.reference, i.read_at is not None) for i in items] == [("SH-2026-000021", True)]
    wait_for(lambda: stage.smtp.messages)
    assert "SH-2026-000021" in stage.smtp.messages[0].get_content()
    assert "Zhang San" not in stage.smtp.messages[0].as_string()
    wait_for(lambda: stage.receiver.processed)
    assert stage.receiver.processed[0]["reference"] == "SH-2026-000021"
