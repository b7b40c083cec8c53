"""The auditor's pages, rendered through the application (every audit template is rendered)."""

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
EN = {"Accept-Language": "en"}


@pytest.fixture
def auditor(session: Session, frozen_clock: FrozenClock) -> Actor:
    sh = make_named(session, "SH")["SH"]
    officer = make_actor(sh, Role.OFFICER, username="wang")
    service.record(
        session,
        officer,
        action="check.person",
        purpose="roadside check",
        case_ref="SH-2026-000009",
        subjects=[subjects.resident_id(PERSON), subjects.plate("沪A12345")],
    )
    frozen_clock.advance(timedelta(minutes=1))
    for _ in range(40):
        service.record(session, officer, action="search.records")
    service.record(session, officer, action="access.denied", outcome="denied")
    session.commit()
    return make_actor(None, Role.AUDITOR, Role.PLATFORM_ADMIN, username="root")


def test_audit_page_lists_recent_events(client: TestClient, auditor: Actor) -> None:
    act_as(client, auditor)
    page = client.get("/audit", headers=EN)
    assert page.status_code == 200
    html = page.text
    assert "Who looked at a person or thing" in html
    assert "search.records" in html
    assert f"resident_id:{PERSON}" in html
    assert "audit-outcome-denied" in html
    assert 'hx-get="/audit/verify"' in html


def test_audit_page_answers_who_looked_and_records_the_question(
    client: TestClient, session: Session, auditor: Actor
) -> None:
    act_as(client, auditor)
    page = client.get(
        "/audit",
        params={"kind": "resident_id", "key": "110105 491231 002", "purpose": "complaint"},
        headers=EN,
    )
    assert page.status_code == 200
    assert f"Who looked at Resident ID {PERSON}" in page.text
    assert "roadside check" in page.text
    assert "SH-2026-000009" in page.text
    asked = session.scalars(select(AuditEvent).where(AuditEvent.action == "audit.who_looked")).one()
    assert asked.purpose == "complaint"


def test_nobody_looked(client: TestClient, auditor: Actor) -> None:
    act_as(client, auditor)
    page = client.get("/audit", params={"kind": "passport", "key": "E0"}, headers=EN)
    assert "Nobody has looked at this subject." in page.text


def test_a_bad_subject_is_shown_on_the_form_and_records_nothing(
    client: TestClient, session: Session, auditor: Actor
) -> None:
    act_as(client, auditor)
    page = client.get("/audit", params={"kind": "dna", "key": "ACGT"}, headers=EN)
    assert page.status_code == 422
    assert "unknown subject kind" in page.text
    assert session.scalar(select(AuditEvent).where(AuditEvent.action == "audit.who_looked")) is None


def test_filters(client: TestClient, auditor: Actor) -> None:
    act_as(client, auditor)
    page = client.get("/audit", params={"action": "check."}, headers=EN)
    assert "check.person" in page.text
    assert "search.records</code>" not in page.text
    unknown = client.get("/audit", params={"agency": "999999"}, headers=EN)
    assert unknown.status_code == 422
    assert "Unknown agency code:" in unknown.text


def test_verify_partial_and_page(client: TestClient, session: Session, auditor: Actor) -> None:
    act_as(client, auditor)
    chain.chain_pending(session)
    session.commit()
    partial = client.get("/audit/verify", headers={**EN, "HX-Request": "true"})
    assert partial.status_code == 200
    assert "<html" not in partial.text
    assert "Audit chain intact" in partial.text
    assert "42 events verified" in partial.text
    full = client.get("/audit/verify", headers=EN)
    assert "<html" in full.text
    assert "Verify the audit chain" in full.text


def test_verify_shows_a_break(
    client: TestClient, session: Session, auditor: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    act_as(client, auditor)
    broken = chain.VerifyResult(
        ok=False,
        checked=6,
        first_break=7,
        reason="event 0000 is missing (deleted)",
        last_checkpoint=None,
        checkpoints=0,
        pending=0,
    )
    monkeypatch.setattr(chain, "verify", lambda session, trusted_keys=None: broken)
    page = client.get("/audit/verify", headers={**EN, "HX-Request": "true"})
    assert "Audit chain broken at position 7" in page.text
    assert "event 0000 is missing (deleted)" in page.text


def test_reports_page(client: TestClient, auditor: Actor) -> None:
    act_as(client, auditor)
    page = client.get(
        "/audit/reports",
        params={"since": "2026-11-23", "until": "2026-11-23", "min_count": 5, "threshold": 1},
        headers=EN,
    )
    assert page.status_code == 200
    assert "Checks without a case reference" in page.text
    # wang's 40 searches have no case reference; the check has one.
    assert "<code>search.records</code> × 40" in page.text
    assert "Baselines by role" in page.text
    default = client.get("/audit/reports", headers=EN)
    assert default.status_code == 200
    assert 'value="2026-11-17"' in default.text  # the last seven days by default


def test_reports_page_flags_an_unusual_day(
    client: TestClient, session: Session, auditor: Actor
) -> None:
    sh = make_named(session, "SH")["SH"]
    for i, n in enumerate((3, 4, 5, 4)):
        peer = make_actor(sh, Role.OFFICER, username=f"peer{i}")
        for _ in range(n):
            service.record(session, peer, action="check.person", case_ref="SH-2026-000001")
    session.commit()
    act_as(client, auditor)
    page = client.get(
        "/audit/reports",
        params={"since": "2026-11-23", "until": "2026-11-23"},
        headers=EN,
    )
    # officers: 3, 4, 5, 4 and wang's 41 -> median 4
    assert "wang: 41 queries on 2026-11-23; role officer median 4<" in page.text


def test_reports_page_refuses_a_backwards_period(client: TestClient, auditor: Actor) -> None:
    act_as(client, auditor)
    page = client.get(
        "/audit/reports",
        params={"since": "2026-11-23", "until": "2026-11-01"},
        headers=EN,
    )
    assert page.status_code == 422
    assert "The period ends before it starts." in page.text


def test_pages_are_for_auditors(client: TestClient, session: Session) -> None:
    officer = make_actor(None, Role.OFFICER, username="nosy")
    act_as(client, officer)
    for path in ("/audit", "/audit/reports", "/audit/verify"):
        assert client.get(path).status_code == 403


def test_pages_render_in_chinese_by_default(client: TestClient, auditor: Actor) -> None:
    act_as(client, auditor)
    page = client.get("/audit")
    assert page.status_code == 200
    assert 'lang="zh-CN"' in page.text
