"""`accord series ...`: discover crime series over the shared records, export them, mark or
unmark a hub, list them.

`discover`, `export` and `list` act, without `--as`, as the installation itself (recorded as
`cli`): the operator's batch job, which picks up new imports and withdrawals incrementally. A
hub mark always names the analyst (`--as`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from accord.core.cliutil import cli_actor, cli_session, export_lines, fail, print_json
from accord.core.errors import DomainError
from accord.security.actor import Actor
from accord.series import graph, reading, service

app = typer.Typer(help="Crime series: discover, export, hub, list.", no_args_is_help=True)

AS = Annotated[str | None, typer.Option("--as", help="Username of the person acting.")]
JSON = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


@app.command("discover")
def discover_command(
    full: Annotated[
        bool, typer.Option("--full", help="Recompute every series, not only what changed.")
    ] = False,
    as_user: AS = None,
    json_out: JSON = False,
) -> None:
    """Discover the series among the shared cases. The first run (or --full) computes them all;
    later runs only the cases new, changed or withdrawn since the last run."""
    with cli_session() as session:
        try:
            actor = cli_actor(session, as_user) if as_user else Actor.system("cli")
            run = service.discover(session, actor, full=full)
        except DomainError as exc:
            raise fail(exc.detail) from exc
        session.commit()
        summary = {
            "run": str(run.id),
            "mode": run.mode,
            "cases": run.cases,
            "series": run.series,
            "hubs": run.hubs,
            "seconds": run.seconds,
        }
    if json_out:
        print_json(summary)
    else:
        typer.echo(
            f"{run.mode} discovery: {run.cases} cases, {run.series} series, "
            f"{run.hubs} hubs in {run.seconds:.1f} s"
        )


@app.command("export")
def export_command(
    out: Annotated[Path, typer.Option("--out", "-o", help="File to write (JSON lines).")],
) -> None:
    """Write every series of two or more cases, one a line: {"series", "cases": [entity ids],
    "agencies": [codes]}. An entity id another agency also uses is written CODE:id."""
    with cli_session() as session:
        count = export_lines(
            session,
            out,
            service.export(session),
            action="series.exported",
            object_type="series_export",
            noun="series",
        )
    typer.echo(f"{count} series written to {out}")


@app.command("hub")
def hub_command(
    kind: Annotated[str, typer.Argument(help=f"One of {', '.join(graph.KINDS)}.")],
    value: Annotated[str, typer.Argument(help="The identifier as recorded (it is normalised).")],
    reason: Annotated[str, typer.Option("--reason", help="Why (kept with the mark).")],
    unmark: Annotated[
        bool, typer.Option("--unmark", help="Not a hub: it links cases whatever the data says.")
    ] = False,
    as_user: AS = None,
) -> None:
    """Mark an identifier as a hub (it links no cases), or --unmark it; the series it touches
    are recomputed at once."""
    with cli_session() as session:
        try:
            actor = cli_actor(session, as_user)
            rows = service.mark_identifier(
                session, actor, kind=kind, value=value, hub=not unmark, reason=reason
            )
        except DomainError as exc:
            raise fail(exc.detail) from exc
        session.commit()
        what = "not a hub" if unmark else "a hub"
        for row in rows:
            typer.echo(f"{row.kind} {row.value}: {what} (by {row.username})")


@app.command("list")
def list_command(
    min_size: Annotated[int, typer.Option("--min-size", help="At least this many cases.")] = 2,
    limit: Annotated[int, typer.Option("--limit", help="At most this many series.")] = 500,
    as_user: AS = None,
    json_out: JSON = False,
) -> None:
    """The series, strongest first (all of them; with --as, those the user may see)."""
    with cli_session() as session:
        try:
            actor = cli_actor(session, as_user) if as_user else Actor.system("cli")
            page = reading.readable_series(session, actor, min_size=min_size, limit=limit)
            found = reading.summaries(session, actor, page.items)
        except DomainError as exc:
            raise fail(exc.detail) from exc
        rows = [
            {
                "series": s.series.key,
                "score": s.series.score,
                "cases": s.series.size,
                "agencies": [a.code for a in s.agencies],
                "cross_regional": s.series.cross_regional,
                "first": s.first.isoformat() if s.first else None,
                "last": s.last.isoformat() if s.last else None,
            }
            for s in found
        ]
        lines = [
            f"{s.series.key}  {s.series.score:.3f} {s.series.size:>5} cases  "
            f"{','.join(a.code for a in s.agencies):<30} {s.first or ''} .. {s.last or ''}"
            for s in found
        ]
    if json_out:
        print_json(rows)
        return
    for line in lines:
        typer.echo(line)
