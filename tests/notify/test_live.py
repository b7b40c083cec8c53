"""Live pages: the SSE stream over a real HTTP server, fed by the worker's live deliveries."""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn
from fastapi import Request
from sqlalchemy.orm import Session, sessionmaker

from accord.notify import dispatch, live, service
from accord.notify.config import NotifySettings
from accord.security.actor import Actor, Role
from accord.security.deps import optional_actor
from accord.web.app import create_app
from tests.factories import make_actor, make_named
from tests.notify.helpers import Person, free_port, install_people


@pytest.fixture
def officer(db: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch) -> Actor:
    with db() as session:
        agency = make_named(session, "SH")["SH"]
    actor = make_actor(agency, Role.OFFICER, username="li")
    install_people(monkeypatch, [Person.of(actor)])
    return actor


@pytest.fixture
def server(
    db: sessionmaker[Session], officer: Actor, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """The app on a free port, with every request made by `officer`."""
    monkeypatch.setattr(live, "POLL_SECONDS", 0.1)
    bind = db.kw["bind"]
    app = create_app(engine=bind)

    def as_officer(request: Request) -> Actor:
        request.state.actor = officer
        return officer

    app.dependency_overrides[optional_actor] = as_officer
    port = free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", timeout_graceful_shutdown=2
    )
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not uv.started:
        assert time.monotonic() < deadline, "the server did not start"
        assert thread.is_alive(), "the server thread died"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    uv.should_exit = True
    thread.join(timeout=10)


def read_event(response: Any) -> tuple[str, dict[str, Any]]:
    """The next `notification` frame: its id and data (comments and retry lines skipped)."""
    frame: dict[str, str] = {}
    while True:
        line = response.readline().decode().rstrip("\n")
        if line == "":
            if frame.get("event") == "notification":
                return frame["id"], json.loads(frame["data"])
            frame = {}
        elif not line.startswith(":"):
            key, _, value = line.partition(": ")
            frame[key] = value


def open_stream(server: str, last_event_id: str | None = None) -> Any:
    headers = {"Accept": "text/event-stream"}
    if last_event_id is not None:
        headers["Last-Event-ID"] = last_event_id
    request = urllib.request.Request(f"{server}/events/stream", headers=headers)  # noqa: S310
    response = urllib.request.urlopen(request, timeout=15)  # noqa: S310  # our own server
    assert response.headers["Content-Type"].startswith("text/event-stream")
    assert response.readline() == b"retry: 3000\n"
    assert response.readline() == b"\n"
    return response


def notify(db: sessionmaker[Session], officer: Actor, title: str) -> None:
    with db() as session:
        service.enqueue(
            session,
            event="hit.reported",
            title=title,
            reference="SH-2026-000011",
            link="/hits/SH-2026-000011",
            to_users=[officer.user_id],  # type: ignore[list-item]
            channels=["inbox", "live"],
            data={"name": "Zhang San"},
        )
        session.commit()
    dispatch.run_all_once(db, settings=NotifySettings(smtp_host=""))


def test_a_new_notification_reaches_the_open_stream_and_a_reconnect_catches_up(
    server: str, db: sessionmaker[Session], officer: Actor
) -> None:
    notify(db, officer, "Before the page was opened")  # a fresh page does not replay this
    response = open_stream(server)
    try:
        time.sleep(0.3)  # the stream has taken its starting point
        notify(db, officer, "Hit follow-up SH-2026-000011")
        seq, data = read_event(response)
    finally:
        response.close()
    assert data["title"] == "Hit follow-up SH-2026-000011"
    assert data["reference"] == "SH-2026-000011"
    assert data["link"] == "/hits/SH-2026-000011"
    assert data["unread"] == 2
    assert data["inbox_id"]
    assert "Zhang San" not in json.dumps(data)

    # A browser that lost the connection reconnects with the last id it saw and gets the rest.
    again = open_stream(server, last_event_id=str(int(seq) - 1))
    try:
        replay_seq, replay = read_event(again)
    finally:
        again.close()
    assert (replay_seq, replay["title"]) == (seq, "Hit follow-up SH-2026-000011")


def test_frames_and_last_event_id_parsing() -> None:
    assert (
        live.format_event(7, {"title": "标题"})
        == 'id: 7\nevent: notification\ndata: {"title":"标题"}\n\n'
    )
    assert live.parse_last_event_id("12") == 12
    assert live.parse_last_event_id(" 12 ") == 12
    assert live.parse_last_event_id("x") is None
    assert live.parse_last_event_id(None) is None


def test_an_idle_stream_sends_heartbeats(server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(live, "HEARTBEAT_SECONDS", 0.2)
    response = open_stream(server)
    try:
        lines = [response.readline() for _ in range(2)]
    finally:
        response.close()
    assert lines == [b": heartbeat\n", b"\n"]
