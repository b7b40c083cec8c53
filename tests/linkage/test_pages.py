"""The linkage pages and API in both languages: the clusters across agencies with the runs, the
purpose form, a cluster with its records by agency, the fields that matched and a waterfall,
a judgement recorded from the page, a hit/no-hit-only record shown as "match at agency X", and
the API."""

from __future__ import annotations

import json
import re

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.linkage import service
from accord.linkage.models import Judgement
from tests.factories import act_as
from tests.records.conftest import World

EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh"}


def _key(session: Session, world: World, agency: str, entity_id: str) -> str:
    cluster = service.cluster_of(session, world.record(session, agency, entity_id).id)
    assert cluster is not None
    return cluster.key


def test_the_index_lists_persons_shared_with_other_agencies(
    client: TestClient, session: Session, linked: World
) -> None:
    act_as(client, linked.analysts["JS"])
    page = client.get("/linkage", headers=EN)
    assert page.status_code == 200
    key = _key(session, linked, "JS", "p1")
    assert f'data-cluster="{key}"' in page.text
    assert 'id="runs"' in page.text
    assert 'id="run-form"' in page.text  # analysts run linkage
    act_as(client, linked.officers["JS"])
    assert 'id="run-form"' not in client.get("/linkage", headers=ZH).text


def test_a_cluster_asks_for_a_purpose_then_shows_the_fields_that_matched(
    client: TestClient, session: Session, linked: World
) -> None:
    key = _key(session, linked, "JS", "p1")
    act_as(client, linked.analysts["JS"])
    form = client.get(f"/linkage/clusters/{key}", headers=EN)
    assert form.status_code == 200
    assert 'id="purpose-form"' in form.text
    page = client.get(f"/linkage/clusters/{key}", params={"purpose": "case JS-17"}, headers=EN)
    assert page.status_code == 200
    records = re.findall(r'data-agency="(\d+)"', page.text.split('id="cluster-records"')[1])
    assert {"320000", "330000"} <= set(records)
    assert "WANG Jianhua" in page.text
    assert "王建华" in page.text
    fields = page.text.split('id="cluster-links"')[1]
    assert 'data-field="name"' in fields
    assert 'data-field="resident_id"' in fields
    assert "same name across scripts" in fields or "same spelling" in fields
    assert 'class="waterfall-chart"' in page.text
    data = re.search(
        r'<script type="application/json" id="waterfall-data">(.*?)</script>', page.text, re.S
    )
    assert data
    chart = next(iter(json.loads(data.group(1)).values()))
    assert chart["steps"][0]["label"] == "Prior"
    total = sum(step["weight"] for step in chart["steps"])
    assert abs(total - chart["total"]) < 0.05
    assert 'id="judgement-form"' in page.text
    zh = client.get(f"/linkage/clusters/{key}", params={"purpose": "案件 JS-17"}, headers=ZH)
    assert zh.status_code == 200
    assert '"label": "先验"' in zh.text  # the chart's labels in the reader's language
    assert "得分构成" in zh.text
    assert client.get("/linkage-assets/waterfall.js").status_code == 200


def test_a_judgement_from_the_page_splits_the_cluster(
    client: TestClient, session: Session, linked: World
) -> None:
    key = _key(session, linked, "JS", "p1")
    js, zj = linked.record(session, "JS", "p1"), linked.record(session, "ZJ", "p1")
    act_as(client, linked.analysts["JS"])
    page = client.get(f"/linkage/clusters/{key}", params={"purpose": "case JS-17"})
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    answer = client.post(
        f"/linkage/clusters/{key}/judgements",
        data={
            "csrf_token": token.group(1),
            "left_id": str(js.id),
            "right_id": str(zj.id),
            "verdict": "not_same",
            "reason": "another father in the household register",
            "purpose": "case JS-17",
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    assert _key(session, linked, "JS", "p1") != _key(session, linked, "ZJ", "p1")
    row = session.scalars(select(Judgement)).one()
    assert (row.verdict, row.username) == ("not_same", linked.analysts["JS"].username)
    again = client.get(answer.headers["location"], headers=EN)
    assert 'data-verdict="not_same"' in again.text


def test_a_hit_only_cluster_shows_matches_at_agencies(
    client: TestClient, session: Session, linked: World
) -> None:
    key = _key(session, linked, "JS", "p1")
    act_as(client, linked.analysts["AH"])
    page = client.get(f"/linkage/clusters/{key}", params={"purpose": "case AH-9"}, headers=EN)
    assert page.status_code == 200
    assert "Match at agency" in page.text
    assert "WANG Jianhua" not in page.text
    assert "王建华" not in page.text
    assert 'data-field="name"' not in page.text
    assert 'id="judgement-form"' not in page.text


def test_the_api_reads_a_cluster_and_records_a_judgement(
    client: TestClient, session: Session, linked: World
) -> None:
    key = _key(session, linked, "JS", "p1")
    act_as(client, linked.analysts["JS"])
    refused = client.get(f"/api/v1/linkage/clusters/{key}")
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    body = client.get(f"/api/v1/linkage/clusters/{key}", params={"purpose": "case 17"}).json()
    assert body["cluster"] == key
    assert {r["agency"]["code"] for r in body["records"]} == {"320000", "330000"}
    assert body["links"][0]["visible"] is True
    assert {f["field"] for f in body["links"][0]["fields"]} >= {"name", "resident_id"}
    js, zj = linked.record(session, "JS", "p1"), linked.record(session, "ZJ", "p1")
    made = client.post(
        "/api/v1/linkage/judgements",
        json={"left_id": str(js.id), "right_id": str(zj.id), "verdict": "unsure", "reason": "?"},
    )
    assert made.status_code == 201, made.text
    assert made.json()["left_cluster"] == made.json()["right_cluster"] == key
    member = client.post(
        "/api/v1/linkage/judgements",
        json={"left_id": str(zj.id), "cluster": key, "verdict": "unsure", "reason": "photo?"},
    )
    assert member.status_code == 201, member.text
    assert len(member.json()["ids"]) == 1
    nothing = client.post(
        "/api/v1/linkage/judgements",
        json={"left_id": str(zj.id), "verdict": "unsure", "reason": "?"},
    )
    assert nothing.status_code == 422
    bad = client.post(
        "/api/v1/linkage/judgements",
        json={"left_id": str(js.id), "right_id": str(zj.id), "verdict": "maybe", "reason": "?"},
    )
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")
    assert session.scalar(select(func.count()).select_from(Judgement)) == 2  # nothing more
    act_as(client, linked.analysts["AH"])
    body = client.get(f"/api/v1/linkage/clusters/{key}", params={"purpose": "case 9"}).json()
    assert all(r["view"] == "hit" and "properties" not in r for r in body["records"])
    assert all(not link["visible"] and link["fields"] == [] for link in body["links"])
