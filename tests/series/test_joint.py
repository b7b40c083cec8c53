"""Joint cases opened in one click on a series: members, records, drafted requests and the
thread; the owner's consent gate (a member sees another agency's record as a match only until
its owner releases it; H2 records need the grant even where the rules share them in full);
notices to the members; refusals.

The series is made here row by row over the ring of `tests/series/conftest.py` (discovery is
tested on its own); a zone `ASK` of Shanghai, Jiangsu and Zhejiang shares assistance requests,
so Anhui, a member the lead cannot address, gets no drafted request.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.assistance.models import AssistanceRequest
from accord.assistance.transitions import RequestStatus
from accord.audit.models import AuditEvent, AuditSubject
from accord.core import clock
from accord.core.ids import uuid7
from accord.notify import dispatch
from accord.notify import service as notify_service
from accord.notify.models import OutboxMessage
from accord.records.models import RecordHolder, SharedRecord
from accord.security.actor import Actor, Role
from accord.security.policy import PermissionDenied
from accord.security.service import actor_for
from accord.series import (
    joint,
    joint_consent,
    joint_lifecycle,
    joint_reading,
    joint_thread,
    reading,
)
from accord.series.models import JointCase, JointCaseMember, JointCaseRecord, Series, SeriesCase
from tests.conftest import _KeepOpen
from tests.factories import make_actor, make_user
from tests.records.conftest import World, make_zone
from tests.series.conftest import RING_CASES, RING_LINES, SUSPECT_ID

ASK_RULES = [{"data_kind": "assistance_request", "mode": "full", "handling_code": "H0"}]
KEY = "S-2026-0001"


def make_series(
    session: Session, world: World, cases: Sequence[tuple[str, str]], key: str = KEY
) -> Series:
    """A discovered series over `cases` ((agency short name, case entity id)); committed."""
    now = clock.now()
    records = [world.record(session, a, e) for a, e in cases]
    series = Series(
        id=uuid7(),
        key=key,
        status="active",
        score=0.9,
        size=len(records),
        agencies=len({r.agency_id for r in records}),
        cross_regional=True,
        created_at=now,
        updated_at=now,
    )
    session.add(series)
    session.flush()
    session.add_all(
        SeriesCase(record_id=r.id, series_id=series.id, agency_id=r.agency_id, joined_at=now)
        for r in records
    )
    session.commit()
    return series


@dataclass
class Ring:
    world: World
    series: Series
    liaisons: dict[str, Actor]

    def investigator(self, name: str) -> Actor:
        return self.world.investigators[name]

    def record(self, session: Session, name: str, entity_id: str) -> SharedRecord:
        found: SharedRecord = self.world.record(session, name, entity_id)
        return found


def make_ring(session: Session, world: World, lines: dict[str, list[dict[str, Any]]]) -> Ring:
    make_zone(session, world.agencies, code="ASK", members=["SH", "JS", "ZJ"], rules=ASK_RULES)
    for name in ("SH", "JS", "ZJ", "AH"):
        world.share(session, name, lines[name])
    series = make_series(session, world, RING_CASES)
    liaisons = {
        name: make_actor(world.agencies[name], Role.LIAISON, username=f"{name.lower()}.liaison")
        for name in ("SH", "JS", "ZJ", "AH", "HZ")
    }
    return Ring(world, series, liaisons)


@pytest.fixture
def ring(session: Session, world: World) -> Ring:
    return make_ring(session, world, RING_LINES)


def open_case(session: Session, ring: Ring, by: str = "SH", **kwargs: Any) -> JointCase:
    case = joint_lifecycle.open_joint_case(
        session,
        ring.investigator(by),
        series_key=ring.series.key,
        title=kwargs.pop("title", "跨省电信诈骗串案"),
        **kwargs,
    )
    session.commit()
    return case


def views(read: joint_reading.JointCaseRead) -> dict[tuple[str, str], joint_reading.RecordRow]:
    """The read's record rows by (owner code, schema + index), for short assertions."""
    return {(r.owner.code, str(r.record_id)): r for r in read.records}


def row_of(read: joint_reading.JointCaseRead, record: SharedRecord) -> joint_reading.RecordRow:
    return next(r for r in read.records if r.record_id == record.id)


def events(session: Session, case: JointCase) -> list[str]:
    return list(
        session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.object_id == str(case.id))
            .order_by(AuditEvent.occurred_at, AuditEvent.id)
        )
    )


