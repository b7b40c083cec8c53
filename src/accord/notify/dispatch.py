"""The worker's notify jobs: dispatch the outbox into deliveries, deliver them, prune the feed.

Dispatch claims undispatched outbox rows (one UPDATE ... RETURNING, with SKIP LOCKED on
PostgreSQL so several workers share the queue) and writes one delivery per (message, channel,
recipient) in the same transaction; the unique key on deliveries makes a repeat harmless.

Inbox and live deliveries are rows in this database, written in the transaction that marks them
delivered: exactly once. E-mail and webhooks leave the database: a delivery is leased (claimed
with `next_attempt_at` moved past the lease), sent outside any transaction, and its outcome
recorded with a compare-and-set on `attempts`. A crash after sending and before recording means
one more send when the lease runs out: at-least-once, which the receiver makes idempotent with
the delivery id. Failures back off exponentially with jitter until the attempts run out.
"""

from __future__ import annotations

import logging
import random
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from accord.core import clock
from accord.core.db import Base
from accord.core.ids import uuid7
from accord.notify import mail, recipients, webhooks
from accord.notify.config import NotifySettings
from accord.notify.models import (
    Delivery,
    DeliveryStatus,
    InboxItem,
    LiveEvent,
    OutboxMessage,
    Webhook,
)
from accord.security.actor import Role

log = logging.getLogger(__name__)

BATCH = 100
BACKOFF_SECONDS = (5, 30, 120, 600, 3600)  # after the 1st, 2nd, ... failure; the last repeats
JITTER = 0.25  # up to +25 %, so receivers that fail together are not retried together
MAX_ATTEMPTS = 8
LEASE = timedelta(minutes=5)  # longer than any SMTP or HTTP timeout
LIVE_RETENTION = timedelta(days=1)

LOCAL_CHANNELS = ("inbox", "live")
REMOTE_CHANNELS = ("email", "webhook")


