"""Test doubles for notify: stand-in recipients, a webhook receiver and an SMTP sink.

`recipients()` belongs to the security package; until it is wired in, tests install a fake that
follows the same contract (active users; listed users always; users of the listed agencies who
hold one of the roles there, or all of them when no role is given).
"""

from __future__ import annotations

import email
import email.policy
import importlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import types
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from accord.core import clock
from accord.core.errors import DomainError
from accord.notify import webhooks
from accord.security.actor import Actor, Role

SECURITY_SERVICE = "accord.security.service"


@dataclass(frozen=True)
class Person:
    """A user as `recipients()` returns it, plus the roles it holds (by agency) for the fake."""

    user_id: uuid.UUID
    username: str
    email: str
    locale: str
    agency_id: uuid.UUID
    roles: frozenset[str] = frozenset()
    active: bool = True

    @classmethod
    def of(cls, actor: Actor, *, email: str | None = None, locale: str = "zh") -> Person:
        assert actor.user_id is not None
        assert actor.agency_id is not None
        return cls(
            user_id=actor.user_id,
            username=actor.username,
            email=f"{actor.username}@example.test" if email is None else email,
            locale=locale,
            agency_id=actor.agency_id,
            roles=frozenset(str(g.role) for g in actor.grants),
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "user_id": str(self.user_id),
            "username": self.username,
            "email": self.email,
            "locale": self.locale,
            "agency_id": str(self.agency_id),
            "roles": sorted(self.roles),
            "active": self.active,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Person:
        return cls(
            user_id=uuid.UUID(data["user_id"]),
            username=data["username"],
            email=data["email"],
            locale=data["locale"],
            agency_id=uuid.UUID(data["agency_id"]),
            roles=frozenset(data["roles"]),
            active=data["active"],
        )


def fake_recipients(people: Iterable[Person]) -> Callable[..., list[Person]]:
    everyone = list(people)

    def recipients(
        session: Any,
        *,
        user_ids: Iterable[uuid.UUID],
        agency_ids: Iterable[uuid.UUID],
        roles: Iterable[Role],
    ) -> list[Person]:
        users, agencies, wanted = set(user_ids), set(agency_ids), {str(r) for r in roles}
        found = []
        for p in everyone:
            if not p.active:
                continue
            by_agency = p.agency_id in agencies and (not wanted or bool(p.roles & wanted))
            if p.user_id in users or by_agency:
                found.append(p)
        return found

    return recipients


def security_module(monkeypatch: pytest.MonkeyPatch | None = None) -> types.ModuleType:
    """The security service module, or a stand-in in sys.modules while it does not exist."""
    try:
        return importlib.import_module(SECURITY_SERVICE)
    except ModuleNotFoundError as exc:
        if exc.name != SECURITY_SERVICE:
            raise
    module = types.ModuleType(SECURITY_SERVICE)
    if monkeypatch is None:
        sys.modules[SECURITY_SERVICE] = module
    else:
        monkeypatch.setitem(sys.modules, SECURITY_SERVICE, module)
    return module


def install_people(monkeypatch: pytest.MonkeyPatch, people: Iterable[Person]) -> None:
    """Make `recipients()` answer from `people` for this test."""
    module = security_module(monkeypatch)
    monkeypatch.setattr(module, "recipients", fake_recipients(people), raising=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- a webhook receiver ---------------------------------------------------------------------


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    status: int


@dataclass
class WebhookReceiver:
    """An HTTP receiver on 127.0.0.1 that verifies signatures and processes each id once.

    It answers 503 to the first `fail_first` requests, as a receiver that is down would.
    """

    secret: str = ""
    fail_first: int = 0
    now: Callable[[], Any] = clock.now
    requests: list[Received] = field(default_factory=list)
    processed: list[dict[str, Any]] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    _server: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def handle(self, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, Any]]:
        with self._lock:
            if self.fail_first > 0:
                self.fail_first -= 1
                status, answer = 503, {"title": "Service unavailable"}
            else:
                try:
                    payload = webhooks.verify_webhook(
                        self.secret, headers, body, now=self.now(), seen_ids=self.seen
                    )
                except webhooks.DuplicateWebhook:
                    status, answer = 200, {"duplicate": True}
                except DomainError as exc:
                    status, answer = exc.status, exc.problem()
                else:
                    self.processed.append(payload)
                    status, answer = 200, {"ok": True}
            self.requests.append(Received(headers=headers, body=body, status=status))
            return status, answer

    def start(self) -> str:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                status, answer = receiver.handle(dict(self.headers.items()), body)
                data = json.dumps(answer).encode()
                self.send_response(status)
                kind = "application/json" if status < 300 else "application/problem+json"
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self.url

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the receiver first"
        return f"http://127.0.0.1:{self._server.server_address[1]}/hook"

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


# --- an SMTP sink ---------------------------------------------------------------------------


class SmtpSink:
    """aiosmtpd on a free port of 127.0.0.1 (its port=0 does not work), keeping what it gets."""

    def __init__(self, *, unknown: Iterable[str] = ()) -> None:
        self.unknown = set(unknown)  # mailboxes the relay answers 550 for
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.port = free_port()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_RCPT(  # noqa: N802  # the name aiosmtpd calls
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if address in self.unknown:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802  # the name aiosmtpd calls
        self,
        server: Any,
        session: Any,
        envelope: Any,
    ) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"

    def start(self) -> SmtpSink:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()


def wait_for(condition: Callable[[], Any], *, timeout: float = 20.0, every: float = 0.1) -> Any:
    """Poll `condition` until it returns something truthy; fail the test after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {condition}")
        time.sleep(every)


# --- a worker process ------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]  # the repository, so `tests` imports in a child


def worker_argv() -> list[str]:
    """`python -m accord worker`, or the same command function while it is not mounted yet."""
    from accord.cli import app

    names = {c.name or getattr(c.callback, "__name__", "") for c in app.registered_commands}
    if "worker" in names:
        return [sys.executable, "-m", "accord", "worker"]
    script = "import typer\nfrom accord.worker import worker_command\ntyper.run(worker_command)\n"
    return [sys.executable, "-c", script]


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            worker_argv(), env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT
        )


def stop_worker(process: subprocess.Popen[bytes]) -> int:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            return process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise
    return int(process.returncode)


def worker_env(database_url: str, data_dir: Path, smtp: SmtpSink) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACCORD_")}
    env.update(
        ACCORD_DATABASE_URL=database_url,
        ACCORD_DATA_DIR=str(data_dir),
        ACCORD_SMTP_HOST="127.0.0.1",
        ACCORD_SMTP_PORT=str(smtp.port),
        ACCORD_SMTP_FROM="accord@example.test",
        ACCORD_PUBLIC_URL="https://accord.example.test",
        PYTHONUNBUFFERED="1",
    )
    return env