def outbox(session: Session, case: JointCase, event: str) -> list[OutboxMessage]:
    return [
        m
        for m in session.scalars(
            select(OutboxMessage).where(OutboxMessage.reference == case.reference)
        )
        if m.event == event
    ]


# --- one click ---------------------------------------------------------------------------------


def test_one_click_opens_a_case_with_members_records_thread_and_requests(
    session: Session, ring: Ring
) -> None:
    case = open_case(session, ring)
    w = ring.world
    assert case.reference.startswith("JCSH-2026-")
    assert case.status == "open"
    assert case.series_id == ring.series.id
    assert case.lead_agency_id == w.agencies["SH"].id

    members = {
        m.agency_id: m
        for m in session.scalars(
            select(JointCaseMember).where(JointCaseMember.joint_case_id == case.id)
        )
    }
    roles = {name: members[w.agencies[name].id].role for name in ("SH", "JS", "ZJ", "AH")}
    assert roles == {"SH": "lead", "JS": "member", "ZJ": "member", "AH": "member"}

    # The four cases and their suspects (organizer where stated, else everybody involved).
    attached = {
        r.record_id: r.release
        for r in session.scalars(
            select(JointCaseRecord).where(JointCaseRecord.joint_case_id == case.id)
        )
    }
    expected = {
        ring.record(session, "SH", "case-101").id: "own",
        ring.record(session, "SH", "sh-p1").id: "own",
        ring.record(session, "JS", "case-101").id: "pending",
        ring.record(session, "JS", "js-p1").id: "pending",
        ring.record(session, "ZJ", "zj-7").id: "pending",
        ring.record(session, "ZJ", "zj-p1").id: "pending",
        ring.record(session, "AH", "ah-3").id: "pending",
        ring.record(session, "AH", "ah-p1").id: "pending",
    }
    assert attached == expected  # the victims (sh-v1, js-v1) stay out

    # A draft request to each member the lead may address (Anhui: none, and the page says why).
    requests = {
        code: session.get(AssistanceRequest, m.request_id) if m.request_id else None
        for code, m in ((a.code, members[a.id]) for a in w.agencies.values() if a.id in members)
    }
    js, zj, ah = (requests[w.agencies[n].code] for n in ("JS", "ZJ", "AH"))
    assert ah is None
    assert requests[w.agencies["SH"].code] is None
    for request, name in ((js, "JS"), (zj, "ZJ")):
        assert request is not None
        assert request.status is RequestStatus.DRAFT
        assert request.request_type == "collect_evidence"
        assert request.case_reference == case.reference
        assert request.requesting_agency_id == w.agencies["SH"].id
        assert request.addressee_agency_id == w.agencies[name].id
        # The lead's own suspect; never another agency's person the lead sees as a match only.
        assert request.subjects == [
            {"kind": "person", "value": SUSPECT_ID, "name": "李强", "note": ""}
        ]
        case_record = ring.record(session, name, dict(RING_CASES)[name])
        assert str(case_record.id) in request.description  # named by id only

    read = joint_reading.read_joint_case(session, ring.investigator("SH"), case.reference)
    by_code = {m.agency.code: m for m in read.members}
    why = by_code[w.agencies["AH"].code].no_request
    assert why is not None
    assert "may not address" in why
    assert by_code[w.agencies["JS"].code].request is not None
    assert [m.body for m in read.messages] == [
        f"联合案件已立案（串案 {KEY}）· Joint case opened on series {KEY}."
    ]
    assert events(session, case) == ["joint_case.opened", "joint_case.read"]


def test_the_same_click_again_opens_no_second_case(session: Session, ring: Ring) -> None:
    first = open_case(session, ring)
    with pytest.raises(joint.JointCaseExists) as refused:
        open_case(session, ring, by="JS")
    assert refused.value.status == 409
    assert refused.value.data["reference"] == first.reference
    session.rollback()
    count = session.scalars(select(JointCase).where(JointCase.series_id == ring.series.id)).all()
    assert len(count) == 1
    assert joint.open_case_of(session, ring.series.id) == first


def test_members_can_be_chosen_and_only_their_records_join(session: Session, ring: Ring) -> None:
    w = ring.world
    case = open_case(session, ring, members=[w.agencies["JS"].code])
    owners = set(
        session.scalars(
            select(JointCaseRecord.owner_agency_id).where(JointCaseRecord.joint_case_id == case.id)
        )
    )
    assert owners == {w.agencies["SH"].id, w.agencies["JS"].id}


