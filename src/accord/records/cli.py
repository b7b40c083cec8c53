"""`accord records ...`: import an agency's records, withdraw one, export them all, list them.

Bulk commands read and write JSON lines and show a progress bar on a terminal. Without `--as`
a command acts as the installation itself (recorded as `cli`), as an operator loading a member's
exchange file does; with `--as` it acts as that user, within that user's rights.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Annotated, Any

import typer
from sqlalchemy.orm import Session

from accord.core.cliutil import cli_actor, cli_session, fail, print_json
from accord.records import access, service
from accord.records.imports import Defaults
from accord.security.actor import Actor

app = typer.Typer(
    help="Shared records (FollowTheMoney entities): import, withdraw, export, list.",
    no_args_is_help=True,
)

JSON = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
AS = Annotated[str | None, typer.Option("--as", help="Username of the person acting.")]
AGENCY = Annotated[str, typer.Option("--agency", help="The owner agency's code.")]


def _actor(session: Session, as_user: str | None) -> Actor:
    return cli_actor(session, as_user) if as_user else Actor.system("cli")


def _readable(path: Path) -> Path:
    if not path.is_file():
        raise fail(f"cannot read {path}: no such file")
    return path


def _count_lines(path: Path) -> int:
    with path.open("rb") as fp:
        return sum(1 for line in fp if line.strip())


def _lines(path: Path) -> Iterator[str]:
    try:
        with path.open(encoding="utf-8") as fp:
            yield from fp
    except OSError as exc:
        raise fail(f"cannot read {path}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise fail(f"{path} is not UTF-8 text") from exc


def _bar(total: int, label: str) -> AbstractContextManager[Any]:
    if sys.stderr.isatty():
        return typer.progressbar(length=total, label=label, file=sys.stderr)
    return nullcontext(None)


@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="JSON lines, one FtM entity a line.")],
    agency: AGENCY,
    handling_code: Annotated[
        str, typer.Option("--handling-code", help="For lines without one: H0-H3.")
    ] = "H0",
    handling_text: Annotated[
        str | None, typer.Option("--handling-text", help="H3's restriction.")
    ] = None,
    reliability: Annotated[
        str, typer.Option("--reliability", help="Source reliability A, B, C or X.")
    ] = "X",
    accuracy: Annotated[int, typer.Option("--accuracy", help="Information accuracy 1-4.")] = 4,
    as_user: AS = None,
    as_json: JSON = False,
) -> None:
    """Share an agency's records: all or nothing; the first bad line is named with its field."""
    path = _readable(file)
    total = _count_lines(path)
    with cli_session() as session, _bar(total, "records") as bar:
        actor = _actor(session, as_user)
        result = service.import_lines(
            session,
            actor,
            agency=service.agency_for(session, agency),
            lines=_lines(path),
            defaults=Defaults(handling_code, handling_text, reliability, accuracy),
            progress=(lambda n: bar.update(n)) if bar is not None else None,
        )
        session.commit()
    counts = {
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "withdrawn": result.withdrawn,
        "sha256": result.digest,
    }
    if as_json:
        print_json(counts)
        return
    typer.echo(
        f"{agency}: {result.created} created, {result.updated} updated, "
        f"{result.unchanged} unchanged, {result.withdrawn} withdrawn (sha256 {result.digest[:16]})"
    )


@app.command("withdraw")
def withdraw_command(
    entity_id: Annotated[str, typer.Argument(help="The owner's entity id.")],
    agency: AGENCY,
    reason: Annotated[str, typer.Option("--reason", help="Why it is withdrawn.")],
    as_user: AS = None,
) -> None:
    """Stop sharing one record: it leaves every view; its holders and watchers are told."""
    with cli_session() as session:
        actor = _actor(session, as_user)
        owner = service.agency_for(session, agency)
        record = service.find_by_entity(session, owner, entity_id)
        service.withdraw(session, actor, record, reason)
        session.commit()
        typer.echo(f"withdrawn {owner.code}:{record.entity_id} (version {record.version})")


@app.command("export")
def export_command(
    out: Annotated[Path, typer.Option("--out", help="The JSON-lines file to write.")],
    agency: Annotated[
        str | None, typer.Option("--agency", help="Only this agency's records.")
    ] = None,
    purpose: Annotated[
        str | None, typer.Option("--purpose", help="Why (required with --as).")
    ] = None,
    as_user: AS = None,
) -> None:
    """Every shared record as an FtM entity a line, ids qualified as CODE:id where two agencies
    use the same id (references rewritten alike). With --as, what that user sees in full."""
    count = 0
    with cli_session() as session:
        actor = _actor(session, as_user)
        owner = service.agency_for(session, agency) if agency else None
        try:
            with out.open("w", encoding="utf-8") as fp:
                for entity in service.export_entities(
                    session, actor, agency=owner, purpose=purpose
                ):
                    fp.write(json.dumps(entity, ensure_ascii=False, sort_keys=True) + "\n")
                    count += 1
        except OSError as exc:
            raise fail(f"cannot write {out}: {exc.strerror}") from exc
        session.commit()
    typer.echo(f"exported {count} records to {out}")


@app.command("list")
def list_command(
    agency: Annotated[str | None, typer.Option("--agency", help="Only this agency.")] = None,
    status: Annotated[str | None, typer.Option(help="active or withdrawn.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=100_000)] = 1000,
    as_user: AS = None,
    as_json: JSON = False,
) -> None:
    """The records of your agencies (all of them for the installation)."""
    if status not in (None, "active", "withdrawn"):
        raise fail("status is active or withdrawn")
    with cli_session() as session:
        actor = _actor(session, as_user)
        owner = service.agency_for(session, agency) if agency else None
        found = service.list_records(session, actor, agency=owner, status=status, limit=limit)
        codes = {
            r.agency_id: access.agency_refs(session, [r.agency_id])[r.agency_id].code for r in found
        }
        rows = [
            {
                "id": str(r.id),
                "agency": codes[r.agency_id],
                "entity_id": r.entity_id,
                "schema": r.schema,
                "caption": r.caption,
                "status": r.status,
                "version": r.version,
                "handling_code": r.handling_code,
                "expires_on": r.expires_on.isoformat(),
            }
            for r in found
        ]
    if as_json:
        print_json(rows)
        return
    for row in rows:
        typer.echo(
            f"{row['agency']:<8} {row['entity_id']:<24} {row['schema']:<12} {row['status']:<9} "
            f"v{row['version']:<3} {row['caption']}"
        )
