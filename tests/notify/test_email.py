"""E-mail by SMTP to a relay the test starts: title, reference and link, never personal data."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from accord.core.clock import FrozenClock
from accord.notify import dispatch, service
from accord.notify.config import NotifySettings
from accord.notify.models import Delivery
from accord.security.actor import Role
from tests.factories import make_actor, make_named
from tests.notify.helpers import Person, SmtpSink, free_port, install_people


def test_the_relay_receives_a_reference_only_email(
    db: sessionmaker[Session],
    smtp: SmtpSink,
    monkeypatch: pytest.MonkeyPatch,
    frozen_clock: FrozenClock,
) -> None:
    with db() as session:
        agency = make_named(session, "SH")["SH"]
        liaison = make_actor(agency, Role.LIAISON, username="wang")
        english = make_actor(agency, Role.LIAISON, username="smith")
        install_people(
            monkeypatch,
            [Person.of(liaison), Person.of(english, locale="en", email="smith@example.test")],
        )
        service.enqueue(
            session,
            event="hit.reported",
            title="Hit follow-up SH-2026-000009 awaits confirmation",
            reference="SH-2026-000009",
            link="/hits/SH-2026-000009",
            to_agencies=[agency.id],
            to_roles=[Role.LIAISON],
            channels=["email"],
            data={"name": "Zhang San", "id_number": "310101199001011234"},
        )
        session.commit()
    dispatch.run_all_once(db)  # settings from the environment the fixture set
    assert sorted(to for _, tos in smtp.envelopes for to in tos) == [
        "smith@example.test",
        "wang@example.test",
    ]
    by_to = {m["To"]: m for m in smtp.messages}
    zh = by_to["wang@example.test"]
    assert zh["From"] == "accord@example.test"
    assert zh["Subject"].strip() == "[Accord] Hit follow-up SH-2026-000009 awaits confirmation"
    text = zh.get_content()
    assert "编号: SH-2026-000009" in text
    assert "https://accord.example.test/hits/SH-2026-000009" in text
    assert "Reference: SH-2026-000009" in by_to["smith@example.test"].get_content()
    for message in smtp.messages:
        raw = message.as_string()
        assert "Zhang San" not in raw
        assert "310101199001011234" not in raw
    with db() as session:
        assert set(session.scalars(select(Delivery.status))) == {"delivered"}


def test_a_relay_that_is_down_is_retried_later(
    db: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch, frozen_clock: FrozenClock
) -> None:
    with db() as session:
        agency = make_named(session, "SH")["SH"]
        liaison = make_actor(agency, Role.LIAISON, username="wang")
        install_people(monkeypatch, [Person.of(liaison)])
        service.enqueue(
            session, event="x.y", title="t", to_users=[liaison.user_id], channels=["email"]
        )  # type: ignore[list-item]
        session.commit()
    down = NotifySettings(smtp_host="127.0.0.1", smtp_port=free_port(), smtp_timeout=2)
    dispatch.dispatch_pending(db)
    assert dispatch.deliver_remote(db, settings=down) == 1
    with db() as session:
        delivery = session.scalars(select(Delivery)).one()
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    assert "ConnectionRefusedError" in (delivery.last_error or "")

    sink = SmtpSink().start()
    try:
        up = NotifySettings(smtp_host="127.0.0.1", smtp_port=sink.port)
        assert dispatch.deliver_remote(db, settings=up) == 0  # not due yet
        frozen_clock.advance(timedelta(seconds=10))
        assert dispatch.deliver_remote(db, settings=up) == 1
    finally:
        sink.stop()
    assert len(sink.messages) == 1
    assert sink.messages[0]["X-Accord-Delivery"] == str(delivery.id)


def test_a_mailbox_the_relay_does_not_know_fails_for_good(
    db: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch, frozen_clock: FrozenClock
) -> None:
    with db() as session:
        agency = make_named(session, "SH")["SH"]
        gone = make_actor(agency, Role.LIAISON, username="gone")
        install_people(monkeypatch, [Person.of(gone)])
        service.enqueue(
            session,
            event="x.y",
            title="t",
            to_users=[gone.user_id],
            channels=["email"],  # type: ignore[list-item]
        )
        session.commit()
    sink = SmtpSink(unknown={"gone@example.test"}).start()
    try:
        relay = NotifySettings(smtp_host="127.0.0.1", smtp_port=sink.port)
        dispatch.dispatch_pending(db)
        assert dispatch.deliver_remote(db, settings=relay) == 1
        frozen_clock.advance(timedelta(hours=2))
        assert dispatch.deliver_remote(db, settings=relay) == 0  # not retried
    finally:
        sink.stop()
    assert sink.messages == []
    with db() as session:
        delivery = session.scalars(select(Delivery)).one()
    assert (delivery.status, delivery.attempts) == ("failed", 1)
    assert "550" in (delivery.last_error or "")
