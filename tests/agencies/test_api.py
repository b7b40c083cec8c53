from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import make_named

PROBLEM = "application/problem+json"


def test_list_pages_through_all_agencies(client: TestClient, session: Session) -> None:
    make_named(session)
    codes: list[str] = []
    url = "/api/v1/agencies?limit=3"
    while url:
        body = client.get(url).json()
        codes.extend(item["code"] for item in body["items"])
        url = (
            f"/api/v1/agencies?limit=3&cursor={body['next_cursor']}" if body["next_cursor"] else ""
        )
    assert codes == sorted(codes)
    assert len(codes) == 9


def test_list_filters_by_parent_and_level(client: TestClient, session: Session) -> None:
    make_named(session)
    body = client.get("/api/v1/agencies", params={"parent": "310000"}).json()
    assert [a["code"] for a in body["items"]] == ["310115"]
    body = client.get("/api/v1/agencies", params={"level": "station"}).json()
    assert [(a["code"], a["parent"]) for a in body["items"]] == [("310115-001", "310115")]


def test_show_and_children(client: TestClient, session: Session) -> None:
    make_named(session)
    sh = client.get("/api/v1/agencies/310000")
    assert sh.status_code == 200
    assert sh.json()["prefix"] == "SH"
    assert sh.json()["parent"] == "MPS"
    kids = client.get("/api/v1/agencies/310000/children").json()
    assert [k["code"] for k in kids] == ["310115"]


def test_unknown_agency_is_a_problem_naming_the_field(client: TestClient, session: Session) -> None:
    response = client.get("/api/v1/agencies/999999")
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["code"] == "agency_not_found"
    assert body["errors"] == [{"field": "code", "message": "no agency has the code '999999'"}]
    assert body["instance"] == "/api/v1/agencies/999999"


def test_invalid_query_parameters_name_the_field(client: TestClient, session: Session) -> None:
    for params, field in [
        ({"limit": "0"}, "limit"),
        ({"limit": "many"}, "limit"),
        ({"level": "galaxy"}, "level"),
        ({"country": "CHN"}, "country"),
        ({"cursor": "%%%"}, "cursor"),
    ]:
        response = client.get("/api/v1/agencies", params=params)
        assert response.status_code == 422, params
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["errors"][0]["field"] == field
        assert response.json()["detail"].startswith(field)


def test_unknown_api_route_is_problem_json(client: TestClient) -> None:
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM


def test_openapi_lists_the_routes_and_problem_responses(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/agencies" in spec["paths"]
    assert "/api/v1/search" in spec["paths"]
    responses = spec["paths"]["/api/v1/agencies/{code}"]["get"]["responses"]
    assert "application/problem+json" in responses["404"]["content"]


def test_bad_contact_points_are_refused_and_nothing_changes(
    client: TestClient, session: Session
) -> None:
    from accord.security.actor import Role
    from tests.factories import bearer, make_user

    make_named(session, "SH")
    make_user(session, "sh.admin", "310000", Role.AGENCY_ADMIN)
    admin = bearer(session, "sh.admin")
    good = [
        {"kind": "duty_desk", "label_zh": "值班室", "phone": "+86 21 5550 0110", "hours": "24/7"}
    ]
    assert (
        client.put("/api/v1/agencies/310000/contacts", json=good, headers=admin).status_code == 200
    )
    for bad, field in [
        ([{"kind": "hotline", "phone": "1"}], "0.kind"),
        ([{"kind": "acting_liaison", "valid_from": "2026-12-10", "valid_to": "2026-12-01"}], "0"),
        ([{"kind": "liaison", "phone": "x" * 41}], "0.phone"),
    ]:
        response = client.put("/api/v1/agencies/310000/contacts", json=bad, headers=admin)
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == field
    contacts = client.get("/api/v1/agencies/310000", headers=admin).json()["contacts"]
    assert [c["phone"] for c in contacts] == ["+86 21 5550 0110"]


def test_if_match_refuses_a_stale_contact_update(client: TestClient, session: Session) -> None:
    from accord.security.actor import Role
    from tests.factories import bearer, make_user

    make_named(session, "SH")
    make_user(session, "sh.admin", "310000", Role.AGENCY_ADMIN)
    admin = bearer(session, "sh.admin")
    etag = client.get("/api/v1/agencies/310000", headers=admin).headers["etag"]
    first = [{"kind": "duty_desk", "phone": "+86 21 5550 0110", "hours": "24/7"}]
    changed = client.put(
        "/api/v1/agencies/310000/contacts", json=first, headers={**admin, "If-Match": etag}
    )
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag
    stale = client.put(
        "/api/v1/agencies/310000/contacts",
        json=[{"kind": "liaison", "phone": "+86 21 5550 0111"}],
        headers={**admin, "If-Match": etag},
    )
    assert stale.status_code == 412
    assert stale.headers["content-type"] == PROBLEM
    assert stale.json()["code"] == "stale_object"
    kept = client.get("/api/v1/agencies/310000", headers=admin).json()["contacts"]
    assert [c["phone"] for c in kept] == ["+86 21 5550 0110"]
