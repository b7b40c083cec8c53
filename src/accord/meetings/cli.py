"""`accord meetings ...`: a zone's meetings, their agenda and decisions, and action commands.

Listings read as the installation unless `--as` names a user; changes always need `--as`.
Times are ISO 8601; without an offset they are read in the display time zone (Asia/Shanghai).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer

from accord.core import clock
from accord.core.cliutil import cli_actor, cli_session, print_json
from accord.core.config import get_settings
from accord.meetings import commands as commands_service
from accord.meetings import service
from accord.meetings.models import ActionCommand, Meeting
from accord.meetings.schemas import command_out, meeting_out
from accord.security.actor import Actor
from accord.zones import service as zones_service

app = typer.Typer(
    help="Meetings of a zone, agenda items, decisions and action commands.", no_args_is_help=True
)
agenda_app = typer.Typer(help="Agenda items.", no_args_is_help=True)
commands_app = typer.Typer(help="Action commands.", no_args_is_help=True)
app.add_typer(agenda_app, name="agenda")
app.add_typer(commands_app, name="commands")

JSON = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
AS = Annotated[str | None, typer.Option("--as", help="Username of the person acting.")]


_when = service.parse_local


def _reader(session: Any, as_user: str | None) -> Actor:
    return cli_actor(session, as_user) if as_user else Actor.system("cli")


def _meeting_line(m: Meeting) -> str:
    when = m.starts_at.astimezone(ZoneInfo(get_settings().display_timezone))
    return f"{m.reference}  {when:%Y-%m-%d %H:%M}  {m.status.value:<16} {m.title_zh}"


def _command_line(c: ActionCommand, now: datetime) -> str:
    flag = " OVERDUE" if c.overdue_at(now) else (" late" if c.done_late else "")
    return (
        f"{c.reference}  {c.owner.code:<8} {c.deadline.isoformat()}  "
        f"{c.status.value:<12}{flag}  {c.description[:60]}"
    )


@app.command("list")
def list_command(
    zone: Annotated[str, typer.Argument(help="The zone's code, e.g. YRD.")],
    as_user: AS = None,
    as_json: JSON = False,
) -> None:
    """List a zone's meetings, soonest first."""
    with cli_session() as session:
        actor = _reader(session, as_user)
        meetings = service.list_meetings(session, actor, zones_service.get_zone(session, zone))
        if as_json:
            print_json([meeting_out(m).model_dump(mode="json") for m in meetings])
            return
        for m in meetings:
            typer.echo(_meeting_line(m))


@app.command("show")
def show_command(
    reference: Annotated[str, typer.Argument(help="The meeting's reference number.")],
    as_user: AS = None,
) -> None:
    """Show a meeting with its agenda, decisions and commands (as JSON)."""
    with cli_session() as session:
        meeting = service.read_meeting(session, _reader(session, as_user), reference)
        print_json(meeting_out(meeting).model_dump(mode="json"))


@app.command("create")
def create_command(
    zone: Annotated[str, typer.Argument(help="The zone's code.")],
    title: Annotated[str, typer.Option("--title", help="Title (Chinese, or both languages).")],
    at: Annotated[str, typer.Option("--at", help="When it starts (ISO 8601).")],
    cutoff: Annotated[str, typer.Option("--cutoff", help="Agenda cut-off (ISO 8601).")],
    title_en: Annotated[str, typer.Option("--title-en", help="English title.")] = "",
    kind: Annotated[str, typer.Option("--kind", help="regular or extraordinary.")] = "regular",
    location: Annotated[str, typer.Option("--location")] = "",
    as_user: AS = None,
) -> None:
    """Schedule a meeting (the zone's secretariat)."""
    with cli_session() as session:
        actor = cli_actor(session, as_user)
        meeting = service.create_meeting(
            session,
            actor,
            zone=zones_service.get_zone(session, zone),
            title_zh=title,
            title_en=title_en,
            kind=kind,
            starts_at=_when(at, "at"),
            agenda_cutoff_at=_when(cutoff, "cutoff"),
            location=location,
        )
        session.commit()
        typer.echo(meeting.reference)


