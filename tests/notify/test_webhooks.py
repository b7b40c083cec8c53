"""Signed webhooks: the receiver's checks, subscriptions, and delivery to a real HTTP receiver
that fails twice, is retried with backoff, and processes the delivery once."""

from __future__ import annotations

import json
import urllib.request
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from accord.agencies.models import Agency
from accord.audit.models import AuditEvent
from accord.core.clock import FrozenClock
from accord.notify import dispatch, service, webhooks
from accord.notify.config import NotifySettings
from accord.notify.models import Delivery, Webhook
from accord.security.actor import Actor, Role
from accord.security.policy import PermissionDenied
from tests.factories import make_actor, make_named
from tests.notify.helpers import Person, WebhookReceiver, install_people

SECRET = "s3cret"
SETTINGS = NotifySettings(smtp_host="", public_url="https://accord.example.test")


def signed(
    payload: dict[str, object], *, at: int, secret: str = SECRET
) -> tuple[dict[str, str], bytes]:
    body = webhooks.encode_body(payload)
    headers = {
        "accord-webhook-id": str(payload["id"]),
        "Accord-Webhook-Timestamp": str(at),
        "Accord-Webhook-Signature": webhooks.sign(secret, at, body),
    }
    return headers, body


# --- the receiver's side --------------------------------------------------------------------


def test_a_valid_delivery_verifies_once_then_is_a_duplicate(frozen_clock: FrozenClock) -> None:
    now = frozen_clock.now()
    headers, body = signed({"id": "d1", "event": "x"}, at=int(now.timestamp()) - 10)
    seen: set[str] = set()
    assert webhooks.verify_webhook(SECRET, headers, body, now=now, seen_ids=seen)["event"] == "x"
    with pytest.raises(webhooks.DuplicateWebhook) as caught:
        webhooks.verify_webhook(SECRET, headers, body, now=now, seen_ids=seen)
    assert caught.value.status == 409
    assert seen == {"d1"}


def test_a_tampered_body_or_wrong_secret_is_refused(frozen_clock: FrozenClock) -> None:
    now = frozen_clock.now()
    headers, body = signed({"id": "d1", "event": "x"}, at=int(now.timestamp()))
    seen: set[str] = set()
    with pytest.raises(webhooks.InvalidSignature) as caught:
        webhooks.verify_webhook(SECRET, headers, body.replace(b"x", b"y"), now=now, seen_ids=seen)
    assert caught.value.status == 401
    with pytest.raises(webhooks.InvalidSignature):
        webhooks.verify_webhook("other", headers, body, now=now, seen_ids=seen)
    assert seen == set()  # nothing refused is remembered


def test_missing_headers_and_stale_timestamps_are_refused(frozen_clock: FrozenClock) -> None:
    now = frozen_clock.now()
    headers, body = signed({"id": "d1"}, at=int(now.timestamp()) - 301)
    with pytest.raises(webhooks.ReplayedWebhook) as caught:
        webhooks.verify_webhook(SECRET, headers, body, now=now)
    assert caught.value.status == 422
    assert caught.value.problem()["errors"][0]["field"] == "Accord-Webhook-Timestamp"
    del headers["Accord-Webhook-Signature"]
    with pytest.raises(webhooks.InvalidSignature) as missing:
        webhooks.verify_webhook(SECRET, headers, body, now=now)
    assert missing.value.field == "Accord-Webhook-Signature"


def test_a_rotated_secret_may_send_two_signatures(frozen_clock: FrozenClock) -> None:
    now = frozen_clock.now()
    at = int(now.timestamp())
    headers, body = signed({"id": "d2"}, at=at)
    headers["Accord-Webhook-Signature"] = (
        webhooks.sign("old", at, body) + " " + webhooks.sign(SECRET, at, body)
    )
    assert webhooks.verify_webhook(SECRET, headers, body, now=now)["id"] == "d2"


# --- subscriptions --------------------------------------------------------------------------