# --- the consent gate ----------------------------------------------------------------------------


def test_a_member_sees_another_agencys_record_as_a_match_until_its_owner_grants(
    session: Session, ring: Ring
) -> None:
    case = open_case(session, ring)
    w = ring.world
    # Anhui meets Zhejiang only in the YRD zone, whose rules show persons as hits.
    reader = ring.investigator("AH")
    zj_person = ring.record(session, "ZJ", "zj-p1")
    sh_person = ring.record(session, "SH", "sh-p1")
    zj_case = ring.record(session, "ZJ", "zj-7")
    ah_person = ring.record(session, "AH", "ah-p1")

    read = joint_reading.read_joint_case(session, reader, case.reference)
    session.commit()
    pending = row_of(read, zj_person)
    assert pending.release == "pending"
    assert pending.view is not None
    assert pending.view.mode == "hit"
    assert pending.view.agency.code == w.agencies["ZJ"].code
    assert pending.view.properties == ()
    assert pending.view.caption == ""
    # The lead released its own suspect by opening the case (the rules show persons as hits).
    assert row_of(read, sh_person).view.mode == "full"  # type: ignore[union-attr]
    # Zhejiang's case: the YRD rules share cases in full (H1), and H1 needs no grant.
    zj_case_view = row_of(read, zj_case).view
    assert zj_case_view is not None
    assert zj_case_view.mode == "full"
    assert zj_case_view.handling_code == "H1"
    # Its own suspect, as its own.
    assert row_of(read, ah_person).view.mode == "full"  # type: ignore[union-attr]

    decided = joint_consent.decide_release(
        session,
        ring.liaisons["ZJ"],
        joint_case=case,
        agency=w.agencies["ZJ"],
        grant=True,
        reason="同意共享 for the joint case",
    )
    session.commit()
    assert {r.record_id for r in decided} == {zj_person.id, zj_case.id}

    read = joint_reading.read_joint_case(session, reader, case.reference)
    session.commit()
    released = row_of(read, zj_person)
    assert released.release == "granted"
    assert released.decided_by == "zj.liaison"
    assert released.view is not None
    assert released.view.mode == "full"
    assert released.view.values("name") == ("LI Qiang",)
    assert released.view.own is False
    assert released.view.handling_code == "H0"

    # Audited: the read names the purpose, the record as shown in full, and its subjects.
    last = session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.action == "joint_case.read", AuditEvent.actor_username == "ah.investigator"
        )
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    ).first()
    assert last is not None
    assert last.purpose == f"joint case {case.reference}"
    assert last.case_ref == case.reference
    assert last.detail is not None
    assert str(zj_person.id) in last.detail["full"]
    subjects = {
        (row.kind, row.key)
        for row in session.execute(
            select(AuditSubject.kind, AuditSubject.key).where(AuditSubject.event_id == last.id)
        )
    }
    assert ("entity", str(zj_person.id)) in subjects
    # Anhui now holds Zhejiang's record: it hears of its later changes.
    assert session.get(RecordHolder, (zj_person.id, w.agencies["AH"].id)) is not None
    assert "joint_case.release_granted" in events(session, case)


def test_a_refused_record_stays_a_match(session: Session, ring: Ring) -> None:
    case = open_case(session, ring)
    w = ring.world
    ah_case = ring.record(session, "AH", "ah-3")
    ah_person = ring.record(session, "AH", "ah-p1")
    with pytest.raises(joint.InvalidJointCase) as no_reason:
        joint_consent.decide_release(
            session, ring.liaisons["AH"], joint_case=case, agency=w.agencies["AH"], grant=False
        )
    assert no_reason.value.field == "reason"
    session.rollback()
    joint_consent.decide_release(
        session,
        ring.liaisons["AH"],
        joint_case=case,
        agency=w.agencies["AH"],
        grant=False,
        reason="案件仍在秘密侦查",
    )
    session.commit()
    read = joint_reading.read_joint_case(session, ring.investigator("JS"), case.reference)
    for record in (ah_case, ah_person):
        row = row_of(read, record)
        assert row.release == "refused"
        assert row.reason == "案件仍在秘密侦查"
        # Even the case, which the zone's rules would show in full: the owner said no here.
        assert row.view is not None
        assert row.view.mode == "hit"
    # Nothing more waits for Anhui.
    with pytest.raises(joint.InvalidJointCase):
        joint_consent.decide_release(
            session, ring.liaisons["AH"], joint_case=case, agency=w.agencies["AH"], grant=True
        )


