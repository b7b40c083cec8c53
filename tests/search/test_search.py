import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from accord.core import refs
from accord.core.clock import FrozenClock
from accord.core.ids import uuid7
from accord.search import service
from tests.factories import make_named


@pytest.fixture
def test_kind_page(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(
        service.REFERENCE_PAGES, "test-kind", lambda object_id: f"/things/{object_id}"
    )


def issue(session: Session) -> tuple[str, uuid.UUID]:
    sh = make_named(session, "SH")["SH"]
    object_id = uuid7()
    number = refs.allocate(
        session,
        agency_id=sh.id,
        prefix=sh.prefix,
        kind="test-kind",
        object_id=object_id,
        title="Locate Li Si",
    )
    return number, object_id


def test_a_reference_number_finds_its_object(
    session: Session, frozen_clock: FrozenClock, test_kind_page: None
) -> None:
    number, object_id = issue(session)
    hits = service.search(session, number.lower())
    assert hits[0].url == f"/things/{object_id}"
    assert hits[0].exact
    assert hits[0].title == "Locate Li Si"


def test_search_page_goes_straight_to_the_referenced_object(
    client: TestClient, session: Session, frozen_clock: FrozenClock, test_kind_page: None
) -> None:
    number, object_id = issue(session)
    response = client.get("/search", params={"q": number}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/things/{object_id}"


def test_search_page_goes_straight_to_an_agency_by_code(
    client: TestClient, session: Session
) -> None:
    make_named(session, "HZ")
    response = client.get("/search", params={"q": "330100"}, follow_redirects=False)
    assert response.headers["location"] == "/agencies/330100"


def test_search_page_lists_several_matches_and_says_when_none(
    client: TestClient, session: Session
) -> None:
    make_named(session)
    listed = client.get("/search", params={"q": "上海"}, headers={"Accept-Language": "zh"})
    assert listed.status_code == 200
    assert "/agencies/310000" in listed.text
    assert "/agencies/310115" in listed.text
    empty = client.get("/search", params={"q": "nowhere"}, headers={"Accept-Language": "en"})
    assert "Nothing matches" in empty.text
    blank = client.get("/search", headers={"Accept-Language": "en"})
    assert "Type a reference number" in blank.text


def test_search_api(
    client: TestClient, session: Session, frozen_clock: FrozenClock, test_kind_page: None
) -> None:
    number, _ = issue(session)
    body = client.get("/api/v1/search", params={"q": number}).json()
    assert body["hits"][0]["reference"] == number
    missing = client.get("/api/v1/search")
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "q"
