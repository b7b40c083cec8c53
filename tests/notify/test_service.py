"""Enqueueing and the inbox: unread counts, pages newest first, marking read (or refusing)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.core.clock import FrozenClock
from accord.core.errors import InvalidInput
from accord.core.ids import uuid7
from accord.notify import service
from accord.notify.models import InboxItem, OutboxMessage
from accord.security.actor import Actor, Role
from accord.security.policy import PermissionDenied
from tests.factories import make_actor, make_named


def add_items(session: Session, user_id: uuid.UUID, n: int, clock: FrozenClock) -> list[InboxItem]:
    items = []
    for i in range(n):
        message = service.enqueue(session, event="test.event", title=f"Item {i}", channels=())
        assert message is not None
        item = InboxItem(
            id=uuid7(),
            user_id=user_id,
            message_id=message.id,
            event=message.event,
            title=message.title,
            reference=f"SH-2026-{i:06d}",
            link=f"/things/{i}",
            created_at=clock.now(),
        )
        session.add(item)
        items.append(item)
        clock.advance(timedelta(seconds=1))
    session.commit()
    return items


@pytest.fixture
def officer(session: Session) -> Actor:
    return make_actor(make_named(session, "SH")["SH"], Role.OFFICER, username="li")


def test_enqueue_writes_one_outbox_row_and_dedupes(
    session: Session, frozen_clock: FrozenClock
) -> None:
    first = service.enqueue(
        session,
        event="a.b",
        title="Request SH-2026-000001",
        dedupe_key="k1",
        to_roles=[Role.LIAISON],
    )
    again = service.enqueue(session, event="a.b", title="again", dedupe_key="k1")
    assert first is not None
    assert again is None
    assert first.created_at == frozen_clock.now()
    assert first.channels == list(service.CHANNELS)
    assert first.recipients == {"users": [], "agencies": [], "roles": ["liaison"]}
    assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


def test_enqueue_refuses_an_unknown_channel_and_writes_nothing(session: Session) -> None:
    with pytest.raises(service.UnknownChannel) as caught:
        service.enqueue(session, event="a.b", title="x", channels=["pigeon"])
    assert caught.value.field == "channels"
    assert isinstance(caught.value, ValueError)
    assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_unread_count_and_pages_newest_first(
    session: Session, officer: Actor, frozen_clock: FrozenClock
) -> None:
    assert officer.user_id is not None
    add_items(session, officer.user_id, 5, frozen_clock)
    add_items(session, uuid7(), 2, frozen_clock)  # someone else's
    assert service.unread_count(session, officer) == 5
    first = service.list_inbox(session, officer, limit=3)
    assert [i.title for i in first.items] == ["Item 4", "Item 3", "Item 2"]
    assert first.next_cursor is not None
    rest = service.list_inbox(session, officer, limit=3, cursor=first.next_cursor)
    assert [i.title for i in rest.items] == ["Item 1", "Item 0"]
    assert rest.next_cursor is None


def test_mark_some_then_all_read(
    session: Session, officer: Actor, frozen_clock: FrozenClock
) -> None:
    assert officer.user_id is not None
    items = add_items(session, officer.user_id, 3, frozen_clock)
    assert service.mark_read(session, officer, ids=[items[0].id]) == 1
    assert service.mark_read(session, officer, ids=[items[0].id]) == 0  # already read
    assert service.unread_count(session, officer) == 2
    unread = service.list_inbox(session, officer, unread_only=True)
    assert {i.id for i in unread.items} == {items[1].id, items[2].id}
    assert service.mark_read(session, officer, ids="all") == 2
    assert service.unread_count(session, officer) == 0
    assert items[2].read_at == frozen_clock.now()


def test_marking_someone_elses_notification_changes_nothing(
    session: Session, officer: Actor, frozen_clock: FrozenClock
) -> None:
    assert officer.user_id is not None
    mine = add_items(session, officer.user_id, 1, frozen_clock)
    theirs = add_items(session, uuid7(), 1, frozen_clock)
    with pytest.raises(service.InboxItemNotFound) as caught:
        service.mark_read(session, officer, ids=[mine[0].id, theirs[0].id])
    assert caught.value.field == "ids"
    assert service.unread_count(session, officer) == 1
    assert session.get(InboxItem, theirs[0].id).read_at is None  # type: ignore[union-attr]
    with pytest.raises(InvalidInput):
        service.mark_read(session, officer, ids=[])


def test_a_bad_cursor_or_limit_names_the_field(session: Session, officer: Actor) -> None:
    with pytest.raises(InvalidInput) as caught:
        service.list_inbox(session, officer, cursor="not-a-cursor")
    assert caught.value.field == "cursor"
    with pytest.raises(InvalidInput) as caught:
        service.list_inbox(session, officer, limit=0)
    assert caught.value.field == "limit"


def test_an_actor_without_roles_has_no_inbox(session: Session) -> None:
    nobody = make_actor(None, username="nobody")
    with pytest.raises(PermissionDenied):
        service.unread_count(session, nobody)
