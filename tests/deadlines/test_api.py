"""The calendar API and page: reads for anyone signed in, changes for platform admins."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from accord.deadlines import service
from accord.security.actor import Role
from tests.deadlines.helpers import count_events
from tests.factories import act_as, make_actor, make_named

PROBLEM = "application/problem+json"


def load(session: Session) -> None:
    service.load_calendar(session, service.shipped_calendar_lines())
    session.commit()


def test_reading_the_calendar(client: TestClient, session: Session) -> None:
    load(session)
    sh = make_named(session, "SH")["SH"]
    act_as(client, make_actor(sh, Role.OFFICER))
    year = client.get("/api/v1/calendar", params={"year": 2026}).json()
    assert len(year) == 39
    assert year[0] == {
        "date": "2026-01-01",
        "kind": "holiday",
        "name_zh": "元旦",
        "name_en": "New Year's Day",
        "business_day": False,
    }
    make_up = client.get("/api/v1/calendar/2026-02-28").json()
    assert (make_up["kind"], make_up["business_day"]) == ("workday", True)
    ordinary = client.get("/api/v1/calendar/2026-11-28").json()
    assert ordinary == {
        "date": "2026-11-28",
        "kind": None,
        "name_zh": "",
        "name_en": "",
        "business_day": False,
    }
    bad = client.get("/api/v1/calendar/2026-13-01")
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "day"
    assert client.get("/api/v1/calendar", params={"year": 1800}).status_code == 422
    act_as(client, None)
    assert client.get("/api/v1/calendar/2026-10-01").status_code == 401


def test_platform_admins_put_and_delete_dates(client: TestClient, session: Session) -> None:
    act_as(client, make_actor(None, Role.PLATFORM_ADMIN, username="admin", via="token"))
    put = client.put(
        "/api/v1/calendar/2027-02-06",
        json={"kind": "holiday", "name_zh": "春节", "name_en": "Spring Festival"},
    )
    assert put.status_code == 200
    assert put.json()["business_day"] is False
    assert service.get_day(session, date(2027, 2, 6)) is not None
    bad = client.put("/api/v1/calendar/2027-02-07", json={"kind": "festival"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "kind"
    assert service.get_day(session, date(2027, 2, 7)) is None
    assert client.delete("/api/v1/calendar/2027-02-06").status_code == 204
    gone = client.delete("/api/v1/calendar/2027-02-06")
    assert gone.status_code == 404
    assert gone.headers["content-type"] == PROBLEM
    assert gone.json()["code"] == "calendar_day_not_found"
    assert count_events(session, "calendar.set") == 1
    assert count_events(session, "calendar.unset") == 1


def test_others_may_not_change_the_calendar(client: TestClient, session: Session) -> None:
    sh = make_named(session, "SH")["SH"]
    act_as(client, make_actor(sh, Role.AGENCY_ADMIN, via="token"))
    refused = client.put("/api/v1/calendar/2027-02-06", json={"kind": "holiday"})
    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied"
    assert client.delete("/api/v1/calendar/2026-10-01").status_code == 403
    assert service.get_day(session, date(2027, 2, 6)) is None
    assert count_events(session, "access.denied") == 2


# --- the page -----------------------------------------------------------------------------


def test_the_year_page_lists_the_dates_and_shows_no_form_to_users(
    client: TestClient, session: Session
) -> None:
    load(session)
    sh = make_named(session, "SH")["SH"]
    act_as(client, make_actor(sh, Role.LIAISON))
    page = client.get("/calendar", params={"year": 2025})
    assert page.status_code == 200
    assert "2025-01-26" in page.text
    assert "国庆节、中秋节" in page.text
    assert 'id="calendar-form"' not in page.text
    empty = client.get("/calendar", params={"year": 2030})
    assert 'id="calendar-empty"' in empty.text


def test_admins_edit_through_the_form(client: TestClient, session: Session) -> None:
    act_as(client, make_actor(None, Role.PLATFORM_ADMIN, username="admin", via="token"))
    page = client.get("/calendar", params={"year": 2027})
    assert 'id="calendar-form"' in page.text
    saved = client.post(
        "/calendar",
        data={"day": "2027-02-06", "kind": "workday", "name_zh": "调休", "name_en": "Make-up"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert saved.headers["location"] == "/calendar?year=2027"
    assert "2027-02-06" in client.get("/calendar", params={"year": 2027}).text

    refused = client.post("/calendar", data={"day": "2027-02-31", "kind": "holiday"})
    assert refused.status_code == 422
    assert 'id="calendar-error"' in refused.text
    assert "2027-02-31" in refused.text
    wrong_kind = client.post("/calendar", data={"day": "2027-03-01", "kind": "party"})
    assert wrong_kind.status_code == 422
    assert service.get_day(session, date(2027, 3, 1)) is None

    removed = client.post("/calendar/2027-02-06/unset", follow_redirects=False)
    assert removed.status_code == 303
    assert service.get_day(session, date(2027, 2, 6)) is None


def test_the_form_refuses_non_admins(client: TestClient, session: Session) -> None:
    sh = make_named(session, "SH")["SH"]
    act_as(client, make_actor(sh, Role.AGENCY_ADMIN, via="token"))
    refused = client.post("/calendar", data={"day": "2027-02-06", "kind": "holiday"})
    assert refused.status_code == 403
    assert service.get_day(session, date(2027, 2, 6)) is None
