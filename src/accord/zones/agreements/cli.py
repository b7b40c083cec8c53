"""`accord zones agreements ...`: list a zone's agreements, show one, sign, ask a sharing rule,
and bring due versions into force now."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from accord.agencies import service as agencies_service
from accord.core.cliutil import cli_actor, cli_session, print_json
from accord.core.db import default_engine, make_sessionmaker
from accord.zones import service as zones_service
from accord.zones import sharing
from accord.zones.agreements import service
from accord.zones.agreements.schemas import agreement_out, summary

app = typer.Typer(help="A zone's agreements and sharing rules.", no_args_is_help=True)

JSON = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


@app.command("list")
def list_command(zone: str, as_json: JSON = False) -> None:
    """The zone's agreements and the status of their latest version."""
    with cli_session() as session:
        rows = [
            summary(a)
            for a in service.list_for_zone(session, zones_service.get_zone(session, zone))
        ]
    if as_json:
        print_json([r.model_dump(mode="json") for r in rows])
        return
    for r in rows:
        current = f"v{r.in_force_version} in force" if r.in_force_version else "none in force"
        typer.echo(
            f"{r.reference:<16} v{r.latest_version} {r.latest_status:<13} {current:<15} "
            f"{r.title_zh}  {r.title_en}"
        )


@app.command("show")
def show_command(reference: str, as_json: JSON = False) -> None:
    """An agreement's versions with their dates, signatures and sharing rules."""
    with cli_session() as session:
        out = agreement_out(service.get_by_reference(session, reference))
    if as_json:
        print_json(out.model_dump(mode="json"))
        return
    typer.echo(f"{out.reference}  {out.zone}  {out.title_zh}  {out.title_en}")
    for v in out.versions:
        typer.echo(
            f"  v{v.number} {v.status:<13} signed {v.signed_on or '-'} effective "
            f"{v.effective_on or '-'} review {v.review_on or '-'} "
            f"{'public' if v.public else 'not public'}"
        )
        for s in v.signatures:
            typer.echo(f"    signed for {s.agency} by {s.signed_by} on {s.signed_on}")
        for r in v.rules:
            subs = " +subordinates" if r.include_subordinates else ""
            typer.echo(f"    {r.data_kind:<24} {r.mode:<11} {r.handling_code}{subs}")


@app.command("sign")
def sign_command(
    reference: str,
    acting: Annotated[str, typer.Option("--as", help="The director signing (audited).")],
    version: Annotated[int | None, typer.Option(help="Version number; default: the draft.")] = None,
    agency: Annotated[str | None, typer.Option(help="Member signed for; default: yours.")] = None,
) -> None:
    """Sign a draft version for your member agency."""
    with cli_session() as session:
        actor = cli_actor(session, acting)
        agreement = service.get_by_reference(session, reference)
        target = (
            service.get_version(agreement, version)
            if version
            else service.draft_version(agreement) or service.latest_version(agreement)
        )
        service.sign(session, actor, target, agency_code=agency)
        session.commit()
        typer.echo(f"{agreement.reference} v{target.number}: {target.status.value}")


@app.command("rules")
def rules_command(
    zone: str,
    kind: Annotated[str, typer.Option("--kind", help="Kind of data, e.g. record.Person.")],
    agency: Annotated[str, typer.Option("--agency", help="The agency's code.")],
    on: Annotated[str | None, typer.Option(help="Day (YYYY-MM-DD); default today.")] = None,
    as_json: JSON = False,
) -> None:
    """How the zone shares a kind of data with an agency."""
    with cli_session() as session:
        found = zones_service.get_zone(session, zone)
        target = agencies_service.get_by_code(session, agency)
        day = date.fromisoformat(on) if on else zones_service.today()
        rule = sharing.rule_for(session, found.id, kind, target.id, on=day)
        data = {
            "zone": found.code,
            "agency": target.code,
            "on": day.isoformat(),
            "data_kind": rule.data_kind,
            "mode": rule.mode.value,
            "handling_code": rule.handling_code.value,
            "include_subordinates": rule.include_subordinates,
        }
    if as_json:
        print_json(data)
        return
    subs = ", subordinates included" if rule.include_subordinates else ""
    typer.echo(
        f"{data['zone']} {kind} for {data['agency']}: {rule.mode.value} {rule.handling_code}{subs}"
    )


@app.command("in-force-due")
def due_command() -> None:
    """Bring every signed version whose effective date has come into force now."""
    moved = service.bring_into_force_due(make_sessionmaker(default_engine(), writes=True))
    typer.echo(f"{moved} version(s) came into force")
