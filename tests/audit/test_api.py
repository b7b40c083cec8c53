"""The audit API: who looked, the event log, verification and the reports, auditors only."""

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.audit import chain, service, subjects
from accord.audit.models import AuditEvent
from accord.core.clock import FrozenClock
from accord.security.actor import Actor, Role
from tests.factories import act_as, make_actor, make_named

PERSON = "11010519491231002X"


@pytest.fixture
def officer(session: Session, frozen_clock: FrozenClock) -> Actor:
    sh = make_named(session, "SH")["SH"]
    officer = make_actor(sh, Role.OFFICER, username="wang")
    for i in range(3):
        service.record(
            session,
            officer,
            action="check.person",
            purpose=f"check {i}",
            subjects=[subjects.resident_id(PERSON)],
        )
        frozen_clock.advance(timedelta(minutes=1))
    session.commit()
    return officer


@pytest.fixture
def auditor(session: Session) -> Actor:
    return make_actor(None, Role.PLATFORM_ADMIN, username="root")


def test_who_looked(client: TestClient, session: Session, officer: Actor, auditor: Actor) -> None:
    act_as(client, auditor)
    response = client.get(
        "/api/v1/audit/who-looked",
        params={"subject": "resident_id:110105491231002", "purpose": "complaint"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["subject"] == {"kind": "resident_id", "key": PERSON}
    assert [x["purpose"] for x in body["looks"]] == ["check 2", "check 1", "check 0"]
    assert body["looks"][0]["username"] == "wang"
    assert body["looks"][0]["agency_code"] == "310000"
    assert body["looks"][0]["occurred_at"] == "2026-11-23T02:02:00Z"
    asked = session.scalars(select(AuditEvent).where(AuditEvent.action == "audit.who_looked")).one()
    assert (asked.actor_username, asked.purpose) == ("root", "complaint")


@pytest.mark.parametrize(
    ("subject", "detail"),
    [
        ("dna:ACGT", "unknown subject kind 'dna'"),
        ("110101199003071234", "a subject is KIND:KEY"),
    ],
)
def test_who_looked_refuses_a_bad_subject_and_records_nothing(
    client: TestClient, session: Session, officer: Actor, auditor: Actor, subject: str, detail: str
) -> None:
    act_as(client, auditor)
    response = client.get("/api/v1/audit/who-looked", params={"subject": subject})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "invalid_subject"
    assert problem["errors"][0]["field"] == "subject"
    assert problem["detail"].startswith(detail)
    assert session.scalar(select(AuditEvent).where(AuditEvent.action == "audit.who_looked")) is None


def test_officers_are_refused_and_the_refusal_is_on_file(
    client: TestClient, session: Session, officer: Actor
) -> None:
    act_as(client, officer)
    response = client.get("/api/v1/audit/who-looked", params={"subject": f"resident_id:{PERSON}"})
    assert response.status_code == 403
    denied = session.scalars(select(AuditEvent).where(AuditEvent.action == "access.denied")).one()
    assert denied.actor_username == "wang"
    for path in ("/api/v1/audit/events", "/api/v1/audit/verify"):
        assert client.get(path).status_code == 403


def test_signed_out_is_401(client: TestClient) -> None:
    act_as(client, None)
    assert client.get("/api/v1/audit/events").status_code == 401


def test_events_are_paged_with_a_cursor(client: TestClient, officer: Actor, auditor: Actor) -> None:
    act_as(client, auditor)
    first = client.get("/api/v1/audit/events", params={"limit": 2, "action": "check."}).json()
    assert [e["purpose"] for e in first["items"]] == ["check 0", "check 1"]
    assert first["items"][0]["subjects"] == [{"kind": "resident_id", "key": PERSON}]
    assert first["items"][0]["detail"] == {"actor_roles": ["officer"]}
    second = client.get(
        "/api/v1/audit/events",
        params={"limit": 2, "action": "check.", "cursor": first["next_cursor"]},
    ).json()
    assert [e["purpose"] for e in second["items"]] == ["check 2"]
    assert second["next_cursor"] is None
    bad = client.get("/api/v1/audit/events", params={"cursor": "nonsense!"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "cursor"
    unknown = client.get("/api/v1/audit/events", params={"agency": "999999"})
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "agency"


def test_verify(client: TestClient, session: Session, officer: Actor, auditor: Actor) -> None:
    act_as(client, auditor)
    pending = client.get("/api/v1/audit/verify").json()
    assert pending["ok"] is True
    assert (pending["checked"], pending["pending"]) == (0, 3)
    chain.chain_pending(session)
    session.commit()
    body = client.get("/api/v1/audit/verify").json()
    assert body == {
        "ok": True,
        "summary": "audit chain intact: 3 events, no checkpoint yet",
        "checked": 3,
        "first_break": None,
        "reason": None,
        "last_checkpoint": None,
        "checkpoints": 0,
        "pending": 0,
    }


def test_reports(client: TestClient, officer: Actor, auditor: Actor) -> None:
    act_as(client, auditor)
    since = "2026-11-23T00:00:00+08:00"
    unlinked = client.get(
        "/api/v1/audit/reports/checks-without-case", params={"since": since}
    ).json()
    assert [(r["username"], r["count"], r["actions"]) for r in unlinked] == [
        ("wang", 3, {"check.person": 3})
    ]
    volume = client.get(
        "/api/v1/audit/reports/unusual-volume", params={"since": since, "min_count": 1}
    ).json()
    assert volume["flagged"] == []
    assert volume["baselines"] == [
        {"role": "officer", "median": 3.0, "mad": 0.0, "user_days": 1, "users": 1}
    ]
    bad = client.get("/api/v1/audit/reports/unusual-volume", params={"threshold": 0})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "threshold"
