"""Who sees what: the owner (and those above it) in full; another agency through a zone by the
zone's rule for the record's kind (full with the stricter handling code, "match at agency X"
only, or nothing); nobody outside the zones; a purpose for every search and read, each audited
with its subjects; holders noted on full reads; withdrawn and expired records gone."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.audit.models import AuditEvent, AuditSubject
from accord.core.clock import FrozenClock
from accord.records import access, service
from accord.records.access import PurposeRequired, RecordGone, RecordNotFound
from accord.records.models import RecordHolder
from accord.security.actor import Role
from tests.factories import make_actor
from tests.records.conftest import SH_LINES, ZJ_LINES, World


@pytest.fixture
def shared(session: Session, world: World) -> World:
    world.share(session, "SH", SH_LINES)
    world.share(session, "ZJ", ZJ_LINES)
    return world


def events(session: Session, action: str) -> list[AuditEvent]:
    return list(
        session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


def subjects(session: Session, event: AuditEvent) -> set[tuple[str, str]]:
    rows = session.scalars(select(AuditSubject).where(AuditSubject.event_id == event.id))
    return {(s.kind, s.key) for s in rows}


def test_modes_follow_the_owner_and_the_zones_rules(session: Session, shared: World) -> None:
    person = shared.record(session, "SH", "p1")
    case = shared.record(session, "SH", "case1")
    zj_person = shared.record(session, "ZJ", "p1")
    mode = access.view_mode

    assert mode(session, shared.officers["SH"], person) == "full"
    assert mode(session, shared.officers["ZJ"], person) == "hit"  # YRD: persons hit/no-hit
    assert mode(session, shared.officers["ZJ"], case) == "full"  # YRD: cases in full
    assert mode(session, shared.officers["JS"], zj_person) == "full"  # through the JZ zone
    assert mode(session, shared.officers["SH"], zj_person) == "hit"
    assert mode(session, shared.officers["HAN"], person) is None  # outside every zone
    # Pudong is below Shanghai but no member: YRD's rules do not include subordinates.
    assert mode(session, shared.officers["PD"], case) is None
    # A grant over Shanghai's subordinates covers Pudong's own records (and not the parent's).
    boss = make_actor(
        shared.agencies["SH"], Role.INVESTIGATOR, username="sh.boss", include_subordinates=True
    )
    shared.share(session, "PD", [{"id": "pd1", "schema": "Event", "properties": {"name": ["x"]}}])
    assert mode(session, boss, shared.record(session, "PD", "pd1")) == "full"
    # Without the read permission, nothing.
    clerk = make_actor(shared.agencies["ZJ"], Role.CLERK, username="zj.clerk")
    assert mode(session, clerk, case) is None


def test_a_hit_view_is_redacted_to_match_at_agency_x(session: Session, shared: World) -> None:
    person = shared.record(session, "SH", "p1")
    view = access.record_view(session, shared.officers["ZJ"], person, "hit")

    assert view.redacted
    assert view.mode == "hit"
    assert (view.agency.code, view.schema) == ("310000", "Person")
    assert view.entity_id is None
    assert view.caption == ""
    assert view.properties == ()
    assert view.recorded_on is None
    assert view.handling_code is None
    body = view.as_dict()
    assert set(body) == {"id", "view", "agency", "schema", "match", "ask"}
    assert body["match"] == "match at agency 310000"
    link = urlsplit(view.ask_link)
    assert link.path == "/assist/new"
    query = parse_qs(link.query)
    assert query["addressee"] == ["310000"]
    assert query["request_type"] == ["records_check"]
    assert "张伟" not in view.ask_link
    assert str(person.id) in query["description"][0]
    # Asking for more than the rules allow still gives the hit view.
    assert access.record_view(session, shared.officers["ZJ"], person, "full").redacted


def test_a_full_view_carries_the_stricter_handling_code(session: Session, shared: World) -> None:
    case = shared.record(session, "SH", "case1")
    car = shared.record(session, "SH", "car1")

    seen = access.record_view(session, shared.officers["ZJ"], case)
    assert seen.mode == "full"
    assert seen.handling_code == "H1"
    assert seen.values("phoneMentioned") == ("+8613812345678", "95588")
    assert access.record_view(session, shared.officers["ZJ"], car).handling_code == "H2"
    assert access.record_view(session, shared.officers["SH"], case).handling_code == "H0"
    with pytest.raises(RecordNotFound):
        access.record_view(session, shared.officers["HAN"], case)


def test_reading_a_hit_record_is_audited_with_its_purpose(session: Session, shared: World) -> None:
    person = shared.record(session, "SH", "p1")
    read = service.read_record(session, shared.officers["ZJ"], person.id, purpose="案件 ZJ-7")

    assert read.view.redacted
    assert read.related == []
    event = events(session, "record.read")[-1]
    assert event.purpose == "案件 ZJ-7"
    assert event.actor_username == "zj.officer"
    assert event.detail["hit"] == [str(person.id)]
    assert event.detail["full"] == []
    assert event.detail["entity_id"] is None
    assert {("entity", str(person.id)), ("resident_id", "110101199003071233")} <= subjects(
        session, event
    )
    # A match only is not a copy: Zhejiang does not hold the record.
    assert session.scalars(select(RecordHolder)).all() == []


def test_a_full_read_shows_the_case_and_makes_the_reader_a_holder(
    session: Session, shared: World
) -> None:
    case = shared.record(session, "SH", "case1")
    reader = shared.officers["ZJ"]
    read = service.read_record(session, reader, case.id, purpose="串并案 ZJ-7")

    assert read.view.mode == "full"
    related = {(r.relation, r.view.schema, r.view.mode, r.role) for r in read.related}
    assert related == {
        ("Involved", "Person", "hit", ""),
        ("Other link", "Payment", "full", "赃款转账"),
        ("Other link", "Vehicle", "full", "作案车辆"),
    }
    holders = session.scalars(select(RecordHolder)).all()
    held = {h.record_id for h in holders}
    payment = shared.record(session, "SH", "pay1")
    links = {shared.record(session, "SH", e).id for e in ("link1", "link2")}
    assert held == {case.id, payment.id, shared.record(session, "SH", "car1").id} | links
    assert all(h.user_ids == [str(reader.user_id)] for h in holders)
    assert all(h.agency_id == shared.agencies["ZJ"].id for h in holders)

    # A second reader of the same agency is added to the holder's users.
    service.read_record(session, shared.analysts["ZJ"], case.id, purpose="串并案 ZJ-7")
    holder = session.get(RecordHolder, (case.id, shared.agencies["ZJ"].id))
    assert holder is not None
    assert len(holder.user_ids) == 2

    # From the payment, its payer (hit only) and accounts; from the person, nothing for ZJ.
    pay = service.read_record(session, reader, payment.id, purpose="串并案 ZJ-7")
    assert {(r.relation, r.view.mode) for r in pay.related} >= {
        ("Payer", "hit"),
        ("Payer bank account", "full"),
    }


def test_the_owner_reads_without_becoming_a_holder(session: Session, shared: World) -> None:
    person = shared.record(session, "SH", "p1")
    read = service.read_record(session, shared.officers["SH"], person.id, purpose="own case")

    assert read.view.mode == "full"
    assert read.view.own
    assert {(r.relation, r.view.schema) for r in read.related} == {
        ("Involved", "Event"),
        ("Payer", "Payment"),
    }
    assert session.scalars(select(RecordHolder)).all() == []


def test_no_purpose_no_read_and_the_refusal_is_on_file(session: Session, shared: World) -> None:
    person = shared.record(session, "SH", "p1")
    with pytest.raises(PurposeRequired) as refused:
        service.read_record(session, shared.officers["ZJ"], person.id, purpose="  ")
    assert refused.value.status == 422
    assert refused.value.field == "purpose"
    refused.value.record_refusal(session)

    event = events(session, "record.read_refused")[-1]
    assert event.outcome == "refused"
    assert ("entity", str(person.id)) in subjects(session, event)
    with pytest.raises(PurposeRequired):
        service.search(session, shared.officers["ZJ"], q="张伟", purpose=None)


def test_a_record_not_shared_is_not_found(session: Session, shared: World) -> None:
    person = shared.record(session, "SH", "p1")
    with pytest.raises(RecordNotFound):
        service.read_record(session, shared.officers["HAN"], person.id, purpose="x")
    with pytest.raises(RecordNotFound):
        service.read_record(session, shared.officers["ZJ"], "not-a-uuid", purpose="x")


def test_withdrawn_and_expired_records_are_gone(
    session: Session, shared: World, frozen_clock: FrozenClock
) -> None:
    case = shared.record(session, "SH", "case1")
    service.withdraw(session, shared.investigators["SH"], case, "entered by mistake")
    session.commit()
    with pytest.raises(RecordGone) as gone:
        service.read_record(session, shared.officers["ZJ"], case.id, purpose="x")
    assert gone.value.status == 410
    with pytest.raises(RecordNotFound):  # who never could see it learns nothing
        service.read_record(session, shared.officers["HAN"], case.id, purpose="x")

    shared.share(
        session,
        "SH",
        [
            {
                "id": "old1",
                "schema": "Event",
                "properties": {"name": ["旧案"]},
                "expires_on": "2026-12-01",
            }
        ],
    )
    old = shared.record(session, "SH", "old1")
    assert service.read_record(session, shared.officers["ZJ"], old.id, purpose="x")
    frozen_clock.advance(timedelta(days=9))
    with pytest.raises(RecordGone, match="expired"):
        service.read_record(session, shared.officers["ZJ"], old.id, purpose="x")


# --- search ----------------------------------------------------------------------------------


def test_a_name_in_any_script_finds_the_person_as_the_searcher_may_see_it(
    session: Session, shared: World
) -> None:
    for query in ("zhang wei", "張偉", "WEI ZHANG", "张伟"):
        found = service.search(session, shared.officers["JS"], q=query, purpose="核查")
        by_agency = {g.agency.code: g for g in found.groups}
        # Shanghai's person is a match only for Jiangsu; Zhejiang's is shared in full (JZ).
        assert by_agency["310000"].match_only
        assert by_agency["310000"].results == []
        assert "request_type=records_check" in by_agency["310000"].ask_link
        assert [r.view.entity_id for r in by_agency["330000"].results] == ["p1"]
        assert by_agency["330000"].results[0].score >= 0.9
    nothing = service.search(session, shared.officers["JS"], q="王伟", purpose="核查")
    assert nothing.groups == []
    # Hanoi sees nothing at all.
    assert service.search(session, shared.officers["HAN"], q="zhang wei", purpose="x").groups == []


def test_identifiers_find_records_whatever_their_spelling(session: Session, shared: World) -> None:
    officer = shared.officers["SH"]

    def found(q: str) -> set[tuple[str, str]]:
        result = service.search(session, officer, q=q, purpose="核查")
        return {(g.agency.code, r.view.entity_id or "") for g in result.groups for r in g.results}

    # The legacy 15-digit ID and the 18-digit one find both agencies' person.
    assert {("310000", "p1")} <= found("110101900307123")
    assert {("310000", "p1")} <= found("110101199003071233")
    assert found("+86 138 1234 5678") == {("310000", "p1"), ("310000", "case1")}
    assert found("6222021234567890") == {("310000", "acc1")}
    assert found("6222 0212 3456 7890") == {("310000", "acc1")}
    assert found("HU A12345") == {("310000", "car1")}
    assert found("95588") == {("310000", "case1")}
    # Zhejiang's person, under a hit/no-hit rule for Shanghai, collapses to a match.
    result = service.search(session, officer, q="110101199003071233", purpose="核查")
    zj = next(g for g in result.groups if g.agency.code == "330000")
    assert zj.match_only
    assert zj.results == []
    assert result.as_dict()["results"][-1] == {
        "view": "hit",
        "agency": {"code": "330000", "name_zh": "浙江省公安厅", "name_en": "Zhejiang PSD"},
        "match": "match at agency 330000",
        "ask": zj.ask_link,
    }


def test_a_search_is_audited_with_purpose_query_and_records_found(
    session: Session, shared: World
) -> None:
    service.search(session, shared.officers["ZJ"], q="13812345678", purpose="电诈 ZJ-7")

    event = events(session, "record.searched")[-1]
    assert event.purpose == "电诈 ZJ-7"
    assert event.detail["query"] == "13812345678"
    found = subjects(session, event)
    assert ("phone", "+8613812345678") in found
    person = shared.record(session, "SH", "p1")
    assert ("entity", str(person.id)) in found
    assert str(person.id) in event.detail["hit"]
    assert str(shared.record(session, "SH", "case1").id) in event.detail["full"]


def test_withdrawn_and_expired_records_leave_the_search(
    session: Session, shared: World, frozen_clock: FrozenClock
) -> None:
    officer = shared.officers["SH"]
    account = shared.record(session, "SH", "acc1")
    service.withdraw(session, shared.investigators["SH"], account, "closed")
    session.commit()
    assert service.search(session, officer, q="6222021234567890", purpose="x").groups == []

    shared.share(
        session,
        "SH",
        [
            {
                "id": "acc2",
                "schema": "BankAccount",
                "properties": {"accountNumber": ["6217 0000 1111 2222"]},
                "expires_on": "2026-11-30",
            }
        ],
    )
    assert service.search(session, officer, q="6217000011112222", purpose="x").total == 1
    frozen_clock.advance(timedelta(days=8))
    assert service.search(session, officer, q="6217000011112222", purpose="x").groups == []


def test_qualified_ids_name_the_agency_where_two_use_one_id(
    session: Session, shared: World
) -> None:
    sh = shared.record(session, "SH", "p1")
    zj = shared.record(session, "ZJ", "p1")
    case = shared.record(session, "SH", "case1")

    assert service.qualified_ids(session, [sh.id, zj.id, case.id]) == {
        sh.id: "310000:p1",
        zj.id: "330000:p1",
        case.id: "case1",
    }
