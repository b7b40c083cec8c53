"""The series pages in both languages: the list with its filters and pages, the purpose form,
a series with its graph, evidence paths, identifiers, timeline, map and cases by agency; a case
Anhui sees hit/no-hit only shown as "match at agency X" with nothing of it anywhere in the page
or its charts' data; the audit event; an analyst marking an identifier as a hub; the assets."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.audit.models import AuditEvent
from accord.series import pages
from accord.series.models import IdentifierMark
from tests.factories import act_as
from tests.series.conftest import RING_ACCOUNT, RING_PHONE, SUSPECT_ID, SUSPECT_ID_15
from tests.series.test_views import HAN_PHONE, HAN_SECRETS, Built, built  # noqa: F401  (a fixture)

EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh"}


@pytest.fixture
def shown(built: Built) -> Built:  # noqa: F811  (the fixture imported above)
    """The series of `test_views` over the series tests' records."""
    return built


def _json_block(html: str, block: str) -> Any:
    found = re.search(rf'<script type="application/json" id="{block}">(.*?)</script>', html, re.S)
    assert found, block
    return json.loads(found.group(1))


def _token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found
    return found.group(1)


def test_the_list_in_both_languages(client: TestClient, shown: Built) -> None:
    act_as(client, shown.world.analysts["SH"])
    page = client.get("/series", headers=EN)
    assert page.status_code == 200
    assert re.findall(r'data-series="([^"]+)"', page.text) == ["SR-900001", "SR-900002"]
    assert 'id="series-filters"' in page.text
    assert "cross-regional" in page.text
    assert "2 cases at agencies you do not share with" in page.text
    assert '<option value="340000"' in page.text
    assert "VN-HAN" not in page.text  # not an agency whose cases Shanghai may see
    zh = client.get("/series", headers=ZH)
    assert zh.status_code == 200
    assert "跨区域" in zh.text
    assert "串案" in zh.text


def test_the_list_filters_and_pages(
    client: TestClient, shown: Built, monkeypatch: pytest.MonkeyPatch
) -> None:
    act_as(client, shown.world.analysts["SH"])

    def keys(**params: Any) -> list[str]:
        page = client.get("/series", params=params, headers=EN)
        assert page.status_code == 200, page.text
        return re.findall(r'data-series="([^"]+)"', page.text)

    assert keys(agency="340000") == ["SR-900001"]
    assert keys(agency=["340000", "320000"]) == ["SR-900001", "SR-900002"]
    assert keys(min_size="3") == ["SR-900001"]
    assert keys(min_score="2") == ["SR-900001"]
    assert keys(since="2026-10-03") == ["SR-900002"]
    assert keys(until="2026-08-31", min_size="") == ["SR-900002"]
    empty = client.get("/series", params={"since": "2027-01-01"}, headers=EN)
    assert 'id="no-series"' in empty.text
    bad = client.get("/series", params={"since": "03/10/2026"}, headers=EN)
    assert bad.status_code == 422
    assert 'id="form-error"' in bad.text
    assert "since" in bad.text
    assert client.get("/series", params={"min_size": "-1"}).status_code == 422
    monkeypatch.setattr(pages, "PAGE_SIZE", 1)
    first = client.get("/series", params={"agency": "320000"}, headers=EN)
    assert re.findall(r'data-series="([^"]+)"', first.text) == ["SR-900001"]
    link = re.search(r'<a href="([^"]+)" rel="next">', first.text)
    assert link
    nxt = link.group(1).replace("&amp;", "&")
    assert "agency=320000" in nxt
    assert "page=2" in nxt
    second = client.get(nxt, headers=EN)
    assert re.findall(r'data-series="([^"]+)"', second.text) == ["SR-900002"]
    assert 'rel="prev"' in second.text


def test_officers_have_no_series(client: TestClient, shown: Built) -> None:
    act_as(client, shown.world.officers["SH"])
    assert client.get("/series").status_code == 403
    assert client.get("/series/SR-900001", params={"purpose": "x"}).status_code == 403


def test_a_series_asks_for_a_purpose_first(
    client: TestClient, session: Session, shown: Built
) -> None:
    act_as(client, shown.world.analysts["SH"])
    for headers in (EN, ZH):
        form = client.get("/series/sr-900001", headers=headers)
        assert form.status_code == 200
        assert 'id="purpose-form"' in form.text
        assert 'action="/series/SR-900001"' in form.text
    assert "为何查看此串案" in client.get("/series/SR-900001", headers=ZH).text
    assert session.scalars(select(AuditEvent).where(AuditEvent.action == "series.read")).all() == []
    act_as(client, shown.world.analysts["HAN"])
    assert client.get("/series/SR-900002").status_code == 404  # nothing of it is Hanoi's
    assert client.get("/series/SR-999999").status_code == 404


