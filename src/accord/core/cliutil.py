"""Helpers the domains' CLI commands share: a session, JSON output, one-line errors."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer
from sqlalchemy.orm import Session

from accord.core.db import default_engine, make_sessionmaker
from accord.core.errors import DomainError
from accord.security.actor import Actor

JsonOption = typer.Option(False, "--json", help="Print machine-readable JSON.")


@contextmanager
def cli_session() -> Iterator[Session]:
    """A session on the configured database; the command commits, anything else rolls back."""
    session = make_sessionmaker(default_engine(), writes=True)()
    try:
        yield session
    finally:
        session.rollback()
        session.close()


def print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print one line on stderr; raise the returned Exit to leave with `code`."""
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def read_lines(path: str) -> list[str]:
    """The lines of a file, or of standard input for `-`."""
    if path == "-":
        return sys.stdin.read().splitlines()
    try:
        with open(path, encoding="utf-8") as fp:
            return fp.read().splitlines()
    except OSError as exc:
        raise fail(f"cannot read {path}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise fail(f"{path} is not UTF-8 text") from exc


class UnknownActor(DomainError):
    status = 401
    code = "unknown_actor"
    title = "Unknown acting user"


def acting_or_bootstrap(session: Session, username: str | None) -> Actor:
    """`--as USERNAME`, except on an installation that has no user yet: its first agencies and
    its first account are loaded by the installation itself (recorded as `cli-bootstrap`)."""
    from sqlalchemy import func, select

    from accord.security.models import User

    if username is None and not session.scalar(select(func.count()).select_from(User)):
        return Actor.system("cli-bootstrap")
    return cli_actor(session, username)


def cli_actor(session: Session, username: str | None) -> Actor:
    """The actor a data-changing command acts as (`--as USERNAME`): an active user, or refused.

    The command line runs on the server with the database's credentials, so it asks for no
    password; what `--as` buys is that every audit event names a person.
    """
    if not username:
        raise UnknownActor("say who is acting: --as USERNAME", field="as")
    from accord.security import service as security_service

    try:
        user = security_service.get_user(session, username)
    except DomainError as exc:
        raise UnknownActor(f"--as {username}: no such user", field="as") from exc
    if not user.active:
        raise UnknownActor(f"--as {username}: the user is deactivated", field="as")
    return security_service.actor_for(user, via="cli")


def export_lines(
    session: Session,
    out: Path,
    lines: Iterable[dict[str, Any]],
    *,
    action: str,
    object_type: str,
    noun: str,
) -> int:
    """Write `lines` as JSON lines to `out` (through `out.partial`, so a failed export leaves no
    half file), audit the export as the installation (`action`, the file and the count) and
    commit; the number of lines written. `noun` names the lines in the audit detail."""
    from accord.audit import service as audit

    partial = out.with_name(out.name + ".partial")
    count = 0
    try:
        with partial.open("w", encoding="utf-8") as fp:
            for line in lines:
                fp.write(json.dumps(line, ensure_ascii=False) + "\n")
                count += 1
    except OSError as exc:
        raise fail(f"cannot write {out}: {exc.strerror}") from exc
    audit.record(
        session,
        Actor.system("cli"),
        action=action,
        object_type=object_type,
        detail={"file": out.name, noun: count},
    )
    partial.replace(out)
    session.commit()
    return count
