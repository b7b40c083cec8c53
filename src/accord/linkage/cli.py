"""`accord linkage ...`: run person linkage over the shared records, export the clusters, and
record a judgement.

`run` and `export` act, without `--as`, as the installation itself (recorded as `cli`): the
operator's batch job. A judgement always names the analyst (`--as`).
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Annotated

import typer

from accord.core.cliutil import cli_actor, cli_session, export_lines, fail, print_json
from accord.core.errors import DomainError
from accord.linkage import engines, service
from accord.security.actor import Actor

app = typer.Typer(help="Person linkage: run, export, judge, runs.", no_args_is_help=True)

AS = Annotated[str | None, typer.Option("--as", help="Username of the person acting.")]


@app.command("run")
def run_command(
    engine: Annotated[
        str, typer.Option("--engine", help="duckdb (in-process) or spark (local or a cluster).")
    ] = "duckdb",
    full: Annotated[
        bool,
        typer.Option("--full", help="Train a new model and re-cluster every record."),
    ] = False,
    train: Annotated[
        bool | None,
        typer.Option(
            "--train/--no-train",
            help="Train the model on these records (default: when there are at least "
            f"{service.MIN_TRAINING_RECORDS:,}; else the shipped model).",
        ),
    ] = None,
    as_user: AS = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")] = False,
) -> None:
    """Link the shared Person records. The first run (or --full) clusters everything; later
    runs link only the records not yet in a cluster against the rest, with the saved model."""
    if engine not in engines.ENGINES:
        raise fail(f"--engine is one of {', '.join(engines.ENGINES)}")
    with cli_session() as session:
        try:
            actor = cli_actor(session, as_user) if as_user else Actor.system("cli")
            record = service.run(session, actor, engine=engine, full=full, train=train)
        except DomainError as exc:
            raise fail(exc.detail) from exc
        except engines.EngineUnavailable as exc:
            raise fail(str(exc)) from exc
        session.commit()
        summary = {
            "run": str(record.id),
            "mode": record.mode,
            "engine": record.engine,
            "records": record.records,
            "pairs_scored": record.pairs,
            "links": record.links,
            "clusters": record.clusters,
            "seconds": record.seconds,
        }
    if json_out:
        print_json(summary)
    else:
        typer.echo(
            f"{summary['mode']} linkage on {engine}: {record.records} person records, "
            f"{record.links} links, {record.clusters} clusters in {record.seconds:.1f} s"
        )


@app.command("export")
def export_command(
    out: Annotated[Path, typer.Option("--out", "-o", help="File to write (JSON lines).")],
) -> None:
    """Write every person cluster, one a line: {"cluster", "records": [entity ids]}. An
    entity id another agency also uses is written CODE:id."""
    with cli_session() as session:
        count = export_lines(
            session,
            out,
            service.export(session),
            action="linkage.exported",
            object_type="linkage_export",
            noun="clusters",
        )
    typer.echo(f"{count} clusters written to {out}")


@app.command("judge")
def judge_command(
    left: Annotated[str, typer.Argument(help="Record id (UUID) of one Person record.")],
    right: Annotated[str, typer.Argument(help="Record id (UUID) of the other.")],
    verdict: Annotated[str, typer.Option("--verdict", help="same, not_same or unsure.")],
    reason: Annotated[str, typer.Option("--reason", help="Why (kept with the judgement).")],
    as_user: AS = None,
) -> None:
    """Record a judgement on two Person records; it applies to their clusters at once."""
    try:
        left_id, right_id = uuid.UUID(left), uuid.UUID(right)
    except ValueError as exc:
        raise fail("record ids are UUIDs (see the cluster page or the records API)") from exc
    with cli_session() as session:
        try:
            actor = cli_actor(session, as_user)
            row = service.judge(
                session, actor, left_id=left_id, right_id=right_id, verdict=verdict, reason=reason
            )
        except DomainError as exc:
            raise fail(exc.detail) from exc
        session.commit()
        typer.echo(f"{row.verdict} recorded by {row.username}")


@app.command("runs")
def runs_command(
    json_out: Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")] = False,
) -> None:
    """The last linkage runs."""
    with cli_session() as session:
        rows = [
            {
                "started_at": r.started_at.isoformat(),
                "mode": r.mode,
                "engine": r.engine,
                "records": r.records,
                "links": r.links,
                "clusters": r.clusters,
                "seconds": r.seconds,
                "run_by": r.run_by,
            }
            for r in service.last_runs(session)
        ]
    if json_out:
        print_json(rows)
        return
    for r in rows:
        typer.echo(
            f"{r['started_at']}  {r['mode']:<11} {r['engine']:<6} {r['records']:>8} records "
            f"{r['links']:>8} links {r['clusters']:>8} clusters {r['seconds']:>8.1f} s"
        )
