"""Signed webhooks: agencies' subscriptions, the sender's signature, and the receiver's check.

A delivery is a JSON POST signed with HMAC-SHA256 over `"{timestamp}.{body}"` using the
subscription's secret (`Accord-Webhook-Signature: v1=<hex>`). The receiver refuses a request
whose signature does not match or whose timestamp is outside the replay window, and, given a
store of seen ids, reports a second arrival of the same delivery id as a duplicate, so
at-least-once delivery is processed once.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterable, Mapping, MutableSet
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.audit import service as audit
from accord.core import clock
from accord.core.errors import Conflict, DomainError, InvalidInput, NotFound
from accord.core.ids import uuid7
from accord.notify.models import Webhook
from accord.security import policy
from accord.security.actor import Actor

ID_HEADER = "Accord-Webhook-Id"
TIMESTAMP_HEADER = "Accord-Webhook-Timestamp"
SIGNATURE_HEADER = "Accord-Webhook-Signature"
DEFAULT_TOLERANCE = 300  # seconds either side of the receiver's clock

_EVENT_FILTER = re.compile(r"^(\*|[a-z0-9_]+(\.[a-z0-9_]+)*(\.\*)?)$")


class WebhookNotFound(NotFound):
    code = "webhook_not_found"
    title = "Webhook not found"


class InvalidWebhook(InvalidInput):
    code = "invalid_webhook"
    title = "Invalid webhook subscription"


class InvalidSignature(DomainError):
    status = 401
    code = "webhook_signature_invalid"
    title = "Webhook signature invalid"


class ReplayedWebhook(DomainError):
    status = 422
    code = "webhook_replayed"
    title = "Webhook replayed"


class DuplicateWebhook(ReplayedWebhook):
    """The same delivery id arrived before: already processed, answer success and do nothing."""

    status = Conflict.status
    code = "webhook_duplicate"
    title = "Webhook already received"


class WebhookDeliveryError(Exception):
    """The receiver did not accept the delivery (non-2xx answer, timeout, connection refused)."""


# --- subscriptions --------------------------------------------------------------------------


def _check_url(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidWebhook("the URL must be http:// or https:// with a host", field="url")
    if parts.username or parts.password:
        # Credentials in a URL end up in logs; the signature is the authentication.
        raise InvalidWebhook("the URL must not carry a user name or password", field="url")
    if len(url) > 500:
        raise InvalidWebhook("the URL is longer than 500 characters", field="url")
    return url


def _check_events(events: Iterable[str]) -> list[str]:
    cleaned = sorted({e.strip() for e in events if e.strip()})
    for event in cleaned:
        if not _EVENT_FILTER.match(event):
            raise InvalidWebhook(
                f"{event!r} is not an event name or a prefix like 'assistance.*'", field="events"
            )
    return cleaned


def create_webhook(
    session: Session,
    actor: Actor,
    *,
    agency_id: uuid.UUID,
    url: str,
    events: Iterable[str] = (),
) -> tuple[Webhook, str]:
    """Subscribe `url` to the agency's notifications; returns the row and its secret.

    The secret is for the caller to show once; it is needed again only to sign deliveries.
    `events` filters by event name or `prefix.*`; empty means every event.
    """
    policy.require_agency(session, actor, "webhooks.manage", agency_id)
    webhook = Webhook(
        id=uuid7(),
        agency_id=agency_id,
        url=_check_url(url),
        secret=secrets.token_hex(32),
        events=_check_events(events),
        active=True,
        created_by=actor.user_id,
        created_at=clock.now(),
    )
    session.add(webhook)
    session.flush()
    audit.record(
        session,
        actor,
        action="webhook.create",
        object_type="webhook",
        object_id=webhook.id,
        detail={"agency_id": str(agency_id), "url": webhook.url, "events": webhook.events},
    )
    return webhook, webhook.secret


def list_webhooks(
    session: Session, actor: Actor, *, agency_id: uuid.UUID | None = None
) -> list[Webhook]:
    """The subscriptions the actor manages (of one agency, if given), oldest first."""
    policy.require(actor, "webhooks.manage")
    scope = policy.agencies_in_scope(session, actor, "webhooks.manage")
    stmt = select(Webhook).order_by(Webhook.created_at, Webhook.id)
    if agency_id is not None:
        policy.require_agency(session, actor, "webhooks.manage", agency_id)
        stmt = stmt.where(Webhook.agency_id == agency_id)
    elif scope is not policy.ALL:
        stmt = stmt.where(Webhook.agency_id.in_(scope or set()))
    return list(session.scalars(stmt))


def get_webhook(session: Session, actor: Actor, webhook_id: uuid.UUID) -> Webhook:
    webhook = session.get(Webhook, webhook_id)
    if webhook is None:
        raise WebhookNotFound(f"no webhook {webhook_id}", field="id")
    policy.require_agency(session, actor, "webhooks.manage", webhook.agency_id)
    return webhook


def remove_webhook(session: Session, actor: Actor, webhook_id: uuid.UUID) -> None:
    """Delete the subscription; its pending deliveries go with it."""
    webhook = get_webhook(session, actor, webhook_id)
    audit.record(
        session,
        actor,
        action="webhook.remove",
        object_type="webhook",
        object_id=webhook.id,
        detail={"agency_id": str(webhook.agency_id), "url": webhook.url},
    )
    session.delete(webhook)
    session.flush()


def event_matches(filters: Iterable[str], event: str) -> bool:
    """Whether a subscription with these filters wants `event` (no filter: every event)."""
    filters = list(filters)
    if not filters:
        return True
    for f in filters:
        if f == "*" or f == event:
            return True
        if f.endswith(".*") and event.startswith(f[:-1]):
            return True
    return False


def subscriptions_for(
    session: Session, agency_ids: Iterable[uuid.UUID], event: str
) -> list[Webhook]:
    """The active subscriptions of these agencies that want `event`."""
    wanted = set(agency_ids)
    if not wanted:
        return []
    rows = session.scalars(
        select(Webhook)
        .where(Webhook.agency_id.in_(wanted), Webhook.active.is_(True))
        .order_by(Webhook.id)
    )
    return [w for w in rows if event_matches(w.events, event)]


# --- the sender -----------------------------------------------------------------------------


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header's value for `body` sent at `timestamp` (unix seconds)."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"v1={mac.hexdigest()}"


def encode_body(payload: Mapping[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A redirect would turn the signed POST into a GET elsewhere: treat it as a failure.
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def post(
    url: str,
    *,
    secret: str,
    delivery_id: uuid.UUID,
    payload: Mapping[str, Any],
    timeout: float,
    at: datetime | None = None,
) -> int:
    """POST one signed delivery; returns the 2xx status or raises WebhookDeliveryError."""
    body = encode_body(payload)
    timestamp = int((at or clock.now()).timestamp())
    request = urllib.request.Request(  # noqa: S310  # the URL was checked to be http(s) at creation
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "Accord-Webhook/1",
            ID_HEADER: str(delivery_id),
            TIMESTAMP_HEADER: str(timestamp),
            SIGNATURE_HEADER: sign(secret, timestamp, body),
        },
    )
    try:
        with _opener.open(request, timeout=timeout) as response:
            status = int(response.status)
    except urllib.error.HTTPError as exc:
        raise WebhookDeliveryError(f"HTTP {exc.code}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise WebhookDeliveryError(f"{type(exc).__name__}: {reason}"[:200]) from None
    if not 200 <= status < 300:
        raise WebhookDeliveryError(f"HTTP {status}")
    return status


# --- the receiver ---------------------------------------------------------------------------


def _header(headers: Mapping[str, str], name: str) -> str:
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return value
    raise InvalidSignature(f"the {name} header is missing", field=name)


def verify_webhook(
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    *,
    now: datetime,
    tolerance: int = DEFAULT_TOLERANCE,
    seen_ids: MutableSet[str] | None = None,
) -> dict[str, Any]:
    """Check a received delivery and return its payload.

    Raises InvalidSignature (missing headers, a signature that does not match), ReplayedWebhook
    (a timestamp more than `tolerance` seconds from `now`) and, when `seen_ids` is given,
    DuplicateWebhook for an id already in it (the id is added once the request is verified).
    """
    delivery_id = _header(headers, ID_HEADER)
    raw_timestamp = _header(headers, TIMESTAMP_HEADER)
    signatures = _header(headers, SIGNATURE_HEADER)
    try:
        timestamp = int(raw_timestamp)
    except ValueError:
        raise InvalidSignature(
            "the timestamp is not unix seconds", field=TIMESTAMP_HEADER
        ) from None
    expected = sign(secret, timestamp, body)
    # Several signatures may be sent while a secret is being rotated; one match is enough.
    if not any(hmac.compare_digest(expected, s.strip()) for s in signatures.split()):
        raise InvalidSignature("the signature does not match the body", field=SIGNATURE_HEADER)
    if abs(now.timestamp() - timestamp) > tolerance:
        raise ReplayedWebhook(
            f"the timestamp is more than {tolerance} s away from now", field=TIMESTAMP_HEADER
        )
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput("the body is not JSON", field="body") from None
    if not isinstance(payload, dict) or str(payload.get("id")) != delivery_id:
        raise InvalidSignature("the body's id does not match the header", field=ID_HEADER)
    if seen_ids is not None:
        if delivery_id in seen_ids:
            raise DuplicateWebhook(f"delivery {delivery_id} was received before", field=ID_HEADER)
        seen_ids.add(delivery_id)
    return payload
