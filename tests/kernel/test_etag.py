"""ETag / If-Match on updates: a stale update is a 412 and changes nothing (SLA clock routes)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from starlette.requests import Request

from accord.core.clock import FrozenClock
from accord.core.etag import (
    PreconditionFailed,
    PreconditionRequired,
    check_if_match,
    etag_for,
    matches,
)
from accord.deadlines.models import SlaClock
from accord.deadlines.transitions import SlaStatus
from accord.security.actor import Role
from tests.deadlines.helpers import actions, start
from tests.factories import act_as, make_actor, make_named

PROBLEM = "application/problem+json"


def request_with(headers: dict[str, str]) -> Request:
    raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    return Request({"type": "http", "method": "POST", "path": "/", "headers": raw})


def test_etags_are_strong_quoted_and_change_with_the_version() -> None:
    assert etag_for(3, "abc") == '"abc.v3"'
    assert etag_for(3, "abc") != etag_for(4, "abc")


@pytest.mark.parametrize(
    ("header", "ok"),
    [
        ('"abc.v3"', True),
        ('"zzz.v1", "abc.v3"', True),
        ("*", True),
        ('"abc.v2"', False),
        ('W/"abc.v3"', False),  # If-Match compares strongly: a weak tag never matches
        ("abc.v3", False),
    ],
)
def test_if_match_comparison(header: str, ok: bool) -> None:
    assert matches(header, '"abc.v3"') is ok


def test_check_if_match_refuses_stale_and_optionally_missing() -> None:
    current = etag_for(3, "abc")
    check_if_match(request_with({}), current)
    check_if_match(request_with({"If-Match": current}), current)
    with pytest.raises(PreconditionFailed) as stale:
        check_if_match(request_with({"If-Match": etag_for(2, "abc")}), current)
    assert stale.value.status == 412
    assert stale.value.code == "stale_object"
    assert stale.value.problem()["current_etag"] == current
    with pytest.raises(PreconditionRequired) as missing:
        check_if_match(request_with({}), current, required=True)
    assert missing.value.status == 428


# --- over HTTP, on an SLA clock -------------------------------------------------------------


def test_get_gives_an_etag_that_a_pause_must_match(
    client: TestClient, session: Session, frozen_clock: FrozenClock
) -> None:
    sh = make_named(session, "SH")["SH"]
    clock_id = start(session, sh).id
    act_as(client, make_actor(sh, Role.LIAISON, via="token"))

    got = client.get(f"/api/v1/sla-clocks/{clock_id}")
    assert got.status_code == 200
    etag = got.headers["etag"]
    assert etag == etag_for(1, clock_id)
    assert got.json()["allowed_actions"] == ["pause", "stop"]
    assert got.json()["remaining_seconds"] == 8 * 3600

    paused = client.post(
        f"/api/v1/sla-clocks/{clock_id}/pause",
        json={"reason": "waiting for documents"},
        headers={"If-Match": etag},
    )
    assert paused.status_code == 200
    assert paused.json()["status"] == "paused"
    assert paused.headers["etag"] == etag_for(2, clock_id)

    # A second client still holding the first ETag: refused, and nothing changes.
    stale = client.post(
        f"/api/v1/sla-clocks/{clock_id}/resume", json={}, headers={"If-Match": etag}
    )
    assert stale.status_code == 412
    assert stale.headers["content-type"] == PROBLEM
    assert stale.json()["code"] == "stale_object"
    assert stale.json()["current_etag"] == etag_for(2, clock_id)
    session.expire_all()
    stored = session.get(SlaClock, clock_id)
    assert stored is not None
    assert (stored.status, stored.version) == (SlaStatus.PAUSED, 2)
    assert actions(session, clock_id) == ["sla.started", "sla.paused"]

    resumed = client.post(
        f"/api/v1/sla-clocks/{clock_id}/resume", headers={"If-Match": paused.headers["etag"]}
    )
    assert resumed.status_code == 200
    assert resumed.json()["status"] == "running"


def test_an_illegal_move_is_409_and_changes_nothing(
    client: TestClient, session: Session, frozen_clock: FrozenClock
) -> None:
    sh = make_named(session, "SH")["SH"]
    clock_id = start(session, sh).id
    act_as(client, make_actor(sh, Role.LIAISON, via="token"))
    response = client.post(f"/api/v1/sla-clocks/{clock_id}/resume", json={"reason": "x"})
    assert response.status_code == 409
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["code"] == "transition_not_allowed"
    assert body["allowed"] == ["pause", "stop"]
    assert body["detail"] == "cannot resume when the status is running; allowed: pause, stop"
    assert actions(session, clock_id) == ["sla.started"]


def test_pause_needs_a_reason_and_the_clocks_agency(
    client: TestClient, session: Session, frozen_clock: FrozenClock
) -> None:
    named = make_named(session, "SH", "JS")
    clock_id = start(session, named["SH"]).id
    act_as(client, make_actor(named["SH"], Role.LIAISON, via="token"))
    blank = client.post(f"/api/v1/sla-clocks/{clock_id}/pause", json={})
    assert blank.status_code == 422
    assert blank.json()["errors"][0]["field"] == "reason"

    act_as(client, make_actor(named["JS"], Role.LIAISON, via="token"))
    assert client.get(f"/api/v1/sla-clocks/{clock_id}").status_code == 403
    refused = client.post(f"/api/v1/sla-clocks/{clock_id}/pause", json={"reason": "mine now"})
    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied"
    assert actions(session, clock_id) == ["sla.started"]

    act_as(client, make_actor(None, Role.PLATFORM_ADMIN, via="token"))
    assert client.get(f"/api/v1/sla-clocks/{clock_id}").status_code == 200
    act_as(client, None)
    assert client.get(f"/api/v1/sla-clocks/{clock_id}").status_code == 401
    missing = "01900000-0000-7000-8000-000000000000"
    act_as(client, make_actor(named["SH"], Role.LIAISON, via="token"))
    assert client.get(f"/api/v1/sla-clocks/{missing}").json()["code"] == "sla_clock_not_found"


def test_an_officer_reads_the_clock_but_only_a_liaison_pauses_it(
    client: TestClient, session: Session, frozen_clock: FrozenClock
) -> None:
    named = make_named(session, "SH", "PD")
    clock_id = start(session, named["PD"]).id
    # A Shanghai liaison whose grant covers the subordinate district may act on its deadline.
    act_as(client, make_actor(named["PD"], Role.OFFICER, via="token"))
    assert client.get(f"/api/v1/sla-clocks/{clock_id}").status_code == 200
    refused = client.post(f"/api/v1/sla-clocks/{clock_id}/pause", json={"reason": "waiting"})
    assert refused.status_code == 403
    assert refused.json()["permission"] == "deadlines.manage"
    act_as(client, make_actor(named["SH"], Role.LIAISON, via="token"))
    assert client.get(f"/api/v1/sla-clocks/{clock_id}").status_code == 403
    act_as(client, make_actor(named["SH"], Role.LIAISON, via="token", include_subordinates=True))
    paused = client.post(f"/api/v1/sla-clocks/{clock_id}/pause", json={"reason": "waiting"})
    assert paused.status_code == 200
    assert paused.json()["status"] == "paused"