def test_a_series_page_in_full(client: TestClient, session: Session, shown: Built) -> None:
    act_as(client, shown.world.analysts["SH"])
    page = client.get("/series/SR-900001", params={"purpose": "case SH-17"}, headers=EN)
    assert page.status_code == 200, page.text
    html = page.text
    assert "cross-regional" in html
    assert 'data-fact="period">2026-09-03 – 2026-10-02' in html
    assert 'id="hidden-cases"' in html  # Hanoi's two
    assert 'id="joint-case"' in html  # where the joint case form goes
    paths = re.findall(r'<li class="evidence-path"[^>]*data-nodes="([^"]+)"', html)
    assert len(paths) == 4
    assert RING_PHONE in html
    assert RING_ACCOUNT in html
    assert f'href="/linkage/clusters/{shown.cluster}?purpose=case%20SH-17"' in html
    record = shown.cases["JS"]
    assert f'href="/records/{record}?purpose=case+SH-17"' in html
    assert html.count('class="inline-form mark-form"') == 2  # the phone and the account
    graph = _json_block(html, "series-graph-data")
    nodes = {n["id"]: n for n in graph["nodes"]}
    assert sum(n["kind"] == "case" for n in nodes.values()) == 4
    assert all(n["kind_label"] for n in nodes.values())
    for nodes_of_path in paths:
        left, ident, right = nodes_of_path.split()
        assert nodes[left]["kind"] == "case"
        assert nodes[ident]["kind"] != "case"
        assert nodes[right]["kind"] == "case"
    timeline = _json_block(html, "series-timeline-data")
    assert [t["day"] for t in timeline] == ["2026-09-03", "2026-09-10", "2026-09-20", "2026-10-02"]
    places = _json_block(html, "series-map-data")
    assert {p["code"] for p in places["places"]} == {"310000", "320000", "330000", "340000"}
    assert '<script src="/series-assets/series.js" defer></script>' in html
    zh = client.get("/series/SR-900001", params={"purpose": "案件 SH-17"}, headers=ZH)
    assert zh.status_code == 200
    assert "证据路径" in zh.text
    assert _json_block(zh.text, "series-graph-data")["kind_labels"]["phone"] == "电话"


def test_a_hit_only_case_is_a_match_at_its_agency(client: TestClient, shown: Built) -> None:
    act_as(client, shown.world.analysts["AH"])
    for headers in (EN, ZH):
        page = client.get("/series/SR-900001", params={"purpose": "case AH-3"}, headers=headers)
        assert page.status_code == 200
        for secret in (*HAN_SECRETS, HAN_PHONE, shown.cluster, SUSPECT_ID, SUSPECT_ID_15):
            assert secret not in page.text, secret
        assert "李强" not in page.text
        assert "addressee=VN-HAN" in page.text  # ask Hanoi for its cases
        graph = _json_block(page.text, "series-graph-data")
        han = [n for n in graph["nodes"] if n["kind"] == "case" and n["agency"] == "VN-HAN"]
        assert len(han) == 2
        assert all(n["view"] == "hit" and n["record"] is None and n["day"] is None for n in han)
    en = client.get("/series/SR-900001", params={"purpose": "case AH-3"}, headers=EN).text
    assert "match at agency VN-HAN" in en
    assert "Match at agency Hanoi City Police (VN-HAN)." in en
    graph = _json_block(en, "series-graph-data")
    labels = {n["label"] for n in graph["nodes"] if n["view"] == "hit"}
    assert labels == {"Match at agency VN-HAN", "Match at agency 310000, 330000"}
    zh = client.get("/series/SR-900001", params={"purpose": "case AH-3"}, headers=ZH).text
    assert "VN-HAN 有匹配" in zh


def test_the_page_is_audited_with_its_purpose(
    client: TestClient, session: Session, shown: Built
) -> None:
    act_as(client, shown.world.analysts["AH"])
    client.get("/series/SR-900001", params={"purpose": "case AH-3"})
    [event] = session.scalars(select(AuditEvent).where(AuditEvent.action == "series.read")).all()
    assert event.purpose == "case AH-3"
    assert event.detail is not None
    assert event.detail["series"] == "SR-900001"
    assert str(shown.cases["HAN1"]) in event.detail["hit"]


def test_an_analyst_marks_a_hub_from_the_page(
    client: TestClient, session: Session, shown: Built
) -> None:
    act_as(client, shown.world.investigators["SH"])
    page = client.get("/series/SR-900001", params={"purpose": "case SH-17"}, headers=EN)
    assert "mark-form" not in page.text  # investigators read, analysts mark
    act_as(client, shown.world.analysts["SH"])
    page = client.get("/series/SR-900001", params={"purpose": "case SH-17"}, headers=EN)
    answer = client.post(
        "/series/SR-900001/marks",
        data={
            "csrf_token": _token(page.text),
            "purpose": "case SH-17",
            "kind": "phone",
            "value": RING_PHONE,
            "hub": "true",
            "reason": "a call-centre number",
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"].startswith("/series/SR-900001?purpose=case+SH-17")
    mark = session.scalars(select(IdentifierMark)).one()
    assert (mark.kind, mark.value, mark.hub) == ("phone", RING_PHONE, True)
    assert mark.username == shown.world.analysts["SH"].username
    refused = client.post(
        "/series/SR-900001/marks",
        data={
            "csrf_token": _token(page.text),
            "purpose": "case SH-17",
            "kind": "phone",
            "value": RING_ACCOUNT,
            "reason": "",
        },
        headers=EN,
    )
    assert refused.status_code == 422
    assert 'id="form-error"' in refused.text
    act_as(client, shown.world.investigators["SH"])
    denied = client.post(
        "/series/SR-900001/marks",
        data={"csrf_token": _token(page.text), "kind": "phone", "value": RING_PHONE, "reason": "x"},
    )
    assert denied.status_code == 403


def test_the_assets(client: TestClient) -> None:
    script = client.get("/series-assets/series.js")
    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")
    assert "echarts" in script.text
    style = client.get("/series-assets/series.css")
    assert style.status_code == 200
    assert style.headers["content-type"].startswith("text/css")
