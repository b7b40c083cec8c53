"""`accord audit ...`: chain new events, verify the chain, ask who looked, export the key."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from accord.audit import chain, service, signing
from accord.audit.jobs import chain_and_checkpoint
from accord.core.cliutil import cli_actor, cli_session, fail, print_json
from accord.core.db import default_engine, make_sessionmaker

app = typer.Typer(
    help="The tamper-evident audit trail: chain, verify, who looked.", no_args_is_help=True
)

JSON = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


@app.command("chain")
def chain_command(as_json: JSON = False) -> None:
    """Link recorded events into the hash chain and sign the checkpoints that are due."""
    count, signed = chain_and_checkpoint(
        make_sessionmaker(default_engine(), writes=True), full=True
    )
    if as_json:
        print_json({"chained": count, "checkpoints": signed})
        return
    where = f"; signed checkpoints at {', '.join(map(str, signed))}" if signed else ""
    typer.echo(f"chained {count} events{where}")


def _trusted(paths: list[Path]) -> list[str] | None:
    if not paths:
        return None
    keys = []
    for path in paths:
        try:
            keys.append(signing.public_raw_from_pem(path.read_bytes()).hex())
        except OSError as exc:
            raise fail(f"cannot read {path}: {exc.strerror}") from exc
        except ValueError as exc:
            raise fail(f"{path} is not an Ed25519 public key in PEM") from exc
    return keys


@app.command("verify")
def verify_command(
    as_json: JSON = False,
    chain_first: Annotated[
        bool, typer.Option("--chain/--no-chain", help="Chain pending events first.")
    ] = True,
    trusted_key: Annotated[
        list[Path] | None,
        typer.Option(
            "--trusted-key",
            help="PEM public key (from export-key) that must have signed every checkpoint.",
        ),
    ] = None,
) -> None:
    """Prove the audit chain intact, or name its first break (exit status 1)."""
    trusted = _trusted(trusted_key or [])
    if chain_first:
        chain_and_checkpoint(make_sessionmaker(default_engine(), writes=True), full=True)
    with cli_session() as session:
        result = chain.verify(session, trusted_keys=trusted)
    if as_json:
        print_json(result.as_dict())
        if not result.ok:
            raise typer.Exit(1)
        return
    if not result.ok:
        raise service.AuditChainBroken(result.summary())
    typer.echo(result.summary())


@app.command("who-looked")
def who_looked_command(
    subject: Annotated[
        str, typer.Option("--subject", help="KIND:KEY, e.g. resident_id:110101199003071234")
    ],
    username: Annotated[str | None, typer.Option("--as", help="Who is asking.")] = None,
    since: Annotated[
        datetime | None, typer.Option(help="From this time (UTC unless an offset is given).")
    ] = None,
    until: Annotated[datetime | None, typer.Option(help="Before this time.")] = None,
    purpose: Annotated[str | None, typer.Option(help="Why you ask.")] = None,
    case_ref: Annotated[str | None, typer.Option("--case-ref", help="Case reference.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many looks.")] = 200,
    as_json: JSON = False,
) -> None:
    """Who looked at a person or thing, when and why (newest first). The question is audited."""
    parsed = service.parse_subject(subject)
    with cli_session() as session:
        actor = cli_actor(session, username)
        looks = service.who_looked(
            session,
            actor,
            parsed,
            since=_aware(since),
            until=_aware(until),
            limit=limit,
            purpose=purpose,
            case_ref=case_ref,
        )
        session.commit()
    if as_json:
        print_json({"subject": str(parsed), "looks": [look.as_dict() for look in looks]})
        return
    if not looks:
        typer.echo(f"nobody looked at {parsed}")
        return
    for look in looks:
        when = look.occurred_at.isoformat(timespec="seconds")
        who = f"{look.username}@{look.agency_code or '-'}"
        why = look.purpose or "-"
        case = look.case_ref or "no case"
        typer.echo(f"{when}  {who:<28} {look.action:<24} {look.outcome:<8} {case:<18} {why}")


def _aware(value: datetime | None) -> datetime | None:
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


@app.command("export-key")
def export_key_command(
    out: Annotated[str, typer.Option("--out", "-o", help="File to write; - for stdout.")] = "-",
    as_json: JSON = False,
) -> None:
    """Print the public key that signs checkpoints (made on first use), to pin elsewhere."""
    key = signing.load_or_create()
    if as_json:
        print_json(
            {"key_id": key.key_id, "public_key": key.public_raw.hex(), "pem": key.public_pem()}
        )
        return
    if out == "-":
        typer.echo(key.public_pem(), nl=False)
        typer.echo(f"key id {key.key_id}", err=True)
        return
    Path(out).write_text(key.public_pem(), encoding="ascii")
    typer.echo(f"wrote public key {key.key_id} to {out}", err=True)
