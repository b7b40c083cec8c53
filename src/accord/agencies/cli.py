"""`accord agencies ...`: list, show, import and export the agency tree."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from accord.agencies import service
from accord.agencies.api import to_out
from accord.agencies.models import Level
from accord.core.cliutil import acting_or_bootstrap, cli_session, print_json, read_lines
from accord.core.pagination import MAX_LIMIT

app = typer.Typer(help="The agency tree.", no_args_is_help=True)

JSON = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


@app.command("list")
def list_command(
    parent: Annotated[str | None, typer.Option(help="Only the subordinates of this code.")] = None,
    level: Annotated[Level | None, typer.Option(help="Only agencies of this level.")] = None,
    country: Annotated[str | None, typer.Option(help="Only agencies of this ISO country.")] = None,
    query: Annotated[
        str | None, typer.Option("--query", "-q", help="Code or name contains.")
    ] = None,
    as_json: JSON = False,
) -> None:
    """List agencies in code order."""
    with cli_session() as session:
        agencies, cursor = [], None
        while True:
            page = service.list_agencies(
                session,
                parent=parent,
                level=level,
                country=country,
                query=query,
                cursor=cursor,
                limit=MAX_LIMIT,
            )
            agencies.extend(page.items)
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
        if as_json:
            print_json([to_out(a).model_dump(mode="json") for a in agencies])
            return
        for a in agencies:
            parent_code = a.parent.code if a.parent else "-"
            columns = f"{a.code:<12} {a.prefix:<8} {a.level.value:<16} {parent_code:<12}"
            typer.echo(f"{columns} {a.name_zh}  {a.name_en}")


@app.command("show")
def show_command(code: str, as_json: JSON = False) -> None:
    """Show one agency and its public contact points."""
    with cli_session() as session:
        agency = service.get_by_code(session, code)
        out = to_out(agency)
        if as_json:
            print_json(out.model_dump(mode="json"))
            return
        typer.echo(f"{agency.code}  {agency.name_zh}  {agency.name_en}")
        typer.echo(
            f"  level {agency.level.value}, prefix {agency.prefix}, country {agency.country}"
        )
        typer.echo(f"  parent {out.parent or '-'}, time zone {agency.timezone}")
        for c in agency.contacts:
            typer.echo(f"  {c.kind.value:<15} {c.phone:<20} {c.email:<32} {c.hours}  {c.label_zh}")
        for child in service.children(session, agency):
            typer.echo(f"  > {child.code:<12} {child.name_zh}")


@app.command("import")
def import_command(
    path: Annotated[str, typer.Argument(help="JSON-lines file, one agency a line; - for stdin.")],
    acting: Annotated[
        str | None, typer.Option("--as", help="Username of the person acting (audited).")
    ] = None,
    as_json: JSON = False,
) -> None:
    """Create or update agencies from JSON lines; all or nothing. Needs --as once users exist."""
    lines = read_lines(path)
    with cli_session() as session:
        actor = acting_or_bootstrap(session, acting)
        result = service.import_lines(session, lines, actor=actor)
        session.commit()
    if as_json:
        print_json(vars(result))
    else:
        typer.echo(
            f"created {result.created}, updated {result.updated}, unchanged {result.unchanged}"
        )


@app.command("export")
def export_command(
    out: Annotated[str, typer.Option("--out", "-o", help="File to write; - for stdout.")] = "-",
) -> None:
    """Write every agency as JSON lines, parents before children."""
    with cli_session() as session:
        lines = [
            json.dumps(r.model_dump(mode="json"), ensure_ascii=False)
            for r in service.export_records(session)
        ]
    text = "\n".join(lines) + "\n"
    if out == "-":
        typer.echo(text, nl=False)
    else:
        with open(out, "w", encoding="utf-8") as fp:
            fp.write(text)
        typer.echo(f"exported {len(lines)} agencies to {out}", err=True)
