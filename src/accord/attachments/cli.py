"""`accord attachments ...`: attach a file to an object, fetch one back (audited), list."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.orm import Session

from accord.attachments import service
from accord.attachments.schemas import AttachmentOut
from accord.core import cliutil
from accord.core.cliutil import cli_session, print_json
from accord.security.actor import Actor

app = typer.Typer(help="Attachments: content-addressed files.", no_args_is_help=True)

JSON = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
AS_USER = Annotated[str, typer.Option("--as", help="Act as this user.")]


def acting(session: Session, username: str) -> Actor:
    """The actor behind `--as`."""
    return cliutil.cli_actor(session, username)


def _object(value: str) -> tuple[str, str]:
    object_type, sep, object_id = value.partition(":")
    if not sep or not object_type or not object_id:
        raise cliutil.fail(f"--object must be TYPE:ID, not {value!r}")
    return object_type, object_id


@app.command("add")
def add_command(
    file: Annotated[Path, typer.Argument(help="The file to attach.")],
    object_ref: Annotated[str, typer.Option("--object", help="What it belongs to: TYPE:ID.")],
    as_user: AS_USER,
    media_type: Annotated[
        str | None, typer.Option("--type", help="Media type (default: from the file name).")
    ] = None,
    as_json: JSON = False,
) -> None:
    """Attach FILE to an object, after the size, type and scan checks."""
    object_type, object_id = _object(object_ref)
    try:
        stream = file.open("rb")
    except OSError as exc:
        raise cliutil.fail(f"cannot read {file}: {exc.strerror}") from exc
    with stream, cli_session() as session:
        actor = acting(session, as_user)
        attachment = service.store(
            session,
            actor,
            stream=stream,
            filename=file.name,
            declared_type=media_type,
            object_type=object_type,
            object_id=object_id,
        )
        session.commit()
        out = AttachmentOut.model_validate(attachment)
    if as_json:
        print_json(out.model_dump(mode="json"))
    else:
        typer.echo(f"{out.id}  {out.media_type}  {out.size} bytes  sha256 {out.sha256}")


@app.command("get")
def get_command(
    attachment_id: Annotated[str, typer.Argument(help="The attachment's id.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write the file.")],
    as_user: AS_USER,
    purpose: Annotated[str | None, typer.Option(help="Why you read it (audited).")] = None,
) -> None:
    """Write an attachment's content to a file; the download is audited."""
    try:
        wanted = uuid.UUID(attachment_id)
    except ValueError:
        raise cliutil.fail(f"{attachment_id!r} is not an attachment id") from None
    with cli_session() as session:
        actor = acting(session, as_user)
        attachment, path = service.open_for_download(session, actor, wanted, purpose=purpose)
        try:
            shutil.copyfile(path, out)
        except OSError as exc:
            raise cliutil.fail(f"cannot write {out}: {exc.strerror}") from exc
        session.commit()
    typer.echo(f"wrote {attachment.size} bytes to {out}")


@app.command("list")
def list_command(
    object_ref: Annotated[str, typer.Option("--object", help="TYPE:ID")],
    as_user: AS_USER,
    as_json: JSON = False,
) -> None:
    """The attachments of an object that you may read."""
    object_type, object_id = _object(object_ref)
    with cli_session() as session:
        actor = acting(session, as_user)
        rows = [
            AttachmentOut.model_validate(a)
            for a in service.list_for(session, actor, object_type=object_type, object_id=object_id)
        ]
    if as_json:
        print_json([r.model_dump(mode="json") for r in rows])
        return
    for r in rows:
        typer.echo(f"{r.id}  {r.media_type:<24} {r.size:>10}  {r.filename}")