def test_an_h2_record_needs_the_owners_grant_even_where_the_rules_share_it(
    session: Session, world: World
) -> None:
    lines = {name: list(RING_LINES[name]) for name in RING_LINES}
    # Jiangsu hands its case over under H2: not to be passed on without its permission.
    lines["JS"] = [
        {**line, "handling_code": "H2"} if line["schema"] == "Event" else line
        for line in lines["JS"]
    ]
    ring = make_ring(session, world, lines)
    case = open_case(session, ring)
    js_case = ring.record(session, "JS", "case-101")
    reader = ring.investigator("SH")  # the lead's own investigator

    before = row_of(joint_reading.read_joint_case(session, reader, case.reference), js_case)
    assert before.release == "pending"
    assert before.view is not None
    assert before.view.mode == "hit"

    joint_consent.decide_release(
        session,
        ring.liaisons["JS"],
        joint_case=case,
        agency=world.agencies["JS"],
        grant=True,
        records=[js_case.id],
    )
    session.commit()
    after = joint_reading.read_joint_case(session, reader, case.reference)
    view = row_of(after, js_case).view
    assert view is not None
    assert view.mode == "full"
    assert view.handling_code == "H2"
    # Only the named record: Jiangsu's suspect still waits.
    assert row_of(after, ring.record(session, "JS", "js-p1")).release == "pending"


def test_the_leads_h3_record_waits_for_its_own_liaison(session: Session, world: World) -> None:
    lines = {name: list(RING_LINES[name]) for name in RING_LINES}
    lines["SH"] = [
        {**line, "handling_code": "H3", "handling_text": "仅限本案使用"}
        if line["id"] == "sh-p1"
        else line
        for line in lines["SH"]
    ]
    ring = make_ring(session, world, lines)
    case = open_case(session, ring)
    sh_person = ring.record(session, "SH", "sh-p1")
    row = session.get(JointCaseRecord, (case.id, sh_person.id))
    assert row is not None
    assert row.release == "pending"
    assert not [
        s for r in session.scalars(select(AssistanceRequest)) for s in r.subjects
    ]  # an H3 suspect is not passed on in the drafted requests either
    consent = outbox(session, case, "joint_case.consent_requested")
    assert world.agencies["SH"].id in {
        uuid.UUID(a) for m in consent for a in m.recipients["agencies"]
    }

    joint_consent.decide_release(
        session, ring.liaisons["SH"], joint_case=case, agency=world.agencies["SH"], grant=True
    )
    session.commit()
    view = row_of(
        joint_reading.read_joint_case(session, ring.investigator("JS"), case.reference), sh_person
    ).view
    assert view is not None
    assert view.mode == "full"
    assert view.handling_code == "H3"
    assert view.handling_text == "仅限本案使用"


# --- notices and the thread ----------------------------------------------------------------------


def test_members_are_told_in_their_inboxes_and_owners_asked_for_consent(
    session: Session, ring: Ring
) -> None:
    w = ring.world
    js_liaison = make_user(session, "js.liaison.user", w.agencies["JS"].code, Role.LIAISON)
    js_officer = make_user(session, "js.officer.user", w.agencies["JS"].code, Role.OFFICER)
    case = open_case(session, ring)

    told = outbox(session, case, "joint_case.member")
    assert len(told) == 1
    assert {uuid.UUID(a) for a in told[0].recipients["agencies"]} == {
        w.agencies[n].id for n in ("JS", "ZJ", "AH")
    }
    assert case.reference in told[0].title
    assert "李强" not in told[0].title
    consent = outbox(session, case, "joint_case.consent_requested")
    assert {uuid.UUID(m.recipients["agencies"][0]) for m in consent} == {
        w.agencies[n].id for n in ("JS", "ZJ", "AH")
    }
    assert all(set(m.recipients["roles"]) == {"liaison", "commander"} for m in consent)

    factory: Any = lambda: _KeepOpen(session)  # noqa: E731  (the worker's session factory)
    dispatch.dispatch_pending(factory)
    dispatch.deliver_local(factory)
    inbox = notify_service.list_inbox(session, actor_for(js_liaison.user, via="test")).items
    assert {(i.event, i.link) for i in inbox if i.event.startswith("joint_case.")} == {
        ("joint_case.member", f"/joint-cases/{case.reference}"),
        ("joint_case.consent_requested", f"/joint-cases/{case.reference}"),
    }
    officer = notify_service.list_inbox(session, actor_for(js_officer.user, via="test")).items
    assert [i for i in officer if i.event.startswith("joint_case.")] == []


