"""The records pages in both languages: the search (purpose required, results by agency,
"match at agency X" with the link to ask), the purpose form, a record with its provenance,
handling code, related records, cluster, Watch buttons and the owner's Withdraw form, a
redacted record, and the watches page."""

from __future__ import annotations

import html
import re
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.audit.models import AuditEvent
from accord.core import clock
from accord.linkage.models import ClusterMember, PersonCluster
from accord.records.models import Watch
from tests.factories import act_as
from tests.records.conftest import SH_LINES, ZJ_LINES, World

EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh"}


@pytest.fixture
def shared(session: Session, world: World) -> World:
    world.share(session, "SH", SH_LINES)
    world.share(session, "ZJ", ZJ_LINES)
    return world


def test_the_search_page_groups_results_by_agency(
    client: TestClient, session: Session, shared: World
) -> None:
    act_as(client, shared.investigators["JS"])
    empty = client.get("/records", headers=EN)
    assert empty.status_code == 200
    assert 'id="records-search"' in empty.text
    assert 'name="purpose"' in empty.text
    assert 'id="records-results"' not in empty.text

    page = client.get("/records", params={"q": "zhang wei", "purpose": "核查"}, headers=EN)
    assert page.status_code == 200
    sh = re.search(
        r'<div class="card record-group" data-agency="310000">.*?</div>', page.text, re.S
    )
    assert sh, page.text
    assert "Match at agency Shanghai PSB (310000)." in sh.group(0)
    results = page.text.split('id="records-results"', 1)[1]
    assert "张伟" not in results  # Shanghai's person is a match only for Jiangsu
    ask = re.search(r'class="ask-link" href="([^"]+)"', sh.group(0))
    assert ask
    query = parse_qs(urlsplit(html.unescape(ask.group(1))).query)
    assert query["addressee"] == ["310000"]
    assert query["request_type"] == ["records_check"]
    zj = re.search(r'data-agency="330000">.*?</div>', page.text, re.S)
    assert zj
    assert "ZHANG Wei" in zj.group(0)
    person = shared.record(session, "ZJ", "p1")
    assert f'href="/records/{person.id}?purpose=%E6%A0%B8%E6%9F%A5"' in zj.group(0)
    # Watch buttons for the result's phone.
    assert 'data-kind="phone" data-key="+8613812345678"' in zj.group(0)
    assert (
        client.get("/records", params={"q": "张伟", "purpose": "核查"}, headers=ZH).status_code
        == 200
    )


def test_a_phone_search_offers_to_watch_it(
    client: TestClient, session: Session, shared: World
) -> None:
    act_as(client, shared.investigators["ZJ"])
    page = client.get("/records", params={"q": "138 1234 5678", "purpose": "电诈"}, headers=EN)
    assert page.status_code == 200
    assert re.search(r'<p class="actions">\s*<form[^>]*data-kind="phone"', page.text)
    nothing = client.get("/records", params={"q": "王伟", "purpose": "x"}, headers=EN)
    assert 'id="no-records"' in nothing.text


def test_a_search_without_purpose_is_refused_on_the_page(
    client: TestClient, session: Session, shared: World
) -> None:
    act_as(client, shared.officers["ZJ"])
    page = client.get("/records", params={"q": "zhang wei"}, headers=EN)

    assert page.status_code == 422
    assert 'data-code="purpose_required"' in page.text
    refused = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "record.search_refused")
    ).all()
    assert len(refused) == 1


def test_a_record_asks_for_a_purpose_then_shows_it_in_full(
    client: TestClient, session: Session, shared: World
) -> None:
    case = shared.record(session, "SH", "case1")
    act_as(client, shared.investigators["ZJ"])
    ask = client.get(f"/records/{case.id}", headers=EN)
    assert ask.status_code == 200
    assert 'id="purpose-form"' in ask.text
    assert "电信诈骗" not in ask.text

    page = client.get(f"/records/{case.id}", params={"purpose": "串并案"}, headers=EN)
    assert page.status_code == 200
    assert 'data-view="full"' in page.text
    assert '<div class="handling handling-h1" role="note">' in page.text
    assert "电信诈骗案 2026-001" in page.text
    assert re.search(r'data-property="phoneMentioned"><th scope="row">Detected phones', page.text)
    assert "Other link · 赃款转账" in page.text
    related = re.findall(r'<tr class="related" data-record="[^"]+" data-view="(\w+)"', page.text)
    assert sorted(related) == ["full", "full", "hit"]
    assert "Match at agency Shanghai PSB (310000)." in page.text  # the involved person
    assert 'id="withdraw-form"' not in page.text  # not the owner
    assert 'data-kind="phone" data-key="95588"' in page.text
    assert client.get(f"/records/{case.id}", params={"purpose": "x"}, headers=ZH).status_code == 200


