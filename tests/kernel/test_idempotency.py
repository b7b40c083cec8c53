"""Idempotency-Key: a retried creating POST never creates twice, even while the first runs.

The creating route lives in a tiny app made here: it writes one audit event per creation
(so no table of its own is needed) and commits, the way every creating route does.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient
from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.audit import service as audit
from accord.core import idempotency
from accord.core.clock import FrozenClock, use_clock
from accord.core.db import make_engine, make_sessionmaker
from accord.core.errors import InvalidInput
from accord.core.idempotency import IdempotencyKey, idempotent, purge_expired
from accord.core.ids import uuid7
from accord.security.actor import Actor, Role
from accord.web import problems
from accord.web.deps import DbSession
from tests.conftest import FROZEN_AT
from tests.deadlines.helpers import count_events
from tests.factories import make_actor

PROBLEM = "application/problem+json"
ALICE = make_actor(None, Role.OFFICER, username="alice")
BOB = make_actor(None, Role.OFFICER, username="bob")


class ThingIn(BaseModel):
    name: str
    size: int = 1


@dataclass
class Control:
    """What the test makes the route do: fail, or wait at a gate before creating."""

    fail: bool = False
    gate: threading.Event | None = None
    entered: threading.Event = field(default_factory=threading.Event)
    actor: Actor = ALICE


def make_app(sessionmaker: Any, control: Control) -> FastAPI:
    app = FastAPI()
    app.state.sessionmaker = sessionmaker
    problems.install(app)

    def create(request: Request, session: Session, body: ThingIn, required: bool) -> Response:
        with idempotent(request, session, control.actor, body, required=required) as guard:
            if guard.replay is not None:
                return guard.replay
            control.entered.set()
            if control.gate is not None:
                control.gate.wait(10)
            event = audit.record(
                session,
                control.actor,
                action="thing.created",
                object_type="thing",
                object_id=uuid7(),
                detail={"name": body.name},
            )
            if control.fail:
                raise InvalidInput("the route was told to fail", field="name")
            response = JSONResponse(
                {"id": event.object_id, "name": body.name},
                status_code=201,
                headers={"Location": f"/api/v1/things/{event.object_id}"},
            )
            guard.complete(response)
            session.commit()
            return response

    @app.post("/api/v1/things", status_code=201)
    def create_thing(request: Request, session: DbSession, body: ThingIn) -> Response:
        return create(request, session, body, required=False)

    @app.post("/api/v1/strict-things", status_code=201)
    def create_strict(request: Request, session: DbSession, body: ThingIn) -> Response:
        return create(request, session, body, required=True)

    return app


@pytest.fixture
def control() -> Control:
    return Control()


@pytest.fixture
def factory(fresh_database_url: str) -> Iterator[Any]:
    engine = make_engine(fresh_database_url)
    yield make_sessionmaker(engine)
    engine.dispose()


@pytest.fixture
def api(factory: Any, control: Control) -> Iterator[TestClient]:
    with TestClient(make_app(factory, control)) as client:
        yield client


def created(factory: Any) -> int:
    with factory() as s:
        return count_events(s, "thing.created")


def key(value: str) -> dict[str, str]:
    return {"Idempotency-Key": value}


def test_two_simultaneous_identical_requests_create_once(
    api: TestClient, factory: Any, control: Control
) -> None:
    control.gate = threading.Event()
    responses: list[Any] = []
    barrier = threading.Barrier(2)

    def send() -> None:
        barrier.wait()
        responses.append(api.post("/api/v1/things", json={"name": "a"}, headers=key("k-1")))

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    assert control.entered.wait(10)
    time.sleep(0.3)  # the twin is now waiting on the claim
    control.gate.set()
    for t in threads:
        t.join(timeout=30)

    assert [r.status_code for r in responses] == [201, 201]
    assert responses[0].json() == responses[1].json()
    assert responses[0].headers["location"] == responses[1].headers["location"]
    assert sorted(r.headers.get("idempotency-replayed", "") for r in responses) == ["", "true"]
    assert created(factory) == 1


def test_a_retry_after_success_replays_the_same_response(api: TestClient, factory: Any) -> None:
    first = api.post("/api/v1/things", json={"name": "a", "size": 2}, headers=key("k-2"))
    # Same body in another key order and spacing: the same request.
    again = api.post(
        "/api/v1/things",
        content=b'{ "size": 2,   "name": "a" }',
        headers={**key("k-2"), "content-type": "application/json"},
    )
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["idempotency-replayed"] == "true"
    assert again.headers["location"] == first.headers["location"]
    assert "idempotency-replayed" not in first.headers
    assert created(factory) == 1


def test_the_same_key_with_another_body_or_path_is_422_and_writes_nothing(
    api: TestClient, factory: Any
) -> None:
    assert api.post("/api/v1/things", json={"name": "a"}, headers=key("k-3")).status_code == 201
    for url, body in [("/api/v1/things", {"name": "b"}), ("/api/v1/strict-things", {"name": "a"})]:
        response = api.post(url, json=body, headers=key("k-3"))
        assert response.status_code == 422
        assert response.headers["content-type"] == PROBLEM
        problem = response.json()
        assert problem["code"] == "idempotency_key_reused"
        assert problem["errors"][0]["field"] == "Idempotency-Key"
    assert created(factory) == 1


def test_keys_are_per_sender_and_requests_without_a_key_are_unguarded(
    api: TestClient, factory: Any, control: Control
) -> None:
    assert api.post("/api/v1/things", json={"name": "a"}, headers=key("k-4")).status_code == 201
    control.actor = BOB
    bob = api.post("/api/v1/things", json={"name": "a"}, headers=key("k-4"))
    assert bob.status_code == 201
    assert "idempotency-replayed" not in bob.headers
    assert api.post("/api/v1/things", json={"name": "a"}).status_code == 201
    assert api.post("/api/v1/things", json={"name": "a"}).status_code == 201
    assert created(factory) == 4


@pytest.mark.parametrize("bad", ["", "has space", "x" * 201, "ключ"])
def test_a_malformed_key_or_a_missing_required_one_is_422(
    api: TestClient, factory: Any, bad: str
) -> None:
    response = api.post(
        "/api/v1/things",
        json={"name": "a"},
        headers=[(b"Idempotency-Key", bad.encode("utf-8"))],
    )
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_idempotency_key"
    missing = api.post("/api/v1/strict-things", json={"name": "a"})
    assert missing.status_code == 422
    assert missing.json()["errors"] == [
        {"field": "Idempotency-Key", "message": "this request must carry an Idempotency-Key header"}
    ]
    assert created(factory) == 0


def test_a_failed_request_gives_the_key_back(
    api: TestClient, factory: Any, control: Control
) -> None:
    control.fail = True
    failed = api.post("/api/v1/things", json={"name": "a"}, headers=key("k-5"))
    assert failed.status_code == 422
    assert created(factory) == 0
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(IdempotencyKey)) == 0
    control.fail = False
    retried = api.post("/api/v1/things", json={"name": "a"}, headers=key("k-5"))
    assert retried.status_code == 201
    assert "idempotency-replayed" not in retried.headers
    assert created(factory) == 1


def test_a_twin_that_waits_too_long_gets_409_then_the_replay(
    api: TestClient, factory: Any, control: Control, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(idempotency, "WAIT_SECONDS", 0.3)
    control.gate = threading.Event()
    first: list[Any] = []
    thread = threading.Thread(
        target=lambda: first.append(
            api.post("/api/v1/things", json={"name": "a"}, headers=key("k-6"))
        )
    )
    thread.start()
    assert control.entered.wait(10)
    twin = api.post("/api/v1/things", json={"name": "a"}, headers=key("k-6"))
    assert twin.status_code == 409
    assert twin.json()["code"] == "idempotency_in_progress"
    control.gate.set()
    thread.join(timeout=30)
    assert first[0].status_code == 201
    later = api.post("/api/v1/things", json={"name": "a"}, headers=key("k-6"))
    assert later.headers["idempotency-replayed"] == "true"
    assert later.json() == first[0].json()
    assert created(factory) == 1


def test_a_claim_whose_lease_ran_out_is_taken_over_and_the_slow_first_rolls_back(
    api: TestClient, factory: Any, control: Control
) -> None:
    with use_clock(FrozenClock(FROZEN_AT)) as clock:
        assert isinstance(clock, FrozenClock)
        gate = threading.Event()
        control.gate = gate
        first: list[Any] = []
        thread = threading.Thread(
            target=lambda: first.append(
                api.post("/api/v1/things", json={"name": "a"}, headers=key("k-7"))
            )
        )
        thread.start()
        assert control.entered.wait(10)
        clock.advance(idempotency.LEASE + timedelta(seconds=1))  # as if its process had died
        control.gate = None
        taken = api.post("/api/v1/things", json={"name": "a"}, headers=key("k-7"))
        assert taken.status_code == 201
        assert "idempotency-replayed" not in taken.headers
        # Wake the first request: its complete() finds the claim gone, so it rolls back.
        gate.set()
        thread.join(timeout=30)
        assert first[0].status_code == 409
        assert first[0].json()["code"] == "idempotency_in_progress"
    assert created(factory) == 1
    replay = api.post("/api/v1/things", json={"name": "a"}, headers=key("k-7"))
    assert replay.json() == taken.json()


def test_expired_keys_are_purged_and_a_stale_key_is_reusable(session: Session) -> None:
    with use_clock(FrozenClock(FROZEN_AT)) as clock:
        assert isinstance(clock, FrozenClock)
        app = make_app(lambda: session, Control())
        with TestClient(app) as client:
            first = client.post("/api/v1/things", json={"name": "a"}, headers=key("k-8"))
            assert first.status_code == 201
            assert purge_expired(session) == 0
            clock.advance(idempotency.KEY_TTL + timedelta(seconds=1))
            # After 24 hours the key is forgotten: a new request may use it.
            again = client.post("/api/v1/things", json={"name": "b"}, headers=key("k-8"))
            assert again.status_code == 201
            assert again.json() != first.json()
            clock.advance(idempotency.KEY_TTL + timedelta(seconds=1))
            assert purge_expired(session) == 1
            session.commit()
    assert count_events(session, "thing.created") == 2