def test_an_agency_admin_manages_their_own_agencys_webhooks_only(session: Session) -> None:
    named = make_named(session, "SH", "JS")
    admin = make_actor(named["SH"], Role.AGENCY_ADMIN, username="admin-sh")
    hook, secret = webhooks.create_webhook(
        session,
        admin,
        agency_id=named["SH"].id,
        url="https://hooks.sh.example/in",
        events=["hit.*"],
    )
    session.commit()
    assert len(secret) == 64
    assert hook.secret == secret
    assert [h.id for h in webhooks.list_webhooks(session, admin)] == [hook.id]
    with pytest.raises(PermissionDenied):
        webhooks.create_webhook(session, admin, agency_id=named["JS"].id, url="https://x.example")
    officer = make_actor(named["SH"], Role.OFFICER)
    with pytest.raises(PermissionDenied):
        webhooks.list_webhooks(session, officer)
    webhooks.remove_webhook(session, admin, hook.id)
    session.commit()
    assert session.scalar(select(func.count()).select_from(Webhook)) == 0
    actions = list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions == ["webhook.create", "webhook.remove"]


@pytest.mark.parametrize(
    ("url", "events", "field"),
    [
        ("ftp://example.org/x", [], "url"),
        ("https://user:pw@example.org/x", [], "url"),
        ("not a url", [], "url"),
        ("https://example.org/x", ["Bad Event!"], "events"),
    ],
)
def test_a_bad_subscription_is_refused_and_nothing_is_written(
    session: Session, url: str, events: list[str], field: str
) -> None:
    named = make_named(session, "SH")
    admin = make_actor(named["SH"], Role.AGENCY_ADMIN)
    with pytest.raises(webhooks.InvalidWebhook) as caught:
        webhooks.create_webhook(session, admin, agency_id=named["SH"].id, url=url, events=events)
    assert caught.value.field == field
    assert session.scalar(select(func.count()).select_from(Webhook)) == 0
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_event_filters() -> None:
    assert webhooks.event_matches([], "anything")
    assert webhooks.event_matches(["hit.*"], "hit.reported")
    assert not webhooks.event_matches(["hit.*"], "hitman.x")
    assert webhooks.event_matches(["a.b", "*"], "c")
    assert not webhooks.event_matches(["a.b"], "a.bc")


# --- delivery -------------------------------------------------------------------------------


@pytest.fixture
def sh(db: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch) -> tuple[Agency, Actor]:
    with db() as session:
        agency = make_named(session, "SH")["SH"]
    liaison = make_actor(agency, Role.LIAISON, username="wang")
    install_people(monkeypatch, [Person.of(liaison)])
    return agency, liaison


def subscribe(
    db: sessionmaker[Session], agency: Agency, url: str, events: list[str] | None = None
) -> str:
    with db() as session:
        admin = make_actor(agency, Role.AGENCY_ADMIN)
        _, secret = webhooks.create_webhook(
            session, admin, agency_id=agency.id, url=url, events=events or []
        )
        session.commit()
    return secret


