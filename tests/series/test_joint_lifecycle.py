"""A joint case after its opening: it grows with its series (discovery adds a case, the case
takes it in under the consent gate, the case's agency joins, the lead drafts it a request) and
its lead closes it with an outcome (nothing more is posted or released; a new joint case may
then be opened on the series).

Growth runs real discovery over the shared ring of `tests/series/conftest.py`; closing uses the
row-made series of `test_joint.py`.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.assistance.models import AssistanceRequest
from accord.assistance.transitions import RequestStatus
from accord.audit.models import AuditEvent
from accord.core.clock import FrozenClock
from accord.core.errors import DomainError
from accord.security.policy import PermissionDenied
from accord.series import joint, joint_consent, joint_lifecycle, joint_reading, joint_thread
from accord.series import service as series_service
from accord.series.models import JointCase, JointCaseMember, JointCaseMessage, JointCaseRecord
from tests.records.conftest import World, make_zone
from tests.series.conftest import (
    LATE_CASE,
    LATE_LINES,
    SYSTEM,
    Scenario,
    event,
    person,
)
from tests.series.test_joint import (
    ASK_RULES,
    RING_LINES,
    Ring,
    events,
    make_ring,
    open_case,
    outbox,
)

# A case at Hangzhou's police, called from the ring's phone: it joins the series and so the
# joint case, and Hangzhou with it.
HZ_CASE = ("HZ", "hz-5")
HZ_LINES = [
    person("hz-p5", name="郑军", birthDate="1990-03-03"),
    event(
        "hz-5",
        name="冒充客服诈骗案",
        date="2026-11-05",
        involved="hz-p5",
        organizer="hz-p5",
        phoneMentioned="139 5555 0001",
    ),
]


def attached(session: Session, case: JointCase) -> dict[uuid.UUID, str]:
    rows = session.scalars(select(JointCaseRecord).where(JointCaseRecord.joint_case_id == case.id))
    return {r.record_id: r.release for r in rows}


def members(session: Session, case: JointCase) -> dict[str, str]:
    return {
        m.agency.code: m.role
        for m in joint_reading.read_joint_case(session, SYSTEM, case.reference).members
    }


def grown_case(
    session: Session, scenario: Scenario, frozen_clock: FrozenClock
) -> tuple[JointCase, World]:
    world = scenario.world
    make_zone(
        session, world.agencies, code="ASK", members=["SH", "JS", "ZJ", "HZ"], rules=ASK_RULES
    )
    frozen_clock.advance(timedelta(minutes=1))
    series_service.discover(session, SYSTEM)
    session.commit()
    case = joint_lifecycle.open_joint_case(
        session, world.investigators["SH"], series_key="SR-000001", title="跨省电信诈骗串案"
    )
    session.commit()
    return case, world


def test_an_open_joint_case_grows_with_its_series(
    session: Session, scenario: Scenario, frozen_clock: FrozenClock
) -> None:
    case, world = grown_case(session, scenario, frozen_clock)
    before = attached(session, case)
    assert members(session, case) == {
        "310000": "lead",
        **{world.agencies[n].code: "member" for n in ("JS", "ZJ", "AH")},
    }
    frozen_clock.advance(timedelta(hours=1))
    world.share(session, LATE_CASE[0], LATE_LINES)
    world.share(session, HZ_CASE[0], HZ_LINES)
    frozen_clock.advance(timedelta(minutes=1))
    series_service.discover(session, SYSTEM)
    session.commit()

    after = attached(session, case)
    new = {world.record(session, a, e).id for a, e in (LATE_CASE, HZ_CASE)}
    suspect = world.record(session, "HZ", "hz-p5").id
    # The two cases and Hangzhou's named suspect joined, waiting for their owners' consent;
    # nothing attached before changed.
    assert set(after) - set(before) >= new | {suspect}
    assert all(after[r] == joint.PENDING for r in set(after) - set(before))
    assert {r: after[r] for r in before} == before
    # Hangzhou joined as a member; Anhui already was one.
    hz = world.agencies["HZ"]
    assert members(session, case)[hz.code] == "member"
    joined = session.get(JointCaseMember, (case.id, hz.id))
    assert joined is not None
    assert joined.joined_at > case.created_at
    assert joined.request_id is None
    thread = list(
        session.scalars(
            select(JointCaseMessage.body)
            .where(JointCaseMessage.joint_case_id == case.id)
            .order_by(JointCaseMessage.created_at)
        )
    )
    assert "Series SR-000001 grew: 2 linked case(s) attached. 新成员 · New members: " in thread[-1]
    assert hz.code in thread[-1]
    assert events(session, case).count("joint_case.grown") == 1
    # The members hear of it, Hangzhou that it is a member, and the owners are asked.
    [grown] = outbox(session, case, "joint_case.grown")
    assert {uuid.UUID(a) for a in grown.recipients["agencies"]} == {
        world.agencies[n].id for n in ("SH", "JS", "ZJ", "AH")
    }
    told = [
        m
        for m in outbox(session, case, "joint_case.member")
        if m.dedupe_key.endswith(":grown:" + str(len(after)))
    ]
    assert [m.recipients["agencies"] for m in told] == [[str(hz.id)]]
    asked = {
        uuid.UUID(m.recipients["agencies"][0])
        for m in outbox(session, case, "joint_case.consent_requested")
        if "grown" in (m.dedupe_key or "")
    }
    assert asked == {world.agencies["AH"].id, hz.id}

    # Nothing new: the next run adds nothing and tells nobody.
    frozen_clock.advance(timedelta(hours=1))
    series_service.discover(session, SYSTEM)
    session.commit()
    assert attached(session, case) == after
    assert len(outbox(session, case, "joint_case.grown")) == 1


def test_the_lead_drafts_a_request_to_a_member_that_joined_later(
    session: Session, scenario: Scenario, frozen_clock: FrozenClock
) -> None:
    case, world = grown_case(session, scenario, frozen_clock)
    world.share(session, HZ_CASE[0], HZ_LINES)
    frozen_clock.advance(timedelta(minutes=1))
    series_service.discover(session, SYSTEM)
    session.commit()
    lead = world.investigators["SH"]
    read = joint_reading.read_joint_case(session, lead, case.reference)
    session.commit()
    hz_row = next(m for m in read.members if m.agency.code == world.agencies["HZ"].code)
    assert (hz_row.draftable, read.may_lead) == (True, True)
    # A member's user may not draft for the lead.
    with pytest.raises(PermissionDenied):
        joint_lifecycle.draft_member_request(
            session, world.investigators["JS"], joint_case=case, agency=hz_row.agency.code
        )
    session.rollback()
    reference = joint_lifecycle.draft_member_request(
        session, lead, joint_case=case, agency=hz_row.agency.code
    )
    session.commit()
    request = session.scalars(
        select(AssistanceRequest).where(AssistanceRequest.reference == reference)
    ).one()
    assert request.status == RequestStatus.DRAFT
    assert request.case_reference == case.reference
    # Once only.
    with pytest.raises(DomainError) as again:
        joint_lifecycle.draft_member_request(
            session, lead, joint_case=case, agency=hz_row.agency.code
        )
    assert again.value.field == "agency"


# --- closing ---------------------------------------------------------------------------------


@pytest.fixture
def ring(session: Session, world: World) -> Ring:
    return make_ring(session, world, RING_LINES)


def test_the_lead_closes_the_case_with_its_outcome(session: Session, ring: Ring) -> None:
    w = ring.world
    case = open_case(session, ring)
    # A member is not the lead; the outcome is required.
    with pytest.raises(PermissionDenied):
        joint_lifecycle.close_joint_case(
            session, ring.investigator("JS"), joint_case=case, outcome="破案"
        )
    session.rollback()
    with pytest.raises(DomainError) as empty:
        joint_lifecycle.close_joint_case(
            session, ring.investigator("SH"), joint_case=case, outcome="  "
        )
    assert empty.value.field == "outcome"
    session.rollback()
    assert session.get(JointCase, case.id).status == joint.OPEN  # type: ignore[union-attr]

    joint_lifecycle.close_joint_case(
        session, ring.investigator("SH"), joint_case=case, outcome="团伙 6 人已到案，移送起诉。"
    )
    session.commit()
    closed = session.get(JointCase, case.id)
    assert closed is not None
    assert (closed.status, closed.closed_by, closed.outcome) == (
        joint.CLOSED,
        ring.investigator("SH").username,
        "团伙 6 人已到案，移送起诉。",
    )
    assert closed.closed_at is not None
    assert events(session, case)[-1] == "joint_case.closed"
    [told] = outbox(session, case, "joint_case.closed")
    assert {uuid.UUID(a) for a in told.recipients["agencies"]} == {
        w.agencies[n].id for n in ("SH", "JS", "ZJ", "AH")
    }
    assert "团伙" not in told.title  # references only
    # Nothing more is posted, released or closed; members still read it.
    with pytest.raises(DomainError):
        joint_thread.post_message(session, ring.investigator("JS"), joint_case=case, body="x")
    with pytest.raises(DomainError):
        joint_consent.decide_release(
            session, ring.liaisons["JS"], joint_case=case, agency=w.agencies["JS"], grant=True
        )
    with pytest.raises(DomainError):
        joint_lifecycle.close_joint_case(
            session, ring.investigator("SH"), joint_case=case, outcome="again"
        )
    session.rollback()
    read = joint_reading.read_joint_case(session, ring.investigator("JS"), case.reference)
    assert read.messages[-1].body.endswith("团伙 6 人已到案，移送起诉。")
    assert read.may_lead is False
    assert joint_reading.list_joint_cases(session, ring.liaisons["JS"]).waiting == []
    # The series may get a new joint case.
    again = open_case(session, ring, title="第二阶段")
    assert again.reference != case.reference


def test_an_outsider_is_told_there_is_no_case_to_close(session: Session, ring: Ring) -> None:
    case = open_case(session, ring)
    with pytest.raises(DomainError) as hidden:
        joint_lifecycle.close_joint_case(
            session, ring.world.investigators["HAN"], joint_case=case, outcome="x"
        )
    assert hidden.value.status == 404
    assert (
        session.scalar(select(AuditEvent.id).where(AuditEvent.action == "joint_case.closed"))
        is None
    )


def test_an_agency_the_lead_left_out_stays_out_as_the_series_grows(
    session: Session, scenario: Scenario, frozen_clock: FrozenClock
) -> None:
    world = scenario.world
    make_zone(
        session, world.agencies, code="ASK", members=["SH", "JS", "ZJ", "HZ"], rules=ASK_RULES
    )
    frozen_clock.advance(timedelta(minutes=1))
    series_service.discover(session, SYSTEM)
    session.commit()
    # Shanghai opens with Jiangsu only: Zhejiang's and Anhui's cases are not attached.
    case = joint_lifecycle.open_joint_case(
        session,
        world.investigators["SH"],
        series_key="SR-000001",
        title="沪苏串案",
        members=[world.agencies["JS"].code],
    )
    session.commit()
    before = attached(session, case)
    frozen_clock.advance(timedelta(hours=1))
    world.share(session, LATE_CASE[0], LATE_LINES)  # Anhui's, left out
    world.share(session, HZ_CASE[0], HZ_LINES)  # Hangzhou's, new to the series
    frozen_clock.advance(timedelta(minutes=1))
    series_service.discover(session, SYSTEM)
    session.commit()
    after = attached(session, case)
    hz_case = world.record(session, *HZ_CASE).id
    assert hz_case in after
    assert world.record(session, *LATE_CASE).id not in after
    assert world.record(session, "ZJ", "zj-7").id not in after
    assert set(members(session, case)) == {world.agencies[n].code for n in ("SH", "JS", "HZ")}
    assert set(before) < set(after)
