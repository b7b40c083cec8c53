"""Whom a request may go to, zone requests fanning out and closing with their children, claim
mode, reassignment, forwarding under handling codes, deadlines with pauses, escalation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from accord.assistance import clocks, moves, service, threads
from accord.assistance.addressing import AddresseeNotAllowed
from accord.assistance.models import AssistanceMessage, AssistanceRequest
from accord.assistance.transitions import RequestStatus
from accord.core.clock import FrozenClock
from accord.deadlines import sweep
from accord.deadlines.models import ClockPolicy, SlaClock
from accord.notify.models import OutboxMessage
from tests.assistance.conftest import World

S = RequestStatus


def _count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(AssistanceRequest)) or 0)


def test_city_to_city_inside_a_province_goes_without_a_zone(session: Session, world: World) -> None:
    request = world.ask(session, by="HZ", to="NB", urgency="routine")
    assert request.zone_id is None
    assert request.reference.startswith("ZJHZ-2026-")
    sla = clocks.clock_of(session, request)
    assert sla is not None
    assert sla.policy is ClockPolicy.BUSINESS
    assert sla.budget_days == 7


def test_city_to_city_across_the_zone_goes_through_it(session: Session, world: World) -> None:
    request = world.ask(session, by="PD", to="HZ", urgency="high")
    assert request.zone_id == world.zone.id
    sla = clocks.clock_of(session, request)
    assert sla is not None
    assert sla.due_at - sla.started_at == timedelta(days=3)
    moves.accept(session, world.liaisons["HZ"], request)  # the city's own liaison routes it
    with pytest.raises(Exception, match="may not"):
        moves.accept(session, world.liaisons["NB"], request)


def test_an_agency_outside_every_shared_zone_cannot_be_addressed(
    session: Session, world: World
) -> None:
    before = _count(session)
    with pytest.raises(AddresseeNotAllowed, match="may not address"):
        world.ask(session, by="SH", to="HAN")
    session.rollback()
    with pytest.raises(AddresseeNotAllowed, match="itself"):
        world.ask(session, by="SH", to="SH")
    session.rollback()
    assert _count(session) == before


def test_a_zone_request_fans_out_and_closes_with_its_children(
    session: Session, world: World
) -> None:
    parent = world.ask(session, to=None, zone="YRD", urgency="high", request_type="records_check")
    children = moves.children_of(session, parent)
    assert sorted(c.addressee_agency_id for c in children) == sorted(
        world.agencies[n].id for n in ("JS", "ZJ", "AH")
    )
    assert all(c.thread_id == parent.thread_id and c.status is S.REQUESTED for c in children)
    assert clocks.clock_of(session, parent) is None
    by = {c.addressee_agency.code: c for c in children if c.addressee_agency}
    js, zj, ah = by["320000"], by["330000"], by["340000"]
    moves.accept(session, world.liaisons["JS"], js)
    session.commit()
    assert parent.status is S.IN_PROGRESS
    moves.reject(session, world.liaisons["ZJ"], zj, reason="无相关记录")
    moves.start(session, world.officers["JS"], js)
    moves.complete(session, world.officers["JS"], js, outcome="查到两条记录", outcome_code=None)
    session.commit()
    assert parent.status is S.IN_PROGRESS  # Anhui has not answered
    moves.accept(session, world.liaisons["AH"], ah)
    moves.start(session, world.officers["AH"], ah)
    moves.complete(session, world.officers["AH"], ah, outcome="无记录", outcome_code="not_achieved")
    session.commit()
    assert parent.status is S.COMPLETED
    assert parent.outcome == "2 of 3 members completed"
    assert parent.outcome_code == "partly"


def test_a_zone_request_nobody_takes_is_rejected(session: Session, world: World) -> None:
    parent = world.ask(session, to=None, zone="YRD", request_type="records_check")
    for child in moves.children_of(session, parent):
        name = {v.id: k for k, v in world.agencies.items()}[child.addressee_agency_id]
        moves.reject(session, world.liaisons[name], child, reason="无")
    session.commit()
    assert parent.status is S.REJECTED


def test_cancelling_a_zone_request_closes_every_member_request(
    session: Session, world: World
) -> None:
    parent = world.ask(session, to=None, zone="YRD", request_type="records_check")
    moves.cancel(session, world.investigators["SH"], parent, reason="案件已破")
    session.commit()
    assert parent.status is S.CANCELLED
    assert {c.status for c in moves.children_of(session, parent)} == {S.CANCELLED}
    assert (
        session.scalar(
            select(func.count())
            .select_from(SlaClock)
            .where(SlaClock.status != "stopped", SlaClock.object_type == "assistance_request")
        )
        == 0
    )


def test_claim_mode_the_first_member_takes_it(session: Session, world: World) -> None:
    parent = world.ask(session, to=None, zone="YRD", zone_mode="claim", request_type="locate")
    by = {
        c.addressee_agency.code: c for c in moves.children_of(session, parent) if c.addressee_agency
    }
    moves.accept(session, world.liaisons["ZJ"], by["330000"])
    session.commit()
    assert parent.claimed_by_agency_id == world.agencies["ZJ"].id
    assert by["320000"].status is S.CANCELLED
    assert by["320000"].status_reason == "taken by 330000"
    with pytest.raises(moves.AlreadyClaimed, match="already taken by 330000"):
        moves.accept(session, world.liaisons["JS"], by["320000"])
    session.rollback()
    moves.start(session, world.officers["ZJ"], by["330000"])
    moves.complete(session, world.officers["ZJ"], by["330000"], outcome="已找到", outcome_code=None)
    session.commit()
    assert parent.status is S.COMPLETED


def test_claim_mode_refuses_types_that_are_not_claimable(session: Session, world: World) -> None:
    with pytest.raises(service.InvalidRequest, match="claim mode"):
        world.ask(session, to=None, zone="YRD", zone_mode="claim", request_type="records_check")


def test_reassignment_inside_the_receiving_agency_keeps_the_thread(
    session: Session, world: World
) -> None:
    request = world.ask(session)
    threads.post_message(session, world.investigators["SH"], request, body="嫌疑人照片见附件")
    service.reassign(
        session, world.liaisons["ZJ"], request, agency_code="330100", unit="刑侦支队二大队"
    )
    session.commit()
    assert request.handling_agency_id == world.agencies["HZ"].id
    assert request.handling_unit == "刑侦支队二大队"
    moves.accept(session, world.liaisons["HZ"], request)  # Hangzhou routes it now
    assert len(threads.messages(session, request)) == 1
    assert [e.action for e in moves.history(session, request)][-3:] == [
        "reassign",
        "receive",
        "accept",
    ]
    with pytest.raises(service.InvalidRequest, match="not inside"):
        service.reassign(session, world.liaisons["ZJ"], request, agency_code="320000")


@pytest.mark.parametrize("code", ["H0", "H1"])
def test_h0_and_h1_requests_may_be_forwarded(session: Session, world: World, code: str) -> None:
    request = world.ask(session, handling_code=code)
    forwarded = threads.forward(session, world.liaisons["ZJ"], request, agency_code="320000")
    session.commit()
    assert forwarded.thread_id == request.thread_id
    assert forwarded.forwarded_from_id == request.id
    assert forwarded.requesting_agency_id == world.agencies["ZJ"].id
    assert forwarded.handling_code == code
    assert forwarded.reference.startswith("ZJ-2026-")


@pytest.mark.parametrize(("code", "text"), [("H2", None), ("H3", "仅限本案使用")])
def test_h2_and_h3_forward_only_with_the_owners_permission(
    session: Session, world: World, code: str, text: str | None
) -> None:
    request = world.ask(session, handling_code=code, handling_text=text)
    before = _count(session)
    with pytest.raises(threads.ForwardNotPermitted, match="without the owner's permission"):
        threads.forward(session, world.liaisons["ZJ"], request, agency_code="320000")
    session.rollback()
    assert _count(session) == before
    asked = threads.ask_permission(
        session, world.liaisons["ZJ"], request, agency_code="320000", body="嫌疑人可能逃往苏州"
    )
    session.commit()
    with pytest.raises(Exception, match="may not"):
        threads.answer_permission(session, world.liaisons["ZJ"], request, asked.id, grant=True)
    session.rollback()
    threads.answer_permission(
        session, world.investigators["SH"], request, asked.id, grant=False, body="暂不同意"
    )
    session.commit()
    with pytest.raises(threads.ForwardNotPermitted):
        threads.forward(session, world.liaisons["ZJ"], request, agency_code="320000")
    session.rollback()
    threads.answer_permission(session, world.investigators["SH"], request, asked.id, grant=True)
    with pytest.raises(threads.ForwardNotPermitted):  # granted for Jiangsu, not for Anhui
        threads.forward(session, world.liaisons["ZJ"], request, agency_code="340000")
    session.rollback()
    threads.answer_permission(session, world.investigators["SH"], request, asked.id, grant=True)
    forwarded = threads.forward(session, world.liaisons["ZJ"], request, agency_code="320000")
    session.commit()
    assert forwarded.status is S.REQUESTED
    kinds = [m.kind for m in threads.messages(session, request)]
    assert kinds == ["permission_request", "permission_refused", "permission_granted", "forwarded"]


def test_read_receipts_record_the_other_side_once(session: Session, world: World) -> None:
    request = world.ask(session)
    message = threads.post_message(session, world.investigators["SH"], request, body="请尽快")
    session.commit()
    assert threads.mark_read(session, world.liaisons["ZJ"], request) == 1
    assert threads.mark_read(session, world.liaisons["ZJ"], request) == 0
    assert threads.mark_read(session, world.investigators["SH"], request) == 0  # own message
    session.commit()
    [receipt] = threads.receipts(session, [message.id])[message.id]
    assert receipt.username == "zj.liaison"
    assert session.scalar(select(func.count()).select_from(AssistanceMessage)) == 1


def test_the_clock_pauses_on_hold_and_counts_business_days_for_routine(
    session: Session, world: World, frozen_clock: FrozenClock
) -> None:
    request = world.ask(session, urgency="routine")
    sla = clocks.clock_of(session, request)
    assert sla is not None
    due = sla.due_at
    moves.accept(session, world.liaisons["ZJ"], request)
    moves.start(session, world.officers["ZJ"], request)
    moves.hold(session, world.officers["ZJ"], request, reason="等待协查函原件")
    session.commit()
    view = clocks.clock_view(session, request)
    assert view is not None
    left = view.remaining_seconds
    frozen_clock.advance(timedelta(days=14))
    view = clocks.clock_view(session, request)
    assert view is not None
    assert view.remaining_seconds == left  # frozen while on hold
    assert not view.overdue
    moves.resume(session, world.officers["ZJ"], request)
    session.commit()
    assert sla.due_at == due + timedelta(days=14)  # two weeks on hold: ten business days


def test_an_overdue_request_escalates_exactly_once_to_the_addressees_parent(
    session: Session, world: World, frozen_clock: FrozenClock
) -> None:
    request = world.ask(session, by="SH", to="HZ", urgency="urgent")
    factory = sessionmaker(bind=session.connection(), join_transaction_mode="create_savepoint")
    frozen_clock.advance(timedelta(hours=9))
    first = sweep.sweep(factory)
    second = sweep.sweep(factory)
    assert first.escalated == 1
    assert second.escalated == 0
    sla = clocks.clock_of(session, request)
    assert sla is not None
    session.refresh(sla)
    assert sla.escalated_to_agency_id == world.agencies["ZJ"].id
    escalations = session.scalars(
        select(OutboxMessage).where(OutboxMessage.event == "sla.escalated")
    ).all()
    assert len(escalations) == 1
    assert escalations[0].reference == request.reference
    view = clocks.clock_view(session, request)
    assert view is not None
    assert view.overdue
    assert view.escalated
