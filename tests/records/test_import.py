"""Importing records: the exchange convention read through FollowTheMoney, keys made, all or
nothing (the first bad line named with its field, nothing written), updates and withdrawals by
importing again, references resolved in the file or among what the agency already shares."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.audit.models import AuditEvent
from accord.core.clock import FrozenClock
from accord.records import service
from accord.records.entities import InvalidRecord
from accord.records.imports import Defaults
from accord.records.models import RecordKey, SharedRecord
from accord.security.policy import PermissionDenied
from tests.records.conftest import SH_LINES, World, jsonl


def count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(SharedRecord)) or 0)


def keys(session: Session, record: SharedRecord) -> set[tuple[str, str]]:
    rows = session.execute(
        select(RecordKey.kind, RecordKey.key).where(RecordKey.record_id == record.id)
    )
    return {(r.kind, r.key) for r in rows}


def test_a_case_file_is_shared_with_its_keys_and_default_provenance(
    session: Session, world: World
) -> None:
    result = world.share(session, "SH", SH_LINES)

    assert (result.created, result.updated, result.unchanged, result.withdrawn) == (7, 0, 0, 0)
    assert len(result.record_ids) == 7
    person = world.record(session, "SH", "p1")
    assert person.schema == "Person"
    assert person.caption == "张伟"
    # FtM's cleaning: the phone read as E.164 (+86 by default), nationality a country code.
    assert person.properties["phone"] == ["+8613812345678"]
    assert person.properties["nationality"] == ["cn"]
    assert (person.handling_code, person.source_reliability, person.information_accuracy) == (
        "H0",
        "X",
        4,
    )
    assert person.recorded_on == date(2026, 11, 23)
    assert person.review_on == date(2027, 11, 23)
    assert person.expires_on == date(2031, 11, 23)
    found = keys(session, person)
    # The legacy 15-digit ID is keyed in its canonical 18-digit form.
    assert ("resident_id", "110101199003071233") in found
    assert ("phone", "+8613812345678") in found
    assert {("name", "h:张伟"), ("name", "n:zhangwei")} <= found
    account = world.record(session, "SH", "acc1")
    assert keys(session, account) == {("account", "6222021234567890")}
    car = world.record(session, "SH", "car1")
    assert keys(session, car) == {("plate", "沪A12345")}
    case = world.record(session, "SH", "case1")
    # A short service number stays as dialled, so a hotline is one value wherever typed.
    assert {("phone", "+8613812345678"), ("phone", "95588"), ("ref", str(person.id))} == keys(
        session, case
    )
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "record.imported")).one()
    assert event.detail["created"] == 7
    assert event.detail["agency"] == "310000"


def test_provenance_from_the_flags_and_from_the_line(session: Session, world: World) -> None:
    lines = [
        {
            "id": "a1",
            "schema": "Address",
            "properties": {"full": ["上海市 浦东新区 世纪大道 100 号"]},
        },
        {
            "id": "a2",
            "schema": "Address",
            "properties": {"full": ["Shiji Avenue 100"]},
            "handling_code": "H3",
            "handling_text": "only for case 2026-001",
            "source_reliability": "a",
            "information_accuracy": "1",
            "recorded_on": "2026-01-10",
        },
    ]
    world.share(session, "SH", lines, defaults=Defaults("H2", None, "B", 2))

    first = world.record(session, "SH", "a1")
    assert (first.handling_code, first.source_reliability, first.information_accuracy) == (
        "H2",
        "B",
        2,
    )
    assert keys(session, first) == {("address", "上海市浦东新区世纪大道100号")}
    second = world.record(session, "SH", "a2")
    assert (second.handling_code, second.handling_text) == ("H3", "only for case 2026-001")
    assert (second.source_reliability, second.information_accuracy) == ("A", 1)
    assert (second.recorded_on, second.review_on, second.expires_on) == (
        date(2026, 1, 10),
        date(2027, 1, 10),
        date(2031, 1, 10),
    )


BAD_LINES: list[tuple[Any, str, str]] = [
    ("{not json", "line", "not JSON"),
    ({"schema": "Person", "properties": {}}, "id", "entity id"),
    ({"id": "bad id!", "schema": "Person"}, "id", "not an entity id"),
    ({"id": "x1", "schema": "Suspect", "properties": {}}, "schema", "not a FollowTheMoney schema"),
    ({"id": "x1", "schema": "Thing", "properties": {}}, "schema", "abstract"),
    (
        {"id": "x1", "schema": "Person", "properties": {"shoeSize": ["42"]}},
        "properties.shoeSize",
        "no property",
    ),
    (
        {"id": "x1", "schema": "Person", "properties": {"name": [{"x": 1}]}},
        "properties.name",
        "values",
    ),
    (
        {"id": "x1", "schema": "Event", "properties": {"involved": ["nobody"]}},
        "properties.involved",
        "neither in this file",
    ),
    ({"id": "x1", "schema": "Person", "handling_code": "H7"}, "handling_code", "H0, H1, H2 or H3"),
    ({"id": "x1", "schema": "Person", "handling_code": "H3"}, "handling_text", "H3"),
    (
        {"id": "x1", "schema": "Person", "source_reliability": "Z"},
        "source_reliability",
        "A, B, C or X",
    ),
    (
        {"id": "x1", "schema": "Person", "information_accuracy": 9},
        "information_accuracy",
        "1, 2, 3 or 4",
    ),
    ({"id": "x1", "schema": "Person", "expires_on": "31/12/2030"}, "expires_on", "not a date"),
    ({"id": "x1", "schema": "Person", "colour": "red"}, "colour", "not a key"),
    ({"id": "gone", "withdrawn": True}, "id", "no record 'gone' to withdraw"),
]


@pytest.mark.parametrize(("bad", "field", "words"), BAD_LINES)
def test_the_first_bad_line_is_named_with_its_field_and_nothing_is_written(
    session: Session, world: World, bad: Any, field: str, words: str
) -> None:
    lines = [*jsonl(SH_LINES[:2]), bad if isinstance(bad, str) else json.dumps(bad)]
    lines += jsonl(SH_LINES[2:])
    with pytest.raises(InvalidRecord) as refused:
        world.share(session, "SH", lines)
    session.rollback()

    assert refused.value.field == field
    assert refused.value.detail.startswith("line 3: ")
    assert words in refused.value.detail
    assert refused.value.status == 422
    assert count(session) == 0


def test_a_reference_must_point_to_an_entity_of_the_right_kind(
    session: Session, world: World
) -> None:
    wrong = {"id": "pay9", "schema": "Payment", "properties": {"payerAccount": ["p1"]}}
    with pytest.raises(InvalidRecord) as refused:
        world.share(session, "SH", [SH_LINES[0], wrong])

    assert refused.value.field == "properties.payerAccount"
    assert "a Person cannot be the payerAccount of a Payment" in refused.value.detail


def test_an_id_twice_in_one_file_is_refused(session: Session, world: World) -> None:
    with pytest.raises(InvalidRecord) as refused:
        world.share(session, "SH", [SH_LINES[0], SH_LINES[1], SH_LINES[0]])

    assert refused.value.detail.startswith("line 3: ")
    assert "already on line 1" in refused.value.detail


def test_references_resolve_to_what_the_agency_already_shares(
    session: Session, world: World
) -> None:
    world.share(session, "SH", SH_LINES[:1])
    later = {"id": "case2", "schema": "Event", "properties": {"involved": ["p1"]}}
    world.share(session, "SH", [later])

    person = world.record(session, "SH", "p1")
    assert ("ref", str(person.id)) in keys(session, world.record(session, "SH", "case2"))
    # Another agency's entity of the same id is not ours to refer to.
    with pytest.raises(InvalidRecord, match="neither in this file nor a record 320000 shares"):
        world.share(session, "JS", [later])


def test_an_update_bumps_the_version_and_replaces_the_keys(
    session: Session, world: World, frozen_clock: FrozenClock
) -> None:
    world.share(session, "SH", SH_LINES)
    person = world.record(session, "SH", "p1")
    frozen_clock.advance(timedelta(days=3))

    again = world.share(session, "SH", SH_LINES)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 7)
    session.refresh(person)
    # Re-importing the same file days later changes nothing: dates left out stay as they were.
    assert person.version == 1
    assert person.recorded_on == date(2026, 11, 23)

    changed = json.loads(json.dumps(SH_LINES[0]))
    changed["properties"]["phone"] = ["139 0000 1111"]
    result = world.share(session, "SH", [changed])
    assert (result.created, result.updated) == (0, 1)
    session.refresh(person)
    assert person.version == 2
    found = keys(session, person)
    assert ("phone", "+8613900001111") in found
    assert ("phone", "+8613812345678") not in found

    stricter = {**changed, "handling_code": "H2"}
    world.share(session, "SH", [stricter])
    session.refresh(person)
    assert (person.version, person.handling_code) == (3, "H2")


def test_a_withdrawal_line_withdraws_and_drops_the_keys(session: Session, world: World) -> None:
    world.share(session, "SH", SH_LINES)
    result = world.share(session, "SH", [{"id": "acc1", "withdrawn": True, "reason": "wrong card"}])

    assert result.withdrawn == 1
    account = world.record(session, "SH", "acc1")
    session.refresh(account)
    assert (account.status, account.version, account.withdrawn_reason) == (
        "withdrawn",
        2,
        "wrong card",
    )
    assert keys(session, account) == set()
    # Withdrawing again changes nothing; sharing it again brings it back.
    assert world.share(session, "SH", [{"id": "acc1", "withdrawn": True}]).unchanged == 1
    back = world.share(session, "SH", [SH_LINES[1]])
    assert back.updated == 1
    session.refresh(account)
    assert account.status == "active"
    assert keys(session, account)


def test_only_sharers_of_the_owner_import(session: Session, world: World) -> None:
    with pytest.raises(PermissionDenied):
        service.import_lines(
            session, world.officers["SH"], agency=world.agencies["SH"], lines=jsonl(SH_LINES)
        )
    with pytest.raises(PermissionDenied):
        service.import_lines(
            session, world.investigators["JS"], agency=world.agencies["SH"], lines=jsonl(SH_LINES)
        )


def test_a_large_file_is_imported_in_bulk(session: Session, world: World) -> None:
    """3,000 people, their phones and cases: every record and key written, names read once
    per distinct spelling."""
    surnames = "王李张刘陈杨黄赵吴周"
    given = "伟芳娜敏静强磊军洋勇"
    lines = []
    for i in range(1500):
        name = surnames[i % 10] + given[(i // 10) % 10] + given[(i // 100) % 10]
        lines.append(
            {
                "id": f"p{i}",
                "schema": "Person",
                "properties": {"name": [name], "phone": [f"139{i:08d}"]},
            }
        )
        lines.append(
            {
                "id": f"c{i}",
                "schema": "Event",
                "properties": {"involved": [f"p{i}"], "name": ["案"]},
            }
        )
    result = world.share(session, "SH", lines)

    assert result.created == 3000
    assert count(session) == 3000
    phones = session.scalar(
        select(func.count()).select_from(RecordKey).where(RecordKey.kind == "phone")
    )
    assert phones == 1500
