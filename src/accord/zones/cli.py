"""`accord zones ...`: zones, membership changes and the chair."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from accord.core.cliutil import cli_actor, cli_session, print_json
from accord.zones import service
from accord.zones.views import zone_out

app = typer.Typer(help="Cooperation zones.", no_args_is_help=True)

JSON = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
AS = Annotated[str | None, typer.Option("--as", help="Username of the person acting (audited).")]


@app.command("list")
def list_command(as_json: JSON = False) -> None:
    """List the zones with their members and chair."""
    with cli_session() as session:
        zones = [zone_out(session, z).model_dump(mode="json") for z in service.list_zones(session)]
    if as_json:
        print_json(zones)
        return
    for z in zones:
        members = " ".join(m["agency"] for m in z["members"] if m["left_on"] is None)
        typer.echo(f"{z['code']:<8} chair {z['chair'] or '-':<8} {z['name_zh']}  ({members})")


@app.command("show")
def show(code: str, as_json: JSON = False) -> None:
    """One zone: members over time and the chair's history."""
    with cli_session() as session:
        out = zone_out(session, service.get_zone(session, code)).model_dump(mode="json")
    if as_json:
        print_json(out)
        return
    typer.echo(f"{out['code']}  {out['name_zh']}  {out['name_en']}")
    typer.echo(f"  secretariat {out['secretariat']}, chair {out['chair'] or '-'}")
    for m in out["members"]:
        typer.echo(f"  member {m['agency']:<10} {m['joined_on']} – {m['left_on'] or ''}")
    for t in out["chair_history"]:
        typer.echo(f"  chair  {t['agency']:<10} {t['starts_on']} – {t['ends_on']}")


@app.command("join")
def join(code: str, agency: str, on: Annotated[str, typer.Option()], acting: AS = None) -> None:
    """Admit AGENCY to the zone from --on (YYYY-MM-DD)."""
    with cli_session() as session:
        zone = service.get_zone(session, code)
        service.join(session, cli_actor(session, acting), zone, agency, on=_day(on))
        session.commit()
    typer.echo(f"{agency} joins {code} on {on}")


@app.command("leave")
def leave(code: str, agency: str, on: Annotated[str, typer.Option()], acting: AS = None) -> None:
    """End AGENCY's membership from --on; its history stays."""
    with cli_session() as session:
        zone = service.get_zone(session, code)
        service.leave(session, cli_actor(session, acting), zone, agency, on=_day(on))
        session.commit()
    typer.echo(f"{agency} leaves {code} on {on}")


@app.command("rotate-chair")
def rotate_chair(
    code: Annotated[str | None, typer.Argument(help="One zone; every zone when omitted.")] = None,
    acting: AS = None,
) -> None:
    """Hand the chair on where its term has ended (the worker does this every day)."""
    with cli_session() as session:
        actor = cli_actor(session, acting)
        zones = [service.get_zone(session, code)] if code else service.list_zones(session)
        for zone in zones:
            term = service.rotate_chair(session, actor, zone)
            if term is not None:
                typer.echo(f"{zone.code}: {term.agency.code} chairs from {term.starts_on}")
            else:
                typer.echo(f"{zone.code}: the chair's term runs on")
        session.commit()


def _day(text: str) -> date:
    from accord.core.errors import InvalidInput

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{text!r} is not a date (YYYY-MM-DD)", field="on") from None
