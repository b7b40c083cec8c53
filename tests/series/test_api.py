"""The series API: discovery (analysts only), the list with its filters, one series with a
purpose (audited; a hit/no-hit-only case and the identifiers only it carries as "match at agency
X"), hub marks; problem+json errors."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from accord.audit.models import AuditEvent
from accord.series import api as series_api
from accord.web.app import create_app
from tests.factories import act_as
from tests.series.conftest import (
    RING_ACCOUNT,
    RING_PHONE,
    Scenario,
    event,
    make_zone,
    person,
)

PROBLEM = "application/problem+json"
# Anhui and Hanoi share cases hit/no-hit only.
HIT_RULES = [{"data_kind": "record.Event", "mode": "hit_no_hit", "handling_code": "H0"}]
HAN_LINES = [
    person("han-p1", name="Nguyễn Văn An", phone="+84 912 345 678"),
    event(
        "han-1",
        name="Lừa đảo qua điện thoại",
        date="2026-09-25",
        involved="han-p1",
        phoneMentioned=["+86 139 5555 0001"],
    ),
]


@pytest.fixture
def client(engine: Engine, session: Session) -> Iterator[TestClient]:
    """The application answering from the test's session, with the series API mounted (as
    `accord.web.app` mounts it once wired)."""
    from tests.conftest import _KeepOpen

    app = create_app(engine=engine)
    if not any(getattr(r, "path", "") == "/api/v1/series" for r in app.routes):
        app.include_router(series_api.router, prefix="/api/v1")
    app.state.sessionmaker = app.state.write_sessionmaker = lambda: _KeepOpen(session)
    with TestClient(app) as test_client:
        yield test_client


def discover(client: TestClient, scenario: Scenario, full: bool = False) -> dict[str, object]:
    act_as(client, scenario.world.analysts["SH"])
    response = client.post("/api/v1/series/discover", json={"full": full})
    assert response.status_code == 201, response.text
    body: dict[str, object] = response.json()
    return body


def test_discover_and_list(client: TestClient, scenario: Scenario) -> None:
    world = scenario.world
    act_as(client, world.investigators["SH"])
    refused = client.post("/api/v1/series/discover", json={})
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith(PROBLEM)
    run = discover(client, scenario)
    assert (run["mode"], run["cases"], run["series"]) == ("full", 13, 1)

    act_as(client, world.analysts["AH"])
    listed = client.get("/api/v1/series")
    assert listed.status_code == 200, listed.text
    [item] = listed.json()["items"]
    assert item["key"] == "SR-000001"
    assert [a["code"] for a in item["agencies"]] == ["310000", "320000", "330000", "340000"]
    assert (item["size"], item["hidden"], item["cross_regional"]) == (4, 0, True)
    assert (item["first"], item["last"]) == ("2026-09-03", "2026-10-02")
    assert listed.json()["next_cursor"] is None
    for query, found in [
        ("agency=340000", 1),
        ("agency=310000&agency=VN-HAN", 1),
        ("since=2026-10-03", 0),
        ("until=2026-09-03", 1),
        ("min_size=5", 0),
        ("min_score=0.99", 0),
    ]:
        answer = client.get(f"/api/v1/series?{query}")
        assert answer.status_code == 200, (query, answer.text)
        assert len(answer.json()["items"]) == found, query
    bad = client.get("/api/v1/series?agency=999999")
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "agency"
    # Officers have no series; Hanoi shares nothing with the delta, so it lists none.
    act_as(client, world.officers["SH"])
    assert client.get("/api/v1/series").status_code == 403
    act_as(client, world.analysts["HAN"])
    assert client.get("/api/v1/series").json()["items"] == []
    assert client.get("/api/v1/series/runs").json()[0]["mode"] == "full"


def test_a_hit_only_case_is_a_match_at_its_agency(
    client: TestClient, session: Session, scenario: Scenario
) -> None:
    world = scenario.world
    make_zone(session, world.agencies, code="MK", members=["AH", "HAN"], rules=HIT_RULES)
    world.share(session, "HAN", HAN_LINES)
    discover(client, scenario)
    han = world.record(session, "HAN", "han-1")

    act_as(client, world.analysts["AH"])
    without = client.get("/api/v1/series/SR-000001")
    assert without.status_code == 422
    assert without.json()["code"] == "purpose_required"
    response = client.get("/api/v1/series/sr-000001", params={"purpose": "case AH-2026-31"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["key"], body["size"], body["hidden"]) == ("SR-000001", 5, 0)
    records = {c["record"]["id"]: c for c in body["cases"]}
    seen = records[str(han.id)]
    assert seen["record"]["view"] == "hit"
    assert seen["record"]["match"] == "match at agency VN-HAN"
    assert seen["day"] is None
    assert set(seen["record"]) == {"id", "view", "agency", "schema", "match", "ask"}
    text = response.text
    for secret in ("Lừa đảo", "han-1", "2026-09-25", "Nguyễn"):
        assert secret not in text
    full = [c for c in body["cases"] if c["record"]["view"] == "full"]
    assert len(full) == 4
    assert {c["record"]["entity_id"] for c in full} == {"case-101", "zj-7", "ah-3"}
    values = {i["value"] for i in body["identifiers"]}
    assert {RING_PHONE, RING_ACCOUNT} <= values
    assert body["evidence"]
    # Hanoi sees its own case in full, Anhui's as a match, and the delta's three not at all.
    act_as(client, world.analysts["HAN"])
    theirs = client.get("/api/v1/series/SR-000001", params={"purpose": "vụ án HN-7"}).json()
    views = sorted((c["record"]["agency"]["code"], c["record"]["view"]) for c in theirs["cases"])
    assert views == [("340000", "hit"), ("VN-HAN", "full")]
    assert theirs["hidden"] == 3
    # Another agency's reader with nothing in the series: 404, as for no series at all.
    act_as(client, world.analysts["NB"])
    missing = client.get("/api/v1/series/SR-000001", params={"purpose": "x"})
    assert missing.status_code == 404, missing.text
    assert missing.headers["content-type"].startswith(PROBLEM)
    events = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.action.like("series.read%"))
        .order_by(AuditEvent.occurred_at, AuditEvent.id)
    ).all()
    assert [(e.action, e.purpose) for e in events] == [
        ("series.read_refused", None),
        ("series.read", "case AH-2026-31"),
        ("series.read", "vụ án HN-7"),
    ]


def test_an_analyst_marks_a_hub(client: TestClient, session: Session, scenario: Scenario) -> None:
    world = scenario.world
    discover(client, scenario)
    hub = {"kind": "account", "value": "6222 0000 1111 2222", "reason": "a payment platform's"}
    act_as(client, world.investigators["AH"])
    assert client.post("/api/v1/series/hubs", json=hub).status_code == 403
    act_as(client, world.analysts["AH"])
    bad = client.post("/api/v1/series/hubs", json={**hub, "kind": "email"})
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith(PROBLEM)
    not_a_phone = client.post("/api/v1/series/hubs", json={**hub, "kind": "phone", "value": "x"})
    assert (not_a_phone.status_code, not_a_phone.json()["code"]) == (422, "invalid_identifier")
    made = client.post("/api/v1/series/hubs", json=hub)
    assert made.status_code == 201, made.text
    [mark] = made.json()
    assert (mark["kind"], mark["value"], mark["hub"], mark["by"]) == (
        "account", RING_ACCOUNT, True, "ah.analyst",
    )  # fmt: skip
    listed = client.get("/api/v1/series").json()["items"]
    assert [(s["key"], s["size"]) for s in listed] == [("SR-000001", 3)]
    assert [m["value"] for m in client.get("/api/v1/series/hubs").json()] == [RING_ACCOUNT]
    unmarked = client.post("/api/v1/series/hubs", json={**hub, "hub": False, "reason": "checked"})
    assert unmarked.status_code == 201
    assert client.get("/api/v1/series").json()["items"][0]["size"] == 4
