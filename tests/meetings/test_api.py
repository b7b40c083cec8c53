"""The meetings API: the flow end to end, problem+json refusals that change nothing, If-Match."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from accord.core.clock import FrozenClock
from accord.meetings.models import ActionCommand, AgendaItem, Decision
from tests.factories import act_as
from tests.meetings.helpers import count, make_yrd


def test_the_flow_through_the_api(
    client: TestClient, session: Session, frozen_clock: FrozenClock
) -> None:
    yrd = make_yrd(session)
    now = frozen_clock.now()
    act_as(client, yrd.secretariat)
    body = {
        "title_zh": "长三角警务合作联席会议",
        "title_en": "YRD joint meeting",
        "starts_at": (now + timedelta(days=10)).isoformat(),
        "agenda_cutoff_at": (now + timedelta(days=5)).isoformat(),
    }
    created = client.post(
        "/api/v1/zones/YRD/meetings", json=body, headers={"Idempotency-Key": "m1"}
    )
    assert created.status_code == 201, created.text
    replay = client.post("/api/v1/zones/YRD/meetings", json=body, headers={"Idempotency-Key": "m1"})
    assert replay.json()["reference"] == created.json()["reference"]
    ref = created.json()["reference"]
    assert [m["reference"] for m in client.get("/api/v1/zones/YRD/meetings").json()] == [ref]

    act_as(client, yrd.zj_liaison)
    item = client.post(f"/api/v1/meetings/{ref}/agenda-items", json={"title": "电诈联合打击"})
    assert item.status_code == 201
    assert item.json()["agency"] == "330000"
    item_id = item.json()["id"]

    act_as(client, yrd.secretariat)
    early = client.post(
        f"/api/v1/agenda-items/{item_id}/decisions",
        json={
            "text_zh": "决定",
            "owners": "all",
            "deadline": (now + timedelta(days=20)).isoformat(),
        },
    )
    assert early.status_code == 409
    assert early.json()["code"] == "meeting_not_held"
    etag = client.get(f"/api/v1/meetings/{ref}").headers["ETag"]
    published = client.post(
        f"/api/v1/meetings/{ref}/actions/publish_agenda", headers={"If-Match": etag}
    )
    assert published.status_code == 200
    assert published.json()["status"] == "agenda_published"
    stale = client.post(f"/api/v1/meetings/{ref}/actions/hold", headers={"If-Match": etag})
    assert stale.status_code == 412
    assert client.post(f"/api/v1/meetings/{ref}/actions/hold").json()["status"] == "held"
    decided = client.post(
        f"/api/v1/agenda-items/{item_id}/decisions",
        json={
            "text_zh": "决定",
            "owners": "all",
            "deadline": (now + timedelta(days=20)).isoformat(),
        },
    )
    assert decided.status_code == 201, decided.text
    assert len(decided.json()["commands"]) == 4
    attendance = client.put(f"/api/v1/meetings/{ref}/attendance", json={"attended": ["310000"]})
    assert attendance.json()["participants"][0] == {"agency": "310000", "attended": True}
    assert client.put(f"/api/v1/meetings/{ref}/minutes", json={"text": "纪要"}).status_code == 200

    zj_ref = next(
        c["reference"]
        for c in client.get("/api/v1/zones/YRD/commands").json()
        if c["owner"] == "330000"
    )
    act_as(client, yrd.zj_liaison)
    got = client.get(f"/api/v1/commands/{zj_ref}")
    acked = client.post(
        f"/api/v1/commands/{zj_ref}/actions/acknowledge", headers={"If-Match": got.headers["ETag"]}
    )
    assert acked.json()["status"] == "acknowledged"
    progress = client.post(f"/api/v1/commands/{zj_ref}/progress", json={"text": "已部署"})
    assert progress.status_code == 201
    refused = client.post(
        f"/api/v1/commands/{zj_ref}/extensions",
        json={"deadline": (now + timedelta(days=40)).isoformat(), "reason": "x"},
    )
    assert refused.status_code == 403
    act_as(client, yrd.secretariat)
    extended = client.post(
        f"/api/v1/commands/{zj_ref}/extensions",
        json={"deadline": (now + timedelta(days=40)).isoformat(), "reason": "节假日"},
    )
    assert extended.status_code == 200
    assert len(extended.json()["extensions"]) == 1
    board = {r["agency"]: r for r in client.get("/api/v1/zones/YRD/dashboard").json()}
    assert board["330000"]["open"] == 1
    assert board["320000"]["overdue"] == 0


def test_refusals_name_the_problem_and_change_nothing(
    client: TestClient, session: Session, frozen_clock: FrozenClock
) -> None:
    yrd = make_yrd(session)
    now = frozen_clock.now()
    act_as(client, yrd.secretariat)
    ref = client.post(
        "/api/v1/zones/YRD/meetings",
        json={
            "title_zh": "会议",
            "starts_at": (now + timedelta(days=3)).isoformat(),
            "agenda_cutoff_at": (now + timedelta(days=1)).isoformat(),
        },
    ).json()["reference"]
    act_as(client, yrd.zj_liaison)
    item_id = client.post(f"/api/v1/meetings/{ref}/agenda-items", json={"title": "议题"}).json()[
        "id"
    ]
    frozen_clock.advance(timedelta(days=2))
    late = client.post(f"/api/v1/meetings/{ref}/agenda-items", json={"title": "迟到"})
    assert late.status_code == 422
    assert late.json()["code"] == "agenda_closed"
    assert late.headers["content-type"].startswith("application/problem+json")
    act_as(client, yrd.outsider)
    assert client.get(f"/api/v1/meetings/{ref}").status_code == 403
    act_as(client, yrd.secretariat)
    client.post(f"/api/v1/meetings/{ref}/actions/publish_agenda")
    client.post(f"/api/v1/meetings/{ref}/actions/hold")
    not_member = client.post(
        f"/api/v1/agenda-items/{item_id}/decisions",
        json={
            "text_zh": "决定",
            "owners": ["330000", "VN-HAN"],
            "deadline": (now + timedelta(days=20)).isoformat(),
        },
    )
    assert not_member.status_code == 422
    assert not_member.json()["code"] == "not_a_member"
    assert not_member.json()["errors"][0]["field"] == "owners"
    assert (count(session, AgendaItem), count(session, Decision)) == (1, 0)
    assert count(session, ActionCommand) == 0
    assert client.get("/api/v1/commands/XX-2026-000001").status_code == 404
