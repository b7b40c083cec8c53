"""A request's life from send to outcome, the refusals on the way, and its history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from accord.assistance import clocks, moves, service
from accord.assistance.models import RequestEvent
from accord.assistance.schemas import MoveIn
from accord.assistance.transitions import REQUEST_TABLE, RequestStatus
from accord.audit.models import AuditEvent
from accord.core.clock import FrozenClock
from accord.core.workflow import StaleState, TransitionNotAllowed
from accord.deadlines.models import SlaClock
from accord.notify.models import OutboxMessage
from accord.security.actor import Role
from accord.security.policy import PermissionDenied
from tests.assistance.conftest import World
from tests.factories import make_actor

S = RequestStatus


def test_locate_request_lives_from_send_to_outcome(
    session: Session, world: World, frozen_clock: FrozenClock
) -> None:
    request = world.ask(session)
    assert request.status is S.REQUESTED
    assert request.reference.startswith("SH-2026-")
    sla = clocks.clock_of(session, request)
    assert sla is not None
    assert sla.agency_id == world.agencies["ZJ"].id
    assert sla.due_at == request.requested_at + timedelta(hours=8)

    zj = world.liaisons["ZJ"]
    service.read_request(session, zj, request.reference)  # the first read receives it
    assert request.status is S.RECEIVED
    moves.accept(session, zj, request)
    moves.start(session, world.officers["ZJ"], request)
    frozen_clock.advance(timedelta(hours=1))
    moves.hold(session, world.officers["ZJ"], request, reason="等待上海补充照片")
    frozen_clock.advance(timedelta(hours=5))
    moves.resume(session, world.officers["ZJ"], request)
    assert sla.due_at == request.requested_at + timedelta(hours=13)
    moves.complete(
        session,
        world.officers["ZJ"],
        request,
        outcome="嫌疑人已在杭州落脚点找到 Suspect found in Hangzhou",
        outcome_code="achieved",
    )
    session.commit()
    assert request.status is S.COMPLETED
    assert request.closed_at is not None
    assert sla.status.value == "stopped"
    steps = session.scalars(
        select(RequestEvent).where(RequestEvent.request_id == request.id).order_by(RequestEvent.at)
    ).all()
    path = [(e.action, e.from_status, e.to_status) for e in steps]
    assert path == [
        ("submit", "draft", "requested"),
        ("receive", "requested", "received"),
        ("accept", "received", "accepted"),
        ("start", "accepted", "in_progress"),
        ("hold", "in_progress", "on_hold"),
        ("resume", "on_hold", "in_progress"),
        ("complete", "in_progress", "completed"),
    ]
    for action, before, after in path:
        assert REQUEST_TABLE.next_status(before, action).value == after
    audited = session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_id == str(request.id))
    ).all()
    assert "assistance_request.accept" in audited
    assert "assistance_request.read" in audited
    told = session.scalars(
        select(OutboxMessage.event).where(OutboxMessage.reference == request.reference)
    ).all()
    assert {"assistance.requested", "assistance.accepted", "assistance.completed"} <= set(told)


@pytest.mark.parametrize("status", list(RequestStatus))
def test_every_move_of_the_table_is_allowed_and_nothing_else(
    session: Session, world: World, status: RequestStatus
) -> None:
    request = world.ask(session)
    for action in sorted({a for (_, a) in REQUEST_TABLE.transitions}):
        allowed = REQUEST_TABLE.can(status, action)
        if not allowed:
            request.status = status
            with pytest.raises(TransitionNotAllowed):
                moves.step(session, world.liaisons["ZJ"], request, action)
            session.rollback()
            session.refresh(request)


def test_a_move_on_an_outdated_copy_loses(session: Session, world: World) -> None:
    request = world.ask(session)
    moves.receive(session, world.liaisons["ZJ"], request)
    session.commit()
    set_committed_value(request, "version", request.version - 1)  # loaded before the receive
    with pytest.raises(StaleState):
        moves.accept(session, world.liaisons["ZJ"], request)


def test_only_the_sides_may_move(session: Session, world: World) -> None:
    request = world.ask(session)
    with pytest.raises(PermissionDenied):
        moves.accept(session, world.liaisons["JS"], request)
    with pytest.raises(PermissionDenied):
        moves.accept(session, world.investigators["SH"], request)
    with pytest.raises(PermissionDenied):
        moves.cancel(session, world.liaisons["ZJ"], request, reason="not ours")


def test_reject_and_hold_need_a_reason(session: Session, world: World) -> None:
    request = world.ask(session)
    with pytest.raises(service.InvalidRequest):
        moves.move(session, world.liaisons["ZJ"], request, "reject", MoveIn(reason=" "))
    moves.move(session, world.liaisons["ZJ"], request, "reject", MoveIn(reason="不属我辖区"))
    session.commit()
    assert request.status is S.REJECTED
    assert request.status_reason == "不属我辖区"
    sla = session.scalars(select(SlaClock).where(SlaClock.object_id == request.id)).one()
    assert sla.status.value == "stopped"


def test_a_draft_waits_unseen_until_it_is_sent(session: Session, world: World) -> None:
    draft = world.ask(session, draft=True)
    assert draft.status is S.DRAFT
    assert clocks.clock_of(session, draft) is None
    inbox = service.list_requests(session, world.liaisons["ZJ"], box="inbox")
    assert inbox.items == []
    with pytest.raises(PermissionDenied):
        moves.submit(session, world.liaisons["ZJ"], draft)
    moves.submit(session, world.investigators["SH"], draft)
    session.commit()
    assert draft.status is S.REQUESTED
    assert clocks.clock_of(session, draft) is not None
    inbox = service.list_requests(session, world.liaisons["ZJ"], box="inbox")
    assert [r.reference for r in inbox.items] == [draft.reference]


def test_a_cancelled_draft_tells_nobody(session: Session, world: World) -> None:
    draft = world.ask(session, draft=True)
    moves.cancel(session, world.investigators["SH"], draft, reason="写错了")
    session.commit()
    assert draft.status is S.CANCELLED
    told = session.scalars(
        select(OutboxMessage.event).where(OutboxMessage.reference == draft.reference)
    ).all()
    assert told == []


def test_two_liaisons_opening_a_new_request_at_once_both_read_it(
    session: Session, world: World
) -> None:
    request = world.ask(session)
    moves.receive(session, world.liaisons["ZJ"], request)
    session.commit()
    # The second reader loaded the request before the first one's receive was committed.
    set_committed_value(request, "status", S.REQUESTED)
    set_committed_value(request, "version", request.version - 1)
    read = service.read_request(
        session, make_actor(world.agencies["ZJ"], Role.LIAISON), request.reference
    )
    session.commit()
    assert read.status is S.RECEIVED
    receives = session.scalars(
        select(RequestEvent).where(
            RequestEvent.request_id == request.id, RequestEvent.action == "receive"
        )
    ).all()
    assert len(receives) == 1