def test_the_thread_tells_the_other_members(session: Session, ring: Ring) -> None:
    w = ring.world
    case = open_case(session, ring)
    joint_thread.post_message(
        session, ring.investigator("ZJ"), joint_case=case, body="我方嫌疑人已布控。"
    )
    session.commit()
    read = joint_reading.read_joint_case(session, ring.investigator("AH"), case.reference)
    assert [(m.author, m.body) for m in read.messages][-1] == (
        "zj.investigator",
        "我方嫌疑人已布控。",
    )
    told = outbox(session, case, "joint_case.message")
    assert len(told) == 1
    assert told[0].channels == ["inbox", "live"]
    assert {uuid.UUID(a) for a in told[0].recipients["agencies"]} == {
        w.agencies[n].id for n in ("SH", "JS", "AH")
    }
    with pytest.raises(joint.InvalidJointCase):
        joint_thread.post_message(session, ring.investigator("ZJ"), joint_case=case, body="  ")


# --- refusals ------------------------------------------------------------------------------------


def test_a_non_member_is_told_there_is_no_such_case(session: Session, ring: Ring) -> None:
    case = open_case(session, ring)
    outsider = ring.world.investigators["HZ"]  # under Zhejiang, not a member itself
    with pytest.raises(joint.JointCaseNotFound):
        joint_reading.read_joint_case(session, outsider, case.reference)
    with pytest.raises(joint.JointCaseNotFound):
        joint_thread.post_message(session, outsider, joint_case=case, body="hello")
    assert case.reference not in {
        r.case.reference for r in joint_reading.list_joint_cases(session, outsider).mine
    }


def test_a_member_may_not_decide_on_another_agencys_records(session: Session, ring: Ring) -> None:
    case = open_case(session, ring)
    w = ring.world
    with pytest.raises(PermissionDenied):
        joint_consent.decide_release(
            session, ring.liaisons["JS"], joint_case=case, agency=w.agencies["ZJ"], grant=True
        )
    with pytest.raises(PermissionDenied):  # an investigator of the owner does not decide either
        joint_consent.decide_release(
            session, ring.investigator("ZJ"), joint_case=case, agency=w.agencies["ZJ"], grant=True
        )
    row = session.get(JointCaseRecord, (case.id, ring.record(session, "ZJ", "zj-p1").id))
    assert row is not None
    assert row.release == "pending"


def test_who_may_open(session: Session, ring: Ring) -> None:
    w = ring.world
    with pytest.raises(PermissionDenied):  # officers do not open joint cases
        joint_lifecycle.open_joint_case(session, w.officers["SH"], series_key=KEY, title="x")
    with pytest.raises(PermissionDenied):  # a lead with no case in the series
        joint_lifecycle.open_joint_case(session, w.investigators["HZ"], series_key=KEY, title="x")
    with pytest.raises(reading.SeriesNotFound):
        joint_lifecycle.open_joint_case(
            session, w.investigators["SH"], series_key="S-1999-9", title="x"
        )
    with pytest.raises(joint.InvalidJointCase) as untitled:
        joint_lifecycle.open_joint_case(session, w.investigators["SH"], series_key=KEY, title="   ")
    assert untitled.value.field == "title"
    session.rollback()
    assert session.scalars(select(JointCase)).all() == []


def test_lists_mine_and_consent_waiting(session: Session, ring: Ring) -> None:
    case = open_case(session, ring)
    w = ring.world
    zj = joint_reading.list_joint_cases(session, ring.liaisons["ZJ"])
    assert [(r.case.reference, r.role, r.members) for r in zj.mine] == [
        (case.reference, "member", 4)
    ]
    assert [(r.case.reference, r.owner.code, r.pending) for r in zj.waiting] == [
        (case.reference, w.agencies["ZJ"].code, 2)
    ]
    sh = joint_reading.list_joint_cases(session, ring.investigator("SH"))
    assert [(r.case.reference, r.role) for r in sh.mine] == [(case.reference, "lead")]
    assert sh.waiting == []  # investigators do not decide releases