@agenda_app.command("add")
def agenda_add_command(
    reference: Annotated[str, typer.Argument(help="The meeting's reference number.")],
    title: Annotated[str, typer.Option("--title")],
    description: Annotated[str, typer.Option("--description")] = "",
    as_user: AS = None,
) -> None:
    """Submit an agenda item for the acting user's member agency; prints the item's id."""
    with cli_session() as session:
        actor = cli_actor(session, as_user)
        meeting = service.read_meeting(session, actor, reference)
        item = service.submit_item(session, actor, meeting, title=title, description=description)
        session.commit()
        typer.echo(str(item.id))


@app.command("move")
def move_command(
    reference: Annotated[str, typer.Argument(help="The meeting's reference number.")],
    action: Annotated[str, typer.Argument(help="publish_agenda, hold, close or cancel.")],
    reason: Annotated[str | None, typer.Option("--reason")] = None,
    as_user: AS = None,
) -> None:
    """Move a meeting along: publish its agenda, hold, close or cancel it."""
    with cli_session() as session:
        actor = cli_actor(session, as_user)
        meeting = service.read_meeting(session, actor, reference)
        status = service.move_meeting(session, actor, meeting, action, reason=reason)
        session.commit()
        typer.echo(f"{meeting.reference} is now {status.value}")


@app.command("decide")
def decide_command(
    item_id: Annotated[str, typer.Argument(help="The agenda item's id.")],
    text: Annotated[str, typer.Option("--text", help="The decision (Chinese).")],
    text_en: Annotated[str, typer.Option("--text-en")] = "",
    owners: Annotated[
        str | None, typer.Option("--owners", help='"all" or agency codes, comma-separated.')
    ] = None,
    deadline: Annotated[str | None, typer.Option("--deadline", help="ISO 8601.")] = None,
    as_user: AS = None,
) -> None:
    """Record a decision on an agenda item; with --owners, it issues action commands."""
    with cli_session() as session:
        actor = cli_actor(session, as_user)
        item = service.get_item(session, item_id)
        decision = service.decide(
            session,
            actor,
            item,
            text_zh=text,
            text_en=text_en,
            owners=owners,
            deadline=_when(deadline, "deadline") if deadline else None,
        )
        session.commit()
        typer.echo(str(decision.id))
        for c in decision.commands:
            typer.echo(f"{c.reference}  {c.owner.code}")


@commands_app.command("list")
def commands_list_command(
    zone: Annotated[str, typer.Argument(help="The zone's code.")],
    overdue: Annotated[bool, typer.Option("--overdue", help="Only overdue ones.")] = False,
    as_user: AS = None,
    as_json: JSON = False,
) -> None:
    """List a zone's action commands by deadline."""
    now = clock.now()
    with cli_session() as session:
        actor = _reader(session, as_user)
        rows = commands_service.list_commands(
            session, actor, zones_service.get_zone(session, zone), overdue_only=overdue
        )
        if as_json:
            print_json([command_out(c, now).model_dump(mode="json") for c in rows])
            return
        for c in rows:
            typer.echo(_command_line(c, now))


def _move(reference: str, action: str, as_user: str | None) -> None:
    with cli_session() as session:
        actor = cli_actor(session, as_user)
        command = commands_service.read_command(session, actor, reference)
        status = commands_service.move_command(session, actor, command, action)
        session.commit()
        typer.echo(f"{command.reference} is now {status.value}")


@commands_app.command("ack")
def ack_command(reference: Annotated[str, typer.Argument()], as_user: AS = None) -> None:
    """Acknowledge a command (its owner)."""
    _move(reference, "acknowledge", as_user)


@commands_app.command("start")
def start_command(reference: Annotated[str, typer.Argument()], as_user: AS = None) -> None:
    """Start work on a command (its owner)."""
    _move(reference, "start", as_user)


@commands_app.command("done")
def done_command(reference: Annotated[str, typer.Argument()], as_user: AS = None) -> None:
    """Mark a command done (its owner)."""
    _move(reference, "complete", as_user)


@commands_app.command("sweep")
def sweep_command() -> None:
    """Announce newly overdue commands now (the worker does this every few minutes)."""
    from accord.core.db import default_engine, make_sessionmaker
    from accord.meetings.sweep import overdue_sweep

    typer.echo(f"announced {overdue_sweep(make_sessionmaker(default_engine(), writes=True))}")
