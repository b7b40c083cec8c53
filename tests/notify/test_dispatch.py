"""The worker's notify jobs on a committed database: dispatch, local delivery, backoff, pruning."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from accord.agencies.models import Agency
from accord.core.clock import FrozenClock
from accord.notify import dispatch, service
from accord.notify.config import NotifySettings
from accord.notify.models import Delivery, InboxItem, LiveEvent, OutboxMessage
from accord.security.actor import Actor, Role
from tests.factories import make_actor, make_named
from tests.notify.helpers import Person, install_people

NO_MAIL = NotifySettings(smtp_host="")


@pytest.fixture
def agencies(db: sessionmaker[Session]) -> dict[str, Agency]:
    with db() as session:
        return make_named(session, "SH", "JS")


@pytest.fixture
def people(agencies: dict[str, Agency], monkeypatch: pytest.MonkeyPatch) -> dict[str, Actor]:
    actors = {
        "liaison": make_actor(agencies["SH"], Role.LIAISON, username="wang"),
        "officer": make_actor(agencies["SH"], Role.OFFICER, username="li"),
        "js": make_actor(agencies["JS"], Role.LIAISON, username="zhao"),
    }
    install_people(monkeypatch, [Person.of(a) for a in actors.values()])
    return actors


def enqueue(db: sessionmaker[Session], **kwargs: object) -> OutboxMessage:
    with db() as session:
        message = service.enqueue(session, **kwargs)  # type: ignore[arg-type]
        assert message is not None
        session.commit()
        return message


def count(db: sessionmaker[Session], model: type, *where: object) -> int:
    with db() as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def test_dispatch_writes_one_delivery_per_channel_and_recipient_once(
    db: sessionmaker[Session],
    agencies: dict[str, Agency],
    people: dict[str, Actor],
    frozen_clock: FrozenClock,
) -> None:
    message = enqueue(
        db,
        event="assistance.requested",
        title="Assistance request SH-2026-000007",
        reference="SH-2026-000007",
        link="/assistance/SH-2026-000007",
        to_agencies=[agencies["SH"].id],
        to_roles=[Role.LIAISON],
        to_users=[people["officer"].user_id, people["liaison"].user_id],
        channels=["inbox", "live", "email"],
    )
    assert dispatch.dispatch_pending(db) == 1
    assert dispatch.dispatch_pending(db) == 0  # nothing left: dispatched_at is set
    with db() as session:
        rows = session.execute(
            select(Delivery.channel, Delivery.user_id, Delivery.address).order_by(
                Delivery.channel, Delivery.recipient_key
            )
        ).all()
        assert session.get(OutboxMessage, message.id).dispatched_at == frozen_clock.now()  # type: ignore[union-attr]
    # The SH liaison (by role and by name) and the officer (by name); the JS liaison is not asked.
    wanted = {people["liaison"].user_id, people["officer"].user_id}
    assert {(c, u) for c, u, _ in rows} == {
        (c, u) for c in ("inbox", "live", "email") for u in wanted
    }
    assert {a for c, _, a in rows if c == "email"} == {"wang@example.test", "li@example.test"}

    # Dispatching the same message again (a crash before dispatched_at was kept) adds nothing.
    with db() as session:
        again = session.get(OutboxMessage, message.id)
        assert again is not None
        dispatch.dispatch_message(session, again, now=frozen_clock.now())
        session.commit()
    assert count(db, Delivery) == 6


def test_local_delivery_fills_the_inbox_and_the_live_feed_exactly_once(
    db: sessionmaker[Session], people: dict[str, Actor], frozen_clock: FrozenClock
) -> None:
    user = people["liaison"].user_id
    message = enqueue(
        db,
        event="hit.reported",
        title="Hit follow-up SH-2026-000009",
        reference="SH-2026-000009",
        link="/hits/SH-2026-000009",
        to_users=[user],
        channels=["inbox", "live", "email"],
        data={"name": "Zhang San", "id_number": "310101199001011234"},
    )
    assert dispatch.run_all_once(db, settings=NO_MAIL) == 1 + 3
    assert dispatch.deliver_due(db, settings=NO_MAIL) == 0
    with db() as session:
        item = session.scalars(select(InboxItem)).one()
        assert (item.user_id, item.message_id, item.reference) == (
            user,
            message.id,
            "SH-2026-000009",
        )
        assert item.read_at is None
        live = session.scalars(select(LiveEvent)).one()
        assert live.user_id == user
        assert live.payload == {
            "id": str(message.id),
            "inbox_id": str(item.id),
            "event": "hit.reported",
            "title": "Hit follow-up SH-2026-000009",
            "reference": "SH-2026-000009",
            "link": "/hits/SH-2026-000009",
            "created_at": frozen_clock.now().isoformat(),
        }
        statuses = dict(session.execute(select(Delivery.channel, Delivery.status)).all())
        errors = dict(session.execute(select(Delivery.channel, Delivery.last_error)).all())
    # No SMTP relay configured: the e-mail is skipped, not failed, and not retried.
    assert statuses == {"inbox": "delivered", "live": "delivered", "email": "skipped"}
    assert "ACCORD_SMTP_HOST" in (errors["email"] or "")


def test_without_the_recipients_contract_nothing_is_dispatched(
    db: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch, agencies: dict[str, Agency]
) -> None:
    install_people(monkeypatch, [])
    from tests.notify.helpers import security_module

    monkeypatch.delattr(security_module(monkeypatch), "recipients")
    enqueue(db, event="x.y", title="t", to_agencies=[agencies["SH"].id])
    with pytest.raises(dispatch.recipients.RecipientsUnavailable):
        dispatch.dispatch_pending(db)
    assert count(db, OutboxMessage, OutboxMessage.dispatched_at.is_(None)) == 1
    assert count(db, Delivery) == 0


def test_a_message_that_fails_stays_queued_and_the_others_go(
    db: sessionmaker[Session], people: dict[str, Actor], frozen_clock: FrozenClock
) -> None:
    bad = enqueue(db, event="x.y", title="bad", to_users=[people["liaison"].user_id])
    with db() as session:
        row = session.get(OutboxMessage, bad.id)
        assert row is not None
        row.recipients = {"users": ["not-a-uuid"], "agencies": [], "roles": []}
        session.commit()
    enqueue(db, event="x.y", title="good", to_users=[people["liaison"].user_id])
    assert dispatch.dispatch_pending(db) == 1
    assert count(db, OutboxMessage, OutboxMessage.dispatched_at.is_(None)) == 1
    assert count(db, Delivery) == 3  # inbox, live, e-mail; no webhook is subscribed


def test_backoff_grows_with_jitter_and_stays_bounded() -> None:
    assert dispatch.backoff(1, rand=lambda: 0.0) == timedelta(seconds=5)
    assert dispatch.backoff(2, rand=lambda: 0.0) == timedelta(seconds=30)
    assert dispatch.backoff(5, rand=lambda: 0.0) == timedelta(hours=1)
    assert dispatch.backoff(7, rand=lambda: 0.0) == timedelta(hours=1)
    assert dispatch.backoff(1, rand=lambda: 0.999) < timedelta(seconds=5 * 1.25)


def test_old_live_rows_are_pruned(
    db: sessionmaker[Session], people: dict[str, Actor], frozen_clock: FrozenClock
) -> None:
    enqueue(db, event="x.y", title="old", to_users=[people["liaison"].user_id], channels=["live"])
    dispatch.run_all_once(db, settings=NO_MAIL)
    frozen_clock.advance(timedelta(hours=23))
    enqueue(db, event="x.y", title="new", to_users=[people["liaison"].user_id], channels=["live"])
    dispatch.run_all_once(db, settings=NO_MAIL)
    frozen_clock.advance(timedelta(hours=2))
    assert dispatch.prune_live(db) == 1
    with db() as session:
        assert [e.payload["title"] for e in session.scalars(select(LiveEvent))] == ["new"]


def test_two_workers_dispatching_at_once_share_the_queue_without_duplicates(
    db: sessionmaker[Session], people: dict[str, Actor]
) -> None:
    import threading

    with db() as session:
        for n in range(40):
            service.enqueue(
                session,
                event="x.y",
                title=f"m{n}",
                to_users=[people["liaison"].user_id],  # type: ignore[list-item]
                channels=["inbox", "live"],
            )
        session.commit()
    done: list[int] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            while (n := dispatch.dispatch_pending(db, batch=5)) > 0:
                done.append(n)
            while (n := dispatch.deliver_local(db, batch=7)) > 0:
                pass
        except BaseException as exc:  # surfaced below: a thread cannot fail the test itself
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert sum(done) == 40
    assert count(db, Delivery) == 80
    assert count(db, InboxItem) == 40
    assert count(db, LiveEvent) == 40
    assert count(db, Delivery, Delivery.status != "delivered") == 0
