"""Alert and check routes and pages: the purpose rule, problem+json, the officer's page."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.audit.models import AuditEvent
from accord.cli import main
from tests.alerts.conftest import World
from tests.factories import act_as, csrf

OUYANG = {"ref": "JS-2", "name": "欧阳振华", "birth_date": "1979-06-15", "gender": "male"}


def test_api_check_hits_and_explains(session: Session, client: TestClient, world: World) -> None:
    world.issue(session, **OUYANG)
    act_as(client, world.officers["SH"])
    response = client.post(
        "/api/v1/checks",
        json={
            "probe": {"name": "Ouyang Zhenhua", "birth_date": "1979-06-15"},
            "purpose": "traffic stop",
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["result"] == "hit"
    assert body["candidates"][0]["alert_ref"] == "JS-2"
    assert body["candidates"][0]["explanation"]


def test_api_check_without_purpose_is_refused_and_audited(
    session: Session, client: TestClient, world: World
) -> None:
    act_as(client, world.officers["SH"])
    response = client.post("/api/v1/checks", json={"probe": {"name": "张伟"}})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "purpose_required"
    refused = session.scalar(select(AuditEvent).where(AuditEvent.action == "screen.check_refused"))
    assert refused is not None
    assert refused.actor_username == "sh.officer"


def test_api_empty_probe_is_refused(client: TestClient, world: World) -> None:
    act_as(client, world.officers["SH"])
    response = client.post("/api/v1/checks", json={"probe": {}, "purpose": "x"})
    assert response.status_code == 422


def test_api_alert_lifecycle(session: Session, client: TestClient, world: World) -> None:
    act_as(client, world.issuers["JS"])
    created = client.post(
        "/api/v1/alerts",
        json={"type": "wanted_arrest", "issuing_agency": "320000", "name": "王芳"},
        headers={"Idempotency-Key": "k-1"},
    )
    assert created.status_code == 201, created.text
    ref = created.json()["ref"]
    etag = created.headers["ETag"]
    cancelled = client.post(
        f"/api/v1/alerts/{ref}/cancel", json={"reason": "withdrawn"}, headers={"If-Match": etag}
    )
    assert cancelled.status_code == 200, cancelled.text
    stale = client.post(
        f"/api/v1/alerts/{ref}/fulfil", json={"reason": "x"}, headers={"If-Match": etag}
    )
    assert stale.status_code == 412
    read = client.get(f"/api/v1/alerts/{ref}", params={"purpose": "review"})
    assert read.json()["status"] == "cancelled"
    listed = client.get("/api/v1/alerts")
    assert [a["ref"] for a in listed.json()] == [ref]


def test_check_page_shows_the_hit(session: Session, client: TestClient, world: World) -> None:
    world.issue(session, **OUYANG)
    act_as(client, world.officers["SH"])
    page = client.get("/screen")
    assert page.status_code == 200
    token = csrf(client, "/screen")
    answer = client.post(
        "/screen",
        data={
            "csrf_token": token,
            "name": "OUYANG ZHENHUA",
            "birth_date": "1979-06-15",
            "purpose": "traffic stop",
        },
        headers={"HX-Request": "true"},
    )
    assert answer.status_code == 200
    assert 'data-result="hit"' in answer.text
    assert "JS-2" in answer.text
    assert "report-hit" in answer.text
    refused = client.post("/screen", data={"csrf_token": token, "name": "张伟"})
    assert refused.status_code == 422
    assert "purpose" in refused.text


def test_alert_pages(session: Session, client: TestClient, world: World) -> None:
    world.issue(session, **OUYANG)
    act_as(client, world.issuers["JS"])
    assert "JS-2" in client.get("/alerts").text
    page = client.get("/alerts/JS-2")
    assert page.status_code == 200
    assert "欧阳振华" in page.text
    form = client.get("/alerts/new")
    assert form.status_code == 200
    token = csrf(client, "/alerts/new")
    bad = client.post(
        "/alerts/new",
        data={"csrf_token": token, "type": "wanted_arrest", "issuing_agency": "320000"},
    )
    assert bad.status_code == 422
    made = client.post(
        "/alerts/new",
        data={
            "csrf_token": token,
            "type": "wanted_arrest",
            "issuing_agency": "320000",
            "name": "李娜",
            "birth_date": "1990-01-01",
        },
        follow_redirects=False,
    )
    assert made.status_code in {200, 303}
    acted = client.post(
        "/alerts/JS-2/actions/cancel",
        data={"csrf_token": token, "reason": "arrested"},
        follow_redirects=False,
    )
    assert acted.status_code in {200, 303}
    refused = client.post("/alerts/JS-2/actions/fulfil", data={"csrf_token": token, "reason": "x"})
    assert refused.status_code == 409 or "cannot" in refused.text


def test_cli_round_trip(tmp_path: Path, cli_env: None, capsys: object) -> None:
    assert main(["demo", "load", "--without", "assistance", "--without", "records"]) == 0
    alerts = tmp_path / "alerts.jsonl"
    alerts.write_text(
        "\n".join(
            [
                json.dumps(
                    {
                        "ref": "T-1",
                        "type": "wanted_arrest",
                        "name": "司马光明",
                        "birth_date": "1981-04-09",
                        "issuing_agency": "320000",
                    }
                ),
                json.dumps(
                    {
                        "ref": "T-2",
                        "type": "stolen_vehicle",
                        "plate": "苏E12345",
                        "issuing_agency": "320000",
                    }
                ),
            ]
        ),
        encoding="utf-8",
    )
    probes = tmp_path / "probes.jsonl"
    probes.write_text(
        "\n".join(
            json.dumps(p)
            for p in [
                {"ref": "P-1", "name": "SIMA GUANGMING", "birth_date": "1981-04-09"},
                {"ref": "P-2", "plate": "SU E 12345"},
                {"ref": "P-3", "name": "无名氏", "birth_date": "2001-01-01"},
            ]
        ),
        encoding="utf-8",
    )
    out = tmp_path / "results.jsonl"
    assert main(["alerts", "import", str(alerts)]) == 0
    assert main(["screen", "batch", str(probes), "--purpose", "test", "--out", str(out)]) == 0
    results = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [r["ref"] for r in results] == ["P-1", "P-2", "P-3"]
    assert results[0]["result"] == "hit"
    assert results[0]["candidates"][0]["alert_ref"] == "T-1"
    assert set(results[0]["candidates"][0]) == {"alert_ref", "score", "explanation"}
    assert results[1]["result"] == "hit"
    assert results[2] == {"ref": "P-3", "result": "no_hit", "candidates": []}
    parallel = tmp_path / "parallel.jsonl"
    command = ["screen", "batch", str(probes), "--purpose", "test", "--out", str(parallel)]
    assert main([*command, "--workers", "2"]) == 0
    assert parallel.read_text(encoding="utf-8") == out.read_text(encoding="utf-8")
    assert main(["screen", "batch", str(probes), "--out", str(out)]) == 1
    bad_probes = tmp_path / "bad-probes.jsonl"
    bad_probes.write_text('{"ref": "P-1", "name": "x"}\n{"ref": "P-2", "birth_date": "1990-13-01"}')
    refused = tmp_path / "refused.jsonl"
    command = ["screen", "batch", str(bad_probes), "--purpose", "t", "--out", str(refused)]
    assert main(command) == 1
    assert not refused.exists()
    assert not refused.with_name("refused.jsonl.partial").exists()
    bad = tmp_path / "bad.jsonl"
    bad.write_text(alerts.read_text(encoding="utf-8") + "\n{not json", encoding="utf-8")
    assert main(["alerts", "import", str(bad)]) == 1


def test_api_refuses_a_bad_alert_and_stores_nothing(
    session: Session, client: TestClient, world: World
) -> None:
    from sqlalchemy import func

    from accord.alerts.models import Alert

    act_as(client, world.issuers["JS"])
    for body, field in [
        ({"type": "wanted_arrest", "issuing_agency": "320000"}, None),
        (
            {"type": "wanted_arrest", "issuing_agency": "320000", "name": "王芳", "gender": "x"},
            "gender",
        ),
        ({"type": "stolen_vehicle", "issuing_agency": "320000", "plate": "ABC"}, None),
        ({"type": "wanted_arrest", "issuing_agency": "310000", "name": "王芳"}, None),
    ]:
        response = client.post("/api/v1/alerts", json=body)
        assert response.status_code in {403, 422}, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        if field:
            assert field in response.text
    assert session.scalar(select(func.count()).select_from(Alert)) == 0
