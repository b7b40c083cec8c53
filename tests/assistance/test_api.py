"""The assistance API: create with Idempotency-Key, moves with If-Match, problem+json refusals
that change nothing, forwarding rules over HTTP, attachments, and the transfer from a hit."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.assistance.models import AssistanceRequest, RequestEvent
from accord.attachments.models import Attachment
from accord.core.clock import FrozenClock
from accord.security.actor import Role
from tests.alerts.test_followups_factory import confirmed, make_scene
from tests.assistance.conftest import World
from tests.factories import act_as, make_actor

PROBLEM = "application/problem+json"
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
BASE = "/api/v1/assistance-requests"


def body(world: World, **fields: object) -> dict[str, object]:
    return {
        "request_type": "locate",
        "urgency": "urgent",
        "addressee": world.agencies["ZJ"].code,
        "title": "查找嫌疑人下落",
        "subjects": [{"kind": "phone", "value": "13812345678"}],
        **fields,
    }


def _count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(AssistanceRequest)) or 0)


def test_the_life_of_a_request_over_http(
    client: TestClient, session: Session, world: World
) -> None:
    act_as(client, world.investigators["SH"])
    made = client.post(BASE, json=body(world), headers={"Idempotency-Key": "req-1"})
    assert made.status_code == 201, made.text
    reference = made.json()["reference"]
    assert made.headers["Location"] == f"{BASE}/{reference}"
    assert made.json()["clock"]["remaining_seconds"] == 8 * 3600
    act_as(client, world.liaisons["ZJ"])
    inbox = client.get(BASE, params={"box": "inbox"}).json()["items"]
    assert [i["reference"] for i in inbox] == [reference]
    read = client.get(f"{BASE}/{reference}")
    assert read.json()["status"] == "received"
    assert read.json()["allowed_actions"] == ["accept", "reject"]
    etag = read.headers["ETag"]
    accepted = client.post(f"{BASE}/{reference}/accept", headers={"If-Match": etag})
    assert accepted.status_code == 200, accepted.text
    # The old ETag no longer names the current version: 412, nothing changed.
    stale = client.post(f"{BASE}/{reference}/start", headers={"If-Match": etag})
    assert stale.status_code == 412
    assert stale.headers["content-type"] == PROBLEM
    assert stale.json()["code"] == "stale_object"
    etag = accepted.headers["ETag"]
    for action, payload in [
        ("start", {}),
        ("hold", {"reason": "等待补充材料"}),
        ("resume", {}),
        ("complete", {"outcome": "已找到嫌疑人并移交", "outcome_code": "achieved"}),
    ]:
        answer = client.post(
            f"{BASE}/{reference}/{action}", json=payload, headers={"If-Match": etag}
        )
        assert answer.status_code == 200, answer.text
        etag = answer.headers["ETag"]
    assert answer.json()["status"] == "completed"
    act_as(client, world.investigators["SH"])
    history = client.get(f"{BASE}/{reference}/history").json()
    assert [h["to_status"] for h in history] == [
        "requested", "received", "accepted", "in_progress", "on_hold", "in_progress", "completed"
    ]  # fmt: skip
    assert client.get(BASE, params={"box": "sent", "status": "completed"}).json()["items"]


def test_idempotent_create_replays_and_refuses_another_body(
    client: TestClient, session: Session, world: World
) -> None:
    act_as(client, world.investigators["SH"])
    first = client.post(BASE, json=body(world), headers={"Idempotency-Key": "k-1"})
    again = client.post(BASE, json=body(world), headers={"Idempotency-Key": "k-1"})
    assert again.status_code == 201
    assert again.headers["Idempotency-Replayed"] == "true"
    assert again.json()["reference"] == first.json()["reference"]
    other = client.post(
        BASE, json=body(world, title="另一件事"), headers={"Idempotency-Key": "k-1"}
    )
    assert other.status_code == 422
    assert other.headers["content-type"] == PROBLEM
    assert other.json()["code"] == "idempotency_key_reused"
    assert _count(session) == 1


@pytest.mark.parametrize(
    ("fields", "status", "code", "field"),
    [
        ({"addressee": "VN-HAN"}, 422, "addressee_not_allowed", "addressee"),
        ({"addressee": "999999"}, 422, "invalid_assistance_request", "addressee"),
        ({"request_type": "teleport"}, 422, "invalid_input", "request_type"),
        ({"zone": "YRD"}, 422, "invalid_input", None),
        ({"handling_code": "H3"}, 422, "invalid_input", None),
        ({"subjects": [{"kind": "phone"}]}, 422, "invalid_input", None),
    ],
)
def test_bad_requests_are_problems_and_create_nothing(
    client: TestClient,
    session: Session,
    world: World,
    fields: dict[str, object],
    status: int,
    code: str,
    field: str | None,
) -> None:
    act_as(client, world.investigators["SH"])
    answer = client.post(BASE, json=body(world, **fields))
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == PROBLEM
    assert answer.json()["code"] == code
    if field:
        assert field in answer.text
    assert _count(session) == 0


def test_a_move_not_in_the_table_is_409_and_changes_nothing(
    client: TestClient, session: Session, world: World
) -> None:
    request = world.ask(session)
    act_as(client, world.officers["ZJ"])
    answer = client.post(f"{BASE}/{request.reference}/complete", json={"outcome": "done"})
    assert answer.status_code == 409
    assert answer.json()["code"] == "transition_not_allowed"
    assert answer.json()["allowed"] == ["receive", "cancel"]
    session.refresh(request)
    assert request.status.value == "requested"
    events = session.scalar(
        select(func.count()).select_from(RequestEvent).where(RequestEvent.request_id == request.id)
    )
    assert events == 1


def test_another_agency_may_not_see_or_move_a_request(
    client: TestClient, session: Session, world: World
) -> None:
    request = world.ask(session)
    act_as(client, world.liaisons["JS"])
    assert client.get(f"{BASE}/{request.reference}").status_code == 403
    assert client.post(f"{BASE}/{request.reference}/accept").status_code == 403
    assert client.get(BASE, params={"box": "all"}).json()["items"] == []


def test_a_forward_the_handling_code_forbids_is_403_and_creates_nothing(
    client: TestClient, session: Session, world: World
) -> None:
    request = world.ask(session, handling_code="H2")
    act_as(client, world.liaisons["ZJ"])
    before = _count(session)
    refused = client.post(f"{BASE}/{request.reference}/forward", json={"agency": "320000"})
    assert refused.status_code == 403
    assert refused.json()["code"] == "forward_not_permitted"
    assert _count(session) == before
    asked = client.post(
        f"{BASE}/{request.reference}/permission-requests", json={"agency": "320000", "body": "?"}
    )
    assert asked.status_code == 201
    act_as(client, world.investigators["SH"])
    granted = client.post(
        f"{BASE}/{request.reference}/permission-requests/{asked.json()['id']}/answer",
        json={"grant": True},
    )
    assert granted.status_code == 201
    act_as(client, world.liaisons["ZJ"])
    forwarded = client.post(
        f"{BASE}/{request.reference}/forward",
        json={"agency": "320000"},
        headers={"Idempotency-Key": "fwd-1"},
    )
    assert forwarded.status_code == 201, forwarded.text
    assert forwarded.json()["forwarded_from"] == request.reference
    linked = client.get(f"{BASE}/{request.reference}/linked").json()
    assert [r["reference"] for r in linked] == [forwarded.json()["reference"]]


def test_messages_with_read_receipts(client: TestClient, session: Session, world: World) -> None:
    request = world.ask(session)
    act_as(client, world.investigators["SH"])
    posted = client.post(f"{BASE}/{request.reference}/messages", json={"body": "照片已补充"})
    assert posted.status_code == 201
    assert posted.json()["read_by"] == []
    act_as(client, world.liaisons["ZJ"])
    thread = client.get(f"{BASE}/{request.reference}/messages").json()
    assert [m["body"] for m in thread] == ["照片已补充"]
    act_as(client, world.investigators["SH"])
    [message] = client.get(f"{BASE}/{request.reference}/messages").json()
    assert [(r["username"], r["agency"]) for r in message["read_by"]] == [
        ("zj.liaison", world.agencies["ZJ"].code)
    ]


def test_attachments_too_large_or_refused_are_problems_and_store_nothing(
    client: TestClient,
    session: Session,
    world: World,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ACCORD_ATTACHMENTS_DIR", str(tmp_path / "blobs"))
    monkeypatch.setenv("ACCORD_ATTACHMENTS_MAX_BYTES", "1000")
    request = world.ask(session)
    act_as(client, world.investigators["SH"])
    form = {"object_type": "assistance_request", "object_id": str(request.id)}
    big = client.post(
        "/api/v1/attachments",
        data=form,
        files={"file": ("p.pdf", PDF + b"x" * 1000, "application/pdf")},
    )
    assert big.status_code == 413
    exe = client.post(
        "/api/v1/attachments",
        data=form,
        files={"file": ("a.exe", b"MZ..", "application/x-msdownload")},
    )
    assert exe.status_code == 415
    assert session.scalar(select(func.count()).select_from(Attachment)) == 0
    good = client.post(
        "/api/v1/attachments", data=form, files={"file": ("photo.pdf", PDF, "application/pdf")}
    )
    assert good.status_code == 201, good.text
    act_as(client, world.liaisons["JS"])  # not a party: may not read the file
    assert client.get(f"/api/v1/attachments/{good.json()['id']}").status_code in (403, 404)
    act_as(client, world.liaisons["ZJ"])
    assert client.get(f"/api/v1/attachments/{good.json()['id']}").status_code == 200


def test_one_click_transfer_from_a_confirmed_hit(
    client: TestClient, session: Session, world: World, frozen_clock: FrozenClock
) -> None:
    scene = make_scene(session)  # the same Shanghai and Jiangsu, in the world's zone
    followup = confirmed(session, scene)
    issuer = make_actor(scene.agencies["JS"], Role.INVESTIGATOR, username="js.investigator")
    act_as(client, issuer)
    made = client.post(f"/api/v1/followups/{followup.reference}/transfer-request")
    assert made.status_code == 201, made.text
    out = made.json()
    assert out["request_type"] == "arrest_transfer"
    assert out["followup"] == followup.reference
    assert out["addressee"]["code"] == scene.agencies["SH"].code
    assert out["urgency"] == "urgent"
    again = client.post(f"/api/v1/followups/{followup.reference}/transfer-request")
    assert again.status_code == 200
    assert again.json()["reference"] == out["reference"]
