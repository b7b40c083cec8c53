import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.audit.models import AuditEvent
from accord.cli import main
from accord.security import service as security_service
from accord.security.actor import Actor, Role
from tests.factories import bearer, make_user
from tests.zones.helpers import make_yrd


def test_zones_api_for_members_and_the_secretariat(client: TestClient, session: Session) -> None:
    zone = make_yrd(session)
    make_user(session, "zj.liaison", "330000", Role.LIAISON)
    make_user(session, "yrd.sec", "310000", Role.LIAISON)
    security_service.grant_role(
        session, Actor.system(), username="yrd.sec", role=Role.SECRETARIAT, zone_id=zone.id
    )
    session.commit()
    liaison, secretariat = bearer(session, "zj.liaison"), bearer(session, "yrd.sec")
    listed = client.get("/api/v1/zones", headers=liaison).json()
    assert [z["code"] for z in listed] == ["YRD"]
    assert [m["agency"] for m in listed[0]["members"]] == ["310000", "320000", "330000", "340000"]
    refused = client.post(
        "/api/v1/zones/YRD/members/leave",
        json={"agency": "340000", "on": "2026-12-01"},
        headers=liaison,
    )
    assert refused.status_code == 403
    left = client.post(
        "/api/v1/zones/YRD/members/leave",
        json={"agency": "340000", "on": "2026-12-01"},
        headers=secretariat,
    )
    assert left.status_code == 200
    assert left.json()["members"][3]["left_on"] == "2026-12-01"
    overlap = client.post(
        "/api/v1/zones/YRD/chair-terms",
        headers=secretariat,
        json={"agency": "310000", "starts_on": "2026-01-01", "ends_on": "2027-01-01"},
    )
    assert overlap.status_code == 201
    again = client.post(
        "/api/v1/zones/YRD/chair-terms",
        headers=secretariat,
        json={"agency": "320000", "starts_on": "2026-06-01", "ends_on": "2027-06-01"},
    )
    assert again.status_code == 409
    assert again.json()["code"] == "overlapping_chair_terms"
    assert client.get("/api/v1/zones/NOPE", headers=liaison).status_code == 404
    assert session.scalars(select(AuditEvent).where(AuditEvent.action == "zone.leave")).one()


def test_zone_pages(client: TestClient, session: Session) -> None:
    make_yrd(session)
    make_user(session, "zj.liaison", "330000", Role.LIAISON)
    headers = {**bearer(session, "zj.liaison"), "Accept-Language": "zh"}
    listing = client.get("/zones", headers=headers)
    assert listing.status_code == 200
    assert "长三角区域警务合作" in listing.text
    assert "我的协作区" in listing.text
    page = client.get("/zones/YRD", headers=headers)
    assert "chair-history" in page.text
    assert "浙江省公安厅" in page.text or "330000" in page.text
    assert client.get("/zones", follow_redirects=False).status_code == 303  # sign in first


def test_zones_cli(cli_env: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "load", "--without", "assistance", "--without", "records"]) == 0
    capsys.readouterr()
    assert main(["zones", "list", "--json"]) == 0
    zones = {z["code"]: z for z in json.loads(capsys.readouterr().out)}
    assert set(zones) == {"YRD", "JJJ", "NW", "ASEAN3"}
    assert len(zones["ASEAN3"]["members"]) == 12
    assert "XPCC" in [m["agency"] for m in zones["NW"]["members"]]
    assert all(z["chair_history"] for z in zones.values())
    assert (
        main(["zones", "leave", "YRD", "340000", "--on", "not-a-date", "--as", "yrd.secretariat"])
        == 1
    )
    assert capsys.readouterr().err == "error: 'not-a-date' is not a date (YYYY-MM-DD)\n"
    assert (
        main(["zones", "leave", "YRD", "340000", "--on", "2026-12-01", "--as", "zj.liaison"]) == 1
    )
    assert "may not zones.manage" in capsys.readouterr().err
    assert main(["zones", "rotate-chair", "--as", "admin"]) == 0
    assert "the chair's term runs on" in capsys.readouterr().out
