"""Joint case pages and API in both languages: the series page's one-click form (twice: one
case), the case page as a member sees it (matches until released, the members' drafted
requests, the thread) and as an owner's liaison (the release form), the list of my agency's
cases and consent requests, and the routes under /api/v1 (Idempotency-Key, 409 naming the open
case, 404 to outsiders, 403 to another member deciding)."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from jinja2 import ChoiceLoader, PackageLoader
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.records import service as records_service
from accord.series import joint, joint_api, joint_pages
from accord.series.models import JointCase, JointCaseMember
from accord.web import templating
from accord.web.i18n import set_locale
from tests.factories import act_as
from tests.records.conftest import World
from tests.series.conftest import RING_LINES
from tests.series.test_joint import KEY, Ring, make_ring, open_case

EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh"}


@pytest.fixture
def app_client(client: TestClient) -> TestClient:
    """The suite's client, with the joint case routes and templates in place even before the
    app factory and the template list name them (their wiring lines are the lead's)."""
    app = client.app
    assert isinstance(app, FastAPI)
    paths = {getattr(r, "path", "") for r in app.routes}
    if "/joint-cases/{key}" not in paths:
        app.include_router(joint_pages.router)
        app.include_router(joint_api.router, prefix="/api/v1")
    if "accord.series" not in templating.TEMPLATE_PACKAGES:
        loader = templating.environment().loader
        assert isinstance(loader, ChoiceLoader)
        if not any(getattr(x, "package_name", "") == "accord.series" for x in loader.loaders):
            loader.loaders = [*loader.loaders, PackageLoader("accord.series", "templates")]
    return client


@pytest.fixture
def ring(session: Session, world: World) -> Ring:
    """The ring of `test_joint` as one series, with the zone that carries requests."""
    return make_ring(session, world, RING_LINES)


def _rows(html: str, table: str) -> list[str]:
    found = re.search(rf'<table[^>]*id="{table}".*?</table>', html, re.S)
    assert found, table
    return re.findall(r"<tr[^>]*data-[a-z]+=\"[^\"]+\"[^>]*>", found.group(0))


def _view_of(html: str, record_id: object) -> str:
    found = re.search(rf'data-record="{record_id}"[^>]*data-view="([a-z]+)"', html)
    assert found, record_id
    return found.group(1)


# --- the one-click form --------------------------------------------------------------------------


def test_the_form_partial_offers_the_button_or_links_the_open_case(
    app_client: TestClient, session: Session, ring: Ring
) -> None:
    template = templating.environment().get_template("series/_joint_case_form.html")
    base = {"csrf_token": "t", "can": lambda p: p == "joint.open"}
    set_locale("en")
    html = template.render(**base, series_key=KEY)
    assert f'action="/series/{KEY}/joint-case"' in html
    assert f'value="Joint case on series {KEY}"' in html
    assert "Open a joint case" in html
    case = open_case(session, ring)
    html = template.render(**base, view={"series": {"key": KEY}}, joint_case=case)
    assert f'href="/joint-cases/{case.reference}"' in html
    assert "joint-case-form" not in html
    set_locale("zh")
    zh = template.render(**base, series={"key": KEY})
    assert f'action="/series/{KEY}/joint-case"' in zh
    # Someone who may not open one sees no button.
    assert "joint-case-form" not in template.render(
        **base | {"can": lambda p: False}, series_key=KEY
    )


def test_one_click_opens_the_case_and_a_second_click_goes_to_it(
    app_client: TestClient, session: Session, ring: Ring
) -> None:
    act_as(app_client, ring.investigator("SH"))
    first = app_client.post(
        f"/series/{KEY}/joint-case", data={"title": "跨省串案"}, follow_redirects=False
    )
    assert first.status_code == 303
    case = session.scalars(select(JointCase)).one()
    assert first.headers["location"] == f"/joint-cases/{case.reference}"
    again = app_client.post(
        f"/series/{KEY}/joint-case",
        data={"title": "跨省串案"},
        headers={"HX-Request": "true"},
        follow_redirects=False,
    )
    assert again.status_code == 204
    assert again.headers["HX-Redirect"] == f"/joint-cases/{case.reference}"
    assert len(session.scalars(select(JointCase)).all()) == 1
    untitled = app_client.post(f"/series/{KEY}/joint-case", data={"title": " "}, headers=EN)
    assert untitled.status_code == 422
    assert "a joint case has a title" in untitled.text
    act_as(app_client, ring.world.officers["SH"])
    assert app_client.post(f"/series/{KEY}/joint-case", data={"title": "x"}).status_code == 403


# --- the case page -------------------------------------------------------------------------------


def test_a_member_sees_matches_until_released_and_the_members_requests(
    app_client: TestClient, session: Session, ring: Ring
) -> None:
    case = open_case(session, ring)
    w = ring.world
    zj_person = ring.record(session, "ZJ", "zj-p1")
    act_as(app_client, ring.investigator("AH"))
    page = app_client.get(f"/joint-cases/{case.reference}", headers=EN)
    assert page.status_code == 200, page.text
    html = page.text
    assert f'id="joint-case-reference">{case.reference}<' in html
    members = _rows(html, "joint-case-members")
    assert len(members) == 4
    assert f'data-agency="{w.agencies["SH"].code}" data-role="lead"' in html
    assert re.search(r'href="/assist/SH-2026-\d+"', html)  # the drafted requests
    assert "No assistance request: the lead agency may not address this agency." in html
    assert _view_of(html, zj_person.id) == "hit"
    assert f"Match at agency {w.agencies['ZJ'].name_en} ({w.agencies['ZJ'].code})." in html
    assert "LI Qiang" not in html
    assert _view_of(html, ring.record(session, "SH", "sh-p1").id) == "full"
    assert "李强" in html  # the lead's own suspect, released by opening the case
    assert 'id="message-form"' in html
    assert 'id="release"' not in html  # an investigator does not decide
    assert re.search(r"Waiting for the owner(&#39;|')s consent", html)

    zh = app_client.get(f"/joint-cases/{case.reference}", headers=ZH)
    assert zh.status_code == 200
    assert "往来消息" in zh.text  # the thread, in the reader's language
    assert "李强" in zh.text

    act_as(app_client, ring.world.investigators["HZ"])
    assert app_client.get(f"/joint-cases/{case.reference}", headers=EN).status_code == 404


def test_the_owner_releases_through_its_form_and_the_member_then_sees_it(
    app_client: TestClient, session: Session, ring: Ring
) -> None:
    case = open_case(session, ring)
    w = ring.world
    zj_person = ring.record(session, "ZJ", "zj-p1")
    act_as(app_client, ring.liaisons["ZJ"])
    page = app_client.get(f"/joint-cases/{case.reference}", headers=EN)
    assert f'id="release-form-{w.agencies["ZJ"].code}"' in page.text
    assert f'value="{zj_person.id}"' in page.text
    refused = app_client.post(
        f"/joint-cases/{case.reference}/releases",
        data={"agency": w.agencies["ZJ"].code, "decision": "refuse", "reason": ""},
        headers=EN,
    )
    assert refused.status_code == 422
    assert 'data-code="invalid_joint_case"' in refused.text
    granted = app_client.post(
        f"/joint-cases/{case.reference}/releases",
        data={
            "agency": w.agencies["ZJ"].code,
            "decision": "grant",
            "records": [str(zj_person.id)],
        },
        follow_redirects=False,
    )
    assert granted.status_code == 303
    assert granted.headers["location"] == f"/joint-cases/{case.reference}#records"
    act_as(app_client, ring.investigator("AH"))
    html = app_client.get(f"/joint-cases/{case.reference}", headers=EN).text
    assert _view_of(html, zj_person.id) == "full"
    assert "LI Qiang" in html
    assert "Released by the owner" in html
    # Jiangsu's liaison may not decide for Zhejiang.
    act_as(app_client, ring.liaisons["JS"])
    other = app_client.post(
        f"/joint-cases/{case.reference}/releases",
        data={"agency": w.agencies["ZJ"].code, "decision": "grant"},
        headers=EN,
    )
    assert other.status_code == 403


def test_the_thread_form(app_client: TestClient, session: Session, ring: Ring) -> None:
    case = open_case(session, ring)
    act_as(app_client, ring.investigator("ZJ"))
    posted = app_client.post(
        f"/joint-cases/{case.reference}/messages",
        data={"body": "我方嫌疑人已布控。"},
        follow_redirects=False,
    )
    assert posted.status_code == 303
    assert posted.headers["location"].endswith("#thread")
    html = app_client.get(f"/joint-cases/{case.reference}", headers=EN).text
    assert "我方嫌疑人已布控。" in html
    empty = app_client.post(
        f"/joint-cases/{case.reference}/messages", data={"body": "  "}, headers=EN
    )
    assert empty.status_code == 422
    assert "a message has a text" in empty.text


def test_the_list_of_my_agencys_cases_and_consent_requests(
    app_client: TestClient, session: Session, ring: Ring
) -> None:
    act_as(app_client, ring.liaisons["ZJ"])
    empty = app_client.get("/joint-cases", headers=EN)
    assert empty.status_code == 200
    assert 'id="no-joint-cases"' in empty.text
    assert 'id="no-consent-waiting"' in empty.text
    case = open_case(session, ring)
    html = app_client.get("/joint-cases", headers=EN).text
    assert len(_rows(html, "consent-waiting")) == 1
    assert "2 records" in html
    assert len(_rows(html, "joint-cases")) == 1
    assert f'href="/joint-cases/{case.reference}"' in html
    zh = app_client.get("/joint-cases", headers=ZH).text
    assert "标题" in zh


# --- the API -------------------------------------------------------------------------------------


def test_the_api_opens_once_reads_releases_and_posts(
    app_client: TestClient, session: Session, ring: Ring
) -> None:
    w = ring.world
    act_as(app_client, ring.investigator("SH"))
    url = f"/api/v1/series/{KEY}/joint-case"
    key = {"Idempotency-Key": "open-jc-1"}
    first = app_client.post(url, json={"title": "跨省串案"}, headers=key)
    assert first.status_code == 201, first.text
    body = first.json()
    reference = body["reference"]
    assert first.headers["Location"] == f"/api/v1/joint-cases/{reference}"
    assert [m["role"] for m in body["members"]] == ["lead", "member", "member", "member"]
    replay = app_client.post(url, json={"title": "跨省串案"}, headers=key)
    assert replay.status_code == 201
    assert replay.headers["Idempotency-Replayed"] == "true"
    assert replay.json()["reference"] == reference
    conflict = app_client.post(url, json={"title": "再来一次"})
    assert conflict.status_code == 409
    assert conflict.json()["code"] == "joint_case_exists"
    assert conflict.json()["reference"] == reference
    assert app_client.post(url, json={"title": ""}).status_code == 422

    zj_person = ring.record(session, "ZJ", "zj-p1")
    act_as(app_client, ring.investigator("AH"))
    read = app_client.get(f"/api/v1/joint-cases/{reference}")
    assert read.status_code == 200
    views = {r["id"]: r for r in read.json()["records"]}
    assert views[str(zj_person.id)]["release"] == "pending"
    assert views[str(zj_person.id)]["view"]["view"] == "hit"
    assert "properties" not in views[str(zj_person.id)]["view"]
    ah = next(m for m in read.json()["members"] if m["agency"]["code"] == w.agencies["AH"].code)
    assert ah["request"] is None
    assert "may not address" in ah["no_request"]

    act_as(app_client, ring.liaisons["JS"])
    other = app_client.post(
        f"/api/v1/joint-cases/{reference}/releases",
        json={"grant": True, "agency": w.agencies["ZJ"].code},
    )
    assert other.status_code == 403
    act_as(app_client, ring.liaisons["ZJ"])
    released = app_client.post(f"/api/v1/joint-cases/{reference}/releases", json={"grant": True})
    assert released.status_code == 200, released.text
    assert released.json()["release"] == "granted"
    assert str(zj_person.id) in released.json()["records"]
    listed = app_client.get("/api/v1/joint-cases").json()
    assert [c["reference"] for c in listed["mine"]] == [reference]
    assert listed["waiting"] == []

    act_as(app_client, ring.investigator("AH"))
    views = {
        r["id"]: r for r in app_client.get(f"/api/v1/joint-cases/{reference}").json()["records"]
    }
    assert views[str(zj_person.id)]["view"]["view"] == "full"
    assert views[str(zj_person.id)]["view"]["properties"]["name"] == ["LI Qiang"]
    posted = app_client.post(
        f"/api/v1/joint-cases/{reference}/messages",
        json={"body": "收到"},
        headers={"Idempotency-Key": "msg-1"},
    )
    assert posted.status_code == 201
    assert posted.json()["agency"] == w.agencies["AH"].code

    act_as(app_client, ring.world.investigators["HZ"])
    assert app_client.get(f"/api/v1/joint-cases/{reference}").status_code == 404
    outsider = app_client.post(f"/api/v1/joint-cases/{reference}/messages", json={"body": "x"})
    assert outsider.status_code == 404
    assert joint.open_case_of(session, ring.series.id) is not None


def test_a_withdrawn_record_leaves_the_case_page(
    app_client: TestClient, session: Session, ring: Ring
) -> None:
    case = open_case(session, ring)
    zj_person = ring.record(session, "ZJ", "zj-p1")
    records_service.withdraw(session, ring.investigator("ZJ"), zj_person, "录入错误")
    session.commit()
    act_as(app_client, ring.investigator("AH"))
    html = app_client.get(f"/joint-cases/{case.reference}", headers=EN).text
    assert _view_of(html, zj_person.id) == "gone"
    assert "No longer shared: withdrawn by its owner or expired." in html


def test_the_lead_closes_the_case_through_its_form(
    app_client: TestClient, session: Session, ring: Ring
) -> None:
    case = open_case(session, ring)
    # A member sees no closing form, and may not close.
    act_as(app_client, ring.investigator("JS"))
    assert 'id="close-form"' not in app_client.get(f"/joint-cases/{case.reference}").text
    denied = app_client.post(f"/joint-cases/{case.reference}/close", data={"outcome": "x"})
    assert denied.status_code == 403
    act_as(app_client, ring.investigator("SH"))
    page = app_client.get(f"/joint-cases/{case.reference}", headers=EN).text
    assert 'id="close-form"' in page
    empty = app_client.post(
        f"/joint-cases/{case.reference}/close", data={"outcome": " "}, headers=EN
    )
    assert empty.status_code == 422
    assert "closed with its outcome" in empty.text
    closed = app_client.post(
        f"/joint-cases/{case.reference}/close",
        data={"outcome": "团伙已全部到案。"},
        follow_redirects=False,
    )
    assert closed.status_code == 303
    html = app_client.get(f"/joint-cases/{case.reference}", headers=EN).text
    assert 'data-status="closed"' in html
    assert "团伙已全部到案。" in html
    assert 'id="close-form"' not in html
    assert 'id="message-form"' not in html
    zh = app_client.get(f"/joint-cases/{case.reference}", headers=ZH).text
    assert "<dt>结果</dt>" in zh  # the outcome, in Chinese


def test_the_lead_drafts_a_request_to_a_member_without_one(
    app_client: TestClient, session: Session, ring: Ring
) -> None:
    case = open_case(session, ring)
    zj = ring.world.agencies["ZJ"]
    member = session.get(JointCaseMember, (case.id, zj.id))
    assert member is not None
    member.request_id = None  # as if Zhejiang had joined when the series grew
    session.commit()
    act_as(app_client, ring.investigator("SH"))
    page = app_client.get(f"/joint-cases/{case.reference}", headers=EN).text
    assert 'data-action="draft-request"' in page
    drafted = app_client.post(
        f"/joint-cases/{case.reference}/requests", data={"agency": zj.code}, follow_redirects=False
    )
    assert drafted.status_code == 303
    session.expire_all()
    member = session.get(JointCaseMember, (case.id, zj.id))
    assert member is not None
    assert member.request_id is not None
    again = app_client.post(
        f"/api/v1/joint-cases/{case.reference}/requests", json={"agency": zj.code}
    )
    assert again.status_code == 422
    assert again.json()["errors"][0]["field"] == "agency"


def test_the_api_closes_a_case(app_client: TestClient, session: Session, ring: Ring) -> None:
    case = open_case(session, ring)
    act_as(app_client, ring.investigator("SH"))
    url = f"/api/v1/joint-cases/{case.reference}/close"
    assert app_client.post(url, json={"outcome": ""}).status_code == 422
    closed = app_client.post(url, json={"outcome": "移送起诉"})
    assert closed.status_code == 200
    body = closed.json()
    assert (body["status"], body["outcome"]) == ("closed", "移送起诉")
    assert body["closed_by"] == ring.investigator("SH").username
    assert app_client.post(url, json={"outcome": "again"}).status_code == 422
