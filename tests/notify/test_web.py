"""The inbox, 'my work' and webhook subscriptions through the API and the pages."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.agencies.models import Agency
from accord.core.clock import FrozenClock
from accord.core.ids import uuid7
from accord.notify import service, work
from accord.notify.models import InboxItem, Webhook
from accord.security.actor import Actor, Role
from tests.factories import act_as, make_actor, make_named

PROBLEM = "application/problem+json"


@pytest.fixture
def named(session: Session) -> dict[str, Agency]:
    return make_named(session, "SH", "JS")


@pytest.fixture
def officer(named: dict[str, Agency]) -> Actor:
    return make_actor(named["SH"], Role.OFFICER, username="li")


def deliver(session: Session, user_id: uuid.UUID, *titles: str) -> list[uuid.UUID]:
    """Inbox items as the worker writes them; their ids (requests detach the test's objects)."""
    items = []
    for n, title in enumerate(titles, start=1):
        message = service.enqueue(session, event="t.e", title=title, channels=())
        assert message is not None
        item = InboxItem(
            id=uuid7(),
            user_id=user_id,
            message_id=message.id,
            event="t.e",
            title=title,
            reference=f"SH-2026-{n:06d}",
            link=f"/x/{n}",
            created_at=message.created_at,
        )
        session.add(item)
        items.append(item)
    session.commit()
    return [i.id for i in items]


# --- inbox ----------------------------------------------------------------------------------


def test_inbox_api_lists_counts_and_marks_read(
    client: TestClient, session: Session, officer: Actor
) -> None:
    assert officer.user_id is not None
    items = deliver(session, officer.user_id, "First SH-2026-000001", "Second SH-2026-000002")
    act_as(client, officer)
    body = client.get("/api/v1/inbox").json()
    assert [i["title"] for i in body["items"]] == ["Second SH-2026-000002", "First SH-2026-000001"]
    assert body["unread"] == 2
    assert body["next_cursor"] is None
    assert client.get("/api/v1/inbox/unread-count").json() == {"unread": 2}

    answer = client.post("/api/v1/inbox/read", json={"ids": [str(items[0])]})
    assert answer.json() == {"marked": 1, "unread": 1}
    unread = client.get("/api/v1/inbox", params={"unread_only": True}).json()["items"]
    assert [i["id"] for i in unread] == [str(items[1])]
    assert client.post("/api/v1/inbox/read", json={"all": True}).json() == {
        "marked": 1,
        "unread": 0,
    }


def test_inbox_api_refusals_change_nothing(
    client: TestClient, session: Session, officer: Actor
) -> None:
    assert officer.user_id is not None
    mine = deliver(session, officer.user_id, "Mine")
    theirs = deliver(session, uuid7(), "Theirs")
    assert client.get("/api/v1/inbox").status_code == 401
    act_as(client, officer)
    answer = client.post("/api/v1/inbox/read", json={"ids": [str(mine[0]), str(theirs[0])]})
    assert answer.status_code == 404
    assert answer.headers["content-type"] == PROBLEM
    assert answer.json()["code"] == "inbox_item_not_found"
    assert answer.json()["errors"][0]["field"] == "ids"
    assert client.post("/api/v1/inbox/read", json={}).status_code == 422
    assert (
        client.post("/api/v1/inbox/read", json={"ids": [str(mine[0])], "all": True}).status_code
        == 422
    )
    assert client.get("/api/v1/inbox/unread-count").json() == {"unread": 1}
    session.expire_all()
    assert session.get(InboxItem, theirs[0]).read_at is None  # type: ignore[union-attr]


def test_inbox_page_badge_and_mark_read_form(
    client: TestClient, session: Session, officer: Actor
) -> None:
    assert officer.user_id is not None
    items = deliver(session, officer.user_id, "Request SH-2026-000001", "Request SH-2026-000002")
    act_as(client, officer)
    page = client.get("/inbox", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    assert 'id="inbox-list"' in page.text
    assert "Request SH-2026-000002" in page.text
    assert page.text.index("SH-2026-000002") < page.text.index("SH-2026-000001")
    assert "/static/notify.js" in page.text

    badge = client.get("/inbox/badge")
    assert ">2</span>" in badge.text
    assert "hidden" not in badge.text

    answer = client.post("/inbox/read", data={"ids": str(items[0])}, headers={"HX-Request": "true"})
    assert (answer.status_code, answer.headers["HX-Redirect"]) == (204, "/inbox")
    answer = client.post("/inbox/read", data={"all": "true"}, follow_redirects=False)
    assert (answer.status_code, answer.headers["location"]) == (303, "/inbox")
    assert service.unread_count(session, officer) == 0
    assert "hidden" in client.get("/inbox/badge").text
    only_unread = client.get("/inbox", params={"unread": "true"})
    assert "Request SH-2026" not in only_unread.text


def test_the_badge_is_empty_for_a_visitor(client: TestClient) -> None:
    assert client.get("/inbox/badge").text == ""


def test_the_event_stream_needs_a_signed_in_user(
    client: TestClient, named: dict[str, Agency]
) -> None:
    # A bare 401, not the sign-in redirect of pages: EventSource must stop, not retry.
    assert client.get("/events/stream", follow_redirects=False).status_code == 401
    act_as(client, make_actor(None, username="nobody"))
    assert client.get("/events/stream").status_code == 403


def test_pages_send_a_visitor_to_sign_in(client: TestClient) -> None:
    for path in ("/inbox", "/my-work", "/admin/webhooks"):
        answer = client.get(path, follow_redirects=False)
        assert answer.status_code == 303
        assert answer.headers["location"].startswith("/login?next=")


# --- my work --------------------------------------------------------------------------------


@pytest.fixture
def with_deadlines(monkeypatch: pytest.MonkeyPatch, frozen_clock: FrozenClock) -> None:
    now = frozen_clock.now()

    def provider(session: Session, actor: Actor) -> list[work.WorkItem]:
        return [
            work.WorkItem(
                "assistance_request",
                "Locate request",
                "JS-2026-000003",
                "/a/3",
                now + timedelta(days=3),
                "received",
                "320000",
            ),
            work.WorkItem(
                "hit_followup",
                "Confirm hit",
                "SH-2026-000004",
                "/h/4",
                now - timedelta(minutes=5),
                "requested",
                "310000",
            ),
            work.WorkItem(
                "assistance_request",
                "Records check",
                "SH-2026-000005",
                "/a/5",
                now + timedelta(hours=2),
                "accepted",
                "310000",
            ),
        ]

    monkeypatch.setattr(work, "PROVIDERS", [*work.PROVIDERS, provider])


def test_my_work_merges_providers_by_deadline(
    client: TestClient, session: Session, officer: Actor, with_deadlines: None
) -> None:
    assert officer.user_id is not None
    deliver(session, officer.user_id, "Unread SH-2026-000009")
    act_as(client, officer)
    items = client.get("/api/v1/my-work").json()
    assert [(i["reference"], i["urgency"]) for i in items] == [
        ("SH-2026-000004", "overdue"),
        ("SH-2026-000005", "due_soon"),
        ("JS-2026-000003", "ok"),
        ("SH-2026-000001", "ok"),
    ]
    assert items[-1]["kind"] == "notification"
    assert items[-1]["deadline"] is None
    page = client.get("/my-work", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    assert 'data-urgency="overdue"' in page.text
    assert "Overdue" in page.text
    assert "Due soon" in page.text
    assert page.text.index("SH-2026-000004") < page.text.index("JS-2026-000003")


def test_my_work_is_empty_for_a_new_user(client: TestClient, officer: Actor) -> None:
    act_as(client, officer)
    assert client.get("/api/v1/my-work").json() == []
    assert (
        "Nothing is waiting for you."
        in client.get("/my-work", headers={"Accept-Language": "en"}).text
    )


# --- webhooks -------------------------------------------------------------------------------


def test_webhook_api_create_list_get_remove(
    client: TestClient, session: Session, named: dict[str, Agency]
) -> None:
    admin = make_actor(named["SH"], Role.AGENCY_ADMIN, username="admin")
    act_as(client, admin)
    created = client.post(
        "/api/v1/webhooks",
        json={"agency": "310000", "url": "https://hooks.example/sh", "events": ["hit.*"]},
    )
    assert created.status_code == 201
    body = created.json()
    assert body["agency"] == "310000"
    assert len(body["secret"]) == 64
    listed = client.get("/api/v1/webhooks").json()
    assert [h["id"] for h in listed] == [body["id"]]
    assert "secret" not in listed[0]
    assert client.get(f"/api/v1/webhooks/{body['id']}").json()["events"] == ["hit.*"]
    assert client.delete(f"/api/v1/webhooks/{body['id']}").status_code == 204
    assert client.get(f"/api/v1/webhooks/{body['id']}").status_code == 404


def test_webhook_api_refusals_change_nothing(
    client: TestClient, session: Session, named: dict[str, Agency]
) -> None:
    admin = make_actor(named["SH"], Role.AGENCY_ADMIN, username="admin")
    officer = make_actor(named["SH"], Role.OFFICER)
    act_as(client, admin)
    other = client.post("/api/v1/webhooks", json={"agency": "320000", "url": "https://x.example"})
    assert other.status_code == 403
    bad = client.post("/api/v1/webhooks", json={"agency": "310000", "url": "gopher://x"})
    assert (bad.status_code, bad.json()["errors"][0]["field"]) == (422, "url")
    unknown = client.post("/api/v1/webhooks", json={"agency": "999999", "url": "https://x.example"})
    assert unknown.status_code == 404
    act_as(client, officer)
    assert client.get("/api/v1/webhooks").status_code == 403
    assert session.scalar(select(func.count()).select_from(Webhook)) == 0


def test_admin_webhooks_page_shows_the_secret_once(
    client: TestClient, session: Session, named: dict[str, Agency]
) -> None:
    admin = make_actor(named["SH"], Role.AGENCY_ADMIN, username="admin")
    act_as(client, admin)
    page = client.get("/admin/webhooks", headers={"Accept-Language": "en"})
    assert "No webhooks yet." in page.text
    assert 'value="310000"' in page.text
    created = client.post(
        "/admin/webhooks",
        data={
            "agency": "310000",
            "url": "https://hooks.example/sh",
            "events": "hit.*, assistance.*",
        },
    )
    assert created.status_code == 200
    hook_id, secret, events = session.execute(
        select(Webhook.id, Webhook.secret, Webhook.events)
    ).one()
    assert events == ["assistance.*", "hit.*"]
    assert secret in created.text
    again = client.get("/admin/webhooks")
    assert secret not in again.text
    assert "https://hooks.example/sh" in again.text
    removed = client.post(f"/admin/webhooks/{hook_id}/remove", follow_redirects=False)
    assert removed.status_code == 303
    assert session.scalar(select(func.count()).select_from(Webhook)) == 0


def test_a_retried_webhook_creation_with_its_idempotency_key_creates_once(
    client: TestClient, session: Session, named: dict[str, Agency]
) -> None:
    act_as(client, make_actor(named["SH"], Role.AGENCY_ADMIN, username="admin"))
    body = {"agency": "310000", "url": "https://hooks.example/sh"}
    key = {"Idempotency-Key": "create-hook-1"}
    first = client.post("/api/v1/webhooks", json=body, headers=key)
    again = client.post("/api/v1/webhooks", json=body, headers=key)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again.headers["Idempotency-Replayed"] == "true"
    other = client.post("/api/v1/webhooks", json={**body, "url": "https://x.example"}, headers=key)
    assert other.status_code == 422
    assert session.scalar(select(func.count()).select_from(Webhook)) == 1
