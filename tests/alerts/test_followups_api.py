"""The hit follow-up API: the procedure over HTTP, Idempotency-Key, ETag / If-Match, cursor
pages, and problem+json refusals that change nothing."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.alerts.followup_models import HitFollowUp
from accord.alerts.kinds import AlertType, Priority
from accord.audit.models import AuditEvent
from accord.core.clock import FrozenClock
from tests.alerts.test_followups_factory import (
    PROBE,
    confirmed,
    make_alert,
    make_check,
    make_scene,
    reported,
)
from tests.factories import act_as

PROBLEM = "application/problem+json"


def _count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(HitFollowUp)) or 0)


def test_the_procedure_over_the_api(
    client: TestClient, session: Session, frozen_clock: FrozenClock
) -> None:
    scene = make_scene(session)
    alert = make_alert(session, scene.agencies["JS"])
    check = make_check(session, scene.officer, alert)
    act_as(client, scene.officer)
    body = {"check_id": str(check.id), "alert_id": str(alert.id), "note": "driver of 沪A12345"}
    made = client.post("/api/v1/followups", json=body, headers={"Idempotency-Key": "hit-1"})
    assert made.status_code == 201, made.text
    out = made.json()
    reference = out["reference"]
    assert made.headers["Location"] == f"/api/v1/followups/{reference}"
    assert out["status"] == "reported"
    assert out["explanation"][0] == "pinyin ZHANG WEI = 张伟"
    assert out["probe"] == PROBE
    assert out["alert"]["withheld"] is True  # not shared with SH in full: released on confirm
    assert out["alert"]["label"] is None
    assert out["clock"]["remaining_seconds"] == 600
    assert out["allowed_actions"] == []
    replay = client.post("/api/v1/followups", json=body, headers={"Idempotency-Key": "hit-1"})
    assert replay.json()["reference"] == reference
    assert replay.headers["Idempotency-Replayed"] == "true"
    assert _count(session) == 1

    act_as(client, scene.liaison)
    listing = client.get("/api/v1/followups").json()
    assert [(i["reference"], i["side"], i["overdue"]) for i in listing["items"]] == [
        (reference, "to_answer", False)
    ]
    got = client.get(f"/api/v1/followups/{reference.lower()}")
    assert got.status_code == 200
    assert got.json()["allowed_actions"] == ["claim"]
    assert got.json()["alert"]["label"] == "张伟"
    etag = got.headers["ETag"]
    claimed = client.post(f"/api/v1/followups/{reference}/claim", headers={"If-Match": etag})
    assert claimed.status_code == 200, claimed.text
    assert claimed.json()["claimed_by"] == "js.liaison"
    stale = client.post(
        f"/api/v1/followups/{reference}/confirm", json={}, headers={"If-Match": etag}
    )
    assert stale.status_code == 412
    assert stale.headers["content-type"] == PROBLEM
    yes = client.post(
        f"/api/v1/followups/{reference}/confirm",
        json={"action": "Arrest; JS escort arrives 14:00"},
        headers={"If-Match": claimed.headers["ETag"]},
    )
    assert yes.status_code == 200
    assert yes.json()["status"] == "confirmed"
    assert yes.json()["clock"]["status"] == "stopped"

    act_as(client, scene.officer)
    seen = client.get(f"/api/v1/followups/{out['id']}").json()
    assert seen["alert"]["withheld"] is False
    assert seen["action_to_take"] == "Arrest; JS escort arrives 14:00"
    assert seen["allowed_actions"] == ["report_outcome"]
    done = client.post(
        f"/api/v1/followups/{reference}/outcome",
        json={"outcome": "not_carried_out", "reason": "fled before the escort arrived"},
    )
    assert done.status_code == 200, done.text
    assert (done.json()["status"], done.json()["outcome"]) == ("closed", "not_carried_out")
    assert client.get("/api/v1/followups").json()["items"] == []
    act_as(client, scene.js_issuer)
    refused = client.post(f"/api/v1/followups/{reference}/fulfil", json={"reason": "x"})
    assert refused.status_code == 409
    assert refused.json()["code"] == "not_fulfillable"


def test_the_issuer_fulfils_the_alert_over_the_api(
    client: TestClient, session: Session, frozen_clock: FrozenClock
) -> None:
    scene = make_scene(session)
    f = confirmed(session, scene)
    act_as(client, scene.officer)
    assert (
        client.post(f"/api/v1/followups/{f.reference}/outcome", json={"outcome": "carried_out"})
    ).status_code == 200
    act_as(client, scene.js_issuer)
    assert "fulfil" in client.get(f"/api/v1/followups/{f.reference}").json()["allowed_actions"]
    fulfilled = client.post(f"/api/v1/followups/{f.reference}/fulfil")
    assert fulfilled.status_code == 200, fulfilled.text
    assert fulfilled.json()["alert"]["status"] == "fulfilled"


def test_a_second_claim_gets_409(
    client: TestClient, session: Session, frozen_clock: FrozenClock
) -> None:
    scene = make_scene(session)
    _, _, f = reported(session, scene)
    act_as(client, scene.liaison)
    assert client.post(f"/api/v1/followups/{f.reference}/claim").status_code == 200
    act_as(client, scene.other_liaison)
    second = client.post(f"/api/v1/followups/{f.reference}/claim")
    assert second.status_code == 409
    assert second.headers["content-type"] == PROBLEM
    assert second.json()["code"] == "already_claimed"
    assert second.json()["claimed_by"] == "js.liaison"


def test_bad_input_is_problem_json_naming_the_field_and_changes_nothing(
    client: TestClient, session: Session, frozen_clock: FrozenClock
) -> None:
    scene = make_scene(session)
    alert = make_alert(session, scene.agencies["JS"], alert_type=AlertType.DISCREET_CHECK)
    check = make_check(session, scene.officer, alert)
    act_as(client, scene.officer)
    cases = [
        ({"check_id": str(check.id)}, 422, "alert_id"),
        ({"check_id": "nope", "alert_id": str(alert.id)}, 422, "check_id"),
        ({"check_id": str(check.id), "alert_id": str(alert.id), "x": 1}, 422, "x"),
        ({"check_id": str(alert.id), "alert_id": str(alert.id)}, 404, "check_id"),
        ({"check_id": str(check.id), "alert_id": str(check.id)}, 422, "alert_id"),
    ]
    for body, status, field in cases:
        refused = client.post("/api/v1/followups", json=body)
        assert refused.status_code == status, (body, refused.text)
        assert refused.headers["content-type"] == PROBLEM
        assert field in [e["field"] for e in refused.json()["errors"]]
    assert _count(session) == 0
    assert client.get("/api/v1/followups?cursor=%%%").status_code == 422
    assert client.get("/api/v1/followups?limit=0").status_code == 422
    assert client.get("/api/v1/followups/SH-2026-999999").status_code == 404

    made = client.post(
        "/api/v1/followups", json={"check_id": str(check.id), "alert_id": str(alert.id)}
    )
    reference = made.json()["reference"]
    act_as(client, scene.liaison)
    assert client.post(f"/api/v1/followups/{reference}/claim").status_code == 200
    blank = client.post(f"/api/v1/followups/{reference}/refuse", json={"facts": ""})
    assert blank.status_code == 422
    assert blank.json()["errors"][0]["field"] == "facts"
    assert client.post(f"/api/v1/followups/{reference}/confirm").status_code == 200
    act_as(client, scene.officer)
    version = client.get(f"/api/v1/followups/{reference}").json()["version"]
    for body, field in (
        ({"outcome": "carried_out"}, "place"),
        ({"outcome": "carried_out", "report": {"place": "G60", "time": ""}}, "time"),
        ({"outcome": "carried_out", "report": {"place": "G60", "when": "now"}}, "report"),
        ({"outcome": "done"}, "outcome"),
        ({"outcome": "not_carried_out"}, "reason"),
    ):
        refused = client.post(f"/api/v1/followups/{reference}/outcome", json=body)
        assert refused.status_code == 422, refused.text
        assert refused.json()["errors"][0]["field"] == field, body
    after = client.get(f"/api/v1/followups/{reference}").json()
    assert (after["status"], after["version"], after["discreet_report"]) == (
        "confirmed",
        version,
        None,
    )
    ok = client.post(
        f"/api/v1/followups/{reference}/outcome",
        json={"outcome": "carried_out", "report": {"place": "G60 toll", "time": "10:40"}},
    )
    assert ok.status_code == 200
    assert ok.json()["discreet_report"]["place"] == "G60 toll"


def test_outsiders_are_refused_and_the_refusal_is_on_file(
    client: TestClient, session: Session, frozen_clock: FrozenClock
) -> None:
    scene = make_scene(session)
    _, check, f = reported(session, scene, priority=Priority.ROUTINE)
    act_as(client, scene.outsider)
    for method, path in (
        ("GET", f"/api/v1/followups/{f.reference}"),
        ("POST", f"/api/v1/followups/{f.reference}/claim"),
        ("POST", f"/api/v1/followups/{f.reference}/refuse"),
    ):
        refused = client.request(method, path, json={"facts": "x"})
        assert refused.status_code == 403, path
        assert refused.headers["content-type"] == PROBLEM
    assert client.get("/api/v1/followups").json()["items"] == []
    act_as(client, scene.zj_officer)
    other = client.post(
        "/api/v1/followups", json={"check_id": str(check.id), "alert_id": str(f.alert_id)}
    )
    assert other.status_code == 403
    denials = session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "access.denied", AuditEvent.actor_username == "zj.liaison"
        )
    ).all()
    assert len(denials) == 3
    assert session.get(HitFollowUp, f.id) is not None
    assert _count(session) == 1
