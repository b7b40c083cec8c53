"""`accord calendar ...`: load, list and edit the business calendar (holidays, make-up days)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import typer

from accord.core.cliutil import cli_actor, cli_session, print_json, read_lines
from accord.core.errors import InvalidInput
from accord.deadlines import service
from accord.deadlines.models import DayKind

app = typer.Typer(
    help="The business calendar: public holidays and make-up working days.", no_args_is_help=True
)

JSON = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
AS = Annotated[str | None, typer.Option("--as", help="Username of the person acting.")]


def _date(text: str) -> date:
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()  # noqa: DTZ007  (a date, no time)
    except ValueError:
        raise InvalidInput(f"{text!r} is not a date like 2026-10-01", field="date") from None


@app.command("load")
def load_command(
    file: Annotated[
        str | None,
        typer.Option(
            "--file", "-f", help="JSON-lines file; - for stdin. Default: the shipped one."
        ),
    ] = None,
    as_user: AS = None,
    as_json: JSON = False,
) -> None:
    """Create or update dates from JSON lines; all or nothing. Without --file, the official
    schedules shipped with Accord (2025 and 2026)."""
    lines = read_lines(file) if file else service.shipped_calendar_lines()
    with cli_session() as session:
        actor = cli_actor(session, as_user) if as_user else None
        result = service.load_calendar(session, lines, actor=actor)
        session.commit()
    if as_json:
        print_json(result.model_dump())
    else:
        typer.echo(
            f"created {result.created}, updated {result.updated}, unchanged {result.unchanged}"
            f"; deadlines moved {result.clocks_moved}"
        )


@app.command("list")
def list_command(
    year: Annotated[int, typer.Option(help="The year to list.")],
    as_json: JSON = False,
) -> None:
    """List the holidays and make-up working days of a year."""
    with cli_session() as session:
        days = service.list_days(session, year)
        rows = [
            {
                "date": d.day.isoformat(),
                "kind": str(d.kind),
                "name_zh": d.name_zh,
                "name_en": d.name_en,
            }
            for d in days
        ]
    if as_json:
        print_json(rows)
        return
    if not rows:
        typer.echo(f"no dates listed for {year}", err=True)
    for r in rows:
        typer.echo(f"{r['date']}  {r['kind']:<8} {r['name_zh']}  {r['name_en']}")


@app.command("set")
def set_command(
    day: Annotated[str, typer.Argument(help="The date, YYYY-MM-DD.")],
    kind: Annotated[DayKind, typer.Option(help="holiday, or workday for a make-up working day.")],
    name_zh: Annotated[str, typer.Option("--name-zh", help="Chinese name.")] = "",
    name_en: Annotated[str, typer.Option("--name-en", help="English name.")] = "",
    as_user: AS = None,
) -> None:
    """Mark a date a holiday or a make-up working day."""
    when = _date(day)
    with cli_session() as session:
        actor = cli_actor(session, as_user)
        service.set_day(session, actor, day=when, kind=kind, name_zh=name_zh, name_en=name_en)
        session.commit()
    typer.echo(f"{when.isoformat()} is now a {kind.value}")


@app.command("unset")
def unset_command(
    day: Annotated[str, typer.Argument(help="The date, YYYY-MM-DD.")],
    as_user: AS = None,
) -> None:
    """Make a date ordinary again."""
    when = _date(day)
    with cli_session() as session:
        actor = cli_actor(session, as_user)
        service.unset_day(session, actor, day=when)
        session.commit()
    typer.echo(f"{when.isoformat()} is an ordinary day again")
