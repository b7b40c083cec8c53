"""Acceptance: a notification written by this process is delivered by a separate `accord worker`
process to the inbox, to an SMTP relay and to a signed-webhook receiver started by the test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from accord.notify import service, webhooks
from accord.notify.models import Delivery, InboxItem
from accord.security.actor import Actor, Role
from tests.factories import make_named, make_user
from tests.notify.helpers import (
    SmtpSink,
    WebhookReceiver,
    start_worker,
    stop_worker,
    wait_for,
    worker_env,
)


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    smtp = SmtpSink().start()
    yield smtp
    smtp.stop()


def test_a_separate_worker_process_delivers_to_inbox_email_and_webhook(
    db: sessionmaker[Session],
    fresh_database_url: str,
    sink: SmtpSink,
    receiver: WebhookReceiver,
    tmp_path: Path,
) -> None:
    with db() as session:
        sh = make_named(session, "SH")["SH"]
        liaison = make_user(session, "sh.liaison", "310000", Role.LIAISON).user
        liaison_id = liaison.id
        receiver.fail_first = 1  # down once: the worker must retry after its backoff
        admin = Actor.system("test-setup")
        _, receiver.secret = webhooks.create_webhook(
            session, admin, agency_id=sh.id, url=receiver.start(), events=["hit.*"]
        )
        session.commit()

    log = tmp_path / "worker.log"
    process = start_worker(worker_env(fresh_database_url, tmp_path / "data", sink), log)
    try:
        with db() as session:
            message = service.enqueue(
                session,
                event="hit.reported",
                title="Hit follow-up SH-2026-000013 awaits confirmation",
                reference="SH-2026-000013",
                link="/hits/SH-2026-000013",
                to_agencies=[sh.id],
                to_roles=[Role.LIAISON],
                data={"name": "Zhang San"},
            )
            assert message is not None
            session.commit()

        def inbox() -> list[InboxItem]:
            with db() as session:
                return list(session.scalars(select(InboxItem)))

        items = wait_for(inbox, timeout=30)
        assert [(i.user_id, i.reference) for i in items] == [(liaison_id, "SH-2026-000013")]
        wait_for(lambda: sink.messages, timeout=30)
        wait_for(lambda: receiver.processed, timeout=30)  # after one 503 and a backoff of ~5 s

        def all_done() -> bool:
            with db() as session:
                return set(session.scalars(select(Delivery.status))) == {"delivered"}

        wait_for(all_done, timeout=30)
    finally:
        code = stop_worker(process)
    output = log.read_text(errors="replace")
    assert code == 0, output

    assert len(sink.messages) == 1
    mail = sink.messages[0]
    assert mail["To"] == "sh.liaison@example.gov.cn"
    assert "https://accord.example.test/hits/SH-2026-000013" in mail.get_content()
    assert "Zhang San" not in mail.as_string()

    assert [r.status for r in receiver.requests] == [503, 200]
    assert len(receiver.processed) == 1
    assert receiver.processed[0]["reference"] == "SH-2026-000013"
    assert b"Zhang San" not in receiver.requests[-1].body
    assert "worker started" in output
    assert receiver.secret not in output  # no secret in the worker's log