def test_a_hit_record_page_shows_only_the_match(
    client: TestClient, session: Session, shared: World
) -> None:
    person = shared.record(session, "SH", "p1")
    act_as(client, shared.officers["ZJ"])
    page = client.get(f"/records/{person.id}", params={"purpose": "核查"}, headers=EN)

    assert page.status_code == 200
    assert 'data-view="hit"' in page.text
    assert "Match at agency Shanghai PSB (310000)." in page.text
    assert "张伟" not in page.text
    assert "110101" not in page.text
    assert 'id="record-properties"' not in page.text
    assert 'class="handling' not in page.text
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "record.read")).one()
    assert event.purpose == "核查"

    act_as(client, shared.officers["HAN"])
    assert client.get(f"/records/{person.id}", headers=EN).status_code == 404
    assert client.get(f"/records/{person.id}?purpose=x", headers=EN).status_code == 404


def test_a_person_page_links_its_cluster(
    client: TestClient, session: Session, shared: World
) -> None:
    person = shared.record(session, "ZJ", "p1")
    now = clock.now()
    cluster = PersonCluster(id=uuid.uuid4(), key="PC-000042", created_at=now, updated_at=now)
    session.add(cluster)
    session.flush()
    session.add(ClusterMember(record_id=person.id, cluster_id=cluster.id, joined_at=now))
    session.commit()
    act_as(client, shared.investigators["JS"])
    page = client.get(f"/records/{person.id}", params={"purpose": "团伙"}, headers=EN)

    assert 'id="cluster-link" href="/linkage/clusters/PC-000042?purpose=' in page.text


def test_the_owner_withdraws_from_the_page(
    client: TestClient, session: Session, shared: World
) -> None:
    account = shared.record(session, "SH", "acc1")
    act_as(client, shared.investigators["SH"])
    page = client.get(f"/records/{account.id}", params={"purpose": "own"}, headers=EN)
    assert 'id="withdraw-form"' in page.text

    stale = client.post(
        f"/records/{account.id}/withdraw",
        data={"reason": "closed", "version": "7", "purpose": "own"},
        headers=EN,
    )
    assert stale.status_code == 409
    assert 'id="form-error"' in stale.text
    empty = client.post(
        f"/records/{account.id}/withdraw", data={"reason": " ", "version": "1"}, headers=EN
    )
    assert empty.status_code == 422

    done = client.post(
        f"/records/{account.id}/withdraw",
        data={"reason": "closed", "version": "1", "purpose": "own"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert done.headers["location"] == "/records?withdrawn=acc1"
    notice = client.get(done.headers["location"], headers=EN)
    assert 'id="withdrawn-notice"' in notice.text
    gone = client.get(f"/records/{account.id}", params={"purpose": "own"}, headers=EN)
    assert gone.status_code == 410


def test_watch_buttons_and_the_watches_page(
    client: TestClient, session: Session, shared: World
) -> None:
    act_as(client, shared.investigators["ZJ"])
    empty = client.get("/records/watches", headers=EN)
    assert empty.status_code == 200
    assert 'id="no-watches"' in empty.text

    made = client.post(
        "/records/watches",
        data={"kind": "account", "key": "6222 0212 3456 7890", "purpose": "电诈"},
        follow_redirects=False,
    )
    assert made.status_code == 303
    assert made.headers["location"] == "/records/watches"
    page = client.get("/records/watches", headers=EN)
    assert "<code>6222021234567890</code>" in page.text
    assert client.get("/records/watches", headers=ZH).status_code == 200

    bad = client.post("/records/watches", data={"kind": "phone", "key": "nope", "purpose": "x"})
    assert bad.status_code == 422
    assert 'data-code="invalid_watch"' in bad.text

    watch = session.scalars(select(Watch)).one()
    ended = client.post(f"/records/watches/{watch.id}/end", follow_redirects=False)
    assert ended.status_code == 303
    assert 'id="no-watches"' in client.get("/records/watches", headers=EN).text