def test_a_failing_receiver_is_retried_with_backoff_and_processes_the_delivery_once(
    db: sessionmaker[Session],
    sh: tuple[Agency, Actor],
    receiver: WebhookReceiver,
    frozen_clock: FrozenClock,
) -> None:
    agency, _liaison = sh
    receiver.fail_first = 2
    receiver.secret = subscribe(db, agency, receiver.start())
    with db() as session:
        message = service.enqueue(
            session,
            event="assistance.requested",
            title="Assistance request SH-2026-000042",
            reference="SH-2026-000042",
            link="/assistance/SH-2026-000042",
            to_agencies=[agency.id],
            channels=["webhook"],
            data={"suspect": "Zhang San"},
        )
        assert message is not None
        session.commit()

    assert dispatch.dispatch_pending(db) == 1
    assert dispatch.deliver_remote(db, settings=SETTINGS) == 1  # 503
    with db() as session:
        delivery = session.scalars(select(Delivery)).one()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("pending", 1, "HTTP 503")
    wait = delivery.next_attempt_at - frozen_clock.now()
    assert timedelta(seconds=5) <= wait <= timedelta(seconds=6.25)

    # Not due yet: nothing is sent.
    assert dispatch.deliver_remote(db, settings=SETTINGS) == 0
    frozen_clock.advance(timedelta(seconds=7))
    assert dispatch.deliver_remote(db, settings=SETTINGS) == 1  # 503 again
    with db() as session:
        delivery = session.scalars(select(Delivery)).one()
    assert delivery.attempts == 2
    assert (
        timedelta(seconds=30)
        <= delivery.next_attempt_at - frozen_clock.now()
        <= timedelta(seconds=37.5)
    )
    frozen_clock.advance(timedelta(seconds=40))
    assert dispatch.deliver_remote(db, settings=SETTINGS) == 1
    with db() as session:
        delivery = session.scalars(select(Delivery)).one()
    assert (delivery.status, delivery.attempts, delivery.delivered_at) == (
        "delivered",
        3,
        frozen_clock.now(),
    )
    assert dispatch.deliver_remote(db, settings=SETTINGS) == 0

    assert [r.status for r in receiver.requests] == [503, 503, 200]
    assert len(receiver.processed) == 1
    payload = receiver.processed[0]
    assert payload == {
        "id": str(delivery.id),
        "event": "assistance.requested",
        "reference": "SH-2026-000042",
        "link": "https://accord.example.test/assistance/SH-2026-000042",
        "title": "Assistance request SH-2026-000042",
        "created_at": message.created_at.isoformat(),
        "handling_code": None,
        "handling_text": None,
    }
    last = receiver.requests[-1]
    assert b"Zhang San" not in last.body  # the message's data never leaves
    assert last.headers["Accord-Webhook-Id"] == str(delivery.id)
    assert last.headers["Accord-Webhook-Timestamp"] == str(int(frozen_clock.now().timestamp()))

    # The same request again (a retry after a lost answer, or a replay): not processed twice.
    accord_headers = {k: v for k, v in last.headers.items() if k.startswith("Accord-")}
    request = urllib.request.Request(  # noqa: S310  # our own http:// receiver
        receiver.url, data=last.body, method="POST", headers=accord_headers
    )
    with urllib.request.urlopen(request, timeout=5) as answer:  # noqa: S310  # same
        assert json.loads(answer.read()) == {"duplicate": True}
    # Replayed after the window: refused with a problem, nothing processed.
    frozen_clock.advance(timedelta(minutes=10))
    receiver.seen.clear()
    status, problem = receiver.handle(last.headers, last.body)
    assert (status, problem["code"]) == (422, "webhook_replayed")
    assert len(receiver.processed) == 1


def test_a_receiver_that_never_answers_ends_dead_after_the_last_attempt(
    db: sessionmaker[Session], sh: tuple[Agency, Actor], frozen_clock: FrozenClock
) -> None:
    agency, _ = sh
    subscribe(db, agency, "http://127.0.0.1:9/closed")  # the discard port: connection refused
    with db() as session:
        service.enqueue(
            session, event="x.y", title="t", to_agencies=[agency.id], channels=["webhook"]
        )
        session.commit()
    dispatch.dispatch_pending(db)
    for attempt in range(1, dispatch.MAX_ATTEMPTS + 1):
        assert dispatch.deliver_remote(db, settings=SETTINGS) == 1, attempt
        frozen_clock.advance(timedelta(hours=2))
    assert dispatch.deliver_remote(db, settings=SETTINGS) == 0
    with db() as session:
        delivery = session.scalars(select(Delivery)).one()
    assert (delivery.status, delivery.attempts) == ("dead", dispatch.MAX_ATTEMPTS)
    assert delivery.last_error


def test_only_matching_active_subscriptions_get_the_event(
    db: sessionmaker[Session], sh: tuple[Agency, Actor], frozen_clock: FrozenClock
) -> None:
    agency, liaison = sh
    subscribe(db, agency, "https://a.example/hits", ["hit.*"])
    subscribe(db, agency, "https://a.example/all")
    with db() as session:
        off = Webhook(
            id=uuid.uuid4(),
            agency_id=agency.id,
            url="https://a.example/off",
            secret="x",
            events=[],
            active=False,
            created_at=frozen_clock.now(),
        )
        session.add(off)
        # To a user of the agency: the agency's subscriptions hear of it too.
        service.enqueue(
            session,
            event="assistance.requested",
            title="t",
            to_users=[liaison.user_id],
            channels=["webhook"],
        )  # type: ignore[list-item]
        session.commit()
    dispatch.dispatch_pending(db)
    with db() as session:
        hooks = session.scalars(
            select(Webhook.url).join(Delivery, Delivery.webhook_id == Webhook.id)
        )
        assert list(hooks) == ["https://a.example/all"]