def backoff(attempts: int, *, rand: Callable[[], float] = random.random) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt."""
    base = BACKOFF_SECONDS[min(max(attempts, 1), len(BACKOFF_SECONDS)) - 1]
    return timedelta(seconds=base * (1 + JITTER * rand()))


def _insert_ignoring_duplicates(
    session: Session, model: type[Base], rows: Sequence[dict[str, Any]]
) -> None:
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(insert(model).values(list(rows)).on_conflict_do_nothing())


# --- dispatch -------------------------------------------------------------------------------


def dispatch_pending(factory: sessionmaker[Session], *, batch: int = BATCH) -> int:
    """Turn up to `batch` undispatched outbox messages into deliveries; returns how many."""
    session = factory()
    try:
        now = clock.now()
        oldest = (
            select(OutboxMessage.id)
            .where(OutboxMessage.dispatched_at.is_(None))
            .order_by(OutboxMessage.created_at, OutboxMessage.id)
            .limit(batch)
            .with_for_update(skip_locked=True)
        )
        ids = list(
            session.scalars(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(oldest.scalar_subquery()))
                .values(dispatched_at=now)
                .returning(OutboxMessage.id)
                .execution_options(synchronize_session=False)
            )
        )
        if not ids:
            return 0
        messages = session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.id.in_(ids))
            .order_by(OutboxMessage.created_at, OutboxMessage.id)
        )
        done = 0
        for message in messages:
            try:
                with session.begin_nested():
                    dispatch_message(session, message, now=now)
                done += 1
            except recipients.RecipientsUnavailable:
                raise  # a set-up problem, not this message's: leave the whole batch queued
            except Exception:
                # Keep the rest of the batch going; this message is tried again next pass.
                log.exception("dispatching outbox message %s failed", message.id)
                message.dispatched_at = None
        session.commit()
        return done
    finally:
        session.rollback()
        session.close()


def dispatch_message(session: Session, message: OutboxMessage, *, now: datetime) -> int:
    """Write the deliveries of one message; returns how many rows it asked for."""
    spec = message.recipients or {}
    agency_ids = [uuid.UUID(a) for a in spec.get("agencies", [])]
    people: list[recipients.Recipient] = []
    if agency_ids or spec.get("users"):
        people = recipients.resolve(
            session,
            user_ids=[uuid.UUID(u) for u in spec.get("users", [])],
            agency_ids=agency_ids,
            roles=[Role(r) for r in spec.get("roles", [])],
        )
    rows: list[dict[str, Any]] = []

    def row(channel: str, key: str, **extra: Any) -> dict[str, Any]:
        values: dict[str, Any] = {
            "id": uuid7(),
            "message_id": message.id,
            "channel": channel,
            "recipient_key": key,
            "user_id": None,
            "webhook_id": None,
            "address": None,
            "locale": "zh",
            "status": DeliveryStatus.PENDING.value,
            "attempts": 0,
            "next_attempt_at": now,
            "last_error": None,
            "created_at": now,
            "delivered_at": None,
        }
        values.update(extra)
        return values

    for channel in message.channels:
        if channel in ("inbox", "live", "email"):
            for person in people:
                rows.append(
                    row(
                        channel,
                        str(person.user_id),
                        user_id=person.user_id,
                        address=(person.email or None) if channel == "email" else None,
                        locale=person.locale or "zh",
                    )
                )
        elif channel == "webhook":
            agencies = set(agency_ids) | {p.agency_id for p in people if p.agency_id}
            for hook in webhooks.subscriptions_for(session, agencies, message.event):
                rows.append(row(channel, str(hook.id), webhook_id=hook.id))
    _insert_ignoring_duplicates(session, Delivery, rows)
    return len(rows)


# --- delivery -------------------------------------------------------------------------------


def _claim(
    session: Session, channels: Iterable[str], now: datetime, batch: int, **values: Any
) -> list[Any]:
    due = (
        select(Delivery.id)
        .where(
            Delivery.status == DeliveryStatus.PENDING.value,
            Delivery.channel.in_(list(channels)),
            Delivery.next_attempt_at <= now,
        )
        .order_by(Delivery.next_attempt_at, Delivery.id)
        .limit(batch)
        .with_for_update(skip_locked=True)
    )
    result = session.execute(
        update(Delivery)
        .where(Delivery.id.in_(due.scalar_subquery()))
        .values(attempts=Delivery.attempts + 1, **values)
        .returning(
            Delivery.id,
            Delivery.message_id,
            Delivery.channel,
            Delivery.user_id,
            Delivery.webhook_id,
            Delivery.address,
            Delivery.locale,
            Delivery.attempts,
        )
        .execution_options(synchronize_session=False)
    )
    return list(result.all())


def deliver_local(factory: sessionmaker[Session], *, batch: int = BATCH) -> int:
    """Write due inbox and live deliveries, each in the transaction that marks it delivered."""
    session = factory()
    try:
        now = clock.now()
        claimed = _claim(
            session,
            LOCAL_CHANNELS,
            now,
            batch,
            status=DeliveryStatus.DELIVERED.value,
            delivered_at=now,
        )
        if not claimed:
            return 0
        messages = {
            m.id: m
            for m in session.scalars(
                select(OutboxMessage).where(OutboxMessage.id.in_({c.message_id for c in claimed}))
            )
        }
        # Inbox rows first, so that a live event can name the inbox item it announces.
        claimed.sort(key=lambda c: (c.channel != "inbox", c.id))
        inbox_rows = [
            {
                "id": uuid7(),
                "user_id": c.user_id,
                "message_id": c.message_id,
                "event": messages[c.message_id].event,
                "title": messages[c.message_id].title,
                "reference": messages[c.message_id].reference,
                "link": messages[c.message_id].link,
                "created_at": now,
                "read_at": None,
            }
            for c in claimed
            if c.channel == "inbox"
        ]
        _insert_ignoring_duplicates(session, InboxItem, inbox_rows)
        for c in claimed:
            if c.channel != "live":
                continue
            message = messages[c.message_id]
            inbox_id = session.scalar(
                select(InboxItem.id).where(
                    InboxItem.user_id == c.user_id, InboxItem.message_id == message.id
                )
            )
            session.add(
                LiveEvent(
                    user_id=c.user_id,
                    created_at=now,
                    payload={
                        "id": str(message.id),
                        "inbox_id": str(inbox_id) if inbox_id else None,
                        "event": message.event,
                        "title": message.title,
                        "reference": message.reference,
                        "link": message.link,
                        "created_at": message.created_at.isoformat(),
                    },
                )
            )
        session.commit()
        return len(claimed)
    finally:
        session.rollback()
        session.close()


@dataclass(frozen=True)
class _Job:
    """A leased remote delivery with everything needed to send it, detached from the session."""

    id: uuid.UUID
    channel: str
    attempts: int
    address: str | None
    locale: str
    event: str
    title: str
    reference: str | None
    link: str | None
    created_at: datetime
    webhook_url: str | None
    webhook_secret: str | None
    webhook_active: bool
    handling_code: str | None = None
    handling_text: str | None = None


@dataclass(frozen=True)
class _Outcome:
    status: DeliveryStatus | None  # None: a failure to retry
    error: str | None = None


def _lease(factory: sessionmaker[Session], batch: int) -> list[_Job]:
    session = factory()
    try:
        now = clock.now()
        claimed = _claim(session, REMOTE_CHANNELS, now, batch, next_attempt_at=now + LEASE)
        if not claimed:
            return []
        messages = {
            m.id: m
            for m in session.scalars(
                select(OutboxMessage).where(OutboxMessage.id.in_({c.message_id for c in claimed}))
            )
        }
        hook_ids = {c.webhook_id for c in claimed if c.webhook_id}
        hooks = {
            h.id: h
            for h in (
                session.scalars(select(Webhook).where(Webhook.id.in_(hook_ids))) if hook_ids else []
            )
        }
        jobs = []
        for c in claimed:
            message = messages[c.message_id]
            hook = hooks.get(c.webhook_id) if c.webhook_id else None
            jobs.append(
                _Job(
                    id=c.id,
                    channel=c.channel,
                    attempts=c.attempts,
                    address=c.address,
                    locale=c.locale,
                    event=message.event,
                    title=message.title,
                    reference=message.reference,
                    link=message.link,
                    created_at=message.created_at,
                    webhook_url=hook.url if hook else None,
                    webhook_secret=hook.secret if hook else None,
                    webhook_active=bool(hook and hook.active),
                    handling_code=message.handling_code,
                    handling_text=message.handling_text,
                )
            )
        session.commit()
        return jobs
    finally:
        session.rollback()
        session.close()


def _send(job: _Job, settings: NotifySettings) -> _Outcome:
    if job.channel == "email":
        if not settings.smtp_host:
            return _Outcome(DeliveryStatus.SKIPPED, "e-mail is not configured (ACCORD_SMTP_HOST)")
        if not job.address:
            return _Outcome(DeliveryStatus.SKIPPED, "the recipient has no e-mail address")
        message = mail.compose(
            settings,
            to=job.address,
            title=job.title,
            reference=job.reference,
            link=job.link,
            locale=job.locale,
            message_key=str(job.id),
            handling_code=job.handling_code,
            handling_text=job.handling_text,
        )
        try:
            mail.send(settings, message)
        except mail.PermanentMailError as exc:
            return _Outcome(DeliveryStatus.FAILED, str(exc))
        except mail.MailError as exc:
            return _Outcome(None, str(exc))
        return _Outcome(DeliveryStatus.DELIVERED)
    if not job.webhook_url or not job.webhook_secret or not job.webhook_active:
        return _Outcome(DeliveryStatus.SKIPPED, "the subscription is inactive")
    payload = {
        "id": str(job.id),
        "event": job.event,
        "reference": job.reference,
        "link": settings.absolute(job.link),
        "title": job.title,
        "created_at": job.created_at.isoformat(),
        "handling_code": job.handling_code,
        "handling_text": job.handling_text,
    }
    try:
        webhooks.post(
            job.webhook_url,
            secret=job.webhook_secret,
            delivery_id=job.id,
            payload=payload,
            timeout=settings.webhook_timeout,
        )
    except webhooks.WebhookDeliveryError as exc:
        return _Outcome(None, str(exc))
    return _Outcome(DeliveryStatus.DELIVERED)


def _record(factory: sessionmaker[Session], job: _Job, outcome: _Outcome) -> None:
    session = factory()
    try:
        now = clock.now()
        values: dict[str, Any] = {"last_error": outcome.error}
        if outcome.status is DeliveryStatus.DELIVERED:
            values.update(status=outcome.status.value, delivered_at=now)
        elif outcome.status is not None:
            values.update(status=outcome.status.value)
            if outcome.status is DeliveryStatus.FAILED:
                log.error(
                    "delivery %s (%s) failed for good: %s", job.id, job.channel, outcome.error
                )
        elif job.attempts >= MAX_ATTEMPTS:
            values.update(status=DeliveryStatus.DEAD.value)
            log.error(
                "delivery %s (%s) is dead after %d attempts", job.id, job.channel, MAX_ATTEMPTS
            )
        else:
            values.update(next_attempt_at=now + backoff(job.attempts))
            log.warning(
                "delivery %s (%s) attempt %d failed: %s",
                job.id,
                job.channel,
                job.attempts,
                outcome.error,
            )
        # Compare-and-set: if our lease ran out and another worker took the delivery over,
        # its outcome stands.
        session.execute(
            update(Delivery)
            .where(
                Delivery.id == job.id,
                Delivery.status == DeliveryStatus.PENDING.value,
                Delivery.attempts == job.attempts,
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        session.commit()
    finally:
        session.rollback()
        session.close()


def deliver_remote(
    factory: sessionmaker[Session],
    *,
    batch: int = BATCH,
    settings: NotifySettings | None = None,
) -> int:
    """Send due e-mail and webhook deliveries; returns how many were attempted."""
    settings = settings or NotifySettings()
    jobs = _lease(factory, batch)
    for job in jobs:
        _record(factory, job, _send(job, settings))
    return len(jobs)


def deliver_due(factory: sessionmaker[Session], *, settings: NotifySettings | None = None) -> int:
    """Every due delivery, local ones first since they are instant."""
    return deliver_local(factory) + deliver_remote(factory, settings=settings)


def prune_live(factory: sessionmaker[Session]) -> int:
    """Forget live-feed rows older than a day: a page that was closed that long reloads anyway."""
    session = factory()
    try:
        cutoff = clock.now() - LIVE_RETENTION
        result = session.execute(delete(LiveEvent).where(LiveEvent.created_at < cutoff))
        session.commit()
        return int(result.rowcount)  # type: ignore[attr-defined]  # CursorResult of a DELETE
    finally:
        session.rollback()
        session.close()


def run_all_once(factory: sessionmaker[Session], *, settings: NotifySettings | None = None) -> int:
    """Dispatch and deliver everything due now (tests and `accord worker --once`)."""
    return dispatch_pending(factory) + deliver_due(factory, settings=settings)
