"""Agreement API and pages: public pages without login, members' pages, refusals on the wire."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.audit.models import AuditEvent
from accord.security.actor import Role
from accord.zones.agreements import service
from accord.zones.agreements.transitions import AgreementStatus
from tests.agreements.conftest import TEXT_EN, Yrd, in_force, make_draft
from tests.factories import act_as, make_actor, make_named


def test_a_visitor_reads_a_published_agreement_in_force(
    client: TestClient, session: Session, yrd: Yrd
) -> None:
    agreement = in_force(session, yrd)
    act_as(client, None)
    listing = client.get("/public/agreements")
    assert listing.status_code == 200
    assert agreement.reference in listing.text
    page = client.get(f"/public/agreements/{agreement.reference}")
    assert page.status_code == 200
    assert "第一条 情报共享" in page.text
    assert "上海市公安局" in page.text
    assert "2026-11-23" in page.text
    # Never the sharing rules or contact points.
    assert "record.Person" not in page.text
    assert "hit_no_hit" not in page.text
    english = client.get(f"/public/agreements/{agreement.reference}?text=en")
    assert "Article 1 Intelligence sharing" in english.text
    printable = client.get(f"/public/agreements/{agreement.reference}/print")
    assert printable.status_code == 200
    assert "第三条 附则" in printable.text
    assert 'class="topbar"' not in printable.text


def test_a_visitor_cannot_reach_an_unpublished_or_draft_agreement(
    client: TestClient, session: Session, yrd: Yrd
) -> None:
    hidden = in_force(session, yrd, public=False)
    draft = make_draft(session, yrd)
    act_as(client, None)
    for reference in (hidden.reference, draft.reference, "SH-2026-999999"):
        assert client.get(f"/public/agreements/{reference}").status_code == 404
        assert client.get(f"/public/agreements/{reference}/print").status_code == 404
    listing = client.get("/public/agreements")
    assert hidden.reference not in listing.text
    assert draft.reference not in listing.text
    assert 'id="public-agreements"' not in listing.text  # nothing published: no table


def test_members_pages_show_versions_rules_and_diff(
    client: TestClient, session: Session, yrd: Yrd
) -> None:
    agreement = in_force(session, yrd)
    draft = service.amend(session, yrd.secretariat, agreement)
    service.update_draft(
        session, yrd.secretariat, draft, changes={"text_en": TEXT_EN + "\nArticle 4 Traffic"}
    )
    session.commit()
    act_as(client, yrd.secretariat)
    listing = client.get("/zones/YRD/agreements")
    assert listing.status_code == 200
    assert agreement.reference in listing.text
    page = client.get(f"/agreements/{agreement.reference}?from=1&to=2&text=en")
    assert page.status_code == 200
    assert "alert.wanted_arrest" in page.text
    assert "<ins>Article 4 Traffic</ins>" in page.text
    draft_page = client.get(f"/agreements/{agreement.reference}?v=2")
    assert 'id="edit-draft"' in draft_page.text
    found = client.get(f"/agreements/id/{agreement.id}", follow_redirects=False)
    assert found.headers["location"] == f"/agreements/{agreement.reference}"
    # A user of an agency outside the zone sees nothing of it.
    outsider = make_actor(make_named(session, "HAN")["HAN"], Role.LIAISON, username="han")
    act_as(client, outsider)
    assert client.get(f"/agreements/{agreement.reference}").status_code == 403


def test_forms_edit_sign_amend_and_act(client: TestClient, session: Session, yrd: Yrd) -> None:
    agreement = make_draft(session, yrd)
    reference = agreement.reference
    act_as(client, yrd.secretariat)
    created = client.post(
        "/zones/YRD/agreements",
        data={"title_zh": "禁毒合作协议", "title_en": "Drug control"},
        follow_redirects=False,
    )
    assert created.status_code == 303
    edited = client.post(
        f"/agreements/{reference}/versions/1/edit",
        data={
            "text_zh": "第一条 情报\n第二条 交通",
            "text_en": "Article 1 Intelligence\nArticle 2 Traffic",
            "fields": ["intelligence", "traffic"],
            "effective_on": "2026-11-23",
            "review_on": "",
            "public": "on",
            "mode:record.Person": "full",
            "code:record.Person": "H1",
            "sub:record.Person": "on",
            "mode:alert.drone": "none",
        },
        follow_redirects=False,
    )
    assert edited.status_code == 303
    session.refresh(agreement.versions[0])
    version = agreement.versions[0]
    assert version.fields == ["intelligence", "traffic"]
    assert [
        (r.data_kind, r.handling_code.value, r.include_subordinates) for r in version.rules
    ] == [("record.Person", "H1", True)]
    bad = client.post(f"/agreements/{reference}/versions/1/edit", data={"effective_on": "soon"})
    assert bad.status_code == 422
    for name, director in yrd.directors.items():
        act_as(client, director)
        page = client.get(f"/agreements/{reference}")
        assert "Sign for my agency" in page.text or "代表本机构签署" in page.text, name
        signed = client.post(f"/agreements/{reference}/versions/1/sign", follow_redirects=False)
        assert signed.status_code == 303
    session.refresh(version)
    assert version.status == AgreementStatus.IN_FORCE
    act_as(client, yrd.secretariat)
    refused = client.post(f"/agreements/{reference}/versions/1/edit", data={"text_zh": "x"})
    assert refused.status_code == 409
    acted = client.post(
        f"/agreements/{reference}/versions/1/act",
        data={"action": "review", "reason": "annual"},
        follow_redirects=False,
    )
    assert acted.status_code == 303
    amended = client.post(f"/agreements/{reference}/amend", follow_redirects=False)
    assert amended.headers["location"] == f"/agreements/{reference}?v=2"


def test_api_create_edit_with_if_match_sign_and_refusals(
    client: TestClient, session: Session, yrd: Yrd
) -> None:
    act_as(client, yrd.secretariat)
    created = client.post(
        "/api/v1/zones/YRD/agreements",
        json={
            "title_zh": "长三角警务合作协议",
            "title_en": "YRD agreement",
            "text_zh": "第一条",
            "text_en": "Article 1",
            "effective_on": "2026-11-23",
            "rules": [{"data_kind": "record.Person", "mode": "full"}],
        },
        headers={"Idempotency-Key": "create-yrd-1"},
    )
    assert created.status_code == 201, created.text
    reference = created.json()["reference"]
    again = client.post(
        "/api/v1/zones/YRD/agreements",
        json={
            "title_zh": "长三角警务合作协议",
            "title_en": "YRD agreement",
            "text_zh": "第一条",
            "text_en": "Article 1",
            "effective_on": "2026-11-23",
            "rules": [{"data_kind": "record.Person", "mode": "full"}],
        },
        headers={"Idempotency-Key": "create-yrd-1"},
    )
    assert again.json()["reference"] == reference
    assert len(client.get("/api/v1/zones/YRD/agreements").json()) == 1
    etag = client.get(f"/api/v1/agreements/{reference}/versions/1").headers["etag"]
    patched = client.patch(
        f"/api/v1/agreements/{reference}/versions/1",
        json={"public": True},
        headers={"If-Match": etag},
    )
    assert patched.status_code == 200
    assert patched.json()["public"] is True
    stale = client.patch(
        f"/api/v1/agreements/{reference}/versions/1",
        json={"public": False},
        headers={"If-Match": etag},
    )
    assert stale.status_code == 412
    bad = client.patch(
        f"/api/v1/agreements/{reference}/versions/1",
        json={"rules": [{"data_kind": "alert.ufo", "mode": "full"}]},
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "rules[0].data_kind"

    # A liaison is no director: 403, and the refusal is on file.
    act_as(client, make_actor(yrd.agencies["SH"], Role.LIAISON, username="sh.liaison"))
    denied = client.post(f"/api/v1/agreements/{reference}/versions/1/signatures", json={})
    assert denied.status_code == 403
    assert session.scalars(
        select(AuditEvent.action).where(AuditEvent.actor_username == "sh.liaison")
    ).all() == ["access.denied"]
    for director in yrd.directors.values():
        act_as(client, director)
        signed = client.post(f"/api/v1/agreements/{reference}/versions/1/signatures", json={})
        assert signed.status_code == 200, signed.text
    assert signed.json()["status"] == "in_force"

    act_as(client, yrd.secretariat)
    immutable = client.patch(f"/api/v1/agreements/{reference}/versions/1", json={"text_zh": "改"})
    assert immutable.status_code == 409
    assert immutable.json()["code"] == "agreement_immutable"
    assert (
        client.get(f"/api/v1/agreements/{reference}").json()["versions"][0]["text_zh"] == "第一条"
    )
    amended = client.post(f"/api/v1/agreements/{reference}/amendments")
    assert amended.status_code == 201
    assert amended.json()["number"] == 2
    diffed = client.get(f"/api/v1/agreements/{reference}/diff?from=1&to=2").json()
    assert diffed["zh"] == [["equal", "第一条"]]
    review = client.post(f"/api/v1/agreements/{reference}/versions/1/review", json={})
    assert review.json()["status"] == "under_review"
    wrong = client.post(f"/api/v1/agreements/{reference}/versions/1/sign_again", json={})
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["field"] == "action"

    rule = client.get(
        "/api/v1/zones/YRD/sharing-rules", params={"data_kind": "record.Person", "agency": "310115"}
    ).json()
    assert (rule["mode"], rule["agency"]) == ("none", "310115")  # not for subordinates
    rule = client.get(
        "/api/v1/zones/YRD/sharing-rules",
        params={"data_kind": "record.Person", "agency": "320000", "on": str(date(2026, 11, 23))},
    ).json()
    assert (rule["mode"], rule["handling_code"]) == ("full", "H0")
    unknown = client.get(
        "/api/v1/zones/YRD/sharing-rules", params={"data_kind": "alert.ufo", "agency": "320000"}
    )
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "data_kind"
