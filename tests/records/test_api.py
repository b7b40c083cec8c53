"""The records API: import (JSON lines or an array, all or nothing, Idempotency-Key), search and
read with a purpose (redacted, 404, 410), withdraw with If-Match, watches; problem+json."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.audit.models import AuditEvent
from accord.records.models import SharedRecord
from tests.factories import act_as
from tests.records.conftest import SH_LINES, ZJ_LINES, World, jsonl

PROBLEM = "application/problem+json"


def body_of(lines: list[str]) -> bytes:
    return "\n".join(lines).encode("utf-8")


def count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(SharedRecord)) or 0)


def test_import_json_lines_once_whatever_the_retries(
    client: TestClient, session: Session, world: World
) -> None:
    act_as(client, world.investigators["SH"])
    headers = {"Idempotency-Key": "sh-import-1", "Content-Type": "application/x-ndjson"}
    first = client.post(
        "/api/v1/records/import?agency=310000&handling_code=H1",
        content=body_of(jsonl(SH_LINES)),
        headers=headers,
    )
    assert first.status_code == 200, first.text
    body = first.json()
    assert (body["created"], body["updated"], body["unchanged"], body["withdrawn"]) == (7, 0, 0, 0)
    assert len(body["record_ids"]) == 7

    again = client.post(
        "/api/v1/records/import?agency=310000&handling_code=H1",
        content=body_of(jsonl(SH_LINES)),
        headers=headers,
    )
    assert again.status_code == 200
    assert again.json() == body
    assert again.headers["Idempotency-Replayed"] == "true"
    assert count(session) == 7
    assert world.record(session, "SH", "p1").handling_code == "H1"


def test_import_a_json_array(client: TestClient, session: Session, world: World) -> None:
    act_as(client, world.investigators["ZJ"])
    response = client.post("/api/v1/records/import?agency=330000", json=ZJ_LINES)

    assert response.status_code == 200, response.text
    assert response.json()["created"] == 2


def test_a_bad_line_is_a_problem_naming_line_and_field(
    client: TestClient, session: Session, world: World
) -> None:
    act_as(client, world.investigators["SH"])
    lines = [
        *jsonl(SH_LINES[:1]),
        json.dumps({"id": "e1", "schema": "Event", "properties": {"date": "x", "foo": 1}}),
    ]
    response = client.post("/api/v1/records/import?agency=310000", content=body_of(lines))

    assert response.status_code == 422
    assert response.headers["content-type"].startswith(PROBLEM)
    problem = response.json()
    assert problem["code"] == "invalid_record"
    assert problem["detail"].startswith("line 2: field 'properties.foo'")
    assert problem["errors"] == [{"field": "properties.foo", "message": problem["detail"]}]
    assert problem["line"] == 2
    assert count(session) == 0

    unknown = client.post("/api/v1/records/import?agency=999999", content=body_of(lines[:1]))
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "agency"
    act_as(client, world.officers["SH"])
    refused = client.post("/api/v1/records/import?agency=310000", content=body_of(lines[:1]))
    assert refused.status_code == 403


def test_search_and_read_state_a_purpose_and_redact(
    client: TestClient, session: Session, world: World
) -> None:
    world.share(session, "SH", SH_LINES)
    world.share(session, "ZJ", ZJ_LINES)
    act_as(client, world.officers["JS"])

    missing = client.get("/api/v1/records", params={"q": "zhang wei"})
    assert missing.status_code == 422
    assert missing.json()["code"] == "purpose_required"
    refused = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "record.search_refused")
    ).all()
    assert len(refused) == 1
    assert refused[0].outcome == "refused"

    found = client.get("/api/v1/records", params={"q": "zhang wei", "purpose": "核查"})
    assert found.status_code == 200, found.text
    results = found.json()["results"]
    assert results[0] == {
        "view": "hit",
        "agency": {"code": "310000", "name_zh": "上海市公安局", "name_en": "Shanghai PSB"},
        "match": "match at agency 310000",
        "ask": results[0]["ask"],
    }
    full = results[1]
    assert full["view"] == "full"
    assert full["entity_id"] == "p1"
    assert full["schema"] == "Person"
    assert full["properties"]["name"] == ["ZHANG Wei"]
    assert full["matched"] == ["name"]

    person = world.record(session, "SH", "p1")
    hit = client.get(f"/api/v1/records/{person.id}", params={"purpose": "核查"})
    assert hit.status_code == 200
    assert set(hit.json()["record"]) == {"id", "view", "agency", "schema", "match", "ask"}
    assert "ETag" not in hit.headers

    case = world.record(session, "SH", "case1")
    read = client.get(f"/api/v1/records/{case.id}", params={"purpose": "核查"})
    assert read.status_code == 200
    record = read.json()["record"]
    assert record["view"] == "full"
    assert record["handling_code"] == "H1"
    assert record["properties"]["involved"] == ["p1"]
    assert read.headers["ETag"] == f'"{case.id}.v1"'
    related = {(r["relation"], r["record"]["view"]) for r in read.json()["related"]}
    assert related == {("Involved", "hit"), ("Other link", "full")}

    act_as(client, world.officers["HAN"])
    assert client.get(f"/api/v1/records/{case.id}", params={"purpose": "x"}).status_code == 404


def test_withdraw_honours_if_match_and_the_record_is_gone(
    client: TestClient, session: Session, world: World
) -> None:
    world.share(session, "SH", SH_LINES)
    case = world.record(session, "SH", "case1")
    act_as(client, world.investigators["SH"])

    stale = client.post(
        f"/api/v1/records/{case.id}/withdraw",
        json={"reason": "mistake"},
        headers={"If-Match": f'"{case.id}.v9"'},
    )
    assert stale.status_code == 412
    done = client.post(
        f"/api/v1/records/{case.id}/withdraw",
        json={"reason": "mistake"},
        headers={"If-Match": f'"{case.id}.v1"'},
    )
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "withdrawn"
    assert done.json()["version"] == 2
    again = client.post(f"/api/v1/records/{case.id}/withdraw", json={"reason": "again"})
    assert again.status_code == 409

    act_as(client, world.officers["ZJ"])
    gone = client.get(f"/api/v1/records/{case.id}", params={"purpose": "x"})
    assert gone.status_code == 410
    assert gone.json()["code"] == "record_gone"
    found = client.get("/api/v1/records", params={"q": "95588", "purpose": "x"})
    assert found.json()["results"] == []


def test_watches_are_made_listed_and_ended(
    client: TestClient, session: Session, world: World
) -> None:
    act_as(client, world.investigators["ZJ"])
    made = client.post(
        "/api/v1/watches",
        json={"kind": "phone", "key": "138 1234 5678", "purpose": "电诈团伙"},
        headers={"Idempotency-Key": "w1"},
    )
    assert made.status_code == 201, made.text
    watch = made.json()
    assert watch["key"] == "+8613812345678"
    assert made.headers["Location"] == f"/api/v1/watches/{watch['id']}"

    bad = client.post("/api/v1/watches", json={"kind": "phone", "key": "abc", "purpose": "x"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "key"

    listed = client.get("/api/v1/watches")
    assert [w["id"] for w in listed.json()] == [watch["id"]]
    assert client.delete(f"/api/v1/watches/{watch['id']}").status_code == 204
    assert client.get("/api/v1/watches").json() == []
    assert client.delete(f"/api/v1/watches/{watch['id']}").status_code == 404
