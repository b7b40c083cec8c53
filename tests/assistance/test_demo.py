"""The demo's assistance requests: a few hundred across the four demo zones in every status,
histories that follow the status table and end before now, work in the demo users' inboxes,
deadlines that make sense today (some late and escalated), statistics with something to show,
and a second load that adds nothing.

The demo is loaded once for the module, into a database of its own, the way the tests' own
sessions work (the loader's session inside an outer transaction, through savepoints), and
that outer transaction is then committed so that every test reads the same data."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from accord import demo
from accord.assistance import demo as assistance_demo
from accord.assistance import demo_words, service, stats
from accord.assistance.models import (
    AssistanceMessage,
    AssistanceRequest,
    MessageRead,
    RequestEvent,
)
from accord.assistance.transitions import REQUEST_TABLE, ZONE_TABLE, RequestStatus
from accord.audit.models import AuditEvent
from accord.core.clock import FrozenClock, use_clock
from accord.core.db import make_engine
from accord.deadlines.models import SlaClock
from accord.security import service as security_service
from accord.security.actor import Actor
from accord.zones.models import Zone
from tests.conftest import FROZEN_AT, DatabaseFactory

NOW = FROZEN_AT


@pytest.fixture(scope="module")
def demo_engine(databases: DatabaseFactory) -> Iterator[Engine]:
    engine = make_engine(databases.create("assistdemo"))
    with use_clock(FrozenClock(NOW)), engine.connect() as connection:
        outer = connection.begin()
        session = Session(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
        # The directory, zones, agreements, users and calendar.
        demo.load(session, assistance=False, records=False)
        session.commit()
        made = assistance_demo.load_demo(session, Actor.system("demo-loader"))
        session.commit()
        session.close()
        outer.commit()
    assert made > 0
    yield engine
    engine.dispose()


@pytest.fixture
def db(demo_engine: Engine) -> Iterator[Session]:
    with use_clock(FrozenClock(NOW)), Session(bind=demo_engine) as session:
        yield session
        session.rollback()


def _requests(db: Session) -> list[AssistanceRequest]:
    return list(db.scalars(select(AssistanceRequest)))


def test_a_few_hundred_requests_across_the_zones_in_every_status(db: Session) -> None:
    requests = _requests(db)
    assert 300 <= len(requests) <= 500
    assert {r.status for r in requests} == set(RequestStatus)
    zones = {z.id: z.code for z in db.scalars(select(Zone))}
    per_zone = Counter(zones.get(r.zone_id) for r in requests if r.zone_id)
    for code in ("YRD", "JJJ", "NW", "ASEAN3"):
        assert per_zone[code] >= 30, per_zone
    # Inside one province too (no zone in between).
    assert sum(r.zone_id is None for r in requests) >= 5
    completed = [r for r in requests if r.status is RequestStatus.COMPLETED]
    assert {r.outcome_code for r in completed} == {"achieved", "partly", "not_achieved"}
    assert all(r.outcome for r in completed)
    assert {r.request_type for r in requests} == set(demo_words.TEXTS)
    assert {r.urgency for r in requests} == {"urgent", "high", "routine"}
    assert {r.handling_code for r in requests} == {"H0", "H1", "H2", "H3"}
    rejected = [r for r in requests if r.status is RequestStatus.REJECTED]
    assert all(r.status_reason for r in rejected)
    # Requests to a whole zone: fanned out, and claimed by the first member.
    parents = [r for r in requests if r.is_zone_parent]
    assert {p.zone_mode for p in parents} == {"fan_out", "claim"}
    assert any(p.claimed_by_agency_id for p in parents)
    assert any(p.status is RequestStatus.COMPLETED for p in parents)
    children = Counter(r.parent_id for r in requests if r.parent_id)
    assert all(children[p.id] >= 3 for p in parents)
    # Forwards, permission asked and answered both ways, reassignments, talk on the threads.
    assert sum(r.forwarded_from_id is not None for r in requests) >= 4
    kinds = Counter(db.scalars(select(AssistanceMessage.kind)))
    assert kinds["permission_granted"] >= 1
    assert kinds["permission_refused"] >= 1
    assert kinds["note"] >= 100
    assert (db.scalar(select(func.count()).select_from(MessageRead)) or 0) >= 100
    reassigned = select(func.count()).select_from(RequestEvent)
    assert (db.scalar(reassigned.where(RequestEvent.action == "reassign")) or 0) >= 5
    assert sum(r.handling_agency_id != r.addressee_agency_id for r in requests) >= 5
    # A year of them, more lately.
    months = Counter(r.requested_at.strftime("%Y-%m") for r in requests if r.requested_at)
    assert len(months) >= 12
    assert all(r.requested_at >= NOW - timedelta(days=400) for r in requests if r.requested_at)


def test_every_history_follows_the_status_table_and_ends_before_now(db: Session) -> None:
    events: dict[object, list[RequestEvent]] = {}
    for e in db.scalars(select(RequestEvent).order_by(RequestEvent.at, RequestEvent.id)):
        events.setdefault(e.request_id, []).append(e)
    for r in _requests(db):
        table = ZONE_TABLE if r.is_zone_parent else REQUEST_TABLE
        status = RequestStatus.DRAFT
        for e in events.get(r.id, []):
            assert r.created_at <= e.at < NOW, r.reference
            if e.from_status != e.to_status:
                assert e.from_status == status.value, (r.reference, e.action)
                status = table.next_status(status, e.action)
                assert status.value == e.to_status
        assert status is r.status, r.reference
        assert r.updated_at < NOW
    assert not db.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.occurred_at > NOW)
    )


def test_the_demo_users_have_work_in_their_inbox(db: Session) -> None:
    open_statuses = ("requested", "received", "accepted", "in_progress", "on_hold")
    for username in (
        "sh.investigator", "sh.liaison", "sh.officer", "js.liaison", "zj.liaison",
        "zj.commander", "hz.officer", "ah.liaison", "han.liaison",
    ):  # fmt: skip
        actor = security_service.actor_for(security_service.get_user(db, username), via="test")
        inbox = service.list_requests(db, actor, box="inbox", limit=500).items
        assert len(inbox) >= 5, username
        waiting = service.list_requests(db, actor, box="inbox", statuses=open_statuses).items
        assert waiting, username
    investigator = security_service.actor_for(
        security_service.get_user(db, "sh.investigator"), via="test"
    )
    assert len(service.list_requests(db, investigator, box="sent", limit=500).items) >= 5
    drafts = service.list_requests(db, investigator, box="sent", statuses=["draft"]).items
    assert drafts


def test_deadlines_make_sense_today(db: Session) -> None:
    clocks = list(db.scalars(select(SlaClock).where(SlaClock.object_type == "assistance_request")))
    running = [c for c in clocks if c.status.value == "running"]
    assert sum(c.due_at > NOW for c in running) >= 20
    late = [c for c in running if c.due_at <= NOW - timedelta(hours=2)]
    assert late
    assert all(c.escalated_at is not None for c in late)
    assert all(c.escalated_at is None for c in running if c.due_at > NOW)
    assert any(c.status.value == "paused" for c in clocks)
    closed_late = [
        c
        for c in clocks
        if c.status.value == "stopped" and c.stopped_at and c.stopped_at > c.due_at
    ]
    assert closed_late
    # Escalated when they fell due (unless done within the sweep's minutes), reminded before.
    for c in closed_late:
        if c.stopped_at and c.stopped_at > c.due_at + timedelta(minutes=5):
            assert c.escalated_at is not None
            assert c.due_at < c.escalated_at <= c.stopped_at
    assert sum(c.reminded_at is not None for c in clocks) >= 20


def test_the_statistics_have_something_to_show(db: Session) -> None:
    for code in ("YRD", "JJJ", "NW", "ASEAN3"):
        figures = stats.zone_stats(
            db,
            Actor.system(),
            zone_code=code,
            since=(NOW - timedelta(days=364)).date(),
            until=date(NOW.year, NOW.month, NOW.day),
        )
        totals = figures.totals
        assert totals.sent >= 20, code
        assert totals.completed >= 10, code
        assert totals.median_hours_to_accept is not None
        assert sum(1 for m in totals.monthly if m.sent) >= 8, code


def test_a_second_load_adds_nothing(db: Session) -> None:
    before = db.scalar(select(func.count()).select_from(AssistanceRequest))
    assert assistance_demo.load_demo(db, Actor.system("demo-loader")) == 0
    assert db.scalar(select(func.count()).select_from(AssistanceRequest)) == before
    assert assistance_demo.make_plan(NOW)[0].fields == assistance_demo.make_plan(NOW)[0].fields
